/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the NOR flash simulator: the physics it enforces, persistence of its file, its counters,
 * the power cut (clean, and torn in each shape) that the power-loss tests of the layers above rely
 * on, and the faults (one operation fails, the power stays on) of the fault sweeps.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "flash_sim.h"
#include "util.h"

#define PAGE 256
#define BLOCK 4
#define PAGES 8
#define SIZE (PAGE * PAGES)

static int dev_read(struct flash_sim *sim, uint32_t off, void *dst, size_t len)
{
	return sim->dev.ops->read(&sim->dev, off, dst, len);
}

static int dev_program(struct flash_sim *sim, uint32_t off, const void *src, size_t len)
{
	return sim->dev.ops->program(&sim->dev, off, src, len);
}

static int dev_erase(struct flash_sim *sim, uint32_t off, size_t len)
{
	return sim->dev.ops->erase(&sim->dev, off, len);
}

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + i * 7);
	}
}

static void assert_all(const uint8_t *p, size_t len, uint8_t value)
{
	for (size_t i = 0; i < len; i++) {
		assert_int_equal(p[i], value);
	}
}

static void test_open_geometry(void **state)
{
	struct flash_sim sim;
	uint8_t page[PAGE];

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_ptr_equal(sim.dev.ctx, &sim);
	assert_int_equal(sim.dev.size, SIZE);
	assert_int_equal(sim.dev.page_size, PAGE);
	assert_int_equal(sim.dev.write_block, BLOCK);
	assert_int_equal(sim.dev.erased_value, 0xFF);
	assert_int_equal(sim.fd, -1);
	assert_false(sim.powered_off);
	for (uint32_t off = 0; off < SIZE; off += PAGE) {
		assert_int_equal(dev_read(&sim, off, page, PAGE), 0);
		assert_all(page, PAGE, 0xFF);
	}
	flash_sim_close(&sim);

	/* Geometry that no part has is refused. */
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE + 1, PAGE, BLOCK), -EINVAL);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, 3), -EINVAL);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, 0, BLOCK), -EINVAL);
	assert_int_equal(flash_sim_open(&sim, NULL, 0, PAGE, BLOCK), -EINVAL);
}

static void test_double_program_refused(void **state)
{
	struct flash_sim sim;
	uint8_t a[16], b[16], got[16];

	(void)state;
	fill_pattern(a, sizeof(a), 1);
	fill_pattern(b, sizeof(b), 100);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 32, a, sizeof(a)), 0);
	assert_int_equal(dev_program(&sim, 32, b, sizeof(b)), -EIO);
	assert_int_equal(sim.count.violations, 1);
	/* Overlapping only in its last block is refused too, and writes nothing of its first. */
	assert_int_equal(dev_program(&sim, 20, b, sizeof(b)), -EIO);
	assert_int_equal(sim.count.violations, 2);
	assert_int_equal(dev_read(&sim, 32, got, sizeof(got)), 0);
	assert_memory_equal(got, a, sizeof(a));
	assert_int_equal(dev_read(&sim, 16, got, sizeof(got)), 0);
	assert_all(got, sizeof(got), 0xFF);
	/* Writing 0xFF over programmed bytes is still a program over non-erased bytes. */
	memset(b, 0xFF, sizeof(b));
	assert_int_equal(dev_program(&sim, 32, b, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 3);
	assert_int_equal(sim.count.programs, 1);
	assert_int_equal(sim.count.bytes_programmed, sizeof(a));
	flash_sim_close(&sim);
}

static void test_misaligned_and_out_of_range_refused(void **state)
{
	struct flash_sim sim;
	uint8_t data[PAGE * 2];
	uint8_t got[PAGE];

	(void)state;
	fill_pattern(data, sizeof(data), 3);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 2, data, BLOCK), -EINVAL);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK + 1), -EINVAL);
	assert_int_equal(dev_program(&sim, SIZE - BLOCK, data, 2 * BLOCK), -EINVAL);
	assert_int_equal(dev_program(&sim, SIZE, data, BLOCK), -EINVAL);
	assert_int_equal(dev_erase(&sim, PAGE / 2, PAGE), -EINVAL);
	assert_int_equal(dev_erase(&sim, 0, PAGE + BLOCK), -EINVAL);
	assert_int_equal(dev_erase(&sim, SIZE - PAGE, 2 * PAGE), -EINVAL);
	assert_int_equal(dev_erase(&sim, UINT32_MAX - PAGE + 1, PAGE), -EINVAL);
	assert_int_equal(dev_read(&sim, SIZE - 1, got, 2), -EINVAL);
	assert_int_equal(sim.count.violations, 9);
	assert_int_equal(sim.count.programs, 0);
	assert_int_equal(sim.count.erases, 0);
	assert_int_equal(sim.count.reads, 0);
	for (uint32_t off = 0; off < SIZE; off += PAGE) {
		assert_int_equal(dev_read(&sim, off, got, PAGE), 0);
		assert_all(got, PAGE, 0xFF);
	}
	/* The last block and the last page are in range. */
	assert_int_equal(dev_program(&sim, SIZE - BLOCK, data, BLOCK), 0);
	assert_int_equal(dev_erase(&sim, SIZE - PAGE, PAGE), 0);
	assert_int_equal(sim.count.violations, 9);
	flash_sim_close(&sim);
}

