/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the software timers on the fake clock: expiry order, re-arming and stopping from
 * callbacks, the next-deadline query that sizes the main loop's sleep, and the 2^32 ms wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/port.h>
#include <smpdfu/timer.h>

#include "fake_port.h"

#define PROBE_COUNT 4

/* A timer that records when its callback ran and may act on other timers from it. */
struct probe {
	struct sys_timer timer;
	unsigned int fired;
	uint32_t fired_at;
	uint32_t rearm_ms; /* re-arms itself with this delay while rearm_left > 0 */
	unsigned int rearm_left;
	struct sys_timer *to_stop;  /* stopped from the callback */
	struct sys_timer *to_start; /* started from the callback with to_start_ms */
	uint32_t to_start_ms;
};

static struct probe probes[PROBE_COUNT];
/* Callback order as letters, 'a' for probes[0]: compared as a string. */
static char order[32];
static size_t order_len;

static void probe_expiry(struct sys_timer *t)
{
	struct probe *p = (struct probe *)((char *)t - offsetof(struct probe, timer));

	/* Disarmed before its callback, so the callback can tell a re-arm from a stale state. */
	assert_false(smpdfu_sys_timer_is_armed(t));
	p->fired++;
	p->fired_at = smpdfu_port_uptime_ms();
	if (order_len + 1 < sizeof(order)) {
		order[order_len++] = (char)('a' + (p - probes));
	}
	if (p->rearm_left > 0) {
		p->rearm_left--;
		smpdfu_sys_timer_start(t, p->rearm_ms);
	}
	if (p->to_stop != NULL) {
		smpdfu_sys_timer_stop(p->to_stop);
	}
	if (p->to_start != NULL) {
		smpdfu_sys_timer_start(p->to_start, p->to_start_ms);
	}
}

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	memset(probes, 0, sizeof(probes));
	memset(order, 0, sizeof(order));
	order_len = 0;
	for (size_t i = 0; i < PROBE_COUNT; i++) {
		probes[i].timer.expiry = probe_expiry;
	}
	return 0;
}

static void test_no_timer_means_no_deadline(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_sys_timers_next_ms(), -1);
	smpdfu_sys_timers_process();
	fake_clock_advance(1000);
	assert_int_equal(smpdfu_sys_timers_next_ms(), -1);
}

static void test_fires_at_deadline_not_before(void **state)
{
	(void)state;
	smpdfu_sys_timer_start(&probes[0].timer, 100);
	assert_true(smpdfu_sys_timer_is_armed(&probes[0].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), 100);

	fake_clock_advance(99);
	assert_int_equal(probes[0].fired, 0);
	assert_int_equal(smpdfu_sys_timers_next_ms(), 1);

	fake_clock_advance(1);
	assert_int_equal(probes[0].fired, 1);
	assert_int_equal(probes[0].fired_at, 100);
	assert_false(smpdfu_sys_timer_is_armed(&probes[0].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), -1);

	/* One-shot: nothing more. */
	fake_clock_advance(1000);
	assert_int_equal(probes[0].fired, 1);
}

static void test_order_by_deadline_then_arming(void **state)
{
	(void)state;
	smpdfu_sys_timer_start(&probes[0].timer, 30);
	smpdfu_sys_timer_start(&probes[1].timer, 10);
	smpdfu_sys_timer_start(&probes[2].timer, 20);
	smpdfu_sys_timer_start(&probes[3].timer, 10); /* same deadline as b: after it */
	assert_int_equal(smpdfu_sys_timers_next_ms(), 10);

	fake_clock_advance(50);
	assert_string_equal(order, "bdca");
	assert_int_equal(probes[1].fired_at, 10);
	assert_int_equal(probes[2].fired_at, 20);
	assert_int_equal(probes[0].fired_at, 30);
}

static void test_one_process_call_runs_all_due_in_order(void **state)
{
	(void)state;
	smpdfu_sys_timer_start(&probes[2].timer, 5);
	smpdfu_sys_timer_start(&probes[0].timer, 1);
	smpdfu_sys_timer_start(&probes[1].timer, 3);
	smpdfu_sys_timer_start(&probes[3].timer, 50);

	/* The main loop may wake up late: everything overdue runs in one pass, oldest first. */
	fake_clock_set(10);
	assert_int_equal(smpdfu_sys_timers_next_ms(), 0);
	smpdfu_sys_timers_process();
	assert_string_equal(order, "abc");
	assert_int_equal(smpdfu_sys_timers_next_ms(), 40);
}

