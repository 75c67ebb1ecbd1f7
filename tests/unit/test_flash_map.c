/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the flash map: which tables init accepts, that area access is bounded to the area (and a
 * refused access never reaches the device), the erased check, the erase it spares and page
 * rounding.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/flash.h>

#include "flash_sim.h"

#define PAGE 1024
#define BLOCK 8
#define SIZE (16 * PAGE)

static struct flash_sim sim_a;
static struct flash_sim sim_b;

static int setup(void **state)
{
	(void)state;
	if (flash_sim_open(&sim_a, NULL, SIZE, PAGE, BLOCK) < 0 ||
	    flash_sim_open(&sim_b, NULL, SIZE / 2, PAGE, BLOCK) < 0) {
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	smpdfu_flash_map_init(NULL, 0);
	flash_sim_close(&sim_a);
	flash_sim_close(&sim_b);
	return 0;
}

static void map_areas(struct smpdfu_flash_area areas[4])
{
	const struct smpdfu_flash_area init[4] = {
		{ SMPDFU_FLASH_AREA_BOOTLOADER, "boot", &sim_a.dev, 0, 2 * PAGE },
		{ SMPDFU_FLASH_AREA_IMAGE_PRIMARY, "slot0", &sim_a.dev, 2 * PAGE, 6 * PAGE },
		{ SMPDFU_FLASH_AREA_IMAGE_SECONDARY, "slot1", &sim_a.dev, 8 * PAGE, 6 * PAGE },
		/* The same offsets on another device do not overlap anything. */
		{ SMPDFU_FLASH_AREA_STORAGE, "storage", &sim_b.dev, 0, 2 * PAGE },
	};

	memcpy(areas, init, sizeof(init));
}

static void assert_device_untouched(const struct flash_sim *sim)
{
	assert_int_equal(sim->count.reads, 0);
	assert_int_equal(sim->count.programs, 0);
	assert_int_equal(sim->count.erases, 0);
	assert_int_equal(sim->count.violations, 0);
}

static void test_init_accepts_valid_map(void **state)
{
	struct smpdfu_flash_area areas[4];

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_BOOTLOADER), &areas[0]);
	assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY), &areas[1]);
	assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY), &areas[2]);
	assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_STORAGE), &areas[3]);
	assert_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SCRATCH));
	assert_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_COUNT));

	/* A second init replaces the map. */
	assert_int_equal(smpdfu_flash_map_init(&areas[2], 1), 0);
	assert_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY));
	assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY), &areas[2]);
	assert_int_equal(smpdfu_flash_map_init(NULL, 0), 0);
	assert_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY));

	/* An area that ends exactly at the end of its device is inside it. */
	areas[2].size = SIZE - 8 * PAGE;
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
}

static void test_init_rejects_invalid_area(void **state)
{
	struct smpdfu_flash_area good[4];
	struct smpdfu_flash_area bad[4];
	const struct smpdfu_flash_area *before;

	(void)state;
	map_areas(good);
	assert_int_equal(smpdfu_flash_map_init(good, 4), 0);
	before = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	for (int c = 0; c < 12; c++) {
		map_areas(bad);
		switch (c) {
		case 0: /* offset not on a page */
			bad[1].off += BLOCK;
			bad[1].size -= PAGE;
			break;
		case 1: /* size not whole pages */
			bad[1].size -= BLOCK;
			break;
		case 2: /* past the end of the device */
			bad[2].size = SIZE - 8 * PAGE + PAGE;
			break;
		case 3: /* starts past the end */
			bad[3].off = SIZE;
			break;
		case 4: /* off + size wraps around */
			bad[2].off = UINT32_MAX - PAGE + 1;
			bad[2].size = 2 * PAGE;
			break;
		case 5: /* overlaps the previous area by one page */
			bad[2].off -= PAGE;
			break;
		case 6: /* one area inside another */
			bad[2].off = 3 * PAGE;
			bad[2].size = PAGE;
			break;
		case 7: /* no device */
			bad[3].dev = NULL;
			break;
		case 8: /* empty */
			bad[0].size = 0;
			break;
		case 9: /* one id twice */
			bad[3].id = SMPDFU_FLASH_AREA_BOOTLOADER;
			break;
		case 10: /* no such id */
			bad[3].id = SMPDFU_FLASH_AREA_COUNT;
			break;
		case 11: /* overlap with the area listed first, order reversed */
			bad[0].off = 6 * PAGE;
			break;
		}
		assert_int_equal(smpdfu_flash_map_init(bad, 4), -EINVAL);
		/* A refused table leaves the previous map in place. */
		assert_ptr_equal(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY), before);
	}
	assert_int_equal(smpdfu_flash_map_init(NULL, 1), -EINVAL);
	assert_device_untouched(&sim_a);
	assert_device_untouched(&sim_b);
}

