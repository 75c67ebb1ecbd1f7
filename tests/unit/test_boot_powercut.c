/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Power-cut sweeps of the bootloader (the reference's §6, plus torn operations of every shape the
 * flash simulator models): for each mode and flow, with downgrade prevention on and off, the
 * operations of an uninterrupted run are counted and their kinds traced; then for every shape and
 * every index i of an operation that shape can hit, the power is cut at operation i (cleanly, or
 * tearing it in that shape), the device is powered on and booted again, and the invariants are
 * checked: exactly the old or the new image set as MCUboot's rules say, the trailers of the
 * lifecycle table, a booted image that validates with the trusted key, no NOR violation, and a
 * boot after that which does no flash operation. Each recovery boot is itself cut once more, in
 * the same shape, at an operation derived from i. Every failure names its case:
 * geometry/mode/flow/downgrade/shape/i[/j]. Geometries with a scratch area run the
 * swap-using-scratch flows, the others every other mode's. Images are signed, and the bootloader
 * trusts the key.
 *
 * The same flows run under flash faults too: every program and erase of the action fails once
 * (clean, or torn in the default shape) and a sample of its reads, the power staying on. A failed
 * program or erase must fail the action; the request is made again (a boot is the reset), and the
 * device must boot what the run without faults boots, or, where a torn trailer cell cannot be
 * written again, what the flow's end state allows.
 *
 * SMPDFU_SWEEP=full cuts each recovery boot at every one of its operations of the shape's kind
 * too and adds larger geometries (one recovery cut per i there): a benchmark of some minutes.
 * SMPDFU_SWEEP=quick (the sanitizer and variant builds) takes a quarter of the cut points, with
 * downgrade prevention on only. SMPDFU_SWEEP_KEEP_GOING=1 counts failures per shape and goes on.
 * SMPDFU_SWEEP_VERBOSE=1 prints one line per sweep; SMPDFU_SWEEP_TRACE=<id> logs one case;
 * SMPDFU_SWEEP_ONLY=<pattern> runs the tests whose names match (cmocka's * and ?).
 */
#define _POSIX_C_SOURCE 200809L /* setenv */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/flash.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"
#include "util.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = bfx_test_key();
	return 1;
}

struct geo {
	const char *name;
	struct boot_geom g;
	uint32_t align;
	size_t old_len;
	size_t new_len;
	bool sampled; /* one recovery cut per i even in the full sweep (too many otherwise) */
};

/* The world a sweep runs in. */
static struct boot_fixture f;
static const struct geo *geo;
static uint8_t *img_old;
static uint8_t *img_new;
static size_t old_len;
static size_t new_len;
static uint8_t *snap;      /* before the interrupted action */
static uint8_t *mid;       /* after the first cut */
static bool no_downgrade;
static bool full;
static bool quick; /* SMPDFU_SWEEP=quick: a quarter of the cut points, downgrade prevention on */
static bool verbose;
static char fail_id[200];
static unsigned long total_points;
static unsigned long total_faults;

/* -------------------------------------------------------------------------------------------- */

static void save(uint8_t *buf)
{
	flash_sim_save(&f.flash, buf);
}

static void load(const uint8_t *buf)
{
	flash_sim_restore(&f.flash, buf);
	flash_sim_power_on(&f.flash);
	flash_sim_fail(&f.flash, &(struct flash_sim_fault){ 0 });
	memset(&f.flash.count, 0, sizeof(f.flash.count));
}

static int boot_mode(enum boot_mode mode, struct smpdfu_boot_rsp *rsp)
{
	static struct smpdfu_boot_loader bl;
	int rc = smpdfu_boot_loader_init(&bl);

	if (rc < 0) {
		return rc;
	}
	bl.align = geo->align;
	bl.no_downgrade = no_downgrade;
	memset(rsp, 0, sizeof(*rsp));
	return smpdfu_boot_go_loader(&bl, mode, rsp);
}

static const char *mode_name(enum boot_mode m)
{
	switch (m) {
	case BOOT_MODE_SWAP_MOVE:
		return "swap-move";
	case BOOT_MODE_SWAP_SCRATCH:
		return "swap-scratch";
	case BOOT_MODE_OVERWRITE_ONLY:
		return "overwrite";
	case BOOT_MODE_DIRECT_XIP:
		return "direct-xip";
	case BOOT_MODE_DIRECT_XIP_REVERT:
		return "direct-xip-revert";
	default:
		return "?";
	}
}

static bool is_swap(enum boot_mode m)
{
	return m == BOOT_MODE_SWAP_MOVE || m == BOOT_MODE_SWAP_SCRATCH;
}

static bool is_xip(enum boot_mode m)
{
	return m == BOOT_MODE_DIRECT_XIP || m == BOOT_MODE_DIRECT_XIP_REVERT;
}

/* -------------------------------------------------------------------------------------------- */
/* Trailer writes of the application with the sweep's alignment (the app API uses Kconfig's). */

static void request(const struct smpdfu_flash_area *fa, bool permanent)
{
	if (permanent) {
		assert_int_equal(smpdfu_boot_trailer_write_image_ok(fa, geo->align), 0);
	}
	assert_int_equal(smpdfu_boot_trailer_write_magic(fa, geo->align), 0);
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(fa, geo->align,
							     permanent ? SMPDFU_BOOT_SWAP_TYPE_PERM
								       : SMPDFU_BOOT_SWAP_TYPE_TEST,
							     0),
			 0);
}

static struct smpdfu_boot_swap_state trailer(const struct smpdfu_flash_area *fa)
{
	struct smpdfu_boot_swap_state st;

	assert_int_equal(smpdfu_boot_trailer_read(fa, geo->align, &st), 0);
	return st;
}

static uint32_t trailer_size(void)
{
	return smpdfu_boot_trailer_size(geo->align, CONFIG_BOOT_MAX_IMG_SECTORS,
					geo->g.write_block);
}

static bool has(const struct smpdfu_flash_area *fa, const uint8_t *img, size_t len)
{
	return bfx_slot_starts_with(&f, fa, img, len);
}

static bool trailer_erased(const struct smpdfu_flash_area *fa)
{
	uint32_t t = trailer_size();

	return smpdfu_flash_area_is_erased(fa, fa->size - t, t);
}

/*
 * No image there any more: its header fails MCUboot's header checks (a torn erase of a scrubbed
 * slot may leave other bytes, but nothing that a bootloader would take for an image).
 */
static bool image_gone(const struct smpdfu_flash_area *fa)
{
	struct smpdfu_image_header hdr;

	return smpdfu_boot_read_checked_header(fa, &hdr) < 0;
}

/* The slot's trailer asks for nothing (its magic is not GOOD) and it holds no image. */
static bool emptied(const struct smpdfu_flash_area *fa)
{
	return image_gone(fa) && trailer(fa).magic != SMPDFU_BOOT_MAGIC_GOOD;
}

/*
 * A flag as the lifecycle table wants it. SET also accepts BAD: only 0x01 is ever written to a
 * flag, so BAD is a torn write of it, and the bootloader reads it as written where it matters.
 */
static bool flag_is(int have, int want)
{
	return have == want || (want == SMPDFU_BOOT_FLAG_SET && have == SMPDFU_BOOT_FLAG_BAD);
}

