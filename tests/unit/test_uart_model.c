/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The UART line model against numbers worked out by hand: 8N1 byte times at 115200 and 1,000,000
 * baud, back-to-back writes, an idle line starting late, pieces of UART_CHUNK_MAX bytes, no drift
 * over a long transfer, and a full queue refusing a write whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uart_model.h"

static struct uart_line line;
static uint8_t data[4096];

static int teardown(void **state)
{
	(void)state;
	uart_line_deinit(&line);
	return 0;
}

static void refuses_impossible_settings(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 0, UART_BITS_8N1, 4), -EINVAL);
	assert_int_equal(uart_line_init(&line, 4000001, UART_BITS_8N1, 4), -EINVAL);
	assert_int_equal(uart_line_init(&line, 115200, 0, 4), -EINVAL);
	assert_int_equal(uart_line_init(&line, 115200, 17, 4), -EINVAL);
	assert_int_equal(uart_line_init(&line, 115200, UART_BITS_8N1, 0), -EINVAL);
}

/* 1 Mbaud 8N1 carries 100,000 bytes per second: a byte every 10 µs. */
static void one_byte_at_1mbaud_takes_10_us(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 1000000, UART_BITS_8N1, 4), 0);
	assert_int_equal(uart_line_next_us(&line), UINT64_MAX);
	assert_int_equal(uart_line_write(&line, 500, (const uint8_t *)"x", 1), 0);
	assert_int_equal(uart_line_next_us(&line), 510);
	assert_null(uart_line_peek(&line, 509));
	assert_non_null(uart_line_peek(&line, 510));
	assert_int_equal(uart_line_peek(&line, 510)->data[0], 'x');
	uart_line_pop(&line);
	assert_int_equal(uart_line_next_us(&line), UINT64_MAX);
}

/* At 115200 baud a byte is 86.8 µs: 1152 bytes are exactly 100 ms. */
static void byte_times_at_115200(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 115200, UART_BITS_8N1, 64), 0);
	assert_int_equal(uart_line_write(&line, 0, data, 127), 0);
	/* 127 * 10 / 115200 s = 11,024.3 µs: the first piece of 128 holds all of it. */
	assert_int_equal(uart_line_next_us(&line), 11025);
	assert_int_equal(uart_line_idle_at(&line, 0), 11025);
	assert_int_equal(uart_line_write(&line, 0, data, 1152 - 127), 0);
	assert_int_equal(uart_line_idle_at(&line, 0), 100000);
}

/* A second write waits for the first; a write to an idle line starts when it is made. */
static void writes_queue_behind_each_other_and_idle_lines_start_late(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 1000000, UART_BITS_8N1, 8), 0);
	assert_int_equal(uart_line_write(&line, 0, data, 10), 0);   /* 0..100 */
	assert_int_equal(uart_line_write(&line, 40, data, 10), 0);  /* 100..200 */
	assert_int_equal(uart_line_idle_at(&line, 40), 200);
	assert_int_equal(uart_line_write(&line, 1000, data, 10), 0); /* 1000..1100 */
	assert_int_equal(uart_line_peek(&line, 1100)->len, 10);
	assert_int_equal(uart_line_next_us(&line), 100);
	uart_line_pop(&line);
	assert_int_equal(uart_line_next_us(&line), 200);
	uart_line_pop(&line);
	assert_int_equal(uart_line_next_us(&line), 1100);
	/* Asked later, an idle line is idle now. */
	assert_int_equal(uart_line_idle_at(&line, 5000), 5000);
}

/* A long write arrives in pieces, each when its own last byte has. */
static void long_writes_arrive_in_pieces(void **state)
{
	(void)state;
	for (size_t i = 0; i < 300; i++) {
		data[i] = (uint8_t)i;
	}
	assert_int_equal(uart_line_init(&line, 1000000, UART_BITS_8N1, 8), 0);
	assert_int_equal(uart_line_write(&line, 0, data, 300), 0);
	assert_int_equal(line.count, 3);
	assert_int_equal(uart_line_next_us(&line), 1280);
	assert_int_equal(uart_line_peek(&line, 1280)->len, UART_CHUNK_MAX);
	uart_line_pop(&line);
	assert_int_equal(uart_line_next_us(&line), 2560);
	assert_int_equal(uart_line_peek(&line, 2560)->data[0], 128);
	uart_line_pop(&line);
	assert_int_equal(uart_line_next_us(&line), 3000);
	assert_int_equal(uart_line_peek(&line, 3000)->len, 300 - 2 * UART_CHUNK_MAX);
	assert_memory_equal(uart_line_peek(&line, 3000)->data, &data[256], 44);
}

/* A million bytes at 115200 8N1 take 86,805,556 µs (rounded up once): no rounding piles up. */
static void no_drift_over_a_long_transfer(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 115200, UART_BITS_8N1, 4), 0);
	for (size_t i = 0; i < 1000000 / 100; i++) {
		assert_int_equal(uart_line_write(&line, 0, data, 100), 0);
		uart_line_pop(&line);
	}
	assert_int_equal(uart_line_idle_at(&line, 0), 86805556);
	assert_int_equal(line.bytes, 1000000);
}

/* A write that does not fit the queue is refused whole; the line's time does not move. */
static void a_full_queue_refuses_the_whole_write(void **state)
{
	(void)state;
	assert_int_equal(uart_line_init(&line, 1000000, UART_BITS_8N1, 2), 0);
	assert_int_equal(uart_line_write(&line, 0, data, 128), 0);
	assert_int_equal(uart_line_write(&line, 0, data, 129), -ENOBUFS);
	assert_int_equal(line.count, 1);
	assert_int_equal(uart_line_idle_at(&line, 0), 1280);
	assert_int_equal(uart_line_write(&line, 0, data, 128), 0);
	assert_int_equal(uart_line_idle_at(&line, 0), 2560);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(refuses_impossible_settings, teardown),
		cmocka_unit_test_teardown(one_byte_at_1mbaud_takes_10_us, teardown),
		cmocka_unit_test_teardown(byte_times_at_115200, teardown),
		cmocka_unit_test_teardown(writes_queue_behind_each_other_and_idle_lines_start_late,
					  teardown),
		cmocka_unit_test_teardown(long_writes_arrive_in_pieces, teardown),
		cmocka_unit_test_teardown(no_drift_over_a_long_transfer, teardown),
		cmocka_unit_test_teardown(a_full_queue_refuses_the_whole_write, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
