/*
 * Power-cut sweeps of the bootloader (the reference's §6, plus torn operations): for each mode and
 * flow, the operations of an uninterrupted run are counted, then for every index i the power is cut
 * at operation i (cleanly, or tearing that operation), the device is powered on and booted again,
 * and the invariants are checked: exactly the old or the new image set as MCUboot's rules say, the
 * trailers of the lifecycle table, a valid booted image, no NOR violation, and a boot after that
 * which does no flash operation. Each recovery boot is itself cut once more at a point derived
 * from i. Every failure names its case: geometry/mode/flow/cut/i[/j]. Geometries with a scratch
 * area run the swap-using-scratch flows, the others every other mode's.
 *
 * SMPDFU_SWEEP=full cuts each recovery boot at every one of its operations too (all pairs i, j)
 * and adds a larger geometry (one recovery cut per i there): a benchmark of some minutes.
 * SMPDFU_SWEEP_VERBOSE=1 prints one line per sweep; SMPDFU_SWEEP_TRACE=<id> logs one case.
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

size_t boot_trusted_keys(const struct image_key **keys)
{
	*keys = NULL;
	return 0;
}

#define IMG_OVERHEAD (0x200 + 40)

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
static bool verbose;
static char fail_id[160];
static unsigned long total_points;

/* -------------------------------------------------------------------------------------------- */

static void save(uint8_t *buf)
{
	flash_sim_save(&f.flash, buf);
}

static void load(const uint8_t *buf)
{
	flash_sim_restore(&f.flash, buf);
	flash_sim_power_on(&f.flash);
	memset(&f.flash.count, 0, sizeof(f.flash.count));
}

static int boot_mode(enum boot_mode mode, struct boot_rsp *rsp)
{
	static struct boot_loader bl;
	int rc = boot_loader_init(&bl);

	if (rc < 0) {
		return rc;
	}
	bl.align = geo->align;
	bl.no_downgrade = no_downgrade;
	memset(rsp, 0, sizeof(*rsp));
	switch (mode) {
	case BOOT_MODE_SWAP_MOVE:
		return boot_go_swap_move(&bl, rsp);
	case BOOT_MODE_SWAP_SCRATCH:
		return boot_go_swap_scratch(&bl, rsp);
	case BOOT_MODE_OVERWRITE_ONLY:
		return boot_go_overwrite(&bl, rsp);
	case BOOT_MODE_DIRECT_XIP:
		return boot_go_direct_xip(&bl, false, rsp);
	case BOOT_MODE_DIRECT_XIP_REVERT:
		return boot_go_direct_xip(&bl, true, rsp);
	default:
		return -ENOTSUP;
	}
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

/* -------------------------------------------------------------------------------------------- */
/* Trailer writes of the application with the sweep's alignment (the app API uses Kconfig's). */

static void request(const struct flash_area *fa, bool permanent)
{
	if (permanent) {
		assert_int_equal(boot_trailer_write_image_ok(fa, geo->align), 0);
	}
	assert_int_equal(boot_trailer_write_magic(fa, geo->align), 0);
	assert_int_equal(boot_trailer_write_swap_info(fa, geo->align,
						      permanent ? BOOT_SWAP_TYPE_PERM
								: BOOT_SWAP_TYPE_TEST, 0),
			 0);
}

static struct boot_swap_state trailer(const struct flash_area *fa)
{
	struct boot_swap_state st;

	assert_int_equal(boot_trailer_read(fa, geo->align, &st), 0);
	return st;
}

static uint32_t trailer_size(void)
{
	return boot_trailer_size(geo->align, CONFIG_BOOT_MAX_IMG_SECTORS, geo->g.write_block);
}

static bool has(const struct flash_area *fa, const uint8_t *img, size_t len)
{
	return bfx_slot_starts_with(&f, fa, img, len);
}

static bool trailer_erased(const struct flash_area *fa)
{
	uint32_t t = trailer_size();

	return flash_area_is_erased(fa, fa->size - t, t);
}

static bool header_erased(const struct flash_area *fa)
{
	return flash_area_is_erased(fa, 0, IMAGE_HEADER_SIZE);
}

static bool state_is(const struct flash_area *fa, int magic, int ok, int cd)
{
	struct boot_swap_state st = trailer(fa);

	return (int)st.magic == magic && (int)st.image_ok == ok && (int)st.copy_done == cd;
}

/* -------------------------------------------------------------------------------------------- */
/* End states (the lifecycle table). Each returns NULL or what is wrong. */

static const char *end_after_test_swap(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2) {
		return "did not boot the new image";
	}
	if (!has(f.pri, img_new, new_len) || !has(f.sec, img_old, old_len)) {
		return "slots do not hold {new, old}";
	}
	if (!state_is(f.pri, BOOT_MAGIC_GOOD, BOOT_FLAG_UNSET, BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/UNSET/SET";
	}
	return trailer_erased(f.sec) ? NULL : "secondary trailer not erased";
}

static const char *end_after_perm_swap(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2) {
		return "did not boot the new image";
	}
	if (!has(f.pri, img_new, new_len) || !has(f.sec, img_old, old_len)) {
		return "slots do not hold {new, old}";
	}
	if (!state_is(f.pri, BOOT_MAGIC_GOOD, BOOT_FLAG_SET, BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/SET/SET";
	}
	return trailer_erased(f.sec) ? NULL : "secondary trailer not erased";
}

static const char *end_after_revert(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1) {
		return "did not boot the old image";
	}
	if (!has(f.pri, img_old, old_len) || !has(f.sec, img_new, new_len)) {
		return "slots do not hold {old, new}";
	}
	if (!state_is(f.pri, BOOT_MAGIC_GOOD, BOOT_FLAG_SET, BOOT_FLAG_SET)) {
		return "primary trailer is not GOOD/SET/SET";
	}
	if (trailer(f.pri).swap_type != BOOT_SWAP_TYPE_REVERT) {
		return "primary swap_info is not REVERT";
	}
	return trailer_erased(f.sec) ? NULL : "secondary trailer not erased";
}

