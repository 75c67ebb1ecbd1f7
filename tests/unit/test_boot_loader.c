/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's normal flows in every mode: swap-using-move (test, revert, confirm, permanent,
 * scrubbing of invalid or stale secondaries, downgrade prevention), swap-using-scratch (the same
 * flows over several regions, with and without the first region's status in the scratch, its
 * image-size limit, the pages a swap erases, an abandoned resume), overwrite-only, and direct-XIP
 * with and without revert.
 * Power cuts are test_boot_powercut.c's business, but for the regressions of issue 11: a forged
 * REVERT mark, and erases torn so that the end of a trailer survives them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"
#include "util.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = NULL;
	return 0;
}

/* MCUboot's simulator sizes (42784 and 46928 bytes), on 4 KiB pages. */
#define OLD_SIZE 42784
#define NEW_SIZE 46928
#define IMG_OVERHEAD (0x200 + 40)

static struct boot_fixture f;
static uint8_t img_old[64 * 1024];
static uint8_t img_new[64 * 1024];
static size_t old_len;
static size_t new_len;
static struct smpdfu_boot_loader bl;

struct opts {
	bool no_downgrade;
	bool validate_primary;
};

static struct opts opt;

static void open_geom_scratch(uint32_t pri_pages, uint32_t sec_pages, uint32_t scratch_pages)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = pri_pages,
				     .sec_pages = sec_pages, .scratch_pages = scratch_pages };

	bfx_open(&f, &g);
	old_len = bfx_make_image(img_old, sizeof(img_old), 1, 0, 0, OLD_SIZE - IMG_OVERHEAD, 1, 0,
				 0);
	new_len = bfx_make_image(img_new, sizeof(img_new), 2, 0, 0, NEW_SIZE - IMG_OVERHEAD, 2, 0,
				 0);
	assert_int_equal(old_len, OLD_SIZE);
	assert_int_equal(new_len, NEW_SIZE);
	opt = (struct opts){ .validate_primary = true };
	smpdfu_boot_set_running_slot(0);
}

static void open_geom(uint32_t pri_pages, uint32_t sec_pages)
{
	open_geom_scratch(pri_pages, sec_pages, 0);
}

static int setup(void **state)
{
	(void)state;
	open_geom(17, 16);
	return 0;
}

static int setup_equal(void **state)
{
	(void)state;
	open_geom(16, 16);
	return 0;
}

/* Equal 16-page slots, a 3-page scratch: the 12 sectors of a swap go in 4 regions. */
static int setup_scratch(void **state)
{
	(void)state;
	open_geom_scratch(16, 16, 3);
	return 0;
}

/* A 1-page scratch: one sector per region. */
static int setup_scratch_one_page(void **state)
{
	(void)state;
	open_geom_scratch(16, 16, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(f.flash.count.violations, 0);
	bfx_close(&f);
	return 0;
}

static int boot(enum boot_mode mode, struct smpdfu_boot_rsp *rsp)
{
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	bl.no_downgrade = opt.no_downgrade;
	bl.validate_primary = opt.validate_primary;
	memset(rsp, 0, sizeof(*rsp));
	return smpdfu_boot_go_loader(&bl, mode, rsp);
}

/* Boots and expects success in that slot with that major version; returns the ops it took. */
static uint64_t boot_ok(enum boot_mode mode, uint32_t slot, uint8_t major, int swap_type)
{
	struct smpdfu_boot_rsp rsp;
	uint64_t before = bfx_ops(&f);

	assert_int_equal(boot(mode, &rsp), 0);
	assert_int_equal(rsp.slot, slot);
	assert_int_equal(rsp.hdr.ver.major, major);
	assert_int_equal(rsp.swap_type, swap_type);
	return bfx_ops(&f) - before;
}

static void expect_trailer(const struct smpdfu_flash_area *fa, int magic, int image_ok,
			   int copy_done)
{
	struct smpdfu_boot_swap_state st;

	assert_int_equal(smpdfu_boot_trailer_read(fa, SMPDFU_BOOT_MAX_ALIGN, &st), 0);
	assert_int_equal(st.magic, magic);
	assert_int_equal(st.image_ok, image_ok);
	assert_int_equal(st.copy_done, copy_done);
}

static void expect_swap_info(const struct smpdfu_flash_area *fa, int swap_type)
{
	struct smpdfu_boot_swap_state st;

	assert_int_equal(smpdfu_boot_trailer_read(fa, SMPDFU_BOOT_MAX_ALIGN, &st), 0);
	assert_int_equal(st.swap_type, swap_type);
}

static void expect_trailer_erased(const struct smpdfu_flash_area *fa)
{
	uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);

	assert_true(smpdfu_flash_area_is_erased(fa, fa->size - t, t));
}

static void mark_confirmed(const struct smpdfu_flash_area *fa)
{
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(fa, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(fa, SMPDFU_BOOT_MAX_ALIGN), 0);
}

static void factory_and_upload(void)
{
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, img_new, new_len);
}

/* A swap recorded in the primary trailer (as a swap mode starts it), of swap_size bytes. */
static void record_move(uint32_t swap_size)
{
	bfx_load(&f, f.pri, img_old, old_len);
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.pri, SMPDFU_BOOT_MAX_ALIGN,
							     SMPDFU_BOOT_SWAP_TYPE_TEST, 0),
			 0);
	assert_int_equal(
		smpdfu_boot_trailer_write_swap_size(f.pri, SMPDFU_BOOT_MAX_ALIGN, swap_size), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
}

/*
 * A recorded swap whose last sector would be the primary's first trailer sector is not one the
 * bootloader wrote: ignored, nothing moves. One sector less is a swap that starts again.
 */
static void test_move_recorded_swap_size_bound(void **state)
{
	const uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);
	const uint32_t first = smpdfu_boot_trailer_first_sector(f.pri->size, 0x1000, t);

	(void)state;
	assert_int_equal(first, smpdfu_boot_trailer_first_sector(f.sec->size, 0x1000, t));
	bfx_load(&f, f.sec, img_new, new_len);
	record_move(first * 0x1000);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	record_move((first - 1) * 0x1000);
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST) > 0);
}

