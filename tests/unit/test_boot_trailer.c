/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image trailer: offsets for A = 8, 16 and 32 against MCUboot's table, byte-exact writes (one
 * program per field, erased-value padding), decoding of every field, and trailers imgtool wrote.
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
	*keys = NULL;
	return 0;
}

static const uint8_t magic8[16] = { 0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
				    0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80 };
static const uint8_t magic16[16] = { 0x10, 0x00, 0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b,
				     0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a };
static const uint8_t magic32[16] = { 0x20, 0x00, 0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b,
				     0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a };

/* The reference's table of offsets from the end (no encryption, not swap-offset). */
static void test_offsets_match_mcuboot_table(void **state)
{
	static const struct {
		uint32_t a, image_ok, copy_done, swap_info, swap_size, info, magic_write;
	} rows[] = {
		{ 8, 24, 32, 40, 48, 48, 16 },
		{ 16, 32, 48, 64, 80, 80, 16 },
		{ 32, 64, 96, 128, 160, 160, 32 },
	};
	const uint32_t size = 0x8000;
	const uint32_t cfg_a = SMPDFU_BOOT_MAX_ALIGN;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		uint32_t a = rows[i].a;

		assert_int_equal(size - smpdfu_boot_trailer_image_ok_off(size, a),
				 rows[i].image_ok);
		assert_int_equal(size - smpdfu_boot_trailer_copy_done_off(size, a),
				 rows[i].copy_done);
		assert_int_equal(size - smpdfu_boot_trailer_swap_info_off(size, a),
				 rows[i].swap_info);
		assert_int_equal(size - smpdfu_boot_trailer_swap_size_off(size, a),
				 rows[i].swap_size);
		assert_int_equal(smpdfu_boot_trailer_info_size(a), rows[i].info);
		assert_int_equal(size - smpdfu_boot_trailer_magic_write_off(size, a),
				 rows[i].magic_write);
	}
	/* The public inline helpers are the same thing for the configured A. */
	assert_int_equal(smpdfu_boot_image_ok_off(size),
			 smpdfu_boot_trailer_image_ok_off(size, cfg_a));
	assert_int_equal(smpdfu_boot_copy_done_off(size),
			 smpdfu_boot_trailer_copy_done_off(size, cfg_a));
	assert_int_equal(smpdfu_boot_swap_info_off(size),
			 smpdfu_boot_trailer_swap_info_off(size, cfg_a));
	assert_int_equal(smpdfu_boot_swap_size_off(size),
			 smpdfu_boot_trailer_swap_size_off(size, cfg_a));
	assert_int_equal(smpdfu_boot_magic_off(size), size - 16);
	assert_int_equal(SMPDFU_BOOT_TRAILER_INFO_SZ,
			 smpdfu_boot_trailer_info_size(SMPDFU_BOOT_MAX_ALIGN));
}

/* Issue #2033's numbers: trailer sizes for S = 128 sectors. */
static void test_trailer_sizes_match_imgtool(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_boot_trailer_size(8, 128, 4), 1584);
	assert_int_equal(smpdfu_boot_trailer_size(8, 128, 8), 3120);
	assert_int_equal(smpdfu_boot_trailer_size(16, 128, 16), 6224);
	assert_int_equal(smpdfu_boot_trailer_size(32, 128, 32), 12448);
	assert_int_equal(smpdfu_boot_status_size(128, 4), 1536);
	/* Entry k sits k·W above the start of the status area. */
	assert_int_equal(smpdfu_boot_status_entry_off(0x8000, 8, 128, 4, 0), 0x8000 - 1584);
	assert_int_equal(smpdfu_boot_status_entry_off(0x8000, 8, 128, 4, 5), 0x8000 - 1584 + 20);
	assert_int_equal(smpdfu_boot_trailer_first_sector(0x8000, 0x1000, 1584), 7);
	assert_int_equal(smpdfu_boot_trailer_first_sector(0x8000, 0x1000, 4096), 7);
	assert_int_equal(smpdfu_boot_trailer_first_sector(0x8000, 0x1000, 4097), 6);
}

static void test_magic_forms(void **state)
{
	uint8_t m[16];

	(void)state;
	smpdfu_boot_trailer_magic(8, m);
	assert_memory_equal(m, magic8, 16);
	smpdfu_boot_trailer_magic(16, m);
	assert_memory_equal(m, magic16, 16);
	smpdfu_boot_trailer_magic(32, m);
	assert_memory_equal(m, magic32, 16);
}