static void test_erase_restores_erased_value(void **state)
{
	struct flash_sim sim;
	uint8_t data[PAGE * 3];
	uint8_t got[PAGE * 3];

	(void)state;
	fill_pattern(data, sizeof(data), 9);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE, data, sizeof(data)), 0);
	assert_int_equal(dev_erase(&sim, 2 * PAGE, PAGE), 0);
	assert_int_equal(dev_read(&sim, PAGE, got, sizeof(got)), 0);
	assert_memory_equal(got, data, PAGE);
	assert_all(&got[PAGE], PAGE, 0xFF);
	assert_memory_equal(&got[2 * PAGE], &data[2 * PAGE], PAGE);
	/* The erased page takes a program again. */
	assert_int_equal(dev_program(&sim, 2 * PAGE, data, PAGE), 0);
	assert_int_equal(dev_read(&sim, 2 * PAGE, got, PAGE), 0);
	assert_memory_equal(got, data, PAGE);
	assert_int_equal(sim.count.violations, 0);
	flash_sim_close(&sim);
}

static void test_counters(void **state)
{
	struct flash_sim sim;
	uint8_t data[64];

	(void)state;
	fill_pattern(data, sizeof(data), 5);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, data, 64), 0);
	assert_int_equal(dev_program(&sim, PAGE, data, 8), 0);
	assert_int_equal(dev_read(&sim, 0, data, 64), 0);
	assert_int_equal(dev_read(&sim, 3, data, 1), 0);
	assert_int_equal(dev_erase(&sim, 0, 3 * PAGE), 0);
	assert_int_equal(dev_erase(&sim, 5 * PAGE, PAGE), 0);
	assert_int_equal(dev_program(&sim, 0, data, 4), 0);
	assert_int_equal(dev_program(&sim, 1, data, 4), -EINVAL);
	assert_int_equal(sim.count.reads, 2);
	assert_int_equal(sim.count.programs, 3);
	assert_int_equal(sim.count.bytes_programmed, 64 + 8 + 4);
	assert_int_equal(sim.count.erases, 2);
	assert_int_equal(sim.count.pages_erased, 4);
	assert_int_equal(sim.count.violations, 1);
	assert_int_equal(flash_sim_op_count(&sim), 5);
	flash_sim_close(&sim);
}

/* A private directory per run, removed at the end, so runs in parallel do not meet. */
struct temp_flash {
	char dir[64];
	char path[96];
};

/* Setup and teardown, so that the directory goes away even when the test fails half way. */
static int temp_flash_make(void **state)
{
	static struct temp_flash t;

	strcpy(t.dir, "/tmp/smpdfu-flash-XXXXXX");
	if (mkdtemp(t.dir) == NULL) {
		return -1;
	}
	snprintf(t.path, sizeof(t.path), "%s/flash.bin", t.dir);
	*state = &t;
	return 0;
}

static int temp_flash_remove(void **state)
{
	struct temp_flash *t = *state;

	unlink(t->path);
	return rmdir(t->dir);
}

static void test_file_persists_across_reopen(void **state)
{
	const struct temp_flash *t = *state;
	struct flash_sim sim;
	uint8_t data[PAGE];
	uint8_t got[PAGE];
	struct stat st;

	fill_pattern(data, sizeof(data), 42);

	assert_int_equal(flash_sim_open(&sim, t->path, SIZE, PAGE, BLOCK), 0);
	assert_true(sim.fd >= 0);
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_size, SIZE);
	assert_int_equal(dev_read(&sim, 0, got, PAGE), 0);
	assert_all(got, PAGE, 0xFF);
	assert_int_equal(dev_program(&sim, 3 * PAGE, data, PAGE), 0);
	flash_sim_close(&sim);

	/* A new process would see the same bytes, and the physics still hold for them. */
	assert_int_equal(flash_sim_open(&sim, t->path, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_read(&sim, 3 * PAGE, got, PAGE), 0);
	assert_memory_equal(got, data, PAGE);
	assert_int_equal(dev_read(&sim, 2 * PAGE, got, PAGE), 0);
	assert_all(got, PAGE, 0xFF);
	assert_int_equal(dev_program(&sim, 3 * PAGE, data, BLOCK), -EIO);
	assert_int_equal(dev_erase(&sim, 3 * PAGE, PAGE), 0);
	flash_sim_close(&sim);

	assert_int_equal(flash_sim_open(&sim, t->path, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_read(&sim, 3 * PAGE, got, PAGE), 0);
	assert_all(got, PAGE, 0xFF);
	flash_sim_close(&sim);

	/* A flash file of another configuration is refused and left as it is. */
	assert_int_equal(flash_sim_open(&sim, t->path, 2 * SIZE, PAGE, BLOCK), -EINVAL);
	assert_int_equal(flash_sim_open(&sim, t->path, SIZE / 2, PAGE, BLOCK), -EINVAL);
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_size, SIZE);
}

/* --- Power cuts ------------------------------------------------------------------------------ */

enum script_kind { OP_PROGRAM, OP_ERASE };

struct script_op {
	enum script_kind kind;
	uint32_t off;
	uint32_t len;
};

/* Valid from an erased flash when run in order: every op takes effect and changes something. */
static const struct script_op script[] = {
	{ OP_PROGRAM, 0, 8 },
	{ OP_PROGRAM, 8, 16 },
	{ OP_PROGRAM, PAGE + 4, 64 },
	{ OP_ERASE, 0, PAGE },
	{ OP_PROGRAM, 0, 4 },
	{ OP_PROGRAM, 2 * PAGE, 2 * PAGE },
	{ OP_ERASE, PAGE, 2 * PAGE },
	{ OP_PROGRAM, PAGE, 12 },
	{ OP_ERASE, 3 * PAGE, PAGE },
	{ OP_PROGRAM, 5 * PAGE - 8, 8 },
};

