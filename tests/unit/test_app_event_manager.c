/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the application event manager, built against this file's own subscription table:
 * priority order, consumption, the FINAL subscriber, FIFO order (also for events submitted while
 * processing), the full pool, the logging switch and log lines, counters, module_state_event.
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
#include <unistd.h>

#include <cmocka.h>

#define MODULE test_module
#include <smpdfu/app_event_manager.h>
#include <smpdfu/events/module_state_event.h>

#include "fake_port.h"
#include "util.h"

MODULE_ID_DEFINE(MODULE);
/* app.c's: the fake port reboots through smpdfu_app_state_reset(), which links it. */
MODULE_ID_DECLARE(main);

/* --- The test's event types ------------------------------------------------------------------- */

/* Which subscriber of test_a_event consumes an event: a bit per subscriber, 0 for none. */
enum {
	BY_FIRST = 1 << 0,
	BY_EARLY = 1 << 1,
	BY_NORMAL = 1 << 2,
	BY_NORMAL2 = 1 << 3,
	BY_FINAL = 1 << 4,
};

struct test_a_event {
	struct app_event_header header;
	int id;
	unsigned int consumed_by;
};

/* Submits more events while it is processed: `depth` more test_b_events and a test_a_event each. */
struct test_b_event {
	struct app_event_header header;
	int id;
	int depth;
};

/* No subscriber, no log function, not logged at start. */
struct test_quiet_event {
	struct app_event_header header;
};

APP_EVENT_TYPE_DECLARE(test_a_event);
APP_EVENT_TYPE_DECLARE(test_b_event);
APP_EVENT_TYPE_DECLARE(test_quiet_event);

static unsigned int a_log_calls;

static void log_test_a_event(const struct app_event_header *aeh, char *buf, size_t size)
{
	a_log_calls++;
	snprintf(buf, size, "id %d", smpdfu_cast_test_a_event(aeh)->id);
}

APP_EVENT_TYPE_DEFINE(test_a_event, log_test_a_event, 1);
APP_EVENT_TYPE_DEFINE(test_b_event, NULL, 1);
APP_EVENT_TYPE_DEFINE(test_quiet_event, NULL, 0);

/* --- The test's one table --------------------------------------------------------------------- */

/* A module configured out: its row must drop out, and it has no handler to link against. */
#define CONFIG_TEST_ABSENT_MODULE 0

#define APP_EVENT_TYPES(TYPE)                                                                      \
	TYPE(module_state_event)                                                                   \
	TYPE(test_a_event)                                                                         \
	TYPE(test_b_event)                                                                         \
	TYPE(test_quiet_event)

/* Deliberately not in priority order: the manager sorts the rows. */
#define APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE)                                                         \
	SUBSCRIBE(1, final_a, test_a_event, FINAL)                                                 \
	SUBSCRIBE(1, normal_a, test_a_event, NORMAL)                                               \
	SUBSCRIBE(1, first_a, test_a_event, FIRST)                                                 \
	SUBSCRIBE(CONFIG_TEST_ABSENT_MODULE, absent, test_a_event, FINAL)                          \
	SUBSCRIBE(1, early_a, test_a_event, EARLY)                                                 \
	SUBSCRIBE(1, normal2_a, test_a_event, NORMAL)                                              \
	SUBSCRIBE(1, chain, test_b_event, NORMAL)                                                  \
	SUBSCRIBE(1, final_b, test_b_event, FINAL)                                                 \
	SUBSCRIBE(1, watcher, module_state_event, NORMAL)

APP_EVENT_TABLE_DEFINE(test_table);

/* --- Subscribers: each records what it saw --------------------------------------------------- */

#define TRACE_MAX 256

struct trace_entry {
	const char *who;
	int id;
};

static struct trace_entry trace[TRACE_MAX];
static size_t trace_len;

static void record(const char *who, int id)
{
	assert_true(trace_len < TRACE_MAX);
	trace[trace_len].who = who;
	trace[trace_len].id = id;
	trace_len++;
}

static bool on_a(const char *who, unsigned int me, const struct app_event_header *aeh)
{
	const struct test_a_event *ev = smpdfu_cast_test_a_event(aeh);

	record(who, ev->id);
	return (ev->consumed_by & me) != 0;
}

