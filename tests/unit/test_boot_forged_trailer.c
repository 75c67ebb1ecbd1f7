/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What an uploader's own trailer can make the bootloader do (issue 11). The image group refuses
 * any upload that reaches the trailer (test_img_mgmt.c), so an uploader cannot write one; here the
 * bootloader is put to the test as if one could. For every mode, downgrade prevention on and off,
 * every primary an upload can meet (and the two that back a revert mark), every kind of image
 * (older, newer, badly signed, unsigned) and every secondary trailer (magic, image_ok, copy_done,
 * swap_info: each state it can decode to), the secondary slot is written whole, image and trailer,
 * and the device is booted three times without a confirm. The invariants:
 *
 *   - every boot succeeds, and every booted image validates with the trusted key;
 *   - no image older than the running one boots with downgrade prevention on (nor ever in
 *     direct-XIP), unless a revert the primary backs brings it. A primary without any trailer
 *     backs swap-using-move's REVERT mark: it is byte for byte the middle of a revert's trailer
 *     rewrite. There only the image group's limit keeps an uploader from writing the mark;
 *     everywhere else the bootloader refuses it on its own;
 *   - the running, confirmed image is never lost for a new one without a request the application
 *     could have made: a permanent one (magic and image_ok), or any in overwrite-only (which knows
 *     no test), or none in direct-XIP without revert (where the higher version simply wins). A new
 *     image that runs on trial is gone at the next boot, and the confirmed one is back, intact.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"
#include "util.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = bfx_test_key();
	return 1;
}

#define PAGE 0x1000
#define SLOT_PAGES 8
#define SLOT_SIZE (SLOT_PAGES * PAGE)
#define PAYLOAD 4000
#define A SMPDFU_BOOT_MAX_ALIGN

static struct boot_fixture f;
static uint8_t running[PAYLOAD + BFX_SIGNED_OVERHEAD]; /* 2.0.0: the primary's image */
static size_t running_len;
static uint8_t slot_bytes[SLOT_SIZE]; /* what the uploader writes: image, padding, trailer */

/* -------------------------------------------------------------------------------------------- */
/* The uploaded images. */

struct upload_image {
	const char *name;
	uint8_t major;
	bool is_signed;
	bool bad_signature;
};

static const struct upload_image images[] = {
	{ "older", 1, true, false },
	{ "newer", 3, true, false },
	{ "newer-bad-signature", 3, true, true },
	{ "newer-unsigned", 3, false, false },
};

#define IMAGE_COUNT (ARRAY_SIZE(images))

static size_t make_upload(const struct upload_image *im, uint8_t *out)
{
	size_t len = im->is_signed ? bfx_make_signed_image(out, SLOT_SIZE, im->major, 0, 0,
							   PAYLOAD, im->major, 0, 0)
				   : bfx_make_image(out, SLOT_SIZE, im->major, 0, 0, PAYLOAD,
						    im->major, 0, 0);

	if (im->bad_signature) {
		out[len - 1] ^= 0x01;
	}
	return len;
}

/* -------------------------------------------------------------------------------------------- */
/* The uploaded trailers: each field in each state it decodes to. */

enum { MAGIC_UNSET, MAGIC_GOOD, MAGIC_BAD, MAGIC_STATES };
enum { FLAG_UNSET, FLAG_SET, FLAG_BAD, FLAG_STATES };
/* swap_info bytes: erased, NONE, TEST, PERM, REVERT, an unknown type, image 1's REVERT. */
static const uint8_t swap_infos[] = { 0xff, 0x01, 0x02, 0x03, 0x04, 0x07, 0x14 };
#define SWAP_INFO_COUNT (ARRAY_SIZE(swap_infos))

struct forged {
	int magic;
	int image_ok;
	int copy_done;
	uint8_t swap_info;
};

static uint8_t flag_byte(int state)
{
	return state == FLAG_SET ? 0x01 : state == FLAG_BAD ? 0x7f : 0xff;
}