/*
 * A secondary whose first bytes are neither erased nor an image's magic holds foreign content,
 * not "no image": a request over it scrubs the whole slot, not its trailer only.
 */
static void test_move_foreign_secondary_scrubbed(void **state)
{
	static uint8_t foreign[8192];

	(void)state;
	memset(foreign, 0x5a, sizeof(foreign));
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, foreign, sizeof(foreign));
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
}

/* An image that says it is encrypted (or compressed) is not one this bootloader can run. */
static void test_move_encrypted_secondary_scrubbed(void **state)
{
	static uint8_t enc[64 * 1024];
	size_t len = bfx_make_image(enc, sizeof(enc), 2, 0, 0, 1000, 5,
				    SMPDFU_IMAGE_F_ENCRYPTED_AES128, 0);

	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, enc, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
}

/* A non-bootable image (half of a split image) counts as none: the request goes, it stays. */
static void test_move_non_bootable_secondary_not_swapped(void **state)
{
	static uint8_t half[64 * 1024];
	size_t len = bfx_make_image(half, sizeof(half), 2, 0, 0, 1000, 6,
				    SMPDFU_IMAGE_F_NON_BOOTABLE, 0);

	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, half, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	expect_trailer_erased(f.sec);
}

/*
 * Slots with a single sector below the trailer leave swap-move no spare sector: upgrades are off,
 * and a request in the secondary stays there untouched (it is not an image too large to swap).
 */
static void test_move_slots_too_small_leave_the_secondary(void **state)
{
	static uint8_t small_old[4096];
	static uint8_t small_new[4096];
	size_t old_small = bfx_make_image(small_old, sizeof(small_old), 1, 0, 0, 1000, 7, 0, 0);
	size_t new_small = bfx_make_image(small_new, sizeof(small_new), 2, 0, 0, 1000, 8, 0, 0);
	const uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);

	(void)state;
	bfx_close(&f);
	open_geom(3, 3);
	assert_int_equal(smpdfu_boot_trailer_first_sector(f.pri->size, 0x1000, t), 1);
	bfx_load(&f, f.pri, small_old, old_small);
	bfx_load(&f, f.sec, small_new, new_small);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.sec, small_new, new_small));
}

static void test_move_nothing_pending(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
}

static void test_move_test_then_revert(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST) > 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_TEST);
	expect_trailer_erased(f.sec);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_false(smpdfu_boot_is_img_confirmed());

	/* Not confirmed: the next boot brings the old image back, confirmed. */
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT) > 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	expect_trailer_erased(f.sec);
	assert_true(smpdfu_boot_is_img_confirmed());
	/* And then it stays, without a single flash operation. */
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

static void test_move_test_confirm_stays(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_true(smpdfu_boot_is_img_confirmed());
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
}

static void test_move_permanent(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_PERM);
	expect_trailer_erased(f.sec);
	assert_true(smpdfu_boot_is_img_confirmed());
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* A new image smaller than the old: swap_size is the larger, the old image comes back whole. */
static void test_move_smaller_new_image(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
}

static void test_move_invalid_secondary_scrubbed(void **state)
{
	uint8_t before[OLD_SIZE];

	(void)state;
	img_new[0x300] ^= 1; /* payload byte: the hash no longer matches */
	factory_and_upload();
	memcpy(before, bfx_mem(&f, f.pri), sizeof(before));
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_memory_equal(bfx_mem(&f, f.pri), before, sizeof(before));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_UNSET, SMPDFU_BOOT_FLAG_UNSET,
		       SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	img_new[0x300] ^= 1;
}

static void test_move_oversized_secondary_scrubbed(void **state)
{
	static uint8_t big[16 * 4096];
	/* 17/16 pages: the secondary's pages below its trailer, and one fewer in the primary. */
	const uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);
	const uint32_t tp = (t + 4095) / 4096;
	const uint32_t max = (16 - tp) * 4096;
	size_t len;

	(void)state;
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE) {
		assert_int_equal(smpdfu_boot_max_image_size(), max);
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		assert_int_equal(smpdfu_boot_max_image_size(), 0); /* unequal slots, no scratch area
								    */
	} else {
		assert_int_equal(smpdfu_boot_max_image_size(),
				 smpdfu_boot_swap_info_off(f.sec->size)); /* size - 16 - 3·A */
	}
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_OVERWRITE_ONLY, f.pri->size,
							 f.sec->size, 0, 4096, 8, 512, 4),
			 f.sec->size - 40);
	/* One byte more than a swap can move: erased. */
	len = bfx_make_image(big, sizeof(big), 3, 0, 0, max - IMG_OVERHEAD + 1, 3, 0, 0);
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, big, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	/* Exactly the limit: swapped, and back. */
	len = bfx_make_image(big, sizeof(big), 3, 0, 0, max - IMG_OVERHEAD, 3, 0, 0);
	assert_int_equal(len, max);
	bfx_load(&f, f.sec, big, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 3, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_true(bfx_slot_starts_with(&f, f.pri, big, len));
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, big, len));
}