#define SCRIPT_LEN (ARRAY_SIZE(script))

static int run_op(struct flash_sim *sim, size_t i)
{
	static uint8_t data[2 * PAGE];
	const struct script_op *op = &script[i];

	if (op->kind == OP_ERASE) {
		return dev_erase(sim, op->off, op->len);
	}
	fill_pattern(data, op->len, (uint8_t)(i * 31 + 1));
	return dev_program(sim, op->off, data, op->len);
}

static unsigned int cuts_seen;

static void count_cut(struct flash_sim *sim)
{
	assert_true(sim->powered_off);
	cuts_seen++;
}

/* snap[k] = the contents after the first k ops of the script, without any cut. */
static void script_snapshots(uint8_t snap[][SIZE])
{
	struct flash_sim sim;

	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	memcpy(snap[0], sim.mem, SIZE);
	for (size_t i = 0; i < SCRIPT_LEN; i++) {
		assert_int_equal(run_op(&sim, i), 0);
		memcpy(snap[i + 1], sim.mem, SIZE);
		/* Otherwise a cut before op i could not be told from one after it. */
		assert_memory_not_equal(snap[i + 1], snap[i], SIZE);
	}
	assert_int_equal(sim.count.violations, 0);
	flash_sim_close(&sim);
}

static void test_clean_cut_sweep(void **state)
{
	static uint8_t snap[SCRIPT_LEN + 1][SIZE];
	uint8_t got[16];

	(void)state;
	script_snapshots(snap);
	for (uint64_t n = 0; n <= SCRIPT_LEN; n++) {
		struct flash_sim sim;

		assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
		sim.on_cut = count_cut;
		cuts_seen = 0;
		flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, n);
		for (size_t i = 0; i < SCRIPT_LEN; i++) {
			int rc = run_op(&sim, i);

			if (i < n) {
				assert_int_equal(rc, 0);
				/* Reads do not use up the budget. */
				assert_int_equal(dev_read(&sim, 0, got, sizeof(got)), 0);
			} else {
				assert_int_equal(rc, -EIO);
				assert_true(sim.powered_off);
				assert_int_equal(dev_read(&sim, 0, got, sizeof(got)), -EIO);
			}
		}
		/* Exactly n ops took effect, the callback ran once if the cut came at all. */
		assert_memory_equal(sim.mem, snap[n], SIZE);
		assert_int_equal(flash_sim_op_count(&sim), n);
		assert_int_equal(cuts_seen, n < SCRIPT_LEN ? 1 : 0);
		assert_int_equal(sim.powered_off, n < SCRIPT_LEN);
		assert_int_equal(sim.count.violations, 0);

		/* After power on, the rest of the script runs as if nothing had happened. */
		flash_sim_power_on(&sim);
		assert_false(sim.powered_off);
		for (size_t i = n; i < SCRIPT_LEN; i++) {
			assert_int_equal(run_op(&sim, i), 0);
		}
		assert_memory_equal(sim.mem, snap[SCRIPT_LEN], SIZE);
		assert_int_equal(cuts_seen, n < SCRIPT_LEN ? 1 : 0);
		flash_sim_close(&sim);
	}
}

static void test_cut_survives_in_file(void **state)
{
	const struct temp_flash *t = *state;
	struct flash_sim sim;
	uint8_t data[PAGE];
	uint8_t got[PAGE];

	fill_pattern(data, sizeof(data), 77);
	assert_int_equal(flash_sim_open(&sim, t->path, SIZE, PAGE, BLOCK), 0);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 1);
	assert_int_equal(dev_program(&sim, 0, data, 16), 0);
	assert_int_equal(dev_program(&sim, PAGE, data, 16), -EIO);
	flash_sim_close(&sim);

	/* The restarted device finds the completed op and the torn half of the next. */
	assert_int_equal(flash_sim_open(&sim, t->path, SIZE, PAGE, BLOCK), 0);
	assert_false(sim.powered_off);
	assert_int_equal(dev_read(&sim, 0, got, 16), 0);
	assert_memory_equal(got, data, 16);
	assert_int_equal(dev_read(&sim, PAGE, got, 16), 0);
	assert_memory_equal(got, data, 8);
	assert_all(&got[8], 8, 0xFF);
	flash_sim_close(&sim);
}

/* Dirty pages so that a torn erase can be seen. */
static void program_all(struct flash_sim *sim, uint8_t *expect)
{
	fill_pattern(expect, SIZE, 11);
	assert_int_equal(dev_program(sim, 0, expect, SIZE), 0);
}