static bool state_is(const struct smpdfu_flash_area *fa, int magic, int ok, int cd)
{
	struct smpdfu_boot_swap_state st = trailer(fa);

	return (int)st.magic == magic && flag_is(st.image_ok, ok) && flag_is(st.copy_done, cd);
}

/* -------------------------------------------------------------------------------------------- */
/* End states (the lifecycle table). Each returns NULL or what is wrong. */

static const char *end_after_test_swap(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2) {
		return "did not boot the new image";
	}
	if (!has(f.pri, img_new, new_len) || !has(f.sec, img_old, old_len)) {
		return "slots do not hold {new, old}";
	}
	if (!state_is(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET,
		      SMPDFU_BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/UNSET/SET";
	}
	if (!trailer_erased(f.sec)) {
		return "secondary trailer not erased";
	}
	/* Whatever the flags look like, the bootloader must read a due revert from them. */
	{
		struct smpdfu_boot_swap_state p = trailer(f.pri);
		struct smpdfu_boot_swap_state s = trailer(f.sec);

		if (smpdfu_boot_swap_type_decide(&p, &s) != SMPDFU_BOOT_SWAP_TYPE_REVERT) {
			return "no revert due after a test swap";
		}
	}
	return NULL;
}

static const char *end_after_perm_swap(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2) {
		return "did not boot the new image";
	}
	if (!has(f.pri, img_new, new_len) || !has(f.sec, img_old, old_len)) {
		return "slots do not hold {new, old}";
	}
	if (!state_is(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/SET/SET";
	}
	return trailer_erased(f.sec) ? NULL : "secondary trailer not erased";
}

static const char *end_after_revert(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1) {
		return "did not boot the old image";
	}
	if (!has(f.pri, img_old, old_len) || !has(f.sec, img_new, new_len)) {
		return "slots do not hold {old, new}";
	}
	if (!state_is(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/SET/SET";
	}
	if (trailer(f.pri).swap_type != SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		return "primary swap_info is not REVERT";
	}
	return trailer_erased(f.sec) ? NULL : "secondary trailer not erased";
}

/* Nothing happened: the old image in the primary, byte for byte as before the action. */
static const char *end_unchanged(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
		return "the old image is not booted from an intact primary";
	}
	return NULL;
}

static const char *end_request_test(const struct smpdfu_boot_rsp *rsp)
{
	/* Either the request did not take (no swap) or it is a test swap; never permanent. */
	if (rsp->hdr.ver.major == 1) {
		return end_unchanged(rsp);
	}
	return end_after_test_swap(rsp);
}

static const char *end_request_perm(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->hdr.ver.major == 1) {
		return end_unchanged(rsp);
	}
	return end_after_perm_swap(rsp);
}

/* The app confirmed after a test swap: either it took (new stays) or the revert brings old. */
static const char *end_confirm(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->hdr.ver.major == 2) {
		return state_is(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET,
				SMPDFU_BOOT_FLAG_SET) &&
				       has(f.pri, img_new, new_len)
			       ? NULL
			       : "confirmed image without GOOD/SET/SET";
	}
	return end_after_revert(rsp);
}

static const char *end_invalid_scrubbed(const struct smpdfu_boot_rsp *rsp)
{
	const char *e = end_unchanged(rsp);

	if (e != NULL) {
		return e;
	}
	if (!emptied(f.sec)) {
		return "invalid secondary not scrubbed";
	}
	return NULL;
}

static const char *end_overwrite(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2 || !has(f.pri, img_new, new_len)) {
		return "the new image is not booted from the primary";
	}
	if (trailer(f.pri).magic != SMPDFU_BOOT_MAGIC_GOOD) {
		return "primary magic not GOOD";
	}
	if (!emptied(f.sec)) {
		return "secondary image or request left";
	}
	return NULL;
}

/*
 * Overwrite of an older image: with downgrade prevention the primary keeps the newer image,
 * untouched, and the older one is scrubbed; without, the older one is copied like any other.
 */
static const char *end_downgrade(const struct smpdfu_boot_rsp *rsp)
{
	if (!no_downgrade) {
		if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
			return "the older image was not copied (no downgrade prevention)";
		}
	} else if (rsp->slot != 0 || rsp->hdr.ver.major != 2 || !has(f.pri, img_new, new_len)) {
		return "the running image was replaced";
	}
	if (!emptied(f.sec)) {
		return "older secondary not scrubbed or consumed";
	}
	return NULL;
}

/* Overwrite after an app request: not taken (the old image intact) or copied. */
static const char *end_overwrite_request(const struct smpdfu_boot_rsp *rsp)
{
	return rsp->hdr.ver.major == 1 ? end_unchanged(rsp) : end_overwrite(rsp);
}

/* The app confirmed an overwritten image: its image_ok is written, or not, nothing else moves. */
static const char *end_overwrite_confirm(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2 || !has(f.pri, img_new, new_len)) {
		return "the overwritten image is not booted";
	}
	return trailer(f.pri).magic == SMPDFU_BOOT_MAGIC_GOOD ? NULL : "primary magic is not GOOD";
}

static const char *end_xip_slot0(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
		return "slot 0 with the old image not booted";
	}
	return image_gone(f.sec) ? NULL : "slot 1 still holds an image";
}

static const char *end_xip_test_selected(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot != 1 || rsp->hdr.ver.major != 2) {
		return "the tested slot 1 did not boot";
	}
	return state_is(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET, SMPDFU_BOOT_FLAG_SET)
		       ? NULL
		       : "slot 1 trailer is not GOOD/UNSET/SET";
}

/* Direct-XIP: the uploaded, higher version boots from slot 1, or slot 0 when it is not whole. */
static const char *end_xip_upload(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot == 1) {
		return rsp->hdr.ver.major == 2 && has(f.sec, img_new, new_len)
			       ? NULL
			       : "slot 1 booted without the whole new image";
	}
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
		return "slot 0 with the old image not booted";
	}
	return NULL;
}

/* Direct-XIP with revert after an upload and a test request: slot 1 on trial, or slot 0. */
static const char *end_xip_test_request(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot == 1) {
		return end_xip_test_selected(rsp);
	}
	return end_xip_upload(rsp);
}

/* Direct-XIP with revert after a permanent request: slot 1 confirmed, or slot 0. */
static const char *end_xip_perm(const struct smpdfu_boot_rsp *rsp)
{
	bool confirmed =
		state_is(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);

	if (rsp->slot == 1) {
		if (rsp->hdr.ver.major != 2 || !confirmed) {
			return "slot 1 booted without a permanent request";
		}
		return NULL;
	}
	return end_xip_upload(rsp);
}

static const char *end_xip_confirm(const struct smpdfu_boot_rsp *rsp)
{
	if (rsp->slot == 1) {
		bool ok = rsp->hdr.ver.major == 2 &&
			  state_is(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET,
				   SMPDFU_BOOT_FLAG_SET);

		return ok ? NULL : "slot 1 kept without being confirmed";
	}
	return end_xip_slot0(rsp);
}

/* -------------------------------------------------------------------------------------------- */
/* Flows: how the flash is prepared, the action a cut interrupts, and the end state. */

struct flow {
	const char *name;
	enum boot_mode mode;
	bool app_api; /* runs the app API, which has Kconfig's alignment */
	void (*prepare)(void);
	int (*action)(void);
	const char *(*end)(const struct smpdfu_boot_rsp *rsp);
};