/* Checks that exactly one program happened and the trailer's last `n` bytes are `want`. */
static void expect_tail(struct boot_fixture *f, uint64_t ops_before, const uint8_t *want, size_t n)
{
	const uint8_t *end = bfx_mem(f, f->sec) + f->sec->size;

	assert_int_equal(bfx_ops(f), ops_before + 1);
	assert_memory_equal(end - n, want, n);
}

static void write_and_check(uint32_t w, uint32_t a)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = w, .pri_pages = 8,
				     .sec_pages = 8 };
	struct boot_fixture f;
	struct smpdfu_boot_swap_state st;
	uint8_t want[160];
	uint32_t info = smpdfu_boot_trailer_info_size(a);
	uint64_t ops;

	bfx_open(&f, &g);
	memset(want, 0xff, sizeof(want));

	ops = bfx_ops(&f);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, a), 0);
	smpdfu_boot_trailer_magic(a, want + info - 16);
	expect_tail(&f, ops, want, info);

	ops = bfx_ops(&f);
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.sec, a), 0);
	want[info - (f.sec->size - smpdfu_boot_trailer_image_ok_off(f.sec->size, a))] = 0x01;
	expect_tail(&f, ops, want, info);
	/* The magic's 16 bytes (A = 32: with the erased ones before them only when W = 32). */
	assert_int_equal(f.flash.count.bytes_programmed,
			 (w < 32 ? 16 : smpdfu_boot_trailer_magic_align(a)) + (w > 1 ? w : 1));

	ops = bfx_ops(&f);
	assert_int_equal(smpdfu_boot_trailer_write_copy_done(f.sec, a), 0);
	want[info - (f.sec->size - smpdfu_boot_trailer_copy_done_off(f.sec->size, a))] = 0x01;
	expect_tail(&f, ops, want, info);

	ops = bfx_ops(&f);
	assert_int_equal(
		smpdfu_boot_trailer_write_swap_info(f.sec, a, SMPDFU_BOOT_SWAP_TYPE_PERM, 0), 0);
	want[info - (f.sec->size - smpdfu_boot_trailer_swap_info_off(f.sec->size, a))] = 0x03;
	expect_tail(&f, ops, want, info);

	ops = bfx_ops(&f);
	assert_int_equal(smpdfu_boot_trailer_write_swap_size(f.sec, a, 0x0001b730), 0);
	memcpy(want + info - (f.sec->size - smpdfu_boot_trailer_swap_size_off(f.sec->size, a)),
	       "\x30\xb7\x01\x00", 4);
	expect_tail(&f, ops, want, info);

	/* Nothing below the trailer fields was touched. */
	assert_true(smpdfu_flash_area_is_erased(f.sec, 0, f.sec->size - info));
	assert_int_equal(f.flash.count.violations, 0);

	assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_PERM);
	{
		uint32_t sz;

		assert_int_equal(smpdfu_boot_trailer_read_swap_size(f.sec, a, &sz), 0);
		assert_int_equal(sz, 0x0001b730);
	}
	/* A reader built for another A sees this magic as BAD. */
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, a == 8 ? 16 : 8, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
	bfx_close(&f);
}

/* A = 8 with W = 1, 4, 8: e.g. image_ok with W = 4 is "01 ff ff ff" at -24. */
static void test_writes_byte_exact_a8(void **state)
{
	(void)state;
	write_and_check(1, 8);
	write_and_check(4, 8);
	write_and_check(8, 8);
}

static void test_writes_byte_exact_a16_a32(void **state)
{
	(void)state;
	write_and_check(4, 16);
	write_and_check(16, 16);
	write_and_check(4, 32);
	write_and_check(32, 32);
}