/* The trailer at the end of slot_bytes, as imgtool would lay it out (one cell per field). */
static void put_trailer(const struct forged *t)
{
	uint8_t magic[SMPDFU_BOOT_MAGIC_SZ];

	memset(slot_bytes + SLOT_SIZE - smpdfu_boot_trailer_info_size(A), 0xff,
	       smpdfu_boot_trailer_info_size(A));
	smpdfu_boot_trailer_magic(A, magic);
	if (t->magic == MAGIC_BAD) {
		magic[5] ^= 0x40;
	}
	if (t->magic != MAGIC_UNSET) {
		memcpy(slot_bytes + smpdfu_boot_magic_off(SLOT_SIZE), magic, SMPDFU_BOOT_MAGIC_SZ);
	}
	slot_bytes[smpdfu_boot_image_ok_off(SLOT_SIZE)] = flag_byte(t->image_ok);
	slot_bytes[smpdfu_boot_copy_done_off(SLOT_SIZE)] = flag_byte(t->copy_done);
	slot_bytes[smpdfu_boot_swap_info_off(SLOT_SIZE)] = t->swap_info;
}

/* What the application itself could have written there: a permanent request. */
static bool is_perm_request(const struct forged *t)
{
	return t->magic == MAGIC_GOOD && t->image_ok == FLAG_SET;
}

/* Any request (test or permanent) as the table reads it. */
static bool is_request(const struct forged *t)
{
	return t->magic == MAGIC_GOOD && t->image_ok != FLAG_BAD;
}

/* -------------------------------------------------------------------------------------------- */
/* The primaries. */

struct primary {
	const char *name;
	/* The running image is confirmed (no revert pending): what an upload normally meets. */
	bool confirmed;
	/*
	 * It backs swap-using-move's REVERT mark: it asks for a revert, records one, or has no
	 * trailer at all, which is byte for byte the middle of a revert's trailer rewrite.
	 */
	bool backs_mark;
	void (*write)(void);
};

static void prog_flag(uint32_t off)
{
	const uint8_t cell[4] = { 0x01, 0xff, 0xff, 0xff };

	assert_int_equal(smpdfu_flash_area_program(f.pri, off, cell, sizeof(cell)), 0);
}

static void pri_factory(void)
{
}

static void pri_padded(void)
{
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, A), 0);
}

static void pri_finished(uint8_t swap_type, bool image_ok)
{
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.pri, A, swap_type, 0), 0);
	if (image_ok) {
		prog_flag(smpdfu_boot_image_ok_off(SLOT_SIZE));
	}
	assert_int_equal(smpdfu_boot_trailer_write_swap_size(f.pri, A, (uint32_t)running_len), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, A), 0);
	prog_flag(smpdfu_boot_copy_done_off(SLOT_SIZE));
}

static void pri_confirmed(void)
{
	pri_finished(SMPDFU_BOOT_SWAP_TYPE_PERM, true);
}

static void pri_reverted(void)
{
	pri_finished(SMPDFU_BOOT_SWAP_TYPE_REVERT, true);
}

/* After a test swap, not confirmed: a revert is due (the primary backs a REVERT mark). */
static void pri_revert_due(void)
{
	pri_finished(SMPDFU_BOOT_SWAP_TYPE_TEST, false);
}

/* A revert recorded in the primary, not begun (it backs a REVERT mark too). */
static void pri_revert_recorded(void)
{
	assert_int_equal(
		smpdfu_boot_trailer_write_swap_info(f.pri, A, SMPDFU_BOOT_SWAP_TYPE_REVERT, 0), 0);
	prog_flag(smpdfu_boot_image_ok_off(SLOT_SIZE));
	assert_int_equal(smpdfu_boot_trailer_write_swap_size(f.pri, A, (uint32_t)running_len), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, A), 0);
}

static const struct primary primaries[] = {
	{ "factory", true, true, pri_factory },
	{ "padded", true, false, pri_padded },
	{ "confirmed", true, false, pri_confirmed },
	{ "reverted", true, false, pri_reverted },
	{ "revert-due", false, true, pri_revert_due },
	{ "revert-recorded", false, true, pri_revert_recorded },
};

#define PRIMARY_COUNT (ARRAY_SIZE(primaries))

/* The primaries that matter to a mode (direct-XIP with revert erases a slot without a magic). */
static bool primary_applies(enum boot_mode mode, const struct primary *p)
{
	switch (mode) {
	case BOOT_MODE_SWAP_MOVE:
	case BOOT_MODE_SWAP_SCRATCH:
		return true;
	case BOOT_MODE_DIRECT_XIP_REVERT:
		return p->write == pri_confirmed;
	default:
		return p->confirmed;
	}
}