static void test_torn_program(void **state)
{
	static const struct {
		uint32_t len;
		uint32_t torn; /* bytes written by the torn op */
	} cases[] = {
		{ 16, 8 },  /* 4 blocks: 2 blocks */
		{ 12, 4 },  /* 3 blocks: half rounded down to a block */
		{ 8, 4 },   /* 2 blocks: 1 block */
		{ 4, 2 },   /* 1 block: half of its bytes */
		{ 2 * PAGE, PAGE },
	};
	uint8_t data[2 * PAGE];
	uint8_t got[2 * PAGE];

	(void)state;
	fill_pattern(data, sizeof(data), 200);
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct flash_sim sim;
		const uint32_t off = PAGE;

		assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
		sim.on_cut = count_cut;
		cuts_seen = 0;
		/* One op completes first, so the budget is counted from the arming. */
		assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
		flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 1);
		assert_int_equal(dev_program(&sim, 4 * PAGE, data, BLOCK), 0);
		assert_int_equal(dev_program(&sim, off, data, cases[c].len), -EIO);
		assert_int_equal(cuts_seen, 1);
		assert_true(sim.powered_off);
		assert_int_equal(dev_program(&sim, 6 * PAGE, data, BLOCK), -EIO);
		assert_int_equal(dev_erase(&sim, 0, PAGE), -EIO);
		assert_int_equal(dev_read(&sim, off, got, 4), -EIO);
		assert_int_equal(cuts_seen, 1);
		assert_int_equal(flash_sim_op_count(&sim), 2);

		flash_sim_power_on(&sim);
		assert_int_equal(dev_read(&sim, off, got, cases[c].len), 0);
		assert_memory_equal(got, data, cases[c].torn);
		assert_all(&got[cases[c].torn], cases[c].len - cases[c].torn, 0xFF);
		assert_int_equal(dev_read(&sim, 6 * PAGE, got, PAGE), 0);
		assert_all(got, PAGE, 0xFF);
		/* The torn block is not erased: it must be erased before it is written again. */
		assert_int_equal(dev_program(&sim, off, data, cases[c].len), -EIO);
		assert_int_equal(sim.count.violations, 1);
		assert_int_equal(dev_erase(&sim, off, 2 * PAGE), 0);
		assert_int_equal(dev_program(&sim, off, data, cases[c].len), 0);
		assert_int_equal(cuts_seen, 1);
		flash_sim_close(&sim);
	}
}

static void test_torn_erase(void **state)
{
	static const struct {
		uint32_t pages;
		uint32_t torn; /* bytes erased by the torn op */
	} cases[] = {
		{ 4, 2 * PAGE }, { 3, PAGE }, { 2, PAGE }, { 1, PAGE / 2 },
	};
	static uint8_t expect[SIZE];

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct flash_sim sim;
		const uint32_t off = 2 * PAGE;

		assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
		program_all(&sim, expect);
		flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
		assert_int_equal(dev_erase(&sim, off, cases[c].pages * PAGE), -EIO);
		assert_true(sim.powered_off);
		assert_int_equal(sim.count.erases, 0);
		assert_int_equal(sim.count.pages_erased, 0);

		flash_sim_power_on(&sim);
		memset(&expect[off], 0xFF, cases[c].torn);
		assert_memory_equal(sim.mem, expect, SIZE);
		flash_sim_close(&sim);
	}
}

/* Zeros may go over programmed bytes (NOR only clears bits), twice per block between erases. */
static void test_zeros_over_programmed(void **state)
{
	static const uint8_t zeros[2 * BLOCK];
	struct flash_sim sim;
	uint8_t a[2 * BLOCK] = { 0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f };
	uint8_t got[2 * BLOCK];

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 64, a, sizeof(a)), 0);
	assert_int_equal(dev_program(&sim, 64, zeros, sizeof(zeros)), 0);
	assert_int_equal(dev_read(&sim, 64, got, sizeof(got)), 0);
	assert_all(got, sizeof(got), 0);
	assert_int_equal(sim.count.overwrites, 1);
	assert_int_equal(sim.count.violations, 0);
	/* A third write of the same blocks is more than the part takes. */
	assert_int_equal(dev_program(&sim, 64, zeros, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 1);
	/* Zeros into erased bytes are a first write: twice more for the erased neighbour. */
	assert_int_equal(dev_program(&sim, 64 + 2 * BLOCK, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 64 + 2 * BLOCK, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 64 + 2 * BLOCK, zeros, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 2);
	/* A program of 0xFF only clears no bit but counts all the same (nRF counts the word). */
	{
		static const uint8_t ff[BLOCK] = { 0xff, 0xff, 0xff, 0xff };
		static const uint8_t one[BLOCK] = { 1, 1, 1, 1 };

		assert_int_equal(dev_program(&sim, 128, ff, BLOCK), 0);
		assert_int_equal(dev_program(&sim, 128, one, BLOCK), 0);
		assert_int_equal(dev_program(&sim, 128, zeros, BLOCK), -EIO);
		assert_int_equal(sim.count.violations, 3);
	}
	/* An erase gives every block its writes back. */
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	assert_int_equal(dev_program(&sim, 64, a, sizeof(a)), 0);
	assert_int_equal(dev_program(&sim, 64, zeros, sizeof(zeros)), 0);
	assert_int_equal(sim.count.violations, 3);
	flash_sim_close(&sim);
}

/* Runs one torn erase of `pages` pages at 2 * PAGE over programmed flash; returns the contents. */
static void torn_erase_with(const struct flash_sim_tear *tear, uint32_t pages, uint8_t *before,
			    uint8_t *after)
{
	struct flash_sim sim;

	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	program_all(&sim, before);
	sim.tear = *tear;
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_erase(&sim, 2 * PAGE, pages * PAGE), -EIO);
	assert_int_equal(flash_sim_op_count(&sim), 1); /* the programming only */
	memcpy(after, sim.mem, SIZE);
	/* Blocks that read erased take a program again, the others only zeros. */
	flash_sim_power_on(&sim);
	for (uint32_t off = 2 * PAGE; off < (2 + pages) * PAGE; off += BLOCK) {
		static const uint8_t one[BLOCK] = { 1, 1, 1, 1 };
		bool erased = true;

		for (uint32_t i = 0; i < BLOCK; i++) {
			erased = erased && after[off + i] == 0xFF;
		}
		assert_int_equal(dev_program(&sim, off, one, BLOCK), erased ? 0 : -EIO);
	}
	flash_sim_close(&sim);
}