static void test_explicit_a8_w4_bytes(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	struct boot_fixture f;
	const uint8_t *end;

	(void)state;
	bfx_open(&f, &g);
	end = bfx_mem(&f, f.sec) + f.sec->size;
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.sec, 8), 0);
	assert_int_equal(
		smpdfu_boot_trailer_write_swap_info(f.sec, 8, SMPDFU_BOOT_SWAP_TYPE_TEST, 0), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 8), 0);
	assert_memory_equal(end - 24, "\x01\xff\xff\xff\xff\xff\xff\xff", 8);
	assert_memory_equal(end - 40, "\x02\xff\xff\xff\xff\xff\xff\xff", 8);
	assert_memory_equal(end - 16, magic8, 16);
	/* A = 32: the magic at -16, the 16 bytes before it left erased (W = 4 programs 16). */
	assert_int_equal(smpdfu_flash_area_erase(f.sec, f.sec->size - 0x1000, 0x1000), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 32), 0);
	assert_true(smpdfu_flash_area_is_erased(f.sec, f.sec->size - 32, 16));
	assert_memory_equal(end - 16, magic32, 16);
	bfx_close(&f);
}

/*
 * Every program counted per write block, 0xFF-only ones too (Nordic's NVMC counts a word written
 * with bits left 1 against its n_WRITE = 2), reset by erases: the simulator leaves those out.
 */
static const struct smpdfu_flash_device_ops *strict_inner;
static uint8_t strict_writes[32 * 0x1000 / 4]; /* the fixture device: 17 pages of 4 KiB */
static uint8_t strict_max;

static int strict_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	return strict_inner->read(dev, off, dst, len);
}

static int strict_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
			  size_t len)
{
	int rc = strict_inner->program(dev, off, src, len);

	/* A torn program reached its blocks too: count them whatever it returned. */
	assert_true((off + len) / dev->write_block <= ARRAY_SIZE(strict_writes));
	for (uint32_t b = off / dev->write_block; b < (off + len) / dev->write_block; b++) {
		if (++strict_writes[b] > strict_max) {
			strict_max = strict_writes[b];
		}
	}
	return rc;
}

static int strict_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	int rc = strict_inner->erase(dev, off, len);

	assert_true((off + len) / dev->write_block <= ARRAY_SIZE(strict_writes));
	if (rc == 0) {
		memset(&strict_writes[off / dev->write_block], 0, len / dev->write_block);
	}
	return rc;
}

static const struct smpdfu_flash_device_ops strict_ops = {
	.read = strict_read,
	.program = strict_program,
	.erase = strict_erase,
};

/*
 * A = 32 with W = 4 (nRF): a magic write cut twice, torn, then done, each attempt after an erase
 * of the trailer page if it needs one (what overwrite-only's resume does). The 16 erased bytes in
 * front of the magic went out in the same program, so a tear that wrote only them left the page
 * reading erased: the next attempt programmed them again, and the third a third time (the power
 * cut sweep fails so, a32-w4 overwrite second-test program-prefix i=19 j=18, once 0xFF-only
 * writes count). Only blocks that hold magic bytes may be programmed.
 */
static void test_torn_magic_retries_write_no_word_thrice(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	struct boot_fixture f;
	struct smpdfu_boot_swap_state st;
	uint32_t last;

	(void)state;
	bfx_open(&f, &g);
	strict_inner = f.flash.dev.ops;
	f.flash.dev.ops = &strict_ops;
	memset(strict_writes, 0, sizeof(strict_writes));
	strict_max = 0;
	last = f.sec->size - g.page;
	for (int attempt = 0; attempt < 3; attempt++) {
		assert_int_equal(smpdfu_flash_area_erase_if_needed(f.sec, last, g.page), 0);
		if (attempt < 2) {
			f.flash.tear =
				(struct flash_sim_tear){ .program = FLASH_SIM_PROGRAM_PREFIX };
			flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_TORN, 0);
			assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 32), -EIO);
			flash_sim_power_on(&f.flash);
		} else {
			assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 32), 0);
		}
	}
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, 32, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_true(smpdfu_flash_area_is_erased(f.sec, f.sec->size - 32, 16));
	assert_int_equal(f.flash.count.violations, 0);
	assert_true(strict_max <= FLASH_SIM_WRITES_PER_BLOCK);
	f.flash.dev.ops = strict_inner;
	bfx_close(&f);
}

/* A field wider than its cell (W > A) cannot be placed: a configuration error. */
static void test_write_block_larger_than_align_refused(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 16, .pri_pages = 8,
				     .sec_pages = 8 };
	struct boot_fixture f;

	(void)state;
	bfx_open(&f, &g);
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.sec, 8), -EINVAL);
	assert_int_equal(smpdfu_boot_trailer_write_swap_size(f.sec, 8, 1), -EINVAL);
	assert_int_equal(bfx_ops(&f), 0);
	bfx_close(&f);
}