/* Nothing happened: the old image in the primary, byte for byte as before the action. */
static const char *end_unchanged(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
		return "the old image is not booted from an intact primary";
	}
	return NULL;
}

static const char *end_request_test(const struct boot_rsp *rsp)
{
	/* Either the request did not take (no swap) or it is a test swap; never permanent. */
	if (rsp->hdr.ver.major == 1) {
		return end_unchanged(rsp);
	}
	return end_after_test_swap(rsp);
}

static const char *end_request_perm(const struct boot_rsp *rsp)
{
	if (rsp->hdr.ver.major == 1) {
		return end_unchanged(rsp);
	}
	return end_after_perm_swap(rsp);
}

/* The app confirmed after a test swap: either it took (new stays) or the revert brings old. */
static const char *end_confirm(const struct boot_rsp *rsp)
{
	if (rsp->hdr.ver.major == 2) {
		return state_is(f.pri, BOOT_MAGIC_GOOD, BOOT_FLAG_SET, BOOT_FLAG_SET) &&
				       has(f.pri, img_new, new_len)
			       ? NULL
			       : "confirmed image without GOOD/SET/SET";
	}
	return end_after_revert(rsp);
}

static const char *end_invalid_scrubbed(const struct boot_rsp *rsp)
{
	const char *e = end_unchanged(rsp);

	if (e != NULL) {
		return e;
	}
	if (!header_erased(f.sec) || trailer(f.sec).magic != BOOT_MAGIC_UNSET) {
		return "invalid secondary not scrubbed";
	}
	return NULL;
}

static const char *end_overwrite(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2 || !has(f.pri, img_new, new_len)) {
		return "the new image is not booted from the primary";
	}
	if (trailer(f.pri).magic != BOOT_MAGIC_GOOD) {
		return "primary magic not GOOD";
	}
	if (!header_erased(f.sec) || trailer(f.sec).magic != BOOT_MAGIC_UNSET) {
		return "secondary header or trailer left";
	}
	return NULL;
}

/* Overwrite refusing a downgrade: the primary holds the new image, untouched. */
static const char *end_downgrade_refused(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 2 || !has(f.pri, img_new, new_len)) {
		return "the running image was replaced";
	}
	if (!header_erased(f.sec) || trailer(f.sec).magic != BOOT_MAGIC_UNSET) {
		return "older secondary not scrubbed";
	}
	return NULL;
}

static const char *end_xip_slot0(const struct boot_rsp *rsp)
{
	if (rsp->slot != 0 || rsp->hdr.ver.major != 1 || !has(f.pri, img_old, old_len)) {
		return "slot 0 with the old image not booted";
	}
	return header_erased(f.sec) ? NULL : "slot 1 still has a header";
}