/* -------------------------------------------------------------------------------------------- */

static char case_id[160];
static bool no_downgrade;
/* SMPDFU_SWEEP=quick (the sanitizer and variant builds): a quarter of the trailers. */
static bool quick;

#define CASE_FAIL(...)                                                                             \
	do {                                                                                       \
		print_message("FAIL %s: ", case_id);                                               \
		print_message(__VA_ARGS__);                                                        \
		print_message("\n");                                                               \
		fail();                                                                            \
	} while (0)

static int boot(enum boot_mode mode, struct smpdfu_boot_rsp *rsp)
{
	static struct smpdfu_boot_loader bl;

	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	bl.no_downgrade = no_downgrade;
	memset(rsp, 0, sizeof(*rsp));
	return smpdfu_boot_go_loader(&bl, mode, rsp);
}

static const char *mode_name(enum boot_mode m)
{
	static const char *const names[] = { "swap-move", "swap-scratch", "overwrite",
					     "direct-xip", "direct-xip-revert" };

	return names[m];
}

static bool is_xip(enum boot_mode m)
{
	return m == BOOT_MODE_DIRECT_XIP || m == BOOT_MODE_DIRECT_XIP_REVERT;
}

/* The running image, intact, boots (from slot 0). */
static bool is_running_image(const struct smpdfu_boot_rsp *rsp)
{
	return rsp->slot == 0 && rsp->hdr.ver.major == 2 &&
	       bfx_slot_starts_with(&f, f.pri, running, running_len);
}

/*
 * A permanent switch to the uploaded image is allowed only on a request the application could
 * have made in that mode.
 */
static bool may_replace(enum boot_mode mode, const struct forged *t)
{
	switch (mode) {
	case BOOT_MODE_OVERWRITE_ONLY:
		return is_request(t);
	case BOOT_MODE_DIRECT_XIP:
		return true;
	default:
		return is_perm_request(t);
	}
}

/*
 * An older image may come in only through a revert that the primary backs: one it asks for or
 * records itself (the uploader never meets such a primary: the secondary holds the image to go
 * back to, and the image group refuses to upload over it), or a REVERT mark on a
 * permanent-looking secondary (swap-using-move's fixup) that the primary backs.
 */
static bool may_revert_to_older(enum boot_mode mode, const struct primary *p,
				const struct forged *t)
{
	bool marked = mode == BOOT_MODE_SWAP_MOVE && t->swap_info == 0x04 && is_perm_request(t);

	return !p->confirmed || (p->backs_mark && marked);
}

static void check_case(enum boot_mode mode, const struct primary *p, const struct forged *t)
{
	struct smpdfu_boot_rsp rsp[3];

	for (int b = 0; b < 3; b++) {
		struct smpdfu_image_validation v;
		int rc = boot(mode, &rsp[b]);

		if (rc != 0) {
			CASE_FAIL("boot %d failed (%d)", b + 1, rc);
		}
		if (smpdfu_image_validate(rsp[b].slot == 0 ? f.pri : f.sec, bfx_test_key(), 1,
					  &v) != 0 ||
		    v.hdr.ver.major != rsp[b].hdr.ver.major) {
			CASE_FAIL("boot %d runs an image that fails the key", b + 1);
		}
		if (rsp[b].hdr.ver.major < 2 && (no_downgrade || is_xip(mode)) &&
		    !may_revert_to_older(mode, p, t)) {
			CASE_FAIL("boot %d runs the older image (version %u)", b + 1,
				  rsp[b].hdr.ver.major);
		}
	}
	if (!p->confirmed) {
		return; /* a revert is pending: the secondary was never the uploader's to write */
	}
	/* Without a permanent request, a new image is on trial: the next boot brings ours back. */
	if (!may_replace(mode, t) && (!is_running_image(&rsp[1]) || !is_running_image(&rsp[2]))) {
		CASE_FAIL("the running image lost without a permanent request (boots %u, %u, %u)",
			  rsp[0].hdr.ver.major, rsp[1].hdr.ver.major, rsp[2].hdr.ver.major);
	}
	if (f.flash.count.violations != 0) {
		CASE_FAIL("NOR violations");
	}
}