static void test_move_stale_trailer_without_image(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* After a test swap the old image was erased by the user: the revert is dropped for good. */
static void test_move_revert_with_empty_secondary(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(smpdfu_flash_area_erase(f.sec, 0, f.sec->size), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

static void test_move_downgrade_prevention(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	opt.no_downgrade = true;
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	/* Equal versions are accepted. */
	{
		static uint8_t same[64 * 1024];
		size_t len = bfx_make_image(same, sizeof(same), 2, 0, 0, 1000, 9, 0, 0);

		bfx_load(&f, f.sec, same, len);
		assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
		boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_PERM);
		assert_true(bfx_slot_starts_with(&f, f.pri, same, len));
	}
}

/* Downgrade prevention does not stop a revert, which goes back to an older version by design. */
static void test_move_revert_not_a_downgrade(void **state)
{
	(void)state;
	factory_and_upload();
	opt.no_downgrade = true;
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
}

/* imgtool --pad factory image (magic, nothing else): MCUboot bug #829's set-up. */
static void test_move_padded_factory_image(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
}

static void test_move_nothing_bootable(void **state)
{
	struct smpdfu_boot_rsp rsp;
	static const uint8_t junk[100] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(boot(BOOT_MODE_SWAP_MOVE, &rsp), -ENOENT);
	bfx_load(&f, f.pri, junk, sizeof(junk));
	assert_int_equal(boot(BOOT_MODE_SWAP_MOVE, &rsp), -ENOENT);
	assert_int_equal(bfx_ops(&f), 2); /* only the loading above */
	/* A broken hash fails full validation, but passes a header-only check. */
	img_old[0x400] ^= 0x80;
	bfx_load(&f, f.pri, img_old, old_len);
	assert_int_equal(boot(BOOT_MODE_SWAP_MOVE, &rsp), -ENOENT);
	opt.validate_primary = false;
	assert_int_equal(boot(BOOT_MODE_SWAP_MOVE, &rsp), 0);
	img_old[0x400] ^= 0x80;
}

static void test_boot_go_uses_kconfig_mode(void **state)
{
	struct smpdfu_boot_rsp rsp;

	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		mark_confirmed(f.pri); /* an image without magic is erased in that mode */
	}
	assert_int_equal(smpdfu_boot_go(&rsp), 0);
	assert_int_equal(rsp.slot, 0);
	assert_int_equal(rsp.hdr.ver.major, 1);
}

/* -------------------------------------------------------------------------------------------- */
/* Swap using scratch. */

static void expect_scratch_clear(void)
{
	struct smpdfu_boot_swap_state st;

	assert_int_equal(smpdfu_boot_trailer_read(f.scratch, SMPDFU_BOOT_MAX_ALIGN, &st), 0);
	assert_int_not_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
}

/*
 * A swap recorded in the primary trailer whose size is one byte over what the scratch can swap
 * is not one the bootloader wrote: ignored, nothing moves. Exactly the limit is a swap that starts.
 */
static void test_scratch_recorded_swap_size_bound(void **state)
{
	const uint32_t max = smpdfu_boot_mode_max_image_size(
		BOOT_MODE_SWAP_SCRATCH, f.pri->size, f.sec->size, f.scratch->size, 0x1000,
		SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);

	(void)state;
	assert_true(max >= new_len);
	bfx_load(&f, f.sec, img_new, new_len);
	record_move(max + 1);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	record_move(max);
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST) > 0);
}

static void test_scratch_nothing_pending(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
}

static void test_scratch_test_then_revert(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST) > 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_TEST);
	expect_trailer_erased(f.sec);
	expect_scratch_clear();
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_false(smpdfu_boot_is_img_confirmed());

	/* Not confirmed: the next boot brings the old image back, confirmed. */
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT) > 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	expect_trailer_erased(f.sec);
	expect_scratch_clear();
	assert_true(smpdfu_boot_is_img_confirmed());
	/* And then it stays, without a single flash operation. */
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

static void test_scratch_test_confirm_stays(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_true(smpdfu_boot_is_img_confirmed());
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
}

static void test_scratch_permanent(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_PERM);
	expect_trailer_erased(f.sec);
	expect_scratch_clear();
	assert_true(smpdfu_boot_is_img_confirmed());
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* A new image smaller than the old: swap_size is the larger, the old image comes back whole. */
static void test_scratch_smaller_new_image(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
}

static void test_scratch_invalid_secondary_scrubbed(void **state)
{
	uint8_t before[OLD_SIZE];

	(void)state;
	img_new[0x300] ^= 1; /* payload byte: the hash no longer matches */
	factory_and_upload();
	memcpy(before, bfx_mem(&f, f.pri), sizeof(before));
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_true(smpdfu_flash_area_is_erased(f.scratch, 0, f.scratch->size));
	assert_memory_equal(bfx_mem(&f, f.pri), before, sizeof(before));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_UNSET, SMPDFU_BOOT_FLAG_UNSET,
		       SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	img_new[0x300] ^= 1;
}

/* After a test swap the old image was erased by the user: the revert is dropped for good. */
static void test_scratch_revert_with_empty_secondary(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(smpdfu_flash_area_erase(f.sec, 0, f.sec->size), 0);
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* Downgrade prevention refuses an older upload, but never a revert. */
static void test_scratch_downgrade_prevention(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	opt.no_downgrade = true;
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));

	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
}

/*
 * An image that reaches into the first trailer sector: the first region holds trailer sectors, so
 * its status lives in the scratch's trailer until its last step. With a 1-page scratch and W = 4
 * the slot's trailer has room enough in that sector for the scratch's, so the limit is the start
 * of the status area.
 */