static enum boot_mode cur_mode;
static struct smpdfu_boot_rsp action_rsp;

static int action_boot(void)
{
	return boot_mode(cur_mode, &action_rsp);
}

static void load_images(const uint8_t *p, size_t pl, const uint8_t *s, size_t sl)
{
	bfx_load(&f, f.pri, p, pl);
	bfx_load(&f, f.sec, s, sl);
}

static void boot_clean(enum boot_mode mode)
{
	struct smpdfu_boot_rsp rsp;

	assert_int_equal(boot_mode(mode, &rsp), 0);
}

static void prep_test(void)
{
	load_images(img_old, old_len, img_new, new_len);
	request(f.sec, false);
}

static void prep_perm(void)
{
	load_images(img_old, old_len, img_new, new_len);
	request(f.sec, true);
}

static void prep_after_test_swap(void)
{
	prep_test();
	boot_clean(cur_mode);
}

/*
 * A device's second update: its first one (to an image of the same version, which MCUboot
 * accepts) swapped in and confirmed, so the primary carries the trailer a bootloader and an
 * application wrote; then the new image uploaded to slot 1 (written over the old one) and
 * requested. The end states are the first update's.
 */
static void prep_second_update(bool permanent)
{
	struct smpdfu_boot_swap_state pri;

	load_images(img_old, old_len, img_old, old_len);
	request(f.sec, false);
	boot_clean(cur_mode);
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.pri, geo->align), 0);
	pri = trailer(f.pri);
	assert_int_equal(pri.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(pri.image_ok, SMPDFU_BOOT_FLAG_SET);
	bfx_load(&f, f.sec, img_new, new_len);
	request(f.sec, permanent);
}

static void prep_second_test(void)
{
	prep_second_update(false);
}

static void prep_second_perm(void)
{
	prep_second_update(true);
}

static void prep_second_after_test_swap(void)
{
	prep_second_test();
	boot_clean(cur_mode);
}

static void prep_uploaded(void)
{
	load_images(img_old, old_len, img_new, new_len);
}

/* Slot 1 still holds an earlier update: the new upload is written over it. */
static void prep_before_upload(void)
{
	load_images(img_old, old_len, img_old, old_len);
}

/* The upload's signature no longer verifies (its last byte is the signature's). */
static void prep_invalid_perm(void)
{
	img_new[new_len - 1] ^= 0x10;
	load_images(img_old, old_len, img_new, new_len);
	img_new[new_len - 1] ^= 0x10;
	request(f.sec, true);
}

static void prep_downgrade(void)
{
	load_images(img_new, new_len, img_old, old_len);
	request(f.sec, true);
}

static void prep_xip_invalid(void)
{
	img_new[new_len - 1] ^= 0x10;
	load_images(img_old, old_len, img_new, new_len);
	img_new[new_len - 1] ^= 0x10;
}

/* The factory image confirmed (imgtool --confirm): direct-XIP with revert needs its magic. */
static void confirm_factory_image(void)
{
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.pri, geo->align), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, geo->align), 0);
}

static void prep_xip_test(void)
{
	load_images(img_old, old_len, img_new, new_len);
	confirm_factory_image();
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, geo->align), 0);
}

static void prep_xip_after_first_boot(void)
{
	prep_xip_test();
	boot_clean(BOOT_MODE_DIRECT_XIP_REVERT);
}

static void prep_xip_uploaded(void)
{
	prep_uploaded();
	confirm_factory_image();
}

static void prep_xip_before_upload(void)
{
	prep_before_upload();
	confirm_factory_image();
}

static void prep_xip_revert_invalid(void)
{
	prep_xip_invalid();
	confirm_factory_image();
}

static void prep_after_overwrite(void)
{
	prep_test();
	boot_clean(BOOT_MODE_OVERWRITE_ONLY);
}

static int action_request_test(void)
{
	return smpdfu_boot_request_upgrade(false);
}

static int action_request_perm(void)
{
	return smpdfu_boot_request_upgrade(true);
}

/*
 * An upload as the image group writes it: the old trailer's page erased first, the image streamed
 * in (each page erased just before its first byte), flushed.
 */
static int upload(void)
{
	const uint32_t page = f.sec->dev->page_size;
	const uint32_t last = f.sec->size - page;
	struct stream_writer sw;
	int rc;

	if (!smpdfu_flash_area_is_erased(f.sec, last, page)) {
		rc = smpdfu_flash_area_erase(f.sec, last, page);
		if (rc < 0) {
			return rc;
		}
	}
	rc = smpdfu_stream_writer_open(&sw, f.sec);
	if (rc == 0) {
		rc = smpdfu_stream_writer_write(&sw, img_new, new_len);
	}
	return rc < 0 ? rc : smpdfu_stream_writer_flush(&sw);
}

/* The upload, then the test request (the next boot tries the image). */
static int action_upload_and_request(void)
{
	int rc = upload();

	return rc < 0 ? rc : smpdfu_boot_request_upgrade(false);
}

/* Direct-XIP with revert: the upload, then slot 1 marked for a test. */
static int action_upload_and_set_next(void)
{
	int rc = upload();

	return rc < 0 ? rc : smpdfu_boot_set_next_direct_xip(1, false);
}

static int action_confirm(void)
{
	smpdfu_boot_set_running_slot(0);
	return smpdfu_boot_write_img_confirmed();
}

static int action_xip_confirm(void)
{
	smpdfu_boot_set_running_slot(1);
	return smpdfu_boot_set_next_direct_xip(1, true);
}

static int action_xip_perm(void)
{
	return smpdfu_boot_set_next_direct_xip(1, true);
}

#define SWAP_FLOWS(mode)                                                                           \
	{ "upload", mode, true, prep_before_upload, action_upload_and_request,                     \
	  end_request_test },                                                                      \
	{ "request-test", mode, true, prep_uploaded, action_request_test, end_request_test },      \
	{ "request-perm", mode, true, prep_uploaded, action_request_perm, end_request_perm },      \
	{ "test", mode, false, prep_test, action_boot, end_after_test_swap },                      \
	{ "perm", mode, false, prep_perm, action_boot, end_after_perm_swap },                      \
	{ "confirm", mode, true, prep_after_test_swap, action_confirm, end_confirm },              \
	{ "revert", mode, false, prep_after_test_swap, action_boot, end_after_revert },            \
	{ "second-test", mode, false, prep_second_test, action_boot, end_after_test_swap },        \
	{ "second-perm", mode, false, prep_second_perm, action_boot, end_after_perm_swap },        \
	{ "second-revert", mode, false, prep_second_after_test_swap, action_boot,                  \
	  end_after_revert },                                                                      \
	{ "invalid-secondary", mode, false, prep_invalid_perm, action_boot, end_invalid_scrubbed }