static const char *end_xip_test_selected(const struct boot_rsp *rsp)
{
	if (rsp->slot != 1 || rsp->hdr.ver.major != 2) {
		return "the tested slot 1 did not boot";
	}
	return state_is(f.sec, BOOT_MAGIC_GOOD, BOOT_FLAG_UNSET, BOOT_FLAG_SET)
		       ? NULL
		       : "slot 1 trailer is not GOOD/UNSET/SET";
}

static const char *end_xip_confirm(const struct boot_rsp *rsp)
{
	if (rsp->slot == 1) {
		bool ok = rsp->hdr.ver.major == 2 &&
			  state_is(f.sec, BOOT_MAGIC_GOOD, BOOT_FLAG_SET, BOOT_FLAG_SET);

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
	const char *(*end)(const struct boot_rsp *rsp);
};

static enum boot_mode cur_mode;
static struct boot_rsp action_rsp;

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
	struct boot_rsp rsp;

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

static void prep_uploaded(void)
{
	load_images(img_old, old_len, img_new, new_len);
}

/* Slot 1 still holds an earlier update: the new upload is written over it. */
static void prep_before_upload(void)
{
	load_images(img_old, old_len, img_old, old_len);
}

static void prep_invalid_perm(void)
{
	img_new[0x345] ^= 0x10;
	load_images(img_old, old_len, img_new, new_len);
	img_new[0x345] ^= 0x10;
	request(f.sec, true);
}

static void prep_downgrade(void)
{
	load_images(img_new, new_len, img_old, old_len);
	request(f.sec, true);
}

static void prep_xip_invalid(void)
{
	img_new[0x345] ^= 0x10;
	load_images(img_old, old_len, img_new, new_len);
	img_new[0x345] ^= 0x10;
}

static void prep_xip_test(void)
{
	load_images(img_old, old_len, img_new, new_len);
	/* The factory image confirmed (imgtool --confirm), the upload marked for test. */
	assert_int_equal(boot_trailer_write_image_ok(f.pri, geo->align), 0);
	assert_int_equal(boot_trailer_write_magic(f.pri, geo->align), 0);
	assert_int_equal(boot_trailer_write_magic(f.sec, geo->align), 0);
}

static void prep_xip_after_first_boot(void)
{
	prep_xip_test();
	boot_clean(BOOT_MODE_DIRECT_XIP_REVERT);
}

static int action_request_test(void)
{
	return boot_request_upgrade(false);
}

static int action_request_perm(void)
{
	return boot_request_upgrade(true);
}

/*
 * An upload as the image group writes it, then the test request: the old trailer's page erased
 * first, the image streamed in (each page erased just before its first byte), flushed.
 */
static int action_upload_and_request(void)
{
	const uint32_t page = f.sec->dev->page_size;
	const uint32_t last = f.sec->size - page;
	struct stream_writer sw;
	int rc;

	if (!flash_area_is_erased(f.sec, last, page)) {
		rc = flash_area_erase(f.sec, last, page);
		if (rc < 0) {
			return rc;
		}
	}
	rc = stream_writer_open(&sw, f.sec);
	if (rc == 0) {
		rc = stream_writer_write(&sw, img_new, new_len);
	}
	if (rc == 0) {
		rc = stream_writer_flush(&sw);
	}
	return rc < 0 ? rc : boot_request_upgrade(false);
}

static int action_confirm(void)
{
	boot_set_running_slot(0);
	return boot_write_img_confirmed();
}

static int action_xip_confirm(void)
{
	boot_set_running_slot(1);
	return boot_set_next_direct_xip(1, true);
}

static const struct flow flows[] = {
	{ "test", BOOT_MODE_SWAP_MOVE, false, prep_test, action_boot, end_after_test_swap },
	{ "perm", BOOT_MODE_SWAP_MOVE, false, prep_perm, action_boot, end_after_perm_swap },
	{ "revert", BOOT_MODE_SWAP_MOVE, false, prep_after_test_swap, action_boot,
	  end_after_revert },
	{ "confirm", BOOT_MODE_SWAP_MOVE, true, prep_after_test_swap, action_confirm, end_confirm },
	{ "request-test", BOOT_MODE_SWAP_MOVE, true, prep_uploaded, action_request_test,
	  end_request_test },
	{ "upload", BOOT_MODE_SWAP_MOVE, true, prep_before_upload, action_upload_and_request,
	  end_request_test },
	{ "request-perm", BOOT_MODE_SWAP_MOVE, true, prep_uploaded, action_request_perm,
	  end_request_perm },
	{ "invalid-secondary", BOOT_MODE_SWAP_MOVE, false, prep_invalid_perm, action_boot,
	  end_invalid_scrubbed },
	{ "test", BOOT_MODE_SWAP_SCRATCH, false, prep_test, action_boot, end_after_test_swap },
	{ "perm", BOOT_MODE_SWAP_SCRATCH, false, prep_perm, action_boot, end_after_perm_swap },
	{ "revert", BOOT_MODE_SWAP_SCRATCH, false, prep_after_test_swap, action_boot,
	  end_after_revert },
	{ "confirm", BOOT_MODE_SWAP_SCRATCH, true, prep_after_test_swap, action_confirm,
	  end_confirm },
	{ "request-test", BOOT_MODE_SWAP_SCRATCH, true, prep_uploaded, action_request_test,
	  end_request_test },
	{ "upload", BOOT_MODE_SWAP_SCRATCH, true, prep_before_upload, action_upload_and_request,
	  end_request_test },
	{ "request-perm", BOOT_MODE_SWAP_SCRATCH, true, prep_uploaded, action_request_perm,
	  end_request_perm },
	{ "invalid-secondary", BOOT_MODE_SWAP_SCRATCH, false, prep_invalid_perm, action_boot,
	  end_invalid_scrubbed },
	{ "upgrade", BOOT_MODE_OVERWRITE_ONLY, false, prep_test, action_boot, end_overwrite },
	{ "downgrade", BOOT_MODE_OVERWRITE_ONLY, false, prep_downgrade, action_boot,
	  end_downgrade_refused },
	{ "invalid-secondary", BOOT_MODE_OVERWRITE_ONLY, false, prep_invalid_perm, action_boot,
	  end_invalid_scrubbed },
	{ "invalid-slot1", BOOT_MODE_DIRECT_XIP, false, prep_xip_invalid, action_boot,
	  end_xip_slot0 },
	{ "test", BOOT_MODE_DIRECT_XIP_REVERT, false, prep_xip_test, action_boot,
	  end_xip_test_selected },
	{ "revert", BOOT_MODE_DIRECT_XIP_REVERT, false, prep_xip_after_first_boot, action_boot,
	  end_xip_slot0 },
	{ "confirm", BOOT_MODE_DIRECT_XIP_REVERT, true, prep_xip_after_first_boot,
	  action_xip_confirm, end_xip_confirm },
};

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

#define SWEEP_FAIL(...)                                                                            \
	do {                                                                                       \
		print_message("FAIL %s: ", fail_id);                                               \
		print_message(__VA_ARGS__);                                                        \
		print_message("\n");                                                               \
		fail();                                                                            \
	} while (0)

static const char *area_name(const struct flash_area *fa)
{
	if (fa == f.pri) {
		return "primary";
	}
	return fa == f.sec ? "secondary" : "scratch";
}

static int locate(struct boot_loader *bl, enum boot_mode mode, bool incoming,
		  const struct flash_area **fa, uint32_t *off)
{
	if (mode == BOOT_MODE_SWAP_SCRATCH) {
		return boot_swap_scratch_locate(bl, incoming, fa, off);
	}
	return boot_swap_move_locate(bl, incoming, fa, off);
}

/*
 * While a swap is unfinished, the header of each image must be where the mode's locator says (the
 * loader reads it from there when it resumes).
 */
static void check_header_location(const struct flow *fl)
{
	static struct boot_loader bl;
	const struct flash_area *fa;
	struct image_header hdr;
	bool reverting = fl->prepare == prep_after_test_swap;
	const uint8_t *incoming = reverting ? img_old : img_new;
	const uint8_t *outgoing = reverting ? img_new : img_old;
	uint32_t off;

	if (!is_swap(fl->mode) || fl->app_api || fl->end == end_invalid_scrubbed) {
		return;
	}
	assert_int_equal(boot_loader_init(&bl), 0);
	bl.align = geo->align;
	if (locate(&bl, fl->mode, true, &fa, &off) < 0) {
		return;
	}
	if (boot_read_header_at(fa, off, &hdr) < 0 || hdr.ver.major != incoming[20]) {
		SWEEP_FAIL("incoming header not at %s+0x%x", area_name(fa), (unsigned int)off);
	}
	assert_int_equal(locate(&bl, fl->mode, false, &fa, &off), 0);
	if (boot_read_header_at(fa, off, &hdr) < 0 || hdr.ver.major != outgoing[20]) {
		SWEEP_FAIL("outgoing header not at %s+0x%x", area_name(fa), (unsigned int)off);
	}
}

static bool revert_is_due(enum boot_mode mode, const struct boot_rsp *rsp)
{
	struct boot_swap_state p = trailer(f.pri);
	struct boot_swap_state s = trailer(f.sec);

	if (is_swap(mode)) {
		return boot_swap_type_decide(&p, &s) == BOOT_SWAP_TYPE_REVERT;
	}
	return mode == BOOT_MODE_DIRECT_XIP_REVERT && rsp->slot == 1 &&
	       s.image_ok != BOOT_FLAG_SET;
}

/*
 * A revert is due from the flash alone: the cut came after the action's last effective write (a
 * torn final write may complete it), so the boot that follows is the revert of a finished test.
 */
static bool revert_is_due_on_flash(enum boot_mode mode)
{
	struct boot_swap_state p = trailer(f.pri);
	struct boot_swap_state s = trailer(f.sec);

	if (is_swap(mode)) {
		return boot_swap_type_decide(&p, &s) == BOOT_SWAP_TYPE_REVERT;
	}
	return mode == BOOT_MODE_DIRECT_XIP_REVERT && !header_erased(f.sec) &&
	       s.magic == BOOT_MAGIC_GOOD && s.copy_done == BOOT_FLAG_SET &&
	       s.image_ok != BOOT_FLAG_SET;
}

static const char *end_of_revert(enum boot_mode mode, const struct boot_rsp *rsp)
{
	return is_swap(mode) ? end_after_revert(rsp) : end_xip_slot0(rsp);
}

/* The checks after a boot: end state, a valid booted image, a due revert, then quiet boots. */
static void check_after_boot(const struct flow *fl, struct boot_rsp rsp, bool reverted)
{
	struct image_validation v;
	const char *err;
	int rc;

	err = reverted ? end_of_revert(fl->mode, &rsp) : fl->end(&rsp);
	if (err != NULL) {
		SWEEP_FAIL("%s", err);
	}
	if (image_validate(rsp.slot == 0 ? f.pri : f.sec, NULL, 0, &v) != 0 ||
	    v.hdr.ver.major != rsp.hdr.ver.major) {
		SWEEP_FAIL("the booted image does not validate");
	}
	if (f.flash.count.violations != 0) {
		SWEEP_FAIL("%llu NOR violations", (unsigned long long)f.flash.count.violations);
	}
	/* A record left in the scratch would be resumed from at a later boot. */
	if (f.scratch != NULL && trailer(f.scratch).magic == BOOT_MAGIC_GOOD) {
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
		struct boot_rsp again;

		rc = boot_mode(fl->mode, &again);
		if (rc != 0 || bfx_ops(&f) != before || again.slot != rsp.slot ||
		    again.hdr.ver.major != rsp.hdr.ver.major) {
			SWEEP_FAIL("a further boot was not quiet (rc %d, %llu ops)", rc,
				   (unsigned long long)(bfx_ops(&f) - before));
		}
	}
}

/* A clean boot after a cut, and the checks; due: the action had completed before the first cut. */
static void recover_and_check(const struct flow *fl, bool due)
{
	struct boot_rsp rsp;
	int rc = boot_mode(fl->mode, &rsp);

	if (rc != 0) {
		SWEEP_FAIL("recovery boot failed (%d): unbootable", rc);
	}
	check_after_boot(fl, rsp, due);
}

/* One sweep: returns the number of cut points covered. */
static unsigned long sweep(const struct flow *fl, enum flash_sim_cut_mode kind)
{
	const char *kname = kind == FLASH_SIM_CUT_TORN ? "torn" : "clean";
	unsigned long points = 0;
	uint64_t n;
	int rc;

	cur_mode = fl->mode;
	/* On everywhere: upgrades are newer, and a revert must get through all the same. */
	no_downgrade = true;
	bfx_close(&f);
	bfx_open(&f, &geo->g);
	fl->prepare();
	save(snap);

	/* The uninterrupted run gives the number of operations to sweep. */
	load(snap);
	snprintf(fail_id, sizeof(fail_id), "%s/%s/%s/%s/baseline", geo->name, mode_name(fl->mode),
		 fl->name, kname);
	rc = fl->action();
	if (rc != 0) {
		SWEEP_FAIL("uninterrupted action failed (%d)", rc);
	}
	n = bfx_ops(&f);
	if (fl->action == action_boot) {
		check_after_boot(fl, action_rsp, false);
	} else {
		recover_and_check(fl, false);
	}

	for (uint64_t i = 0; i < n; i++) {
		uint64_t m;
		bool due;

		snprintf(fail_id, sizeof(fail_id), "%s/%s/%s/%s/i=%llu", geo->name,
			 mode_name(fl->mode), fl->name, kname, (unsigned long long)i);
		trace_if_wanted();
		load(snap);
		flash_sim_cut_power(&f.flash, kind, i);
		rc = fl->action();
		if (rc == 0) {
			SWEEP_FAIL("the action finished although power was cut");
		}
		flash_sim_power_on(&f.flash);
		check_header_location(fl);
		save(mid);
		due = revert_is_due_on_flash(fl->mode);
		recover_and_check(fl, due);
		points++;

		/* Cut the recovery too: at one point derived from i, or at every one (full). */
		load(mid);
		{
			struct boot_rsp rsp;

			(void)boot_mode(fl->mode, &rsp);
		}
		m = bfx_ops(&f);
		for (uint64_t j = 0; j < m; j++) {
			if ((!full || geo->sampled) && j != (i * 7919 + 17) % m) {
				continue;
			}
			snprintf(fail_id, sizeof(fail_id), "%s/%s/%s/%s/i=%llu/j=%llu", geo->name,
				 mode_name(fl->mode), fl->name, kname, (unsigned long long)i,
				 (unsigned long long)j);
			trace_if_wanted();
			load(mid);
			flash_sim_cut_power(&f.flash, kind, j);
			{
				struct boot_rsp rsp;

				if (boot_mode(fl->mode, &rsp) == 0) {
					SWEEP_FAIL("the recovery finished although power was cut");
				}
			}
			flash_sim_power_on(&f.flash);
			recover_and_check(fl, due || revert_is_due_on_flash(fl->mode));
			points++;
		}
	}
	if (verbose) {
		print_message("  %-28s %-18s %-18s %-5s %4llu ops, %6lu cut points\n", geo->name,
			      mode_name(fl->mode), fl->name, kname, (unsigned long long)n, points);
	}
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
	old_len = bfx_make_image(img_old, g->old_len, 1, 0, 0, g->old_len - IMG_OVERHEAD, 1, 0, 0);
	new_len = bfx_make_image(img_new, g->new_len, 2, 0, 0, g->new_len - IMG_OVERHEAD, 2, 0, 0);
	bfx_open(&f, &g->g);
	snap = malloc(flash_sim_snapshot_size(&f.flash));
	mid = malloc(flash_sim_snapshot_size(&f.flash));
	assert_non_null(snap);
	assert_non_null(mid);

	for (size_t k = 0; k < sizeof(flows) / sizeof(flows[0]); k++) {
		/* The app API writes with Kconfig's alignment: only geometries with that one. */
		if (flows[k].app_api && g->align != BOOT_MAX_ALIGN) {
			continue;
		}
		/* Scratch flows only with a scratch area, the other modes' only without one. */
		if ((flows[k].mode == BOOT_MODE_SWAP_SCRATCH) != (g->g.scratch_pages > 0)) {
			continue;
		}
		points += sweep(&flows[k], FLASH_SIM_CUT_CLEAN);
		points += sweep(&flows[k], FLASH_SIM_CUT_TORN);
	}
	print_message("[ SWEEP    ] %s: %lu cut points, 0 unbootable, 0 violations (%.1f s)\n",
		      g->name, points, (double)(clock() - t0) / CLOCKS_PER_SEC);
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
	assert_int_equal(boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 16 * 0x1000, 16 * 0x1000,
						  2 * 0x1000, 0x1000, 8,
						  CONFIG_BOOT_MAX_IMG_SECTORS, 4),
			 g2.new_len);
	assert_int_equal(boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 16 * 0x1000, 16 * 0x1000,
						  0x1000, 0x1000, 8, CONFIG_BOOT_MAX_IMG_SECTORS,
						  8),
			 g1.old_len);
	assert_int_equal(boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 8 * 0x1000, 8 * 0x1000,
						  8 * 0x1000, 0x1000, 8,
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

static int report(void **state)
{
	(void)state;
	print_message("[ SWEEP    ] total: %lu cut points%s\n", total_points,
		      full ? " (full: every recovery cut)" : "");
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
	verbose = getenv("SMPDFU_SWEEP_VERBOSE") != NULL;
	return cmocka_run_group_tests(tests, NULL, report);
}