static void test_access_is_area_relative(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot1;
	uint8_t data[2 * BLOCK] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t got[2 * BLOCK];

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot1 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	assert_int_equal(smpdfu_flash_area_program(slot1, PAGE, data, sizeof(data)), 0);
	assert_memory_equal(&sim_a.mem[9 * PAGE], data, sizeof(data));
	assert_int_equal(smpdfu_flash_area_read(slot1, PAGE, got, sizeof(got)), 0);
	assert_memory_equal(got, data, sizeof(data));
	assert_int_equal(smpdfu_flash_area_erase(slot1, PAGE, PAGE), 0);
	assert_int_equal(sim_a.count.erases, 1);
	assert_int_equal(sim_a.count.pages_erased, 1);
	assert_int_equal(sim_a.mem[9 * PAGE], 0xFF);

	/* The last block and the last page of the area are in bounds. */
	assert_int_equal(smpdfu_flash_area_program(slot1, 6 * PAGE - BLOCK, data, BLOCK), 0);
	assert_memory_equal(&sim_a.mem[14 * PAGE - BLOCK], data, BLOCK);
	assert_int_equal(smpdfu_flash_area_erase(slot1, 5 * PAGE, PAGE), 0);
	assert_int_equal(sim_a.mem[14 * PAGE - 1], 0xFF);
	assert_int_equal(sim_a.count.violations, 0);
}

static void test_out_of_bounds_never_reaches_device(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot0;
	uint8_t buf[2 * PAGE];

	(void)state;
	memset(buf, 0x5A, sizeof(buf));
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot0 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	/* Past the end, straddling the end, wrapping around, misaligned for the device. */
	assert_int_equal(smpdfu_flash_area_read(slot0, 6 * PAGE + 1, buf, 0), -EINVAL);
	assert_int_equal(smpdfu_flash_area_read(slot0, 6 * PAGE - 1, buf, 2), -EINVAL);
	assert_int_equal(smpdfu_flash_area_read(slot0, UINT32_MAX, buf, 2), -EINVAL);
	assert_int_equal(smpdfu_flash_area_read(slot0, 8, buf, SIZE_MAX), -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(slot0, 6 * PAGE, buf, BLOCK), -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(slot0, 6 * PAGE - BLOCK, buf, 2 * BLOCK),
			 -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(slot0, UINT32_MAX - BLOCK + 1, buf, 2 * BLOCK),
			 -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(slot0, 4, buf, BLOCK), -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(slot0, 0, buf, BLOCK + 1), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(slot0, 6 * PAGE, PAGE), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(slot0, 5 * PAGE, 2 * PAGE), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(slot0, UINT32_MAX - PAGE + 1, 2 * PAGE), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(slot0, PAGE / 2, PAGE), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(slot0, 0, PAGE + BLOCK), -EINVAL);
	assert_int_equal(smpdfu_flash_area_read(NULL, 0, buf, 1), -EINVAL);
	assert_int_equal(smpdfu_flash_area_program(NULL, 0, buf, BLOCK), -EINVAL);
	assert_int_equal(smpdfu_flash_area_erase(NULL, 0, PAGE), -EINVAL);
	assert_device_untouched(&sim_a);

	/* Nothing of slot0 or its neighbours was changed. */
	for (uint32_t i = 0; i < SIZE; i++) {
		assert_int_equal(sim_a.mem[i], 0xFF);
	}
	/* An empty access at the very end is harmless. */
	assert_int_equal(smpdfu_flash_area_read(slot0, 6 * PAGE, buf, 0), 0);
}

static void test_is_erased(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot0;
	uint8_t block[BLOCK] = { 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF };

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot0 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	/* Data in the neighbours, right against both ends of slot0, is not slot0's business. */
	assert_int_equal(
		smpdfu_flash_area_program(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_BOOTLOADER),
					  2 * PAGE - BLOCK, block, BLOCK),
		0);
	assert_int_equal(
		smpdfu_flash_area_program(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY),
					  0, block, BLOCK),
		0);
	assert_true(smpdfu_flash_area_is_erased(slot0, 0, 6 * PAGE));
	assert_true(smpdfu_flash_area_is_erased(slot0, 0, 0));
	/* One cleared bit deep in the range, past several check chunks. */
	assert_int_equal(smpdfu_flash_area_program(slot0, 3 * PAGE + 200, block, BLOCK), 0);
	assert_false(smpdfu_flash_area_is_erased(slot0, 0, 6 * PAGE));
	assert_false(smpdfu_flash_area_is_erased(slot0, 3 * PAGE, PAGE));
	assert_false(smpdfu_flash_area_is_erased(slot0, 3 * PAGE + 203, 1));
	assert_true(smpdfu_flash_area_is_erased(slot0, 3 * PAGE, 203));
	assert_true(smpdfu_flash_area_is_erased(slot0, 3 * PAGE + 204, 3 * PAGE - 204));
	/* Out of range is "not erased": nothing can be written there. */
	assert_false(smpdfu_flash_area_is_erased(slot0, 6 * PAGE - 1, 2));
	assert_false(smpdfu_flash_area_is_erased(slot0, UINT32_MAX, 2));

	/* A read error counts as "not erased". */
	flash_sim_cut_power(&sim_a, FLASH_SIM_CUT_CLEAN, 0);
	assert_int_equal(smpdfu_flash_area_erase(slot0, 0, PAGE), -EIO);
	assert_false(smpdfu_flash_area_is_erased(slot0, 0, PAGE));
	flash_sim_power_on(&sim_a);
	assert_true(smpdfu_flash_area_is_erased(slot0, 0, PAGE));
}