static const struct flow flows[] = {
	SWAP_FLOWS(BOOT_MODE_SWAP_MOVE),
	SWAP_FLOWS(BOOT_MODE_SWAP_SCRATCH),
	{ "upload", BOOT_MODE_OVERWRITE_ONLY, true, prep_before_upload, action_upload_and_request,
	  end_overwrite_request },
	{ "request-perm", BOOT_MODE_OVERWRITE_ONLY, true, prep_uploaded, action_request_perm,
	  end_overwrite_request },
	{ "test", BOOT_MODE_OVERWRITE_ONLY, false, prep_test, action_boot, end_overwrite },
	{ "second-test", BOOT_MODE_OVERWRITE_ONLY, false, prep_second_test, action_boot,
	  end_overwrite },
	{ "perm", BOOT_MODE_OVERWRITE_ONLY, false, prep_perm, action_boot, end_overwrite },
	{ "confirm", BOOT_MODE_OVERWRITE_ONLY, true, prep_after_overwrite, action_confirm,
	  end_overwrite_confirm },
	{ "downgrade", BOOT_MODE_OVERWRITE_ONLY, false, prep_downgrade, action_boot,
	  end_downgrade },
	{ "invalid-secondary", BOOT_MODE_OVERWRITE_ONLY, false, prep_invalid_perm, action_boot,
	  end_invalid_scrubbed },
	{ "upload", BOOT_MODE_DIRECT_XIP, false, prep_before_upload, upload, end_xip_upload },
	{ "test", BOOT_MODE_DIRECT_XIP, false, prep_uploaded, action_boot, end_xip_upload },
	{ "invalid-slot1", BOOT_MODE_DIRECT_XIP, false, prep_xip_invalid, action_boot,
	  end_xip_slot0 },
	{ "upload", BOOT_MODE_DIRECT_XIP_REVERT, true, prep_xip_before_upload,
	  action_upload_and_set_next, end_xip_test_request },
	{ "request-perm", BOOT_MODE_DIRECT_XIP_REVERT, true, prep_xip_uploaded, action_xip_perm,
	  end_xip_perm },
	{ "test", BOOT_MODE_DIRECT_XIP_REVERT, false, prep_xip_test, action_boot,
	  end_xip_test_selected },
	{ "confirm", BOOT_MODE_DIRECT_XIP_REVERT, true, prep_xip_after_first_boot,
	  action_xip_confirm, end_xip_confirm },
	{ "revert", BOOT_MODE_DIRECT_XIP_REVERT, false, prep_xip_after_first_boot, action_boot,
	  end_xip_slot0 },
	{ "invalid-slot1", BOOT_MODE_DIRECT_XIP_REVERT, false, prep_xip_revert_invalid,
	  action_boot, end_xip_slot0 },
};

/* -------------------------------------------------------------------------------------------- */
/* Shapes of a cut: where it may fall and what the flash simulator leaves of a torn operation. */

struct shape {
	const char *name;
	enum flash_sim_cut_mode mode;
	char kind; /* the operations it cuts: 'p' programs, 'e' erases, 0 every one */
	enum flash_sim_erase_tear erase;
	enum flash_sim_program_tear program;
	/* Erases of the first part: also with the end spared field by field (the magic, then
	 * image_ok, copy_done and swap_info too), the rest erased. */
	bool spare_fields;
};

static const struct shape shapes[] = {
	{ "clean", FLASH_SIM_CUT_CLEAN, 0, 0, 0, false },
	{ "program-prefix", FLASH_SIM_CUT_TORN, 'p', 0, FLASH_SIM_PROGRAM_PREFIX, false },
	{ "program-bits", FLASH_SIM_CUT_TORN, 'p', 0, FLASH_SIM_PROGRAM_BITS, false },
	{ "program-stray", FLASH_SIM_CUT_TORN, 'p', 0, FLASH_SIM_PROGRAM_STRAY, false },
	{ "erase-first-part", FLASH_SIM_CUT_TORN, 'e', FLASH_SIM_ERASE_FIRST_PART, 0, true },
	{ "erase-last-part", FLASH_SIM_CUT_TORN, 'e', FLASH_SIM_ERASE_LAST_PART, 0, false },
	{ "erase-words", FLASH_SIM_CUT_TORN, 'e', FLASH_SIM_ERASE_WORDS, 0, false },
	{ "erase-bits", FLASH_SIM_CUT_TORN, 'e', FLASH_SIM_ERASE_BITS, 0, false },
};

#define SHAPE_COUNT (ARRAY_SIZE(shapes))
#define MODE_COUNT (BOOT_MODE_DIRECT_XIP_REVERT + 1)
/* The half, then the magic and up to three fields: the variants of a first-part erase. */
#define SPARE_VARIANTS 5

/* Cut points per mode and shape, over the whole run: the table of docs/bootloader.md. */
static unsigned long shape_points[MODE_COUNT][SHAPE_COUNT];

static unsigned int variants_of(const struct shape *sh)
{
	return sh->spare_fields ? SPARE_VARIANTS : 1;
}

/* The tear of variant v at cut point i: 0 spares the default half, then magic + k fields. */
static void arm_tear(const struct shape *sh, unsigned int v, uint64_t i)
{
	f.flash.tear = (struct flash_sim_tear){
		.erase = sh->erase,
		.program = sh->program,
		.spare =
			v == 0 ? 0
			       : smpdfu_boot_trailer_magic_align(geo->align) + (v - 1) * geo->align,
		.seed = (uint32_t)(i * SPARE_VARIANTS + v + 1),
	};
}

/* -------------------------------------------------------------------------------------------- */

/* SMPDFU_SWEEP_TRACE=<id>: the bootloader's log for that one case (ids as failures print them). */
static void trace_if_wanted(void)
{
	const char *want = getenv("SMPDFU_SWEEP_TRACE");

	if (want != NULL && strcmp(want, fail_id) == 0) {
		setenv("SMPDFU_TEST_LOG", "1", 1);
		print_message("trace of %s\n", fail_id);
	} else if (want != NULL) {
		unsetenv("SMPDFU_TEST_LOG");
	}
}

/*
 * SMPDFU_SWEEP_KEEP_GOING=1: a failing cut point is counted and the sweep goes on with the next
 * one (a survey of what fails, by shape); otherwise the first failure ends the test.
 */
static bool keep_going;
static bool in_point; /* next_point is set: a cut point is running */
static jmp_buf next_point;
static unsigned long failures[MODE_COUNT][SHAPE_COUNT];

#define SWEEP_FAIL(...)                                                                            \
	do {                                                                                       \
		print_message("FAIL %s: ", fail_id);                                               \
		print_message(__VA_ARGS__);                                                        \
		print_message("\n");                                                               \
		if (keep_going && in_point) {                                                      \
			longjmp(next_point, 1);                                                    \
		}                                                                                  \
		fail();                                                                            \
	} while (0)

static const char *area_name(const struct smpdfu_flash_area *fa)
{
	if (fa == f.pri) {
		return "primary";
	}
	return fa == f.sec ? "secondary" : "scratch";
}

static int locate(struct smpdfu_boot_loader *bl, enum boot_mode mode, bool incoming,
		  const struct smpdfu_flash_area **fa, uint32_t *off)
{
	if (mode == BOOT_MODE_SWAP_SCRATCH) {
		return smpdfu_boot_swap_scratch_locate(bl, incoming, fa, off);
	}
	return smpdfu_boot_swap_move_locate(bl, incoming, fa, off);
}

/*
 * While a swap is unfinished, the header of each image must be where the mode's locator says (the
 * loader reads it from there when it resumes).
 */