static void test_torn_erase_shapes(void **state)
{
	static uint8_t before[SIZE];
	static uint8_t after[SIZE];
	static uint8_t first[SIZE];
	const uint32_t off = 2 * PAGE;
	struct flash_sim_tear t = { 0 };
	size_t erased_blocks = 0;
	size_t kept_blocks = 0;
	size_t mixed_bytes = 0;

	(void)state;
	/* First part, sparing the last 16 bytes: the end of a trailer survives its erase. */
	t = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_FIRST_PART, .spare = 16 };
	torn_erase_with(&t, 2, before, after);
	assert_all(&after[off], 2 * PAGE - 16, 0xFF);
	assert_memory_equal(&after[off + 2 * PAGE - 16], &before[off + 2 * PAGE - 16], 16);
	/* spare is rounded up to the write block. */
	t.spare = 13;
	torn_erase_with(&t, 1, before, after);
	assert_all(&after[off], PAGE - 16, 0xFF);
	assert_memory_equal(&after[off + PAGE - 16], &before[off + PAGE - 16], 16);

	/* Last part: the end first, the start as it was; by default half of the pages. */
	t = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_LAST_PART };
	torn_erase_with(&t, 4, before, after);
	assert_memory_equal(&after[off], &before[off], 2 * PAGE);
	assert_all(&after[off + 2 * PAGE], 2 * PAGE, 0xFF);
	torn_erase_with(&t, 1, before, after);
	assert_memory_equal(&after[off], &before[off], PAGE / 2);
	assert_all(&after[off + PAGE / 2], PAGE / 2, 0xFF);
	t.spare = PAGE - 8;
	torn_erase_with(&t, 1, before, after);
	assert_memory_equal(&after[off], &before[off], PAGE - 8);
	assert_all(&after[off + PAGE - 8], 8, 0xFF);

	/* Scattered words: each block wholly erased or wholly as it was, both kinds present. */
	t = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_WORDS, .seed = 7 };
	torn_erase_with(&t, 1, before, after);
	for (uint32_t b = off; b < off + PAGE; b += BLOCK) {
		bool same = memcmp(&after[b], &before[b], BLOCK) == 0;

		if (same) {
			kept_blocks++;
		} else {
			assert_all(&after[b], BLOCK, 0xFF);
			erased_blocks++;
		}
	}
	assert_true(kept_blocks > 0 && erased_blocks > 0);

	/* Bits half set: every byte only gains 1 bits, and most end neither old nor erased. */
	t = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_BITS, .seed = 7 };
	torn_erase_with(&t, 1, before, after);
	for (uint32_t i = off; i < off + PAGE; i++) {
		assert_int_equal(after[i] & before[i], before[i]);
		mixed_bytes += after[i] != before[i] && after[i] != 0xFF;
	}
	assert_true(mixed_bytes > PAGE / 2);
	/* Nothing outside the range moved, whatever the shape. */
	assert_memory_equal(after, before, off);
	assert_memory_equal(&after[off + PAGE], &before[off + PAGE], SIZE - off - PAGE);
	/* Another seed, another pattern. */
	memcpy(first, after, SIZE);
	t.seed = 8;
	torn_erase_with(&t, 1, before, after);
	assert_memory_not_equal(&after[off], &first[off], PAGE);
}

static void test_torn_program_bits(void **state)
{
	struct flash_sim sim;
	uint8_t data[PAGE];
	uint8_t got[PAGE];
	size_t partial = 0;

	(void)state;
	fill_pattern(data, sizeof(data), 3);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	sim.tear = (struct flash_sim_tear){ .program = FLASH_SIM_PROGRAM_BITS, .seed = 1 };
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_program(&sim, 0, data, sizeof(data)), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_read(&sim, 0, got, sizeof(got)), 0);
	/* Each byte lost only bits the data clears: the data's 0 bits are a superset. */
	for (size_t i = 0; i < sizeof(got); i++) {
		assert_int_equal(got[i] & data[i], data[i]);
		partial += got[i] != data[i] && got[i] != 0xFF;
	}
	assert_true(partial > PAGE / 2);
	/* A torn program counts as a write: the blocks take zeros once more, then nothing. */
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), -EIO);
	memset(data, 0, BLOCK);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), -EIO);
	flash_sim_close(&sim);
}

/*
 * Stray bits: a field's block ("01 ff ff ff") torn before its data, with bits cleared beside it;
 * a block of erased data is not touched, and the torn blocks count as written.
 */
static void test_torn_program_stray(void **state)
{
	static const uint8_t field[2 * BLOCK] = { 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zeros[BLOCK];
	struct flash_sim sim;
	uint8_t got[2 * BLOCK];

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	sim.tear = (struct flash_sim_tear){ .program = FLASH_SIM_PROGRAM_STRAY, .seed = 5 };
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_program(&sim, 0, field, sizeof(field)), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_read(&sim, 0, got, sizeof(got)), 0);
	assert_int_equal(got[0], 0xff);
	for (size_t i = 1; i < BLOCK; i++) {
		assert_true(got[i] != 0xff);
	}
	assert_all(&got[BLOCK], BLOCK, 0xff);
	/* The dirty block takes no value any more, zeros once (its second write), then nothing. */
	assert_int_equal(dev_program(&sim, 0, field, BLOCK), -EIO);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), -EIO);
	/* The untouched block is still erased, with no write counted. */
	assert_int_equal(dev_program(&sim, BLOCK, field, BLOCK), 0);
	flash_sim_close(&sim);
}