/* swap_info holds two nibbles: 0x0f is out of range for either, 0x0e the largest in range. */
static void test_swap_info_nibble_bounds(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	struct boot_fixture f;

	(void)state;
	bfx_open(&f, &g);
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.sec, 8, 0x0f, 0), -EINVAL);
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.sec, 8, 0, 0x0f), -EINVAL);
	assert_int_equal(bfx_ops(&f), 0);
	assert_int_equal(smpdfu_boot_trailer_write_swap_info(f.sec, 8, 0x0e, 0x0e), 0);
	assert_int_equal(bfx_ops(&f), 1);
	bfx_close(&f);
}

static void put_byte(struct boot_fixture *f, uint32_t off, uint8_t v)
{
	/* Direct poke: decoding tests need values no writer of ours produces. */
	f->flash.mem[f->sec->off + off] = v;
}

static void test_decoding(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	const uint32_t a = 8;
	struct boot_fixture f;
	struct smpdfu_boot_swap_state st;
	uint32_t size;
	static const struct {
		uint8_t raw;
		uint8_t type;
		uint8_t image;
	} infos[] = {
		{ 0xff, SMPDFU_BOOT_SWAP_TYPE_NONE, 0 }, { 0x01, SMPDFU_BOOT_SWAP_TYPE_NONE, 0 },
		{ 0x02, SMPDFU_BOOT_SWAP_TYPE_TEST, 0 }, { 0x03, SMPDFU_BOOT_SWAP_TYPE_PERM, 0 },
		{ 0x04, SMPDFU_BOOT_SWAP_TYPE_REVERT, 0 }, { 0x13, SMPDFU_BOOT_SWAP_TYPE_PERM, 1 },
		{ 0x05, SMPDFU_BOOT_SWAP_TYPE_NONE, 0 }, { 0x00, SMPDFU_BOOT_SWAP_TYPE_NONE, 0 },
		{ 0x1f, SMPDFU_BOOT_SWAP_TYPE_NONE, 0 },
	};
	static const struct {
		uint8_t raw;
		enum smpdfu_boot_flag_state st;
	} flags[] = {
		{ 0xff, SMPDFU_BOOT_FLAG_UNSET }, { 0x01, SMPDFU_BOOT_FLAG_SET },
		{ 0x00, SMPDFU_BOOT_FLAG_BAD },   { 0x02, SMPDFU_BOOT_FLAG_BAD },
		{ 0xfe, SMPDFU_BOOT_FLAG_BAD },
	};

	(void)state;
	bfx_open(&f, &g);
	size = f.sec->size;
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_UNSET);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_NONE);

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a), flags[i].raw);
		put_byte(&f, smpdfu_boot_trailer_copy_done_off(size, a), flags[i].raw);
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.image_ok, flags[i].st);
		assert_int_equal(st.copy_done, flags[i].st);
	}
	for (size_t i = 0; i < ARRAY_SIZE(infos); i++) {
		put_byte(&f, smpdfu_boot_trailer_swap_info_off(size, a), infos[i].raw);
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.swap_type, infos[i].type);
		assert_int_equal(st.image_num, infos[i].image);
	}
	/* The magic: all 16 bytes count, any single one off reads BAD. */
	for (uint32_t i = 0; i < 16; i++) {
		memcpy(f.flash.mem + f.sec->off + size - 16, magic8, 16);
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
		put_byte(&f, size - 16 + i, (uint8_t)(magic8[i] ^ 0x40));
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
		put_byte(&f, size - 16 + i, 0xff);
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
	}
	bfx_close(&f);
}

/*
 * A flag reads UNSET only when its whole write block is erased (W = 4 here): a block written
 * beside an erased first byte cannot take the value any more, so it reads BAD (MCUboot: UNSET,
 * from the first byte alone), and no writer of ours programs over it. The rest of the A-byte cell
 * lies outside the write and does not count; a written first byte keeps MCUboot's meaning.
 */