static void test_restart_moves_the_deadline(void **state)
{
	(void)state;
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[1].timer, 20);
	fake_clock_advance(5);
	/* Re-armed while armed: only the new deadline counts. */
	smpdfu_sys_timer_start(&probes[0].timer, 100);
	assert_int_equal(smpdfu_sys_timers_next_ms(), 15);

	fake_clock_advance(200);
	assert_string_equal(order, "ba");
	assert_int_equal(probes[0].fired, 1);
	assert_int_equal(probes[0].fired_at, 105);
}

static void test_stop(void **state)
{
	(void)state;
	smpdfu_sys_timer_stop(&probes[0].timer); /* never armed: harmless */
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[1].timer, 20);
	smpdfu_sys_timer_stop(&probes[0].timer);
	assert_false(smpdfu_sys_timer_is_armed(&probes[0].timer));
	smpdfu_sys_timer_stop(&probes[0].timer); /* twice: harmless */
	assert_int_equal(smpdfu_sys_timers_next_ms(), 20);

	fake_clock_advance(100);
	assert_int_equal(probes[0].fired, 0);
	assert_int_equal(probes[1].fired, 1);
}

static void test_rearm_self_from_callback(void **state)
{
	(void)state;
	probes[0].rearm_ms = 10;
	probes[0].rearm_left = 3;
	smpdfu_sys_timer_start(&probes[0].timer, 10);

	fake_clock_advance(25);
	assert_int_equal(probes[0].fired, 2);
	assert_true(smpdfu_sys_timer_is_armed(&probes[0].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), 5);

	fake_clock_advance(100);
	assert_int_equal(probes[0].fired, 4);
	assert_int_equal(probes[0].fired_at, 40);
	assert_false(smpdfu_sys_timer_is_armed(&probes[0].timer));
}

static void test_rearm_with_zero_delay_runs_next_pass(void **state)
{
	(void)state;
	probes[0].rearm_ms = 0;
	probes[0].rearm_left = 1;
	smpdfu_sys_timer_start(&probes[0].timer, 0);

	/* Each pass runs what was due when it began: a zero-delay re-arm waits for the next one. */
	smpdfu_sys_timers_process();
	assert_int_equal(probes[0].fired, 1);
	assert_true(smpdfu_sys_timer_is_armed(&probes[0].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), 0);
	smpdfu_sys_timers_process();
	assert_int_equal(probes[0].fired, 2);
	assert_int_equal(smpdfu_sys_timers_next_ms(), -1);
}

static void test_callback_stops_another_due_timer(void **state)
{
	(void)state;
	/* a and b are due in the same pass; a's callback cancels b before b runs. */
	probes[0].to_stop = &probes[1].timer;
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[1].timer, 10);
	smpdfu_sys_timer_start(&probes[2].timer, 10);

	fake_clock_set(10);
	smpdfu_sys_timers_process();
	assert_string_equal(order, "ac");
	assert_int_equal(probes[1].fired, 0);
	assert_false(smpdfu_sys_timer_is_armed(&probes[1].timer));
}

static void test_callback_restarts_another_due_timer(void **state)
{
	(void)state;
	/* b is due too, but a pushes it 50 ms further out: it must run then, and only then. */
	probes[0].to_start = &probes[1].timer;
	probes[0].to_start_ms = 50;
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[1].timer, 10);

	fake_clock_advance(10);
	assert_string_equal(order, "a");
	assert_true(smpdfu_sys_timer_is_armed(&probes[1].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), 50);

	fake_clock_advance(50);
	assert_string_equal(order, "ab");
	assert_int_equal(probes[1].fired_at, 60);
}

static void test_callback_starts_earlier_timer(void **state)
{
	(void)state;
	/* A timer armed from a callback ahead of the existing ones becomes the next deadline. */
	probes[0].to_start = &probes[1].timer;
	probes[0].to_start_ms = 5;
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[2].timer, 100);

	fake_clock_advance(10);
	assert_int_equal(smpdfu_sys_timers_next_ms(), 5);
	fake_clock_advance(100);
	assert_string_equal(order, "abc");
	assert_int_equal(probes[1].fired_at, 15);
	assert_int_equal(probes[2].fired_at, 100);
}

