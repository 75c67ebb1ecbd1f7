/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash timing wrapper hands its time out in the pieces the nRF flash driver asks radio
 * timeslots for, worked out by hand for nRF52840: 182 words per 7.5 ms write slot, one 85 ms slot
 * per page erase (or 3 ms partial erases, two per slot), and with Zephyr's erase mode a page erase
 * for every page the data first reaches, blank or not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flash_sim.h"
#include "flash_timing.h"

#define PAGE 4096u
#define MAX_SLOTS 64

static struct slots {
	uint32_t request[MAX_SLOTS];
	uint64_t use[MAX_SLOTS];
	size_t n;
} got;

static struct flash_sim fsim;
static struct timed_flash tf;
static uint8_t data[3 * PAGE];

static void on_slot(void *arg, uint32_t request_us, uint64_t use_us)
{
	(void)arg;
	assert_true(got.n < MAX_SLOTS);
	got.request[got.n] = request_us;
	got.use[got.n] = use_us;
	got.n++;
}

static void open_timed(enum flash_erase_mode mode, uint32_t partial_erase_us)
{
	memset(&got, 0, sizeof(got));
	assert_int_equal(flash_sim_open(&fsim, NULL, 16 * PAGE, PAGE, 4), 0);
	assert_int_equal(timed_flash_init(&tf, &fsim.dev, &flash_timing_nrf52840, mode,
					  partial_erase_us, on_slot, NULL), 0);
}

static int teardown(void **state)
{
	(void)state;
	timed_flash_deinit(&tf);
	flash_sim_close(&fsim);
	return 0;
}

static void writes_in_slots_of_182_words(void **state)
{
	(void)state;
	open_timed(FLASH_ERASE_AHEAD, 0);
	assert_int_equal(flash_timing_words_per_slot(&flash_timing_nrf52840), 182);
	/* 2476 bytes = 619 words: 182 + 182 + 182 + 73, at 41 µs a word. */
	assert_int_equal(tf.dev.ops->program(&tf.dev, 0, data, 2476), 0);
	assert_int_equal(got.n, 4);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(got.request[i], 7600);
		assert_int_equal(got.use[i], 182 * 41);
	}
	assert_int_equal(got.use[3], 73 * 41);
	assert_int_equal(tf.words, 619);
	assert_int_equal(tf.busy_us, 619 * 41);
}

static void one_slot_per_page_erase(void **state)
{
	(void)state;
	open_timed(FLASH_ERASE_AHEAD, 0);
	assert_int_equal(tf.dev.ops->erase(&tf.dev, PAGE, 2 * PAGE), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.request[0], 85100);
	assert_int_equal(got.use[1], 85000);
	assert_int_equal(tf.pages, 2);
}

static void partial_erase_two_steps_per_slot(void **state)
{
	(void)state;
	open_timed(FLASH_ERASE_AHEAD, 3000);
	/* 85 ms in 3 ms steps: 29 steps, two per 7.5 ms slot (a third would end at 9 ms). */
	assert_int_equal(tf.dev.ops->erase(&tf.dev, 0, PAGE), 0);
	assert_int_equal(got.n, 15);
	assert_int_equal(got.request[0], 8500);
	assert_int_equal(got.use[0], 6000);
	assert_int_equal(got.use[14], 3000);
	assert_int_equal(tf.busy_us, 29 * 3000);
}

static void zephyr_erases_every_page_it_reaches(void **state)
{
	(void)state;
	open_timed(FLASH_ERASE_EVERY_PAGE, 0);
	/* Blank pages 1 and 2: each costs an erase slot before its first write. */
	assert_int_equal(tf.dev.ops->program(&tf.dev, PAGE, data, PAGE + 8), 0);
	assert_int_equal(tf.pages, 2);
	assert_int_equal(got.use[0], 85000);
	assert_int_equal(got.use[1], 85000);
	/* Page 2 again: erased already in this boot. */
	assert_int_equal(tf.dev.ops->program(&tf.dev, 2 * PAGE + 8, data, 8), 0);
	assert_int_equal(tf.pages, 2);
	/* A page the device erased itself is not charged twice. */
	assert_int_equal(tf.dev.ops->erase(&tf.dev, 4 * PAGE, PAGE), 0);
	assert_int_equal(tf.dev.ops->program(&tf.dev, 4 * PAGE, data, 8), 0);
	assert_int_equal(tf.pages, 3);
	/* A new boot forgets: the next upload erases again. */
	timed_flash_reset_erases(&tf);
	assert_int_equal(tf.dev.ops->program(&tf.dev, 2 * PAGE + 16, data, 8), 0);
	assert_int_equal(tf.pages, 4);
}

static void ahead_mode_charges_only_real_erases(void **state)
{
	(void)state;
	open_timed(FLASH_ERASE_AHEAD, 0);
	assert_int_equal(tf.dev.ops->program(&tf.dev, PAGE, data, PAGE + 8), 0);
	assert_int_equal(tf.pages, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(writes_in_slots_of_182_words, teardown),
		cmocka_unit_test_teardown(one_slot_per_page_erase, teardown),
		cmocka_unit_test_teardown(partial_erase_two_steps_per_slot, teardown),
		cmocka_unit_test_teardown(zephyr_erases_every_page_it_reaches, teardown),
		cmocka_unit_test_teardown(ahead_mode_charges_only_real_erases, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