static void check_header_location(const struct flow *fl)
{
	static struct smpdfu_boot_loader bl;
	const struct smpdfu_flash_area *fa;
	struct smpdfu_image_header hdr;
	bool reverting = fl->prepare == prep_after_test_swap ||
			 fl->prepare == prep_second_after_test_swap;
	const uint8_t *incoming = reverting ? img_old : img_new;
	const uint8_t *outgoing = reverting ? img_new : img_old;
	uint32_t off;

	if (!is_swap(fl->mode) || fl->app_api || fl->end == end_invalid_scrubbed) {
		return;
	}
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	bl.align = geo->align;
	if (locate(&bl, fl->mode, true, &fa, &off) < 0) {
		return;
	}
	if (smpdfu_boot_read_header_at(fa, off, &hdr) < 0 || hdr.ver.major != incoming[20]) {
		SWEEP_FAIL("incoming header not at %s+0x%x", area_name(fa), (unsigned int)off);
	}
	assert_int_equal(locate(&bl, fl->mode, false, &fa, &off), 0);
	if (smpdfu_boot_read_header_at(fa, off, &hdr) < 0 || hdr.ver.major != outgoing[20]) {
		SWEEP_FAIL("outgoing header not at %s+0x%x", area_name(fa), (unsigned int)off);
	}
}

static bool revert_is_due(enum boot_mode mode, const struct smpdfu_boot_rsp *rsp)
{
	struct smpdfu_boot_swap_state p = trailer(f.pri);
	struct smpdfu_boot_swap_state s = trailer(f.sec);

	if (is_swap(mode)) {
		return smpdfu_boot_swap_type_decide(&p, &s) == SMPDFU_BOOT_SWAP_TYPE_REVERT;
	}
	return mode == BOOT_MODE_DIRECT_XIP_REVERT && rsp->slot == 1 &&
	       s.image_ok != SMPDFU_BOOT_FLAG_SET;
}

/*
 * A revert is due from the flash alone: the cut came after the action's last effective write (a
 * torn final write may complete it), so the boot that follows is the revert of a finished test.
 */
static bool revert_is_due_on_flash(enum boot_mode mode)
{
	struct smpdfu_boot_swap_state p = trailer(f.pri);
	struct smpdfu_boot_swap_state s = trailer(f.sec);

	if (is_swap(mode)) {
		return smpdfu_boot_swap_type_decide(&p, &s) == SMPDFU_BOOT_SWAP_TYPE_REVERT;
	}
	return mode == BOOT_MODE_DIRECT_XIP_REVERT && !image_gone(f.sec) &&
	       s.magic == SMPDFU_BOOT_MAGIC_GOOD && s.copy_done != SMPDFU_BOOT_FLAG_UNSET &&
	       s.image_ok != SMPDFU_BOOT_FLAG_SET;
}

static const char *end_of_revert(enum boot_mode mode, const struct smpdfu_boot_rsp *rsp)
{
	return is_swap(mode) ? end_after_revert(rsp) : end_xip_slot0(rsp);
}

/* The checks after a boot: end state, a valid booted image, a due revert, then quiet boots. */
/* The boot the last check_after_boot() looked at (before any revert it then ran). */
static struct smpdfu_boot_rsp checked_rsp;

static void check_after_boot(const struct flow *fl, struct smpdfu_boot_rsp rsp, bool reverted)
{
	struct smpdfu_image_validation v;
	const char *err;
	int rc;

	checked_rsp = rsp;
	err = reverted ? end_of_revert(fl->mode, &rsp) : fl->end(&rsp);
	if (err != NULL) {
		SWEEP_FAIL("%s", err);
	}
	if (smpdfu_image_validate(rsp.slot == 0 ? f.pri : f.sec, bfx_test_key(), 1, &v) != 0 ||
	    v.hdr.ver.major != rsp.hdr.ver.major) {
		SWEEP_FAIL("the booted image does not validate with the trusted key");
	}
	if (f.flash.count.violations != 0) {
		SWEEP_FAIL("%llu NOR violations", (unsigned long long)f.flash.count.violations);
	}
	/* A record left in the scratch would be resumed from at a later boot. */
	if (f.scratch != NULL && trailer(f.scratch).magic == SMPDFU_BOOT_MAGIC_GOOD) {
		SWEEP_FAIL("the scratch still holds a swap record");
	}
	/* An unconfirmed test image: the next boot must bring the old one back. */
	if (revert_is_due(fl->mode, &rsp)) {
		rc = boot_mode(fl->mode, &rsp);
		err = rc != 0 ? "unbootable" : end_of_revert(fl->mode, &rsp);
		if (err != NULL) {
			SWEEP_FAIL("the next boot did not revert (%d, %s)", rc, err);
		}
	}
	{
		uint64_t before = bfx_ops(&f);
		struct smpdfu_boot_rsp again;

		rc = boot_mode(fl->mode, &again);
		if (rc != 0 || bfx_ops(&f) != before || again.slot != rsp.slot ||
		    again.hdr.ver.major != rsp.hdr.ver.major) {
			SWEEP_FAIL("a further boot was not quiet (rc %d, %llu ops)", rc,
				   (unsigned long long)(bfx_ops(&f) - before));
		}
	}
}

/* The kinds of the operations of one run, traced by the flash simulator. */
#define TRACE_MAX 4096
static char run_kinds[TRACE_MAX];
static char recovery_kinds[TRACE_MAX];

/*
 * A clean boot after a cut, and the checks; due: the action had completed before the first cut.
 * With `ops`, the boot's operations are traced into recovery_kinds (counted from the last load())
 * and their number goes there.
 */
static void recover_and_check(const struct flow *fl, bool due, uint64_t *ops)
{
	struct smpdfu_boot_rsp rsp;
	int rc;

	if (ops != NULL) {
		memset(recovery_kinds, 0, TRACE_MAX);
		f.flash.trace = recovery_kinds;
		f.flash.trace_len = TRACE_MAX;
	}
	rc = boot_mode(fl->mode, &rsp);
	f.flash.trace = NULL;
	if (ops != NULL) {
		*ops = bfx_ops(&f);
		assert_true(*ops <= TRACE_MAX);
	}
	if (rc != 0) {
		SWEEP_FAIL("recovery boot failed (%d): unbootable", rc);
	}
	check_after_boot(fl, rsp, due);
}

static uint64_t traced(int (*run)(void), char *kinds, int *rc)
{
	uint64_t n;

	memset(kinds, 0, TRACE_MAX);
	f.flash.trace = kinds;
	f.flash.trace_len = TRACE_MAX;
	*rc = run();
	f.flash.trace = NULL;
	n = bfx_ops(&f);
	assert_true(n <= TRACE_MAX);
	return n;
}

/* The name of a case so far: geometry/mode/flow/downgrade/shape[/spare]. */
static char case_prefix[160];

/* One cut point: the flow, the shape and its variant, the cut in the action, in the recovery. */
struct cut {
	const struct flow *fl;
	const struct shape *sh;
	unsigned int v;
	uint64_t i;
	uint64_t j;
	bool due;            /* out of the first cut: a revert was due on the flash it left */
	uint64_t recovery_ops; /* out of the first cut: the operations of its recovery */
};