static void test_wraps_at_2_pow_32(void **state)
{
	(void)state;
	fake_clock_set(UINT32_MAX - 9);        /* 10 ms before the wrap */
	smpdfu_sys_timer_start(&probes[0].timer, 30); /* deadline 20 after the wrap */
	smpdfu_sys_timer_start(&probes[1].timer, 5);  /* deadline before the wrap */
	smpdfu_sys_timer_start(&probes[2].timer, 10); /* deadline exactly 0 */
	assert_int_equal(smpdfu_sys_timers_next_ms(), 5);

	fake_clock_advance(9);
	assert_string_equal(order, "b");
	assert_int_equal(smpdfu_sys_timers_next_ms(), 1);

	fake_clock_advance(1);
	assert_string_equal(order, "bc");
	assert_int_equal(probes[2].fired_at, 0);
	/* A naive unsigned compare would call a deadline of 20 long past at now = 0. */
	assert_int_equal(smpdfu_sys_timers_next_ms(), 20);

	fake_clock_advance(19);
	assert_int_equal(probes[0].fired, 0);
	fake_clock_advance(1);
	assert_string_equal(order, "bca");
	assert_int_equal(probes[0].fired_at, 20);
}

static void test_overdue_across_wrap_reports_zero(void **state)
{
	(void)state;
	fake_clock_set(UINT32_MAX - 1);
	smpdfu_sys_timer_start(&probes[0].timer, 1);
	fake_clock_set(5); /* woke up late, past the wrap */
	assert_int_equal(smpdfu_sys_timers_next_ms(), 0);
	smpdfu_sys_timers_process();
	assert_int_equal(probes[0].fired, 1);
}

static void test_huge_delay_is_clamped_not_due(void **state)
{
	(void)state;
	/* Above 2^31 ms a signed difference would read as "past"; the timer must not fire now. */
	smpdfu_sys_timer_start(&probes[0].timer, UINT32_MAX);
	smpdfu_sys_timers_process();
	assert_int_equal(probes[0].fired, 0);
	assert_true(smpdfu_sys_timers_next_ms() > 0);
}

static void test_reset_forgets_everything(void **state)
{
	(void)state;
	smpdfu_sys_timer_start(&probes[0].timer, 10);
	smpdfu_sys_timer_start(&probes[1].timer, 20);
	smpdfu_sys_timers_reset();
	assert_false(smpdfu_sys_timer_is_armed(&probes[0].timer));
	assert_false(smpdfu_sys_timer_is_armed(&probes[1].timer));
	assert_int_equal(smpdfu_sys_timers_next_ms(), -1);
	fake_clock_advance(100);
	assert_int_equal(probes[0].fired + probes[1].fired, 0);

	/* Still usable afterwards. */
	smpdfu_sys_timer_start(&probes[1].timer, 1);
	fake_clock_advance(1);
	assert_int_equal(probes[1].fired, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_timer_means_no_deadline, setup),
		cmocka_unit_test_setup(test_fires_at_deadline_not_before, setup),
		cmocka_unit_test_setup(test_order_by_deadline_then_arming, setup),
		cmocka_unit_test_setup(test_one_process_call_runs_all_due_in_order, setup),
		cmocka_unit_test_setup(test_restart_moves_the_deadline, setup),
		cmocka_unit_test_setup(test_stop, setup),
		cmocka_unit_test_setup(test_rearm_self_from_callback, setup),
		cmocka_unit_test_setup(test_rearm_with_zero_delay_runs_next_pass, setup),
		cmocka_unit_test_setup(test_callback_stops_another_due_timer, setup),
		cmocka_unit_test_setup(test_callback_restarts_another_due_timer, setup),
		cmocka_unit_test_setup(test_callback_starts_earlier_timer, setup),
		cmocka_unit_test_setup(test_wraps_at_2_pow_32, setup),
		cmocka_unit_test_setup(test_overdue_across_wrap_reports_zero, setup),
		cmocka_unit_test_setup(test_huge_delay_is_clamped_not_due, setup),
		cmocka_unit_test_setup(test_reset_forgets_everything, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