bool smpdfu_first_a_app_event_handler(const struct app_event_header *aeh)
{
	return on_a("first", BY_FIRST, aeh);
}

bool smpdfu_early_a_app_event_handler(const struct app_event_header *aeh)
{
	return on_a("early", BY_EARLY, aeh);
}

bool smpdfu_normal_a_app_event_handler(const struct app_event_header *aeh)
{
	return on_a("normal", BY_NORMAL, aeh);
}

bool smpdfu_normal2_a_app_event_handler(const struct app_event_header *aeh)
{
	return on_a("normal2", BY_NORMAL2, aeh);
}

bool smpdfu_final_a_app_event_handler(const struct app_event_header *aeh)
{
	return on_a("final", BY_FINAL, aeh);
}

static int next_chain_id;
static unsigned int chain_alloc_failures;

bool smpdfu_chain_app_event_handler(const struct app_event_header *aeh)
{
	const struct test_b_event *ev = smpdfu_cast_test_b_event(aeh);

	record("chain", ev->id);
	if (ev->depth > 0) {
		struct test_b_event *more = smpdfu_new_test_b_event();
		struct test_a_event *a = smpdfu_new_test_a_event();

		if (more == NULL || a == NULL) {
			chain_alloc_failures++;
			if (more != NULL) {
				smpdfu_app_event_manager_free(&more->header);
			}
			if (a != NULL) {
				smpdfu_app_event_manager_free(&a->header);
			}
			return false;
		}
		more->id = ++next_chain_id;
		more->depth = ev->depth - 1;
		APP_EVENT_SUBMIT(more);
		a->id = ++next_chain_id;
		a->consumed_by = BY_FIRST;
		APP_EVENT_SUBMIT(a);
	}
	return false;
}

bool smpdfu_final_b_app_event_handler(const struct app_event_header *aeh)
{
	record("final_b", smpdfu_cast_test_b_event(aeh)->id);
	return false;
}

static const struct module_id *seen_module;
static enum module_state seen_state;
static unsigned int module_events;

bool smpdfu_watcher_app_event_handler(const struct app_event_header *aeh)
{
	const struct module_state_event *ev = smpdfu_cast_module_state_event(aeh);

	seen_module = ev->module_id;
	seen_state = ev->state;
	module_events++;
	return false;
}

/* --- Helpers ---------------------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	assert_int_equal(smpdfu_app_event_manager_init(&test_table), 0);
	memset(trace, 0, sizeof(trace));
	trace_len = 0;
	a_log_calls = 0;
	next_chain_id = 1000;
	chain_alloc_failures = 0;
	seen_module = NULL;
	seen_state = MODULE_STATE_COUNT;
	module_events = 0;
	return 0;
}

/* Every test must leave the pool empty: nothing leaks, whatever the test did. */
static int teardown(void **state)
{
	(void)state;
	assert_false(smpdfu_app_event_manager_has_pending());
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);
	return 0;
}

static struct test_a_event *submit_a(int id, unsigned int consumed_by)
{
	struct test_a_event *ev = smpdfu_new_test_a_event();

	assert_non_null(ev);
	ev->id = id;
	ev->consumed_by = consumed_by;
	APP_EVENT_SUBMIT(ev);
	return ev;
}

static void submit_b(int id, int depth)
{
	struct test_b_event *ev = smpdfu_new_test_b_event();

	assert_non_null(ev);
	ev->id = id;
	ev->depth = depth;
	APP_EVENT_SUBMIT(ev);
}

/* The trace as "who:id who:id ...", for readable comparisons. */
static const char *trace_str(void)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < trace_len; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%d", i ? " " : "",
					trace[i].who, trace[i].id);
	}
	return buf;
}

static size_t count_in_trace(const char *who, int id)
{
	size_t n = 0;

	for (size_t i = 0; i < trace_len; i++) {
		if (strcmp(trace[i].who, who) == 0 && trace[i].id == id) {
			n++;
		}
	}
	return n;
}