/*
 * A block that reads erased may have used its writes: programs of 0xFF count, a prefix tear
 * counts the blocks it reached whatever their data, and only an erase gives writes back (a torn
 * one: the blocks its shape erased whole).
 */
static void test_erased_reading_blocks_keep_their_writes(void **state)
{
	static const uint8_t ff[2 * BLOCK] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static uint8_t ffs[PAGE];
	struct flash_sim sim;
	uint8_t *snap;

	(void)state;
	memset(ffs, 0xff, sizeof(ffs));
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, ff, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, ff, BLOCK), 0);
	assert_all(sim.mem, BLOCK, 0xFF);
	assert_int_equal(dev_program(&sim, 0, ff, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 1);
	/* A snapshot keeps the count, not only the bytes (which read erased). */
	snap = malloc(flash_sim_snapshot_size(&sim));
	assert_non_null(snap);
	flash_sim_save(&sim, snap);
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	assert_int_equal(dev_program(&sim, 0, ff, BLOCK), 0);
	flash_sim_restore(&sim, snap);
	assert_int_equal(dev_program(&sim, 0, ff, BLOCK), -EIO);
	free(snap);
	/* A prefix tear of two blocks of 0xFF counts the first, not the one after the tear. */
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_program(&sim, PAGE, ff, 2 * BLOCK), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_program(&sim, PAGE, ff, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE, ff, BLOCK), -EIO);
	assert_int_equal(dev_program(&sim, PAGE + BLOCK, ff, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE + BLOCK, ff, BLOCK), 0);
	assert_int_equal(sim.count.violations, 3);

	/* Page 2 used up (twice 0xFF); a torn erase of its first half gives back only that half. */
	assert_int_equal(dev_program(&sim, 2 * PAGE, ffs, PAGE), 0);
	assert_int_equal(dev_program(&sim, 2 * PAGE, ffs, PAGE), 0);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_erase(&sim, 2 * PAGE, PAGE), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_program(&sim, 2 * PAGE, ffs, PAGE / 2), 0);
	assert_int_equal(dev_program(&sim, 2 * PAGE + PAGE / 2, ff, BLOCK), -EIO);
	/* Bits half set: no block was erased whole, so none gets its writes back. */
	sim.tear = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_BITS, .seed = 3 };
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_erase(&sim, 2 * PAGE, PAGE), -EIO);
	flash_sim_power_on(&sim);
	assert_all(&sim.mem[2 * PAGE], PAGE, 0xFF);
	assert_int_equal(dev_program(&sim, 2 * PAGE + PAGE / 2, ff, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 5);
	/* Scattered words: the blocks it erased take two writes again, the others none. */
	sim.tear = (struct flash_sim_tear){ .erase = FLASH_SIM_ERASE_WORDS, .seed = 7 };
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_erase(&sim, 2 * PAGE, PAGE), -EIO);
	flash_sim_power_on(&sim);
	for (uint32_t b = 2 * PAGE + PAGE / 2; b < 3 * PAGE; b += BLOCK) {
		int rc = dev_program(&sim, b, ff, BLOCK);

		assert_int_equal(dev_program(&sim, b, ff, BLOCK), rc);
		assert_true(rc == 0 || rc == -EIO);
	}
	assert_true(sim.count.violations > 5 && sim.count.violations < 5 + PAGE / BLOCK);
	/* A whole erase gives every block its writes back. */
	assert_int_equal(dev_erase(&sim, 2 * PAGE, PAGE), 0);
	assert_int_equal(dev_program(&sim, 2 * PAGE, ffs, PAGE), 0);
	assert_int_equal(dev_program(&sim, 2 * PAGE, ffs, PAGE), 0);
	flash_sim_close(&sim);
}

/* A clean cut leaves no write count behind; a torn erase resets the blocks it erased whole. */
static void test_write_counts_across_cuts(void **state)
{
	static const uint8_t zeros[BLOCK];
	struct flash_sim sim;
	uint8_t data[BLOCK] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE - BLOCK, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE - BLOCK, zeros, BLOCK), 0);
	/* The first half erased: block 0 is fresh, the last block of the page still used up. */
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
	assert_int_equal(dev_erase(&sim, 0, PAGE), -EIO);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE - BLOCK, zeros, BLOCK), -EIO);
	assert_int_equal(sim.count.violations, 1);
	/* A prefix tear counts the blocks it reached, not those after it. */
	{
		uint8_t four[4 * BLOCK];

		memset(four, 0x11, sizeof(four));
		flash_sim_cut_power(&sim, FLASH_SIM_CUT_TORN, 0);
		assert_int_equal(dev_program(&sim, 2 * PAGE, four, sizeof(four)), -EIO);
		flash_sim_power_on(&sim);
		assert_int_equal(dev_program(&sim, 2 * PAGE + 2 * BLOCK, four, 2 * BLOCK), 0);
		assert_int_equal(dev_program(&sim, 2 * PAGE + 2 * BLOCK, zeros, BLOCK), 0);
		assert_int_equal(dev_program(&sim, 2 * PAGE, zeros, BLOCK), 0);
		assert_int_equal(dev_program(&sim, 2 * PAGE, zeros, BLOCK), -EIO);
		assert_int_equal(sim.count.violations, 2);
	}
	flash_sim_close(&sim);
}