/* The action cut at operation i, then the recovery and its checks; leaves `mid` saved. */
static void cut_action(struct cut *c)
{
	load(snap);
	arm_tear(c->sh, c->v, c->i);
	flash_sim_cut_power(&f.flash, c->sh->mode, c->i);
	if (c->fl->action() == 0) {
		SWEEP_FAIL("the action finished although power was cut");
	}
	flash_sim_power_on(&f.flash);
	if (f.flash.count.violations != 0) {
		SWEEP_FAIL("%llu NOR violations in the action",
			   (unsigned long long)f.flash.count.violations);
	}
	check_header_location(c->fl);
	save(mid);
	c->due = revert_is_due_on_flash(c->fl->mode);
	/* Counted from `mid`, the recovery's operations are those a second cut may hit. */
	load(mid);
	recover_and_check(c->fl, c->due, &c->recovery_ops);
}

/* The recovery from `mid` cut at its operation j, then a clean recovery and its checks. */
static void cut_recovery(struct cut *c)
{
	struct smpdfu_boot_rsp rsp;

	load(mid);
	arm_tear(c->sh, c->v, c->i + c->j + 1);
	flash_sim_cut_power(&f.flash, c->sh->mode, c->j);
	if (boot_mode(c->fl->mode, &rsp) == 0) {
		SWEEP_FAIL("the recovery finished although power was cut");
	}
	flash_sim_power_on(&f.flash);
	recover_and_check(c->fl, c->due || revert_is_due_on_flash(c->fl->mode), NULL);
}

/* Runs one cut point; false when it failed and the sweep keeps going. */
static bool run_point(void (*point)(struct cut *), struct cut *c)
{
	trace_if_wanted();
	if (setjmp(next_point) != 0) {
		in_point = false;
		failures[c->fl->mode][c->sh - shapes]++;
		return false;
	}
	in_point = true;
	point(c);
	in_point = false;
	return true;
}

/* The recovery from `mid` cut in the shape at operations derived from i (all of them, full). */
static unsigned long cut_recoveries(struct cut *c)
{
	uint64_t matching = 0;
	uint64_t pick;
	uint64_t seen = 0;
	unsigned long points = 0;
	const uint64_t m = c->recovery_ops;

	for (uint64_t j = 0; j < m; j++) {
		matching += c->sh->kind == 0 || recovery_kinds[j] == c->sh->kind;
	}
	if (matching == 0) {
		return 0;
	}
	pick = (c->i * 7919 + 17) % matching;
	for (c->j = 0; c->j < m; c->j++) {
		if (c->sh->kind != 0 && recovery_kinds[c->j] != c->sh->kind) {
			continue;
		}
		if ((!full || geo->sampled) && seen++ != pick) {
			continue;
		}
		snprintf(fail_id, sizeof(fail_id), "%s/i=%llu/j=%llu", case_prefix,
			 (unsigned long long)c->i, (unsigned long long)c->j);
		run_point(cut_recovery, c);
		points++;
	}
	return points;
}

/* Every cut point of one shape (and each of its variants) in the traced run of n operations. */
static unsigned long sweep_shape(const struct flow *fl, const struct shape *sh, uint64_t n)
{
	unsigned long points = 0;
	struct cut c = { .fl = fl, .sh = sh };

	for (c.v = 0; c.v < variants_of(sh); c.v++) {
		int len = snprintf(case_prefix, sizeof(case_prefix), "%s/%s/%s/%s/%s", geo->name,
				   mode_name(fl->mode), fl->name,
				   no_downgrade ? "no-downgrade" : "downgrade-allowed", sh->name);

		if (sh->spare_fields && len > 0 && (size_t)len < sizeof(case_prefix)) {
			snprintf(case_prefix + len, sizeof(case_prefix) - (size_t)len, "/spare%u",
				 c.v);
		}
		for (c.i = 0; c.i < n; c.i++) {
			if (sh->kind != 0 && run_kinds[c.i] != sh->kind) {
				continue;
			}
			/* quick: every fourth point, another quarter for each shape and variant. */
			if (quick && (c.i + (uint64_t)(sh - shapes) + c.v) % 4 != 0) {
				continue;
			}
			snprintf(fail_id, sizeof(fail_id), "%s/i=%llu", case_prefix,
				 (unsigned long long)c.i);
			points++;
			if (run_point(cut_action, &c)) {
				points += cut_recoveries(&c);
			}
		}
	}
	return points;
}

/*
 * The flows in which an image older than the primary's meets the bootloader (a revert, or a
 * downgrade), on their own or in the revert that follows a test swap: downgrade prevention changes
 * their course, so they run with it off as well.
 */
static bool downgrade_matters(const struct flow *fl)
{
	return fl->prepare == prep_after_test_swap || fl->prepare == prep_test ||
	       fl->prepare == prep_downgrade;
}

/* -------------------------------------------------------------------------------------------- */
/* Faults: one operation of the action fails, the power stays on. */

struct fault_shape {
	const char *name;
	unsigned int ops; /* enum flash_sim_op */
	char kind;        /* 'r', 'p', 'e' */
	bool torn;
};

static const struct fault_shape fault_shapes[] = {
	{ "fail-read", FLASH_SIM_OP_READ, 'r', false },
	{ "fail-program", FLASH_SIM_OP_PROGRAM, 'p', false },
	{ "fail-program-torn", FLASH_SIM_OP_PROGRAM, 'p', true },
	{ "fail-erase", FLASH_SIM_OP_ERASE, 'e', false },
	{ "fail-erase-torn", FLASH_SIM_OP_ERASE, 'e', true },
};

#define FAULT_SHAPE_COUNT (ARRAY_SIZE(fault_shapes))
/*
 * Read faults per flow and geometry (every one with SMPDFU_SWEEP=full): the first READ_HEAD reads
 * (the headers and trailers every decision starts from), then READ_SAMPLE spread over the rest.
 */
#define READ_HEAD 8
#define READ_SAMPLE 48

/* Fault points per mode and shape, and per flow (the table of docs/testing.md). */
static unsigned long fault_points[MODE_COUNT][FAULT_SHAPE_COUNT];
static unsigned long flow_fault_points[ARRAY_SIZE(flows)];

/* Flows whose action requests the secondary: after a torn trailer write, an upload resets it. */
static bool requests_secondary(const struct flow *fl)
{
	return fl->action == action_request_test || fl->action == action_request_perm ||
	       fl->action == action_upload_and_request ||
	       fl->action == action_upload_and_set_next || fl->action == action_xip_perm;
}

static bool same_boot(const struct smpdfu_boot_rsp *a, const struct smpdfu_boot_rsp *b)
{
	return a->slot == b->slot && a->hdr.ver.major == b->hdr.ver.major;
}

/*
 * The action with operation i (of the shape's kind) failing, the request again, the boot, the
 * checks; `want` is the boot of the run without faults.
 */