static void test_decoding_dirty_write_block(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	const uint32_t a = 8;
	struct boot_fixture f;
	struct smpdfu_boot_swap_state st;
	uint32_t size;

	(void)state;
	bfx_open(&f, &g);
	size = f.sec->size;
	for (uint32_t b = 1; b < 4; b++) {
		put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a) + b, 0x7f);
		put_byte(&f, smpdfu_boot_trailer_copy_done_off(size, a) + b, 0x00);
		assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
		assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_BAD);
		assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_BAD);
		put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a) + b, 0xff);
		put_byte(&f, smpdfu_boot_trailer_copy_done_off(size, a) + b, 0xff);
	}
	/* Outside the write block, in the cell's unused half: not part of the flag. */
	put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a) + 4, 0x00);
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	/* A written first byte reads as MCUboot reads it, whatever is beside it. */
	put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a), 0x01);
	put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, a) + 2, 0x00);
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, a, &st), 0);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);

	/* The app refuses to write over a dirty block rather than break the flash rules. */
	assert_int_equal(smpdfu_flash_area_erase(f.sec, size - 0x1000, 0x1000), 0);
	put_byte(&f, smpdfu_boot_trailer_image_ok_off(size, SMPDFU_BOOT_MAX_ALIGN) + 3, 0x7f);
	assert_int_equal(smpdfu_boot_request_upgrade(true), -EBADMSG);
	assert_int_equal(smpdfu_boot_request_upgrade(false), -EBADMSG);
	assert_int_equal(f.flash.count.violations, 0);

	/* A = 32: the magic is written as 32 bytes, so all of them must be erased for UNSET. */
	assert_int_equal(smpdfu_flash_area_erase(f.sec, size - 0x1000, 0x1000), 0);
	put_byte(&f, size - 20, 0x00);
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, 32, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
	assert_int_equal(smpdfu_boot_trailer_read(f.sec, 16, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_UNSET);
	bfx_close(&f);
}

/* Reads an imgtool-padded vector into a 0x8000-byte slot and decodes its trailer with A. */
static void read_vector(const char *name, uint32_t a, struct smpdfu_boot_swap_state *st)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };
	char path[512];
	static uint8_t buf[0x8000];
	struct boot_fixture f;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/mcuboot/%s", SMPDFU_VECTORS_DIR, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof(buf), fp), sizeof(buf));
	fclose(fp);
	bfx_open(&f, &g);
	bfx_load(&f, f.pri, buf, sizeof(buf));
	assert_int_equal(smpdfu_boot_trailer_read(f.pri, a, st), 0);
	bfx_close(&f);
}

static void test_imgtool_trailers(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	read_vector("padded-test.signed.bin", 8, &st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_NONE);

	read_vector("padded-confirmed.signed.bin", 8, &st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_UNSET);

	read_vector("align16-padded.signed.bin", 16, &st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	/* A bootloader built for A = 8 does not recognise the A = 16 magic (and vice versa). */
	read_vector("align16-padded.signed.bin", 8, &st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
	read_vector("padded-test.signed.bin", 16, &st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_BAD);
}

/* What our writer produces equals imgtool's --pad --confirm trailer, byte for byte. */
static void test_our_confirmed_trailer_equals_imgtool(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 8, .pri_pages = 8,
				     .sec_pages = 8 };
	char path[512];
	static uint8_t buf[0x8000];
	struct boot_fixture f;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/mcuboot/padded-confirmed.signed.bin", SMPDFU_VECTORS_DIR);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof(buf), fp), sizeof(buf));
	fclose(fp);
	bfx_open(&f, &g);
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(f.sec, 8), 0);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 8), 0);
	assert_memory_equal(bfx_mem(&f, f.sec) + 0x8000 - 1024, buf + 0x8000 - 1024, 1024);
	bfx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_match_mcuboot_table),
		cmocka_unit_test(test_trailer_sizes_match_imgtool),
		cmocka_unit_test(test_magic_forms),
		cmocka_unit_test(test_writes_byte_exact_a8),
		cmocka_unit_test(test_writes_byte_exact_a16_a32),
		cmocka_unit_test(test_explicit_a8_w4_bytes),
		cmocka_unit_test(test_write_block_larger_than_align_refused),
		cmocka_unit_test(test_swap_info_nibble_bounds),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_decoding_dirty_write_block),
		cmocka_unit_test(test_torn_magic_retries_write_no_word_thrice),
		cmocka_unit_test(test_imgtool_trailers),
		cmocka_unit_test(test_our_confirmed_trailer_equals_imgtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