static void test_scratch_trailer_region(void **state)
{
	static uint8_t big[64 * 1024];
	const uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);
	const uint32_t limit = f.pri->size - t;
	size_t len;

	(void)state;
	assert_int_equal(smpdfu_boot_mode_max_image_size(
				 BOOT_MODE_SWAP_SCRATCH, f.pri->size, f.sec->size, f.scratch->size,
				 4096, SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4),
			 limit);
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		assert_int_equal(smpdfu_boot_max_image_size(), limit);
	}
	assert_true(limit % 4096 != 0); /* the image shares its last sector with the trailer */
	len = bfx_make_image(big, sizeof(big), 3, 0, 0, limit - IMG_OVERHEAD, 3, 0, 0);
	assert_int_equal(len, limit);
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, big, len);
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 3, SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_true(bfx_slot_starts_with(&f, f.pri, big, len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_old, old_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_PERM);
	expect_trailer_erased(f.sec);
	expect_scratch_clear();
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 3, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);

	/* And the big image back out with a test swap and its revert. */
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_true(bfx_slot_starts_with(&f, f.sec, big, len));
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 3, SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_true(bfx_slot_starts_with(&f, f.pri, big, len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	expect_scratch_clear();
	/* One byte more than the limit: erased, never swapped. */
	len = bfx_make_image(big, sizeof(big), 4, 0, 0, limit - IMG_OVERHEAD + 1, 4, 0, 0);
	bfx_load(&f, f.sec, big, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 3, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
}

/* Erases of each page of the flash: the simulator counts calls and pages, not which pages. */
static unsigned int page_erases[64];
static const struct smpdfu_flash_device_ops *sim_ops;

static int counting_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	int rc = sim_ops->erase(dev, off, len);

	for (uint32_t p = off / dev->page_size; rc == 0 && p < (off + len) / dev->page_size; p++) {
		page_erases[p]++;
	}
	return rc;
}

/*
 * A boot with a swap that erases no page of either slot twice; erased[]: the pages it erased in the
 * primary and in the secondary.
 */
static void swap_wears_each_page_once(uint8_t major, int swap_type, uint32_t erased[2])
{
	static struct smpdfu_flash_device_ops counting;
	const struct smpdfu_flash_area *slots[] = { f.pri, f.sec };
	const uint32_t page = f.flash.dev.page_size;

	assert_true(f.flash.dev.size / page <= ARRAY_SIZE(page_erases));
	sim_ops = f.flash.dev.ops;
	counting = *sim_ops;
	counting.erase = counting_erase;
	memset(page_erases, 0, sizeof(page_erases));
	f.flash.dev.ops = &counting;
	boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, major, swap_type);
	f.flash.dev.ops = sim_ops;
	for (size_t k = 0; k < ARRAY_SIZE(slots); k++) {
		erased[k] = 0;
		for (uint32_t off = 0; off < slots[k]->size; off += page) {
			unsigned int n = page_erases[(slots[k]->off + off) / page];

			if (n > 1) {
				fail_msg("%s page %u erased %u times", slots[k]->label,
					 (unsigned int)(off / page), n);
			}
			erased[k] += n;
		}
	}
}

/*
 * Wear (docs/bootloader.md): a swap erases each page of either slot once at most. An image at the
 * limit shares its last sector with the trailer, and that sector is in the first region: the
 * trailer's erase takes it (its bytes must be erased before the region's go in), so the region's
 * erase stops below it. The trailer sectors are erased before the swap writes its record there,
 * even when they hold nothing.
 */
static void test_scratch_wear(void **state)
{
	static uint8_t big[64 * 1024];
	const uint32_t t =
		smpdfu_boot_trailer_size(SMPDFU_BOOT_MAX_ALIGN, CONFIG_BOOT_MAX_IMG_SECTORS, 4);
	const uint32_t limit = f.pri->size - t;
	size_t len = bfx_make_image(big, sizeof(big), 3, 0, 0, limit - IMG_OVERHEAD, 3, 0, 0);
	const uint32_t moved = (uint32_t)(len + 4095) / 4096; /* the sectors the swap moves */
	uint32_t erased[2];

	(void)state;
	assert_int_equal(len, limit);
	bfx_load(&f, f.pri, img_old, old_len);
	bfx_load(&f, f.sec, big, len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	/* Each slot: the moved sectors below the trailer's and its two trailer sectors (the
	 * primary's hold nothing, but reading erased does not say they were never programmed). */
	swap_wears_each_page_once(3, SMPDFU_BOOT_SWAP_TYPE_TEST, erased);
	assert_int_equal(erased[0], moved + 1);
	assert_int_equal(erased[1], moved + 1);
	assert_true(bfx_slot_starts_with(&f, f.pri, big, len));
	/* The revert: the same (the primary's trailer holds the swap's record). */
	swap_wears_each_page_once(1, SMPDFU_BOOT_SWAP_TYPE_REVERT, erased);
	assert_int_equal(erased[0], moved + 1);
	assert_int_equal(erased[1], moved + 1);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
}

/*
 * The limit when the trailer leaves less of its first sector than the scratch's trailer needs
 * (W = 8: 12336 trailer bytes, 48 of them in that sector, 72 for the scratch's): the image stops
 * 24 bytes earlier, so that its last region still fits below the scratch's trailer.
 */
static void test_scratch_max_image_size(void **state)
{
	const uint32_t slot = 16 * 4096;
	const uint32_t t8 = smpdfu_boot_trailer_size(8, 512, 8);
	const uint32_t st8 = smpdfu_boot_scratch_trailer_size(8, 8);

	(void)state;
	assert_int_equal(t8, 12336);
	assert_int_equal(st8, 72);
	assert_int_equal(smpdfu_boot_scratch_trailer_size(8, 4), 60);
	assert_int_equal(smpdfu_boot_scratch_trailer_size(32, 32), 96 + 160);
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot, slot, 4096,
							 4096, 8, 512, 8),
			 slot - t8 - (st8 - 48));
	/* Regions are whole sectors, so a larger scratch does not help: its last one is as full. */
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot, slot, 8192,
							 4096, 8, 512, 8),
			 slot - t8 - (st8 - 48));
	/* W = 4: 2096 trailer bytes in that sector, room enough for the scratch's 60. */
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot, slot, 4096,
							 4096, 8, 512, 4),
			 slot - smpdfu_boot_trailer_size(8, 512, 4));
	/* Not for scratch: unequal slots, a scratch smaller than a sector, too many sectors. */
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot + 4096, slot,
							 8192, 4096, 8, 512, 4),
			 0);
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot, slot, 2048,
							 4096, 8, 512, 4),
			 0);
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, slot, slot, 8192,
							 4096, 8, 8, 4),
			 0);
	/* The simulated board: 1.5 MiB slots, 128 KiB scratch, 4 KiB pages, W = 4. */
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, 0x180000, 0x180000,
							 0x20000, 0x1000, 8, 512, 4),
			 0x180000 - smpdfu_boot_trailer_size(8, 512, 4));
}