/* The op trace names each completed op; a snapshot brings back contents and write counts. */
static void test_trace_and_snapshot(void **state)
{
	static const uint8_t zeros[BLOCK];
	struct flash_sim sim;
	uint8_t data[BLOCK] = { 1, 2, 3, 4 };
	char trace[8];
	uint8_t *snap;

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	memset(trace, 0, sizeof(trace));
	sim.trace = trace;
	sim.trace_len = 3;
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_erase(&sim, PAGE, PAGE), 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), -EIO); /* a violation: no op */
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, PAGE, data, BLOCK), 0); /* past trace_len */
	assert_string_equal(trace, "pep");

	snap = malloc(flash_sim_snapshot_size(&sim));
	assert_non_null(snap);
	assert_int_equal(flash_sim_snapshot_size(&sim), SIZE + SIZE / BLOCK);
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	flash_sim_save(&sim, snap);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0);
	flash_sim_restore(&sim, snap);
	assert_memory_equal(sim.mem, data, BLOCK);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0); /* its second write, once more */
	flash_sim_restore(&sim, snap);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, zeros, BLOCK), -EIO);
	free(snap);
	flash_sim_close(&sim);
}

static void test_clean_cut_changes_nothing(void **state)
{
	static uint8_t expect[SIZE];
	struct flash_sim sim;
	uint8_t data[PAGE];

	(void)state;
	fill_pattern(data, sizeof(data), 1);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	program_all(&sim, expect);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, 0);
	assert_int_equal(dev_erase(&sim, 0, SIZE), -EIO);
	assert_memory_equal(sim.mem, expect, SIZE);
	flash_sim_power_on(&sim);
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, 0);
	assert_int_equal(dev_program(&sim, 0, data, PAGE), -EIO);
	memset(expect, 0xFF, PAGE);
	assert_memory_equal(sim.mem, expect, SIZE);
	flash_sim_close(&sim);
}

static void test_violation_does_not_use_cut_budget(void **state)
{
	struct flash_sim sim;
	uint8_t data[BLOCK] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, 1);
	assert_int_equal(dev_program(&sim, 1, data, BLOCK), -EINVAL);
	assert_false(sim.powered_off);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), -EIO);
	assert_false(sim.powered_off);
	assert_int_equal(sim.count.violations, 2);
	assert_int_equal(dev_program(&sim, BLOCK, data, BLOCK), -EIO);
	assert_true(sim.powered_off);
	flash_sim_close(&sim);
}

static void arm_fault(struct flash_sim *sim, unsigned int ops, uint64_t after, int error, bool torn)
{
	flash_sim_fail(sim, &(struct flash_sim_fault){
				    .ops = ops, .after = after, .error = error, .torn = torn });
}

/* The (after + 1)-th program fails once with -EIO and changes nothing; the next one works. */
static void test_fault_fails_one_program(void **state)
{
	struct flash_sim sim;
	uint8_t data[BLOCK] = { 1, 2, 3, 4 };
	uint8_t got[BLOCK];

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	arm_fault(&sim, FLASH_SIM_OP_PROGRAM, 2, 0, false);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	/* Reads and erases are not counted by a program fault. */
	assert_int_equal(dev_read(&sim, 0, got, BLOCK), 0);
	assert_int_equal(dev_erase(&sim, PAGE, PAGE), 0);
	assert_int_equal(dev_program(&sim, BLOCK, data, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 2 * BLOCK, data, BLOCK), -EIO);
	assert_all(&sim.mem[2 * BLOCK], BLOCK, 0xFF);
	assert_int_equal(sim.fault_off, 2 * BLOCK);
	assert_false(sim.powered_off);
	assert_int_equal(sim.count.faults, 1);
	assert_int_equal(sim.count.programs, 2);
	/* Spent: the same program now works, and so does every later one. */
	assert_int_equal(dev_program(&sim, 2 * BLOCK, data, BLOCK), 0);
	assert_memory_equal(&sim.mem[2 * BLOCK], data, BLOCK);
	assert_int_equal(dev_program(&sim, 3 * BLOCK, data, BLOCK), 0);
	assert_int_equal(sim.count.faults, 1);
	assert_int_equal(sim.count.violations, 0);
	flash_sim_close(&sim);
}

/* The error is the test's choice; an erase fault leaves the range as it was unless torn. */
static void test_fault_erase_error_and_tear(void **state)
{
	static uint8_t expect[SIZE];
	struct flash_sim sim;

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	program_all(&sim, expect);
	arm_fault(&sim, FLASH_SIM_OP_ERASE, 0, -ETIMEDOUT, false);
	assert_int_equal(dev_erase(&sim, 0, 2 * PAGE), -ETIMEDOUT);
	assert_memory_equal(sim.mem, expect, SIZE);
	assert_int_equal(sim.count.erases, 0);

	/* Torn: the default tear (the first of the two pages erased), the power still on. */
	arm_fault(&sim, FLASH_SIM_OP_ERASE, 0, 0, true);
	assert_int_equal(dev_erase(&sim, 0, 2 * PAGE), -EIO);
	assert_all(sim.mem, PAGE, 0xFF);
	assert_memory_equal(&sim.mem[PAGE], &expect[PAGE], SIZE - PAGE);
	assert_false(sim.powered_off);
	assert_int_equal(dev_erase(&sim, 0, 2 * PAGE), 0);
	assert_all(sim.mem, 2 * PAGE, 0xFF);
	assert_int_equal(sim.count.faults, 2);
	flash_sim_close(&sim);
}