/* Runs fn with the fake port's log on and stderr going to a file; returns what was logged. */
static const char *capture_log(void (*fn)(void))
{
	static char text[4096];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	setenv("SMPDFU_TEST_LOG", "1", 1);
	fn();
	unsetenv("SMPDFU_TEST_LOG");
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(text, 1, sizeof(text) - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	return text;
}

/* --- The table -------------------------------------------------------------------------------- */

static void test_table_is_sorted_and_drops_disabled_rows(void **state)
{
	(void)state;
	assert_int_equal(test_table.type_count, 4);
	/* Nine rows, one of them configured out. */
	assert_int_equal(test_table.subscriber_count, 8);
	for (size_t i = 1; i < test_table.subscriber_count; i++) {
		assert_true(test_table.subscribers[i - 1].priority <=
			    test_table.subscribers[i].priority);
	}
	assert_string_equal(test_table.subscribers[0].module, "first_a");
	assert_int_equal(test_table.subscribers[0].priority, APP_EVENT_PRIORITY_FIRST);
	for (size_t i = 0; i < test_table.subscriber_count; i++) {
		assert_string_not_equal(test_table.subscribers[i].module, "absent");
	}
}

/* --- Priorities, consumption, FINAL ----------------------------------------------------------- */

static void test_priority_order(void **state)
{
	(void)state;
	submit_a(1, 0);
	assert_int_equal(smpdfu_app_event_manager_process(), 1);

	/* The two NORMAL subscribers may come in either order. */
	assert_int_equal(trace_len, 5);
	assert_string_equal(trace[0].who, "first");
	assert_string_equal(trace[1].who, "early");
	assert_int_equal(count_in_trace("normal", 1), 1);
	assert_int_equal(count_in_trace("normal2", 1), 1);
	assert_true(strncmp(trace[2].who, "normal", 6) == 0);
	assert_true(strncmp(trace[3].who, "normal", 6) == 0);
	assert_string_equal(trace[4].who, "final");
}

static void test_consumed_by_first_stops_everything(void **state)
{
	(void)state;
	submit_a(1, BY_FIRST);
	smpdfu_app_event_manager_process();
	assert_string_equal(trace_str(), "first:1");
}

static void test_consumed_by_early_skips_normal_and_final(void **state)
{
	(void)state;
	submit_a(1, BY_EARLY);
	smpdfu_app_event_manager_process();
	assert_string_equal(trace_str(), "first:1 early:1");
}

static void test_consumed_by_normal_skips_final(void **state)
{
	(void)state;
	submit_a(1, BY_NORMAL);
	submit_a(2, BY_NORMAL2);
	smpdfu_app_event_manager_process();
	/* Whether the other NORMAL subscriber ran first is unspecified; FINAL never runs. */
	assert_int_equal(count_in_trace("final", 1), 0);
	assert_int_equal(count_in_trace("final", 2), 0);
	assert_int_equal(count_in_trace("normal", 1), 1);
	assert_int_equal(count_in_trace("normal2", 2), 1);
}

static void test_final_runs_once_per_unconsumed_event_and_last(void **state)
{
	static const unsigned int consumption[] = {
		0, BY_EARLY, 0, BY_NORMAL, BY_FINAL, 0, BY_FIRST,
	};
	const size_t n = ARRAY_SIZE(consumption);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		submit_a((int)i, consumption[i]);
	}
	assert_int_equal(smpdfu_app_event_manager_process(), (int)n);

	for (size_t i = 0; i < n; i++) {
		const bool unconsumed = consumption[i] == 0 || consumption[i] == BY_FINAL;
		size_t last = 0;

		assert_int_equal(count_in_trace("final", (int)i), unconsumed ? 1 : 0);
		/* Each event's subscribers run together: FINAL is the last entry of its event. */
		for (size_t t = 0; t < trace_len; t++) {
			if (trace[t].id == (int)i) {
				last = t;
			}
		}
		if (unconsumed) {
			assert_string_equal(trace[last].who, "final");
			assert_int_equal(count_in_trace("first", (int)i), 1);
			assert_int_equal(count_in_trace("early", (int)i), 1);
			assert_int_equal(count_in_trace("normal", (int)i), 1);
			assert_int_equal(count_in_trace("normal2", (int)i), 1);
		}
	}
}

/* --- FIFO ------------------------------------------------------------------------------------- */