/* Every image, downgrade setting and trailer against one primary (the fixture's snapshot). */
static unsigned long run_mode_primary(enum boot_mode mode, const struct primary *p)
{
	static uint8_t image[SLOT_SIZE];
	unsigned long cases = 0;

	for (size_t k = 0; k < IMAGE_COUNT; k++) {
		size_t len = make_upload(&images[k], image);

		memset(slot_bytes, 0xff, sizeof(slot_bytes));
		memcpy(slot_bytes, image, len);
		for (int nd = 0; nd < 2; nd++) {
			no_downgrade = nd;
			for (int n = 0; n < MAGIC_STATES * FLAG_STATES * FLAG_STATES *
						    (int)SWAP_INFO_COUNT;
			     n++) {
				if (quick && (n + (int)k + nd) % 4 != 0) {
					continue;
				}
				struct forged t = {
					.magic = n % MAGIC_STATES,
					.image_ok = n / MAGIC_STATES % FLAG_STATES,
					.copy_done = n / (MAGIC_STATES * FLAG_STATES) % FLAG_STATES,
					.swap_info = swap_infos[n / (MAGIC_STATES * FLAG_STATES *
								     FLAG_STATES)],
				};

				snprintf(case_id, sizeof(case_id),
					 "%s/%s/%s/%s/magic%d-image_ok%d-copy_done%d-swap_info%02x",
					 mode_name(mode), nd ? "no-downgrade" : "downgrade-allowed",
					 p->name, images[k].name, t.magic, t.image_ok, t.copy_done,
					 t.swap_info);
				put_trailer(&t);
				bfx_restore(&f);
				bfx_load(&f, f.sec, slot_bytes, SLOT_SIZE);
				check_case(mode, p, &t);
				cases++;
			}
		}
	}
	return cases;
}

/* The running image in the primary with that trailer, the secondary erased. */
static void prepare_primary(const struct primary *p)
{
	bfx_load(&f, f.pri, running, running_len);
	assert_int_equal(smpdfu_flash_area_erase(f.sec, 0, SLOT_SIZE), 0);
	if (f.scratch != NULL) {
		assert_int_equal(smpdfu_flash_area_erase(f.scratch, 0, f.scratch->size), 0);
	}
	p->write();
}

static void test_forged_trailers(void **state)
{
	const struct boot_geom g = { .page = PAGE, .write_block = 4, .pri_pages = SLOT_PAGES,
				     .sec_pages = SLOT_PAGES, .scratch_pages = 2 };
	unsigned long total = 0;

	(void)state;
	bfx_open(&f, &g);
	running_len = bfx_make_signed_image(running, sizeof(running), 2, 0, 0, PAYLOAD, 2, 0, 0);
	for (int mode = 0; mode <= BOOT_MODE_DIRECT_XIP_REVERT; mode++) {
		unsigned long cases = 0;

		/* Each mode's limit keeps uploads off the trailer the test writes. */
		assert_true(smpdfu_boot_mode_max_image_size(mode, SLOT_SIZE, SLOT_SIZE, 2 * PAGE,
							    PAGE, A, CONFIG_BOOT_MAX_IMG_SECTORS,
							    4) <=
			    smpdfu_boot_swap_info_off(SLOT_SIZE));
		for (size_t pi = 0; pi < PRIMARY_COUNT; pi++) {
			if (!primary_applies((enum boot_mode)mode, &primaries[pi])) {
				continue;
			}
			prepare_primary(&primaries[pi]);
			bfx_snapshot(&f);
			cases += run_mode_primary((enum boot_mode)mode, &primaries[pi]);
		}
		print_message("[ FORGED   ] %s: %lu cases\n", mode_name((enum boot_mode)mode),
			      cases);
		total += cases;
	}
	print_message("[ FORGED   ] total: %lu cases, 0 failures%s\n", total,
		      quick ? " (quick: a quarter of the trailers)" : "");
	bfx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forged_trailers),
	};
	const char *sweep = getenv("SMPDFU_SWEEP");

	quick = sweep != NULL && strcmp(sweep, "quick") == 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