/*
 * One cleared bit at every position of a 3-page area, one at a time (each time on a freshly
 * erased area): whatever chunks the check reads in and however it compares them, a range finds
 * the bit exactly when it covers it, at its first byte, its last or anywhere between.
 */
static void test_is_erased_finds_one_bit_anywhere(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot0;
	uint8_t block[BLOCK];

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot0 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	for (uint32_t at = 0; at < 3 * PAGE; at++) {
		uint32_t base = at - at % BLOCK;

		assert_int_equal(smpdfu_flash_area_erase(slot0, 0, 3 * PAGE), 0);
		memset(block, 0xFF, sizeof(block));
		block[at % BLOCK] = 0xFE;
		assert_int_equal(smpdfu_flash_area_program(slot0, base, block, BLOCK), 0);
		assert_false(smpdfu_flash_area_is_erased(slot0, 0, 3 * PAGE));
		assert_false(smpdfu_flash_area_is_erased(slot0, at, 1));
		assert_false(smpdfu_flash_area_is_erased(slot0, at, 3 * PAGE - at));
		assert_false(smpdfu_flash_area_is_erased(slot0, 0, at + 1));
		assert_true(smpdfu_flash_area_is_erased(slot0, 0, at));
		assert_true(smpdfu_flash_area_is_erased(slot0, at + 1, 3 * PAGE - at - 1));
	}
}

/* An erase is spent only on a range that does not read erased, and its failure comes back. */
static void test_erase_if_needed(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot0;
	const uint8_t block[BLOCK] = { 0x5A };

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot0 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	assert_int_equal(smpdfu_flash_area_erase_if_needed(slot0, 0, 6 * PAGE), 0);
	assert_int_equal(sim_a.count.erases, 0);
	assert_int_equal(smpdfu_flash_area_program(slot0, 4 * PAGE - BLOCK, block, BLOCK), 0);
	/* The written page is outside [0, 3 pages) and inside [3 pages, 4 pages). */
	assert_int_equal(smpdfu_flash_area_erase_if_needed(slot0, 0, 3 * PAGE), 0);
	assert_int_equal(sim_a.count.erases, 0);
	assert_int_equal(smpdfu_flash_area_erase_if_needed(slot0, 3 * PAGE, PAGE), 0);
	assert_int_equal(sim_a.count.erases, 1);
	assert_int_equal(sim_a.count.pages_erased, 1);
	assert_true(smpdfu_flash_area_is_erased(slot0, 0, 6 * PAGE));
	/* Out of bounds reads as not erased, and the erase refuses it. */
	assert_int_equal(smpdfu_flash_area_erase_if_needed(slot0, 5 * PAGE, 2 * PAGE), -EINVAL);
	assert_int_equal(sim_a.count.erases, 1);

	/* A failing erase is the caller's error (the check's reads work). */
	assert_int_equal(smpdfu_flash_area_program(slot0, 0, block, BLOCK), 0);
	flash_sim_fail(&sim_a, &(struct flash_sim_fault){ .ops = FLASH_SIM_OP_ERASE,
							  .error = -ENXIO });
	assert_int_equal(smpdfu_flash_area_erase_if_needed(slot0, 0, PAGE), -ENXIO);
	assert_int_equal(sim_a.count.faults, 1);
	assert_int_equal(sim_a.mem[2 * PAGE], 0x5A);
}

static void test_align_page(void **state)
{
	struct smpdfu_flash_area areas[4];
	const struct smpdfu_flash_area *slot0;

	(void)state;
	map_areas(areas);
	assert_int_equal(smpdfu_flash_map_init(areas, 4), 0);
	slot0 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	assert_int_equal(smpdfu_flash_area_align_page(slot0, 0), 0);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, 1), PAGE);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, PAGE - 1), PAGE);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, PAGE), PAGE);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, PAGE + 1), 2 * PAGE);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, 5 * PAGE + 17), 6 * PAGE);
	/* Rounding up would wrap to 0 here; it saturates so it can never look like it fits. */
	assert_int_equal(smpdfu_flash_area_align_page(slot0, UINT32_MAX), UINT32_MAX);
	assert_int_equal(smpdfu_flash_area_align_page(slot0, UINT32_MAX - PAGE + 1),
			 UINT32_MAX - PAGE + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_accepts_valid_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_rejects_invalid_area, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_is_area_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_bounds_never_reaches_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_is_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_erased_finds_one_bit_anywhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_erase_if_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_align_page, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