static void test_fifo_order_across_types(void **state)
{
	(void)state;
	submit_a(1, BY_FIRST);
	submit_b(2, 0);
	submit_a(3, BY_FIRST);
	submit_b(4, 0);
	submit_a(5, BY_FIRST);
	assert_int_equal(smpdfu_app_event_manager_process(), 5);
	assert_string_equal(trace_str(),
			    "first:1 chain:2 final_b:2 first:3 chain:4 final_b:4 first:5");
}

static void test_events_submitted_while_processing_come_after(void **state)
{
	(void)state;
	submit_b(1, 2);
	submit_a(2, BY_FIRST);
	/*
	 * b1 queues b1001 and a1002 behind a2; b1001 queues b1003 and a1004 behind a1002; all of
	 * them are handled in this one call, in the order they were submitted.
	 */
	assert_int_equal(smpdfu_app_event_manager_process(), 6);
	assert_string_equal(trace_str(), "chain:1 final_b:1 first:2 chain:1001 final_b:1001 "
					 "first:1002 chain:1003 final_b:1003 first:1004");
	assert_int_equal(smpdfu_app_event_manager_process(), 0);
}

static void test_process_with_empty_queue(void **state)
{
	(void)state;
	assert_false(smpdfu_app_event_manager_has_pending());
	assert_int_equal(smpdfu_app_event_manager_process(), 0);
	submit_a(1, BY_FIRST);
	assert_true(smpdfu_app_event_manager_has_pending());
	assert_int_equal(smpdfu_app_event_manager_process(), 1);
	assert_false(smpdfu_app_event_manager_has_pending());
}

/* --- The pool --------------------------------------------------------------------------------- */

static void test_full_pool_returns_null_counts_and_corrupts_nothing(void **state)
{
	struct app_event_manager_stats stats;

	(void)state;
	for (int i = 0; i < CONFIG_APP_EVENT_MANAGER_POOL_SIZE; i++) {
		submit_a(i, BY_FINAL);
	}
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(),
			 CONFIG_APP_EVENT_MANAGER_POOL_SIZE);

	assert_null(smpdfu_new_test_a_event());
	assert_null(smpdfu_new_test_b_event());
	assert_int_equal(smpdfu_module_set_state(MODULE_STATE_READY), -ENOMEM);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.dropped, 3);
	assert_int_equal(stats.submitted, CONFIG_APP_EVENT_MANAGER_POOL_SIZE);
	assert_int_equal(stats.peak_in_use, CONFIG_APP_EVENT_MANAGER_POOL_SIZE);
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(),
			 CONFIG_APP_EVENT_MANAGER_POOL_SIZE);

	/* Every queued event arrives intact and in order. */
	assert_int_equal(smpdfu_app_event_manager_process(), CONFIG_APP_EVENT_MANAGER_POOL_SIZE);
	for (int i = 0; i < CONFIG_APP_EVENT_MANAGER_POOL_SIZE; i++) {
		assert_int_equal(count_in_trace("final", i), 1);
	}
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);

	/* And the pool works again. */
	trace_len = 0;
	submit_a(77, 0);
	assert_int_equal(smpdfu_app_event_manager_process(), 1);
	assert_int_equal(count_in_trace("final", 77), 1);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.dropped, 3);
	assert_int_equal(stats.processed, CONFIG_APP_EVENT_MANAGER_POOL_SIZE + 1);
}

static void test_full_pool_while_processing(void **state)
{
	struct test_a_event *hold[CONFIG_APP_EVENT_MANAGER_POOL_SIZE];
	struct app_event_manager_stats stats;

	(void)state;
	/* One block left for the event being processed: the chain handler finds no room. */
	submit_b(1, 1);
	for (int i = 0; i < CONFIG_APP_EVENT_MANAGER_POOL_SIZE - 1; i++) {
		hold[i] = smpdfu_new_test_a_event();
		assert_non_null(hold[i]);
	}
	assert_int_equal(smpdfu_app_event_manager_process(), 1);
	assert_int_equal(chain_alloc_failures, 1);
	assert_string_equal(trace_str(), "chain:1 final_b:1");
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.dropped, 2);

	/* Allocated but never submitted: given back by hand. */
	for (int i = 0; i < CONFIG_APP_EVENT_MANAGER_POOL_SIZE - 1; i++) {
		smpdfu_app_event_manager_free(&hold[i]->header);
	}
}