/* A torn program fault leaves the prefix shape; the rest of its blocks stay programmable. */
static void test_fault_torn_program(void **state)
{
	struct flash_sim sim;
	uint8_t data[4 * BLOCK];

	(void)state;
	fill_pattern(data, sizeof(data), 3);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	arm_fault(&sim, FLASH_SIM_OP_PROGRAM, 0, 0, true);
	assert_int_equal(dev_program(&sim, 0, data, sizeof(data)), -EIO);
	assert_memory_equal(sim.mem, data, 2 * BLOCK);
	assert_all(&sim.mem[2 * BLOCK], 2 * BLOCK, 0xFF);
	assert_int_equal(dev_program(&sim, 2 * BLOCK, data + 2 * BLOCK, 2 * BLOCK), 0);
	assert_memory_equal(sim.mem, data, sizeof(data));
	flash_sim_close(&sim);
}

/* A failed read returns noise (neither the contents nor erased bytes); the next read is right. */
static void test_fault_read(void **state)
{
	struct flash_sim sim;
	uint8_t data[PAGE];
	uint8_t got[PAGE];

	(void)state;
	fill_pattern(data, sizeof(data), 5);
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	assert_int_equal(dev_program(&sim, 0, data, PAGE), 0);
	arm_fault(&sim, FLASH_SIM_OP_READ, 1, 0, false);
	assert_int_equal(dev_read(&sim, 0, got, PAGE), 0);
	memset(got, 0xFF, sizeof(got));
	assert_int_equal(dev_read(&sim, PAGE, got, PAGE), -EIO);
	for (size_t i = 0; i < PAGE; i++) {
		assert_int_not_equal(got[i], 0xFF);
	}
	assert_int_equal(dev_read(&sim, 0, got, PAGE), 0);
	assert_memory_equal(got, data, PAGE);
	assert_int_equal(sim.count.reads, 2);
	assert_int_equal(sim.count.faults, 1);
	flash_sim_close(&sim);
}

/* Several kinds in one fault count together; violations and cuts do not take its budget. */
static void test_fault_mask_and_budgets(void **state)
{
	struct flash_sim sim;
	uint8_t data[BLOCK] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(flash_sim_open(&sim, NULL, SIZE, PAGE, BLOCK), 0);
	arm_fault(&sim, FLASH_SIM_OP_PROGRAM | FLASH_SIM_OP_ERASE, 2, 0, false);
	flash_sim_cut_power(&sim, FLASH_SIM_CUT_CLEAN, 3);
	assert_int_equal(dev_program(&sim, 1, data, BLOCK), -EINVAL); /* a violation */
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	assert_int_equal(dev_program(&sim, 0, data, BLOCK), 0);
	assert_int_equal(dev_erase(&sim, PAGE, PAGE), -EIO); /* the third counted: the fault */
	assert_false(sim.powered_off);
	assert_int_equal(sim.count.faults, 1);
	/* The failed erase did not reach the cut either: one more operation, then the cut. */
	assert_int_equal(dev_erase(&sim, PAGE, PAGE), 0);
	assert_int_equal(dev_program(&sim, BLOCK, data, BLOCK), -EIO);
	assert_true(sim.powered_off);
	assert_int_equal(flash_sim_op_count(&sim), 3);

	/* A fault of ops 0 disarms. */
	flash_sim_power_on(&sim);
	arm_fault(&sim, FLASH_SIM_OP_ERASE, 0, 0, false);
	arm_fault(&sim, 0, 0, 0, false);
	assert_int_equal(dev_erase(&sim, 0, PAGE), 0);
	assert_int_equal(sim.count.faults, 1);
	flash_sim_close(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_geometry),
		cmocka_unit_test(test_double_program_refused),
		cmocka_unit_test(test_misaligned_and_out_of_range_refused),
		cmocka_unit_test(test_erase_restores_erased_value),
		cmocka_unit_test(test_counters),
		cmocka_unit_test_setup_teardown(test_file_persists_across_reopen, temp_flash_make,
						temp_flash_remove),
		cmocka_unit_test(test_clean_cut_sweep),
		cmocka_unit_test_setup_teardown(test_cut_survives_in_file, temp_flash_make,
						temp_flash_remove),
		cmocka_unit_test(test_torn_program),
		cmocka_unit_test(test_torn_erase),
		cmocka_unit_test(test_zeros_over_programmed),
		cmocka_unit_test(test_torn_erase_shapes),
		cmocka_unit_test(test_torn_program_bits),
		cmocka_unit_test(test_torn_program_stray),
		cmocka_unit_test(test_write_counts_across_cuts),
		cmocka_unit_test(test_erased_reading_blocks_keep_their_writes),
		cmocka_unit_test(test_trace_and_snapshot),
		cmocka_unit_test(test_clean_cut_changes_nothing),
		cmocka_unit_test(test_violation_does_not_use_cut_budget),
		cmocka_unit_test(test_fault_fails_one_program),
		cmocka_unit_test(test_fault_erase_error_and_tear),
		cmocka_unit_test(test_fault_torn_program),
		cmocka_unit_test(test_fault_read),
		cmocka_unit_test(test_fault_mask_and_budgets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