/* Slots the mode cannot swap (unequal, or no scratch area): the primary boots, nothing moves. */
static void test_scratch_unusable_geometry(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
}

/*
 * A swap recorded in the scratch (cut after its record, before anything moved) whose secondary no
 * longer validates at the restart: abandoned, the secondary erased, no record left behind.
 */
static void test_scratch_resume_abandoned(void **state)
{
	struct smpdfu_boot_rsp rsp;
	struct smpdfu_boot_swap_state st;

	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	/* Scratch erase, swap_info, swap_size, magic: the record is complete after 4 operations. */
	flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, 4);
	assert_int_not_equal(boot(BOOT_MODE_SWAP_SCRATCH, &rsp), 0);
	flash_sim_power_on(&f.flash);
	assert_int_equal(smpdfu_boot_trailer_read(f.scratch, SMPDFU_BOOT_MAX_ALIGN, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_TEST);

	f.flash.mem[f.sec->off + 0x300] ^= 1; /* behind the flash's back: a flipped bit */
	assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_FAIL) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	expect_scratch_clear();
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/*
 * The same with the swap recorded in both trailers (cut after the primary's record, before the
 * scratch's is erased; all the status is in the primary): the primary's record is followed, and
 * the scratch's goes with the swap, or the next boot would resume from it.
 */
static void test_scratch_resume_abandoned_beside_both_records(void **state)
{
	const uint32_t a = SMPDFU_BOOT_MAX_ALIGN;
	struct smpdfu_boot_rsp rsp;
	unsigned int cuts = 0;
	uint64_t ops;

	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	bfx_snapshot(&f);
	bfx_restore(&f);
	assert_int_equal(boot(BOOT_MODE_SWAP_SCRATCH, &rsp), 0);
	ops = bfx_ops(&f);
	for (uint64_t i = 0; i < ops; i++) {
		struct smpdfu_boot_swap_state ps;
		struct smpdfu_boot_swap_state cs;

		bfx_restore(&f);
		flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, i);
		assert_int_not_equal(boot(BOOT_MODE_SWAP_SCRATCH, &rsp), 0);
		flash_sim_power_on(&f.flash);
		assert_int_equal(smpdfu_boot_trailer_read(f.pri, a, &ps), 0);
		assert_int_equal(smpdfu_boot_trailer_read(f.scratch, a, &cs), 0);
		if (ps.magic != SMPDFU_BOOT_MAGIC_GOOD || cs.magic != SMPDFU_BOOT_MAGIC_GOOD) {
			continue;
		}
		cuts++;
		f.flash.mem[f.sec->off + 0x300] ^= 1; /* behind the flash's back: a flipped bit */
		assert_true(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_FAIL) > 0);
		assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
		expect_scratch_clear();
		assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
		assert_int_equal(boot_ok(BOOT_MODE_SWAP_SCRATCH, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE),
				 0);
	}
	assert_int_equal(cuts, 1); /* the zeroing of the scratch's magic */
}

/* Mid-swap, each header is where the locator says (the resume log reads it from there). */
static void test_scratch_locate_headers(void **state)
{
	const struct smpdfu_flash_area *fa;
	struct smpdfu_boot_rsp rsp;
	uint32_t off;

	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	assert_int_equal(smpdfu_boot_swap_scratch_locate(&bl, true, &fa, &off), -ENOENT);
	/* Cut at every operation of the swap; some cuts find the incoming header in the scratch. */
	bfx_snapshot(&f);
	bfx_restore(&f);
	assert_int_equal(boot(BOOT_MODE_SWAP_SCRATCH, &rsp), 0);
	{
		uint64_t ops = bfx_ops(&f);
		bool seen_scratch = false;

		for (uint64_t i = 0; i < ops; i++) {
			struct smpdfu_image_header hdr;

			bfx_restore(&f);
			flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, i);
			assert_int_not_equal(boot(BOOT_MODE_SWAP_SCRATCH, &rsp), 0);
			flash_sim_power_on(&f.flash);
			assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
			if (smpdfu_boot_swap_scratch_locate(&bl, true, &fa, &off) < 0) {
				continue;
			}
			seen_scratch |= fa == f.scratch;
			assert_int_equal(smpdfu_boot_read_header_at(fa, off, &hdr), 0);
			assert_int_equal(hdr.ver.major, 2);
			assert_int_equal(smpdfu_boot_swap_scratch_locate(&bl, false, &fa, &off), 0);
			assert_int_equal(smpdfu_boot_read_header_at(fa, off, &hdr), 0);
			assert_int_equal(hdr.ver.major, 1);
		}
		assert_true(seen_scratch);
	}
}

/* -------------------------------------------------------------------------------------------- */
/* Regressions: a forged REVERT mark, and torn erases that spare the end of a trailer. */

/*
 * A confirmed image in the primary, and an older one uploaded with a trailer of its own that says
 * what the revert fixup writes (image_ok, swap_info REVERT, magic), with no request by the
 * application: nothing backs that REVERT, so it is a permanent request at most, and downgrade
 * prevention refuses it.
 */
static void test_move_forged_revert_mark(void **state)
{
	(void)state;
	for (int nd = 1; nd >= 0; nd--) {
		bfx_load(&f, f.pri, img_new, new_len);
		mark_confirmed(f.pri);
		assert_int_equal(smpdfu_boot_trailer_write_copy_done(f.pri, SMPDFU_BOOT_MAX_ALIGN),
				 0);
		bfx_load(&f, f.sec, img_old, old_len);
		assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.sec, SMPDFU_BOOT_MAX_ALIGN),
				 0);
		assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.sec, SMPDFU_BOOT_MAX_ALIGN,
								     SMPDFU_BOOT_SWAP_TYPE_REVERT,
								     0),
				 0);
		assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, SMPDFU_BOOT_MAX_ALIGN), 0);
		opt.no_downgrade = nd;
		if (nd) {
			boot_ok(BOOT_MODE_SWAP_MOVE, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE);
			assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
			assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
			continue;
		}
		boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_PERM);
		expect_swap_info(f.pri, SMPDFU_BOOT_SWAP_TYPE_PERM);
	}
}