static void test_allocation_is_zeroed(void **state)
{
	struct test_a_event *ev = smpdfu_new_test_a_event();

	(void)state;
	assert_non_null(ev);
	ev->id = 42;
	ev->consumed_by = BY_FIRST;
	APP_EVENT_SUBMIT(ev);
	smpdfu_app_event_manager_process();

	/* The same block comes back: it must not carry the old payload. */
	ev = smpdfu_new_test_a_event();
	assert_non_null(ev);
	assert_int_equal(ev->id, 0);
	assert_int_equal(ev->consumed_by, 0);
	assert_true(smpdfu_is_test_a_event(&ev->header));
	assert_false(smpdfu_is_test_b_event(&ev->header));
	smpdfu_app_event_manager_free(&ev->header);
}

static void test_init_empties_queue_and_pool(void **state)
{
	struct app_event_manager_stats stats;

	(void)state;
	submit_a(1, 0);
	(void)smpdfu_new_test_b_event();
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 2);
	/* A simulated reboot. */
	assert_int_equal(smpdfu_app_event_manager_init(&test_table), 0);
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);
	assert_false(smpdfu_app_event_manager_has_pending());
	assert_int_equal(smpdfu_app_event_manager_process(), 0);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.submitted, 0);
	assert_int_equal(stats.peak_in_use, 0);
	assert_int_equal(trace_len, 0);
}

/* --- Counters --------------------------------------------------------------------------------- */

static void test_counters(void **state)
{
	struct app_event_manager_stats stats;

	(void)state;
	submit_a(1, 0);
	submit_a(2, BY_FIRST);
	submit_b(3, 1);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.submitted, 3);
	assert_int_equal(stats.processed, 0);
	assert_int_equal(stats.peak_in_use, 3);

	assert_int_equal(smpdfu_app_event_manager_process(), 5);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.submitted, 5);
	assert_int_equal(stats.processed, 5);
	assert_int_equal(stats.dropped, 0);
	assert_int_equal(stats.peak_in_use, 3);
}

/* --- Logging ---------------------------------------------------------------------------------- */

static void test_logging_switch(void **state)
{
	(void)state;
	/* Defaults from the type definitions. */
	assert_true(smpdfu_app_event_manager_log_is_enabled(APP_EVENT_TYPE(test_a_event)));
	assert_false(smpdfu_app_event_manager_log_is_enabled(APP_EVENT_TYPE(test_quiet_event)));

	submit_a(1, 0);
	smpdfu_app_event_manager_process();
	assert_int_equal(a_log_calls, CONFIG_APP_EVENT_MANAGER_SHOW_EVENTS ? 1 : 0);

	smpdfu_app_event_manager_log_enable(APP_EVENT_TYPE(test_a_event), false);
	assert_false(smpdfu_app_event_manager_log_is_enabled(APP_EVENT_TYPE(test_a_event)));
	submit_a(2, 0);
	smpdfu_app_event_manager_process();
	assert_int_equal(a_log_calls, CONFIG_APP_EVENT_MANAGER_SHOW_EVENTS ? 1 : 0);
	/* Logging or not, the subscribers ran. */
	assert_int_equal(count_in_trace("final", 2), 1);

	/* init restores the defaults. */
	assert_int_equal(smpdfu_app_event_manager_init(&test_table), 0);
	assert_true(smpdfu_app_event_manager_log_is_enabled(APP_EVENT_TYPE(test_a_event)));
}

static void process_some_events(void)
{
	struct test_quiet_event *quiet = smpdfu_new_test_quiet_event();

	assert_non_null(quiet);
	APP_EVENT_SUBMIT(quiet);
	submit_a(7, BY_FIRST);
	submit_b(8, 0);
	smpdfu_module_state_submit(MODULE_ID(main), MODULE_STATE_READY);
	smpdfu_app_event_manager_process();
}