static void fault_action(const struct flow *fl, const struct fault_shape *sh, uint64_t i,
			 const struct smpdfu_boot_rsp *want)
{
	bool retried_ok = true;
	bool due;
	int rc;

	load(snap);
	f.flash.tear = (struct flash_sim_tear){ .seed = (uint32_t)i + 1 };
	flash_sim_fail(&f.flash,
		       &(struct flash_sim_fault){ .ops = sh->ops, .after = i, .torn = sh->torn });
	rc = fl->action();
	flash_sim_fail(&f.flash, &(struct flash_sim_fault){ 0 });
	if (f.flash.count.faults != 1) {
		SWEEP_FAIL("the fault did not fire");
	}
	if (rc == 0 && sh->kind != 'r') {
		SWEEP_FAIL("the action succeeded although an operation failed");
	}
	if (f.flash.count.violations != 0) {
		SWEEP_FAIL("%llu NOR violations in the action",
			   (unsigned long long)f.flash.count.violations);
	}
	if (fl->action == action_boot) {
		if (rc == 0) {
			check_after_boot(fl, action_rsp, false);
			if (!same_boot(&checked_rsp, want)) {
				SWEEP_FAIL("a read failure changed what booted");
			}
			return;
		}
	} else if (rc != 0) {
		/* The same request again; a trailer cell torn for good: an upload resets it. */
		rc = fl->action();
		if (rc == -EBADMSG && sh->torn && requests_secondary(fl)) {
			rc = upload();
			rc = rc < 0 ? rc : fl->action();
		}
		/* A confirm whose image_ok cell is torn cannot be finished: the app says so. */
		if (rc != 0 && !(rc == -EBADMSG && sh->torn && !requests_secondary(fl))) {
			SWEEP_FAIL("the request again failed (%d)", rc);
		}
		retried_ok = rc == 0;
	}
	due = revert_is_due_on_flash(fl->mode);
	recover_and_check(fl, due, NULL);
	if (retried_ok && !due && !same_boot(&checked_rsp, want)) {
		SWEEP_FAIL("booted slot %u version %u, not slot %u version %u",
			   (unsigned int)checked_rsp.slot, checked_rsp.hdr.ver.major,
			   (unsigned int)want->slot, want->hdr.ver.major);
	}
}

/* Every fault point of the flow: each of its programs and erases, a sample of its reads. */
static unsigned long sweep_faults(const struct flow *fl, uint64_t n, uint64_t reads,
				  const struct smpdfu_boot_rsp *want)
{
	unsigned long points = 0;

	for (size_t s = 0; s < FAULT_SHAPE_COUNT; s++) {
		const struct fault_shape *sh = &fault_shapes[s];
		uint64_t count = reads;
		uint64_t stride = 1;
		unsigned long p = 0;

		if (sh->kind != 'r') {
			count = 0;
			for (uint64_t k = 0; k < n; k++) {
				count += run_kinds[k] == sh->kind;
			}
		} else if (!full && reads > READ_SAMPLE) {
			stride = (reads + READ_SAMPLE - 1) / READ_SAMPLE;
		}
		if (quick) {
			stride *= 4;
		}
		for (uint64_t i = (quick ? s % 4 : 0); i < count;
		     i += (sh->kind == 'r' && !quick && i < READ_HEAD) ? 1 : stride) {
			snprintf(fail_id, sizeof(fail_id), "%s/%s/%s/%s/%s/i=%llu", geo->name,
				 mode_name(fl->mode), fl->name,
				 no_downgrade ? "no-downgrade" : "downgrade-allowed", sh->name,
				 (unsigned long long)i);
			trace_if_wanted();
			fault_action(fl, sh, i, want);
			p++;
		}
		fault_points[fl->mode][s] += p;
		flow_fault_points[fl - flows] += p;
		points += p;
	}
	return points;
}

/* One flow with one downgrade setting, every shape: returns the number of cut points covered. */
static unsigned long sweep(const struct flow *fl)
{
	unsigned long points = 0;
	unsigned long faults;
	struct smpdfu_boot_rsp want;
	uint64_t reads;
	uint64_t n;
	int rc;

	cur_mode = fl->mode;
	bfx_close(&f);
	bfx_open(&f, &geo->g);
	fl->prepare();
	save(snap);

	/* The uninterrupted run gives the operations to cut, and their kinds. */
	load(snap);
	snprintf(fail_id, sizeof(fail_id), "%s/%s/%s/%s/baseline", geo->name, mode_name(fl->mode),
		 fl->name, no_downgrade ? "no-downgrade" : "downgrade-allowed");
	n = traced(fl->action, run_kinds, &rc);
	reads = f.flash.count.reads;
	if (rc != 0) {
		SWEEP_FAIL("uninterrupted action failed (%d)", rc);
	}
	if (fl->action == action_boot) {
		check_after_boot(fl, action_rsp, false);
	} else {
		recover_and_check(fl, false, NULL);
	}
	want = checked_rsp;
	faults = sweep_faults(fl, n, reads, &want);

	for (size_t s = 0; s < SHAPE_COUNT; s++) {
		unsigned long p = sweep_shape(fl, &shapes[s], n);

		shape_points[fl->mode][s] += p;
		points += p;
	}
	if (verbose) {
		print_message("  %-22s %-18s %-18s %-3s %4llu ops, %6lu cut points, %5lu faults\n",
			      geo->name, mode_name(fl->mode), fl->name, no_downgrade ? "on" : "off",
			      (unsigned long long)n, points, faults);
	}
	total_faults += faults;
	return points;
}

static void sweep_geometry(const struct geo *g)
{
	unsigned long points = 0;
	clock_t t0 = clock();

	geo = g;
	img_old = malloc(g->old_len);
	img_new = malloc(g->new_len);
	assert_non_null(img_old);
	assert_non_null(img_new);
	old_len = bfx_make_signed_image(img_old, g->old_len, 1, 0, 0,
					g->old_len - BFX_SIGNED_OVERHEAD, 1, 0, 0);
	new_len = bfx_make_signed_image(img_new, g->new_len, 2, 0, 0,
					g->new_len - BFX_SIGNED_OVERHEAD, 2, 0, 0);
	bfx_open(&f, &g->g);
	snap = malloc(flash_sim_snapshot_size(&f.flash));
	mid = malloc(flash_sim_snapshot_size(&f.flash));
	assert_non_null(snap);
	assert_non_null(mid);

	for (size_t k = 0; k < ARRAY_SIZE(flows); k++) {
		/* The app API writes with Kconfig's alignment: only geometries with that one. */
		if (flows[k].app_api && g->align != SMPDFU_BOOT_MAX_ALIGN) {
			continue;
		}
		/* Scratch flows only with a scratch area, the other modes' only without one. */
		if ((flows[k].mode == BOOT_MODE_SWAP_SCRATCH) != (g->g.scratch_pages > 0)) {
			continue;
		}
		/* Downgrade prevention on, then off where it matters. */
		no_downgrade = true;
		points += sweep(&flows[k]);
		/* Direct-XIP has no downgrade prevention (as in MCUboot): once is enough. */
		if (!quick && downgrade_matters(&flows[k]) && !is_xip(flows[k].mode)) {
			no_downgrade = false;
			points += sweep(&flows[k]);
		}
	}
	print_message("[ SWEEP    ] %s: %lu cut points (%.1f s)\n", g->name, points,
		      (double)(clock() - t0) / CLOCKS_PER_SEC);
	total_points += points;
	bfx_close(&f);
	free(snap);
	free(mid);
	free(img_old);
	free(img_new);
}

/* MCUboot's simulator image sizes on 4 KiB pages, the optimal move layout (primary one larger). */
static void test_sweep_a8_w4_unequal(void **state)
{
	static const struct geo g = {
		"a8-w4-p4k-17/16", { 0x1000, 4, 17, 16, 0 }, 8, 42784, 46928, false,
	};

	(void)state;
	sweep_geometry(&g);
}