/* The trace of one uninterrupted boot from the snapshot: op kinds ('p'/'e'), and their count. */
static uint64_t trace_boot(enum boot_mode mode, char *kinds, size_t cap)
{
	struct smpdfu_boot_rsp rsp;
	uint64_t ops;

	bfx_restore(&f);
	memset(kinds, 0, cap);
	f.flash.trace = kinds;
	f.flash.trace_len = cap;
	assert_int_equal(boot(mode, &rsp), 0);
	f.flash.trace = NULL;
	ops = bfx_ops(&f);
	assert_true(ops <= cap);
	return ops;
}

/*
 * Cuts the boot at each of its erases, torn so that the erase did all of its range but the last
 * `spare` bytes (the end of a trailer: its magic, then each field below it), then calls check()
 * after powering on again.
 */
static void cut_each_erase_sparing_end(enum boot_mode mode, void (*check)(enum boot_mode))
{
	static char kinds[512];
	uint64_t ops;

	bfx_snapshot(&f);
	ops = trace_boot(mode, kinds, sizeof(kinds));
	for (uint32_t fields = 0; fields <= 4; fields++) {
		for (uint64_t i = 0; i < ops; i++) {
			struct smpdfu_boot_rsp rsp;

			if (kinds[i] != 'e') {
				continue;
			}
			bfx_restore(&f);
			f.flash.tear = (struct flash_sim_tear){
				.erase = FLASH_SIM_ERASE_FIRST_PART,
				.spare = SMPDFU_BOOT_MAGIC_SZ + fields * SMPDFU_BOOT_MAX_ALIGN,
			};
			flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_TORN, i);
			assert_int_not_equal(boot(mode, &rsp), 0);
			flash_sim_power_on(&f.flash);
			check(mode);
			assert_int_equal(f.flash.count.violations, 0);
		}
	}
}

/* A permanent swap stays permanent: the new image runs, and runs again without a confirm. */
static void check_still_permanent(enum boot_mode mode)
{
	struct smpdfu_boot_rsp rsp;

	assert_int_equal(boot(mode, &rsp), 0);
	assert_int_equal(rsp.hdr.ver.major, 2);
	assert_int_equal(boot(mode, &rsp), 0);
	assert_int_equal(rsp.hdr.ver.major, 2);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
}

static void test_torn_erase_sparing_magic_perm(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	cut_each_erase_sparing_end(BOOT_MODE_SWAP_MOVE, check_still_permanent);
}

static void test_torn_erase_sparing_magic_perm_scratch(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	cut_each_erase_sparing_end(BOOT_MODE_SWAP_SCRATCH, check_still_permanent);
}

/* A due revert, with downgrade prevention on: the known-good image comes back, nothing is lost. */
static void check_reverted(enum boot_mode mode)
{
	struct smpdfu_boot_rsp rsp;

	assert_int_equal(boot(mode, &rsp), 0);
	assert_int_equal(rsp.hdr.ver.major, 1);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	assert_true(bfx_slot_starts_with(&f, f.sec, img_new, new_len));
	assert_int_equal(boot(mode, &rsp), 0);
	assert_int_equal(rsp.hdr.ver.major, 1);
}

static void revert_cut_sparing_magic(enum boot_mode mode)
{
	factory_and_upload();
	opt.no_downgrade = true;
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(mode, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	cut_each_erase_sparing_end(mode, check_reverted);
}

static void test_torn_erase_sparing_magic_revert(void **state)
{
	(void)state;
	revert_cut_sparing_magic(BOOT_MODE_SWAP_MOVE);
}

static void test_torn_erase_sparing_magic_revert_scratch(void **state)
{
	(void)state;
	revert_cut_sparing_magic(BOOT_MODE_SWAP_SCRATCH);
}

/* -------------------------------------------------------------------------------------------- */
/*
 * Regressions: a trailer flag torn so that its first byte still reads erased while its write block
 * does not (the flash simulator's stray-bits program, W = 4). Before, the flag read UNSET, the
 * next write of it programmed over written bytes, and the boot failed with -EIO.
 */

/*
 * Index of the program `back` places before the last one (0: the last) of a boot from the
 * snapshot, from its trace.
 */
static uint64_t program_from_end(enum boot_mode mode, unsigned int back)
{
	static char kinds[512];
	uint64_t ops = trace_boot(mode, kinds, sizeof(kinds));

	for (uint64_t i = ops; i-- > 0;) {
		if (kinds[i] == 'p' && back-- == 0) {
			return i;
		}
	}
	fail();
	return 0;
}

/* The boot from the snapshot cut at operation i, its program torn in the stray shape. */
static void cut_boot_stray(enum boot_mode mode, uint64_t i)
{
	struct smpdfu_boot_rsp rsp;

	bfx_restore(&f);
	f.flash.tear = (struct flash_sim_tear){ .program = FLASH_SIM_PROGRAM_STRAY, .seed = 3 };
	flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_TORN, i);
	assert_int_not_equal(boot(mode, &rsp), 0);
	flash_sim_power_on(&f.flash);
}

/* A permanent swap's finish (image_ok, then copy_done) torn: it stays permanent. */
static void torn_finish_perm(enum boot_mode mode)
{
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	bfx_snapshot(&f);
	for (unsigned int back = 0; back < 2; back++) {
		cut_boot_stray(mode, program_from_end(mode, back));
		check_still_permanent(mode);
		assert_int_equal(f.flash.count.violations, 0);
	}
}

static void test_torn_stray_finish_perm(void **state)
{
	(void)state;
	torn_finish_perm(BOOT_MODE_SWAP_MOVE);
}