static void test_log_lines(void **state)
{
	const char *log;

	(void)state;
	if (!CONFIG_APP_EVENT_MANAGER_SHOW_EVENTS || !CONFIG_APP_EVENT_MANAGER_LOG_EVENT_TYPE) {
		skip();
	}
	log = capture_log(process_some_events);
	assert_non_null(strstr(log, "test_a_event: id 7\n"));
	/* No log function: the type's name alone. */
	assert_non_null(strstr(log, "app_event_manager: test_b_event\n"));
	assert_null(strstr(log, "test_quiet_event"));
	if (CONFIG_CAF_INIT_LOG_MODULE_STATE_EVENTS) {
		assert_non_null(strstr(log, "module_state_event: main READY\n"));
	}

	/* Switched on at run time, the quiet type shows up too. */
	smpdfu_app_event_manager_log_enable(APP_EVENT_TYPE(test_quiet_event), true);
	log = capture_log(process_some_events);
	assert_non_null(strstr(log, "app_event_manager: test_quiet_event\n"));
}

/* --- module_state_event ----------------------------------------------------------------------- */

static void test_module_set_state_submits(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_module_set_state(MODULE_STATE_READY), 0);
	assert_int_equal(module_events, 0);
	assert_int_equal(smpdfu_app_event_manager_process(), 1);
	assert_int_equal(module_events, 1);
	assert_ptr_equal(seen_module, MODULE_ID(test_module));
	assert_int_equal(seen_state, MODULE_STATE_READY);
	assert_string_equal(seen_module->name, "test_module");

	assert_int_equal(smpdfu_module_state_submit(MODULE_ID(main), MODULE_STATE_ERROR), 0);
	smpdfu_app_event_manager_process();
	assert_ptr_equal(seen_module, MODULE_ID(main));
	assert_int_equal(seen_state, MODULE_STATE_ERROR);
}

static void test_check_state(void **state)
{
	struct module_state_event ev = {
		.module_id = MODULE_ID(main),
		.state = MODULE_STATE_READY,
	};

	(void)state;
	assert_true(smpdfu_check_state(&ev, MODULE_ID(main), MODULE_STATE_READY));
	assert_false(smpdfu_check_state(&ev, MODULE_ID(main), MODULE_STATE_OFF));
	assert_false(smpdfu_check_state(&ev, MODULE_ID(test_module), MODULE_STATE_READY));
	ev.state = MODULE_STATE_STANDBY;
	assert_true(smpdfu_check_state(&ev, MODULE_ID(main), MODULE_STATE_STANDBY));
}

static void test_module_state_values_and_names(void **state)
{
	struct module_state_event ev = {
		.header.type = APP_EVENT_TYPE(module_state_event),
		.module_id = MODULE_ID(main),
		.state = MODULE_STATE_STANDBY,
	};
	char buf[32];

	(void)state;
	assert_int_equal(MODULE_STATE_READY, 0);
	assert_int_equal(MODULE_STATE_OFF, 1);
	assert_int_equal(MODULE_STATE_STANDBY, 2);
	assert_int_equal(MODULE_STATE_ERROR, 3);
	assert_string_equal(smpdfu_module_state_name(MODULE_STATE_READY), "READY");
	assert_string_equal(smpdfu_module_state_name(MODULE_STATE_OFF), "OFF");
	assert_string_equal(smpdfu_module_state_name(MODULE_STATE_STANDBY), "STANDBY");
	assert_string_equal(smpdfu_module_state_name(MODULE_STATE_ERROR), "ERROR");
	assert_string_equal(smpdfu_module_state_name(MODULE_STATE_COUNT), "?");

	APP_EVENT_TYPE(module_state_event)->log(&ev.header, buf, sizeof(buf));
	assert_string_equal(buf, "main STANDBY");
	/* Truncated, never overrun. */
	APP_EVENT_TYPE(module_state_event)->log(&ev.header, buf, 5);
	assert_string_equal(buf, "main");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_table_is_sorted_and_drops_disabled_rows),
		T(test_priority_order),
		T(test_consumed_by_first_stops_everything),
		T(test_consumed_by_early_skips_normal_and_final),
		T(test_consumed_by_normal_skips_final),
		T(test_final_runs_once_per_unconsumed_event_and_last),
		T(test_fifo_order_across_types),
		T(test_events_submitted_while_processing_come_after),
		T(test_process_with_empty_queue),
		T(test_full_pool_returns_null_counts_and_corrupts_nothing),
		T(test_full_pool_while_processing),
		T(test_allocation_is_zeroed),
		T(test_init_empties_queue_and_pool),
		T(test_counters),
		T(test_logging_switch),
		T(test_log_lines),
		T(test_module_set_state_submits),
		T(test_check_state),
		T(test_module_state_values_and_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