/* Equal slots, 8-byte write blocks, the new image smaller than the old. */
static void test_sweep_a8_w8_equal(void **state)
{
	static const struct geo g = {
		"a8-w8-p4k-16/16", { 0x1000, 8, 16, 16, 0 }, 8, 30000, 21000, false,
	};

	(void)state;
	sweep_geometry(&g);
}

static void test_sweep_a16_a32(void **state)
{
	static const struct geo g16 = {
		"a16-w16-p4k-17/16", { 0x1000, 16, 17, 16, 0 }, 16, 20000, 23000, false,
	};
	static const struct geo g32 = {
		"a32-w4-p4k-17/16", { 0x1000, 4, 17, 16, 0 }, 32, 23000, 14000, false,
	};

	(void)state;
	sweep_geometry(&g16);
	sweep_geometry(&g32);
}

/*
 * Swap using scratch, several regions: MCUboot's image sizes in equal 16-page slots and a 3-page
 * scratch (12 sectors in 4 regions); the first region stays below the trailer sectors, so all the
 * status is in the primary.
 */
static void test_sweep_scratch_regions(void **state)
{
	static const struct geo g = {
		"a8-w4-p4k-16/16-s3", { 0x1000, 4, 16, 16, 3 }, 8, 42784, 46928, false,
	};

	(void)state;
	sweep_geometry(&g);
}

/*
 * Swap using scratch with the first region's status in the scratch (use_scratch): the new image
 * ends at the start of the status area (59344 bytes, in the first trailer sector), 2-page scratch,
 * 8 regions. Then 8-byte write blocks and a 1-page scratch, where the trailer leaves less of that
 * sector than the scratch's trailer takes, with the old image at that tighter limit (53176 bytes,
 * 13 one-sector regions) and a smaller new one. Last, a scratch as large as the slots: the whole
 * swap is one region, the trailer region, so nothing after it erases the scratch again.
 */
static void test_sweep_scratch_trailer_region(void **state)
{
	static const struct geo g2 = {
		"a8-w4-p4k-16/16-s2", { 0x1000, 4, 16, 16, 2 }, 8, 42784, 59344, false,
	};
	static const struct geo g1 = {
		"a8-w8-p4k-16/16-s1", { 0x1000, 8, 16, 16, 1 }, 8, 53176, 30000, false,
	};
	static const struct geo g8 = {
		"a8-w4-p4k-8/8-s8", { 0x1000, 4, 8, 8, 8 }, 8, 20000, 26576, false,
	};

	(void)state;
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 16 * 0x1000,
							 16 * 0x1000, 2 * 0x1000, 0x1000, 8,
							 CONFIG_BOOT_MAX_IMG_SECTORS, 4),
			 g2.new_len);
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 16 * 0x1000,
							 16 * 0x1000, 0x1000, 0x1000, 8,
							 CONFIG_BOOT_MAX_IMG_SECTORS, 8),
			 g1.old_len);
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 8 * 0x1000,
							 8 * 0x1000, 8 * 0x1000, 0x1000, 8,
							 CONFIG_BOOT_MAX_IMG_SECTORS, 4),
			 g8.new_len);
	sweep_geometry(&g2);
	sweep_geometry(&g1);
	sweep_geometry(&g8);
}

/* The benchmark: a bigger slot and larger images (only with SMPDFU_SWEEP=full). */
static void test_sweep_large(void **state)
{
	static const struct geo g = {
		"a8-w4-p4k-65/64", { 0x1000, 4, 65, 64, 0 }, 8, 190000, 230000, true,
	};

	(void)state;
	if (!full) {
		skip();
	}
	sweep_geometry(&g);
}

/* The scratch benchmark: 64-page slots, a 16-page scratch, images into the first trailer sector. */
static void test_sweep_scratch_large(void **state)
{
	static const struct geo g = {
		"a8-w4-p4k-64/64-s16", { 0x1000, 4, 64, 64, 16 }, 8, 190000, 255952, true,
	};

	(void)state;
	if (!full) {
		skip();
	}
	sweep_geometry(&g);
}

/* Cut points per mode and shape (the table of docs/bootloader.md), then the total. */
static int report(void **state)
{
	(void)state;
	print_message("[ SWEEP    ] %-18s", "mode");
	for (size_t s = 0; s < SHAPE_COUNT; s++) {
		print_message(" %16s", shapes[s].name);
	}
	print_message("\n");
	for (int m = 0; m < MODE_COUNT; m++) {
		print_message("[ SWEEP    ] %-18s", mode_name((enum boot_mode)m));
		for (size_t s = 0; s < SHAPE_COUNT; s++) {
			print_message(" %16lu", shape_points[m][s]);
		}
		print_message("\n");
		if (!keep_going) {
			continue;
		}
		print_message("[ SWEEP    ] %-18s", "  failures");
		for (size_t s = 0; s < SHAPE_COUNT; s++) {
			print_message(" %16lu", failures[m][s]);
		}
		print_message("\n");
	}
	print_message("[ SWEEP    ] total: %lu cut points%s\n", total_points,
		      full ? " (full: every recovery cut)" : quick ? " (quick: a quarter)" : "");
	print_message("[ FAULTS   ] %-18s %-18s", "mode", "flow");
	for (size_t s = 0; s < FAULT_SHAPE_COUNT; s++) {
		print_message(" %17s", fault_shapes[s].name);
	}
	print_message("\n");
	for (int m = 0; m < MODE_COUNT; m++) {
		print_message("[ FAULTS   ] %-18s %-18s", mode_name((enum boot_mode)m), "(all)");
		for (size_t s = 0; s < FAULT_SHAPE_COUNT; s++) {
			print_message(" %17lu", fault_points[m][s]);
		}
		print_message("\n");
		for (size_t k = 0; k < ARRAY_SIZE(flows); k++) {
			if (flows[k].mode == (enum boot_mode)m && flow_fault_points[k] > 0) {
				print_message("[ FAULTS   ] %-18s %-18s %17lu\n", "", flows[k].name,
					      flow_fault_points[k]);
			}
		}
	}
	print_message("[ FAULTS   ] total: %lu fault points%s\n", total_faults,
		      full ? " (full: every read)" : quick ? " (quick: a quarter)" : "");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_a8_w4_unequal),
		cmocka_unit_test(test_sweep_a8_w8_equal),
		cmocka_unit_test(test_sweep_a16_a32),
		cmocka_unit_test(test_sweep_scratch_regions),
		cmocka_unit_test(test_sweep_scratch_trailer_region),
		cmocka_unit_test(test_sweep_large),
		cmocka_unit_test(test_sweep_scratch_large),
	};
	const char *mode = getenv("SMPDFU_SWEEP");

	full = mode != NULL && strcmp(mode, "full") == 0;
	quick = mode != NULL && strcmp(mode, "quick") == 0;
	verbose = getenv("SMPDFU_SWEEP_VERBOSE") != NULL;
	keep_going = getenv("SMPDFU_SWEEP_KEEP_GOING") != NULL;
	if (getenv("SMPDFU_SWEEP_ONLY") != NULL) {
		cmocka_set_test_filter(getenv("SMPDFU_SWEEP_ONLY"));
	}
	return cmocka_run_group_tests(tests, NULL, report);
}