static void test_torn_stray_finish_perm_scratch(void **state)
{
	(void)state;
	torn_finish_perm(BOOT_MODE_SWAP_SCRATCH);
}

/* A test swap's copy_done torn: the swap is done, its image unconfirmed, so the old one returns. */
static void torn_finish_test(enum boot_mode mode)
{
	struct smpdfu_boot_rsp rsp;

	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	bfx_snapshot(&f);
	cut_boot_stray(mode, program_from_end(mode, 0));
	assert_int_equal(boot(mode, &rsp), 0);
	check_reverted(mode);
}

static void test_torn_stray_finish_test(void **state)
{
	(void)state;
	torn_finish_test(BOOT_MODE_SWAP_MOVE);
}

static void test_torn_stray_finish_test_scratch(void **state)
{
	(void)state;
	torn_finish_test(BOOT_MODE_SWAP_SCRATCH);
}

/*
 * Direct-XIP with revert: the first selection's copy_done torn. It counts as written, as any torn
 * copy_done does, so the unconfirmed image goes and the confirmed one boots (fuzz finding 2).
 */
static void test_torn_stray_xip_copy_done(void **state)
{
	(void)state;
	factory_and_upload();
	mark_confirmed(f.pri);
	assert_int_equal(smpdfu_boot_trailer_write_copy_done(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), 0);
	bfx_snapshot(&f);
	cut_boot_stray(BOOT_MODE_DIRECT_XIP_REVERT,
		       program_from_end(BOOT_MODE_DIRECT_XIP_REVERT, 0));
	expect_trailer(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET, SMPDFU_BOOT_FLAG_BAD);
	assert_true(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/*
 * The application's permanent request torn in its first write (image_ok): a second request must
 * not program over the dirty block (fuzz finding 3). It is refused, as for any torn image_ok; the
 * confirmed image keeps running.
 */
static void test_torn_stray_request_perm(void **state)
{
	(void)state;
	factory_and_upload();
	f.flash.tear = (struct flash_sim_tear){ .program = FLASH_SIM_PROGRAM_STRAY, .seed = 3 };
	flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(smpdfu_boot_request_upgrade(true), -EIO);
	flash_sim_power_on(&f.flash);
	expect_trailer(f.sec, SMPDFU_BOOT_MAGIC_UNSET, SMPDFU_BOOT_FLAG_BAD,
		       SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(smpdfu_boot_request_upgrade(true), -EBADMSG);
	assert_int_equal(smpdfu_boot_request_upgrade(false), -EBADMSG);
	assert_int_equal(f.flash.count.violations, 0);
	boot_ok(BOOT_MODE_SWAP_MOVE, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
}

static void test_overwrite(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 2, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET,
		       SMPDFU_BOOT_FLAG_UNSET);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, 0x1000));
	expect_trailer(f.sec, SMPDFU_BOOT_MAGIC_UNSET, SMPDFU_BOOT_FLAG_UNSET,
		       SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* Programs through the simulator, tearing the first tears_left programs at tear_off of 0xFF. */
static const struct smpdfu_flash_device_ops *inner_ops;
static uint32_t tear_off;
static unsigned int tears_left;

static int tearing_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
			   size_t len)
{
	if (tears_left > 0 && off == tear_off && *(const uint8_t *)src == 0xff) {
		tears_left--;
		flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_TORN, 0);
	}
	return inner_ops->program(dev, off, src, len);
}

/*
 * The copy torn twice at the same chunk, one that starts a sector with more than half a chunk of
 * 0xFF: each tear writes only 0xFF, so the sector reads erased after it. nRF counts those writes,
 * so the third boot must not program them a third time without an erase (the NOR rule).
 */
static void torn_twice_at_one_chunk(enum boot_mode mode)
{
	static struct smpdfu_flash_device_ops tearing;
	const uint32_t at = 0x1000;
	struct smpdfu_boot_rsp rsp;

	assert_true(CONFIG_BOOT_COPY_BUF_SIZE <= 0x400); /* the prefix tear: under 0x300 bytes */
	memset(&img_new[at], 0xff, 0x300);
	bfx_rehash_image(img_new, new_len); /* the fixture makes it again for the next test */
	factory_and_upload();
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	inner_ops = f.flash.dev.ops;
	tearing = *inner_ops;
	tearing.program = tearing_program;
	f.flash.dev.ops = &tearing;
	tear_off = f.pri->off + at;
	for (tears_left = 2; tears_left > 0;) {
		unsigned int before = tears_left;

		assert_int_equal(boot(mode, &rsp), -EIO);
		assert_int_equal(tears_left, before - 1);
		flash_sim_power_on(&f.flash);
		assert_true(smpdfu_flash_area_is_erased(f.pri, at, 0x1000));
	}
	f.flash.dev.ops = inner_ops;
	assert_int_equal(f.flash.count.violations, 0);
	boot_ok(mode, 0, 2, SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_true(bfx_slot_starts_with(&f, f.pri, img_new, new_len));
}

static void test_overwrite_torn_twice_at_one_chunk(void **state)
{
	(void)state;
	torn_twice_at_one_chunk(BOOT_MODE_OVERWRITE_ONLY);
}

/* The swap modes erase a step's destination before each copy: the same tears, the same end. */
static void test_move_torn_twice_at_one_chunk(void **state)
{
	(void)state;
	torn_twice_at_one_chunk(BOOT_MODE_SWAP_MOVE);
}

static void test_scratch_torn_twice_at_one_chunk(void **state)
{
	(void)state;
	torn_twice_at_one_chunk(BOOT_MODE_SWAP_SCRATCH);
}

static void test_overwrite_downgrade_and_invalid(void **state)
{
	(void)state;
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	opt.no_downgrade = true;
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	/* Without the option the older image is installed. */
	opt.no_downgrade = false;
	bfx_load(&f, f.sec, img_old, old_len);
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 1, SMPDFU_BOOT_SWAP_TYPE_PERM);
	/* An invalid one is erased, never copied. */
	img_new[0x1234] ^= 4;
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	boot_ok(BOOT_MODE_OVERWRITE_ONLY, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	assert_true(bfx_slot_starts_with(&f, f.pri, img_old, old_len));
	img_new[0x1234] ^= 4;
}

static void test_direct_xip_picks_higher_version(void **state)
{
	(void)state;
	factory_and_upload();
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	bfx_load(&f, f.pri, img_new, new_len);
	bfx_load(&f, f.sec, img_old, old_len);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	/* A tie goes to the primary. */
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 0, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	/* Only one image, in the secondary. */
	assert_int_equal(smpdfu_flash_area_erase(f.pri, 0, f.pri->size), 0);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

static void test_direct_xip_invalid_erased(void **state)
{
	struct smpdfu_boot_rsp rsp;

	(void)state;
	img_new[0x2000] ^= 1;
	factory_and_upload();
	assert_true(boot_ok(BOOT_MODE_DIRECT_XIP, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	img_new[0x2000] ^= 1;
	/* Nothing valid at all. */
	img_old[0x2000] ^= 1;
	bfx_load(&f, f.pri, img_old, old_len);
	assert_int_equal(boot(BOOT_MODE_DIRECT_XIP, &rsp), -ENOENT);
	img_old[0x2000] ^= 1;
}

static void test_direct_xip_rom_fixed(void **state)
{
	static uint8_t fixed[64 * 1024];
	size_t len;

	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	/* Linked for the primary but stored in the secondary: skipped, not erased. */
	len = bfx_make_image(fixed, sizeof(fixed), 3, 0, 0, 5000, 4, SMPDFU_IMAGE_F_ROM_FIXED,
			     f.pri->off);
	bfx_load(&f, f.sec, fixed, len);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_true(bfx_slot_starts_with(&f, f.sec, fixed, len));
	/* Linked for the secondary: chosen. */
	len = bfx_make_image(fixed, sizeof(fixed), 3, 0, 0, 5000, 4, SMPDFU_IMAGE_F_ROM_FIXED,
			     f.sec->off);
	bfx_load(&f, f.sec, fixed, len);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP, 1, 3, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

static void test_direct_xip_revert(void **state)
{
	(void)state;
	factory_and_upload();
	mark_confirmed(f.pri);
	/* An upload without a magic is not bootable in revert mode: erased. */
	assert_true(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));
	expect_trailer(f.pri, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);

	/* Test: boots once (copy_done written), then goes away unless confirmed. */
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), 0);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 1);
	expect_trailer(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_UNSET, SMPDFU_BOOT_FLAG_SET);
	assert_true(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE) > 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size));

	/* A torn image_ok (stray bits beside an erased first byte) is no state to build on. */
	bfx_load(&f, f.sec, img_new, new_len);
	f.flash.mem[f.sec->off + smpdfu_boot_image_ok_off(f.sec->size) + 1] = 0x00;
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), -EBADMSG);

	/* Test and confirm: stays. */
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), 0);
	boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE);
	smpdfu_boot_set_running_slot(1);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, true), 0);
	expect_trailer(f.sec, SMPDFU_BOOT_MAGIC_GOOD, SMPDFU_BOOT_FLAG_SET, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
	assert_int_equal(boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 1, 2, SMPDFU_BOOT_SWAP_TYPE_NONE), 0);
}

/* The factory hazard of revert mode: an unconfirmed single image is erased on its second boot. */
static void test_direct_xip_revert_unconfirmed_factory_image(void **state)
{
	struct smpdfu_boot_rsp rsp;

	(void)state;
	bfx_load(&f, f.pri, img_old, old_len);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
	boot_ok(BOOT_MODE_DIRECT_XIP_REVERT, 0, 1, SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(boot(BOOT_MODE_DIRECT_XIP_REVERT, &rsp), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move_nothing_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_recorded_swap_size_bound, setup_equal,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_foreign_secondary_scrubbed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_encrypted_secondary_scrubbed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_non_bootable_secondary_not_swapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_slots_too_small_leave_the_secondary,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_test_then_revert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_test_then_revert, setup_equal, teardown),
		cmocka_unit_test_setup_teardown(test_move_test_confirm_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_permanent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_permanent, setup_equal, teardown),
		cmocka_unit_test_setup_teardown(test_move_smaller_new_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_invalid_secondary_scrubbed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_oversized_secondary_scrubbed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_stale_trailer_without_image, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_revert_with_empty_secondary, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_downgrade_prevention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_revert_not_a_downgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_padded_factory_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_nothing_bootable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_go_uses_kconfig_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_recorded_swap_size_bound,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_nothing_pending, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_test_then_revert, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_test_then_revert,
						setup_scratch_one_page, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_test_confirm_stays, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_permanent, setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_smaller_new_image, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_invalid_secondary_scrubbed,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_revert_with_empty_secondary,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_downgrade_prevention, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_trailer_region, setup_scratch_one_page,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_trailer_region, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_wear, setup_scratch_one_page,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_wear, setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_max_image_size, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_unusable_geometry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_resume_abandoned, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch_resume_abandoned_beside_both_records,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_locate_headers, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_forged_revert_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_erase_sparing_magic_perm, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_torn_erase_sparing_magic_perm_scratch,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_torn_erase_sparing_magic_revert, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_torn_erase_sparing_magic_revert_scratch,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_finish_perm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_finish_perm_scratch,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_finish_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_finish_test_scratch,
						setup_scratch, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_xip_copy_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_stray_request_perm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_torn_twice_at_one_chunk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_torn_twice_at_one_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_torn_twice_at_one_chunk, setup_scratch,
						teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_downgrade_and_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_xip_picks_higher_version, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_xip_invalid_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_xip_rom_fixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_xip_revert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_xip_revert_unconfirmed_factory_image,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
