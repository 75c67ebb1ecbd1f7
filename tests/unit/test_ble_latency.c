/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of ble_latency (modules.md §5) with the fake Bluetooth LE link: a transfer event on a
 * connection with latency lowers it to 0 keeping interval and timeout, nothing without a
 * connection or when it is already 0, latency 0 kept while transfers continue and the preferred
 * latency requested 5 to 10 s after the last one, never before the link is secured, and the event
 * never consumed. Transfer events come from their real producer (dfu_mcumgr for a Bluetooth LE
 * upload, or CAF ble_smp), so these run in the builds that have one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/ble_link.h>

#include "app_fixture.h"
#include "ble_smp.h"
#include "dfu_mcumgr.h"
#include "fake_ble_link.h"
#include "fake_port.h"

#define CHUNK 256
/* 0 when ble_latency is not built (the tests skip then, but they must compile). */
#define PERIOD                                                                                     \
	(CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS > 0 ?                                          \
		 CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS :                                      \
		 5000u)
#define PREF CONFIG_BT_PERIPHERAL_PREF_LATENCY

/* 7.5 ms interval, 4 s supervision timeout: the numbers of a desktop peripheral. */
#define INTERVAL 6
#define TIMEOUT 400

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static uint32_t upload_off;

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

static void boot(void)
{
	REQUIRE(CONFIG_DESKTOP_BLE_LATENCY_ENABLE &&
		(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS || CONFIG_CAF_BLE_SMP));
	/* A preferred latency of 0 would make the test unable to tell low from preferred. */
	REQUIRE(PREF != 0);
	upload_off = 0;
	app_fixture_boot(SMP_TRANSPORT_BLE);
	app_fixture_wait_lock_free();
}

static bool producer_flag(void)
{
	return CONFIG_CAF_BLE_SMP ? smpdfu_ble_smp_transfer_event_pending() :
				    smpdfu_dfu_mcumgr_transfer_event_pending();
}

/* One upload chunk over Bluetooth LE, and its transfer event processed. */
static void transfer(void)
{
	size_t len;

	app_fixture_image(&len);
	if (upload_off + CHUNK > len) {
		upload_off = 0; /* start the image again: only the events matter here */
	}
	assert_int_equal(app_smp_upload(upload_off, CHUNK).off, upload_off + CHUNK);
	upload_off += CHUNK;
	assert_true(producer_flag());
	app_fixture_process();
	/* Not consumed by ble_latency: the producer's FINAL subscriber cleared its flag. */
	assert_false(producer_flag());
}

static void connect(uint16_t latency)
{
	fake_ble_link_connect(1, INTERVAL, latency, TIMEOUT);
	app_fixture_process();
}

static void assert_request(size_t i, uint16_t latency)
{
	struct ble_conn_params r = fake_ble_link_request(i);

	assert_int_equal(r.interval, INTERVAL);
	assert_int_equal(r.latency, latency);
	assert_int_equal(r.timeout, TIMEOUT);
}

static void no_connection_no_request(void **state)
{
	(void)state;
	boot();
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 0);
}

static void transfer_lowers_latency_keeping_interval_and_timeout(void **state)
{
	(void)state;
	boot();
	connect(PREF);
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 1);
	assert_request(0, 0);
	assert_int_equal(fake_log_count("INF ble_latency: latency decreased"), 1);
	/* More transfer events while the update is pending ask for nothing more. */
	transfer();
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 1);
	app_fixture_advance(100);
	assert_int_equal(fake_ble_link_params().latency, 0);
}

static void latency_already_zero_asks_nothing(void **state)
{
	(void)state;
	boot();
	connect(0);
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 0);
}

static void low_while_transfers_continue_then_preferred_5_to_10_s_later(void **state)
{
	uint32_t waited = 0;

	(void)state;
	boot();
	connect(PREF);
	fake_ble_link_secure();
	app_fixture_process();
	transfer();
	app_fixture_advance(100); /* the central accepts after 50 ms */
	assert_int_equal(fake_ble_link_params().latency, 0);

	/* A transfer every second for 20 s: latency stays 0, nothing else is requested. */
	for (int i = 0; i < 20; i++) {
		transfer();
		app_fixture_advance(1000);
	}
	assert_int_equal(fake_ble_link_request_count(), 1);

	/* The last transfer: the preferred latency comes back between 5 and 10 s later. */
	transfer();
	while (fake_ble_link_request_count() == 1 && waited < 3 * PERIOD) {
		app_fixture_advance(10);
		waited += 10;
	}
	assert_int_equal(fake_ble_link_request_count(), 2);
	assert_request(1, PREF);
	assert_true(waited >= PERIOD && waited <= 2 * PERIOD);
	assert_int_equal(fake_log_count("low latency no longer needed"), 1);
	app_fixture_advance(100);
	assert_int_equal(fake_ble_link_params().latency, PREF);
	/* Nothing more while nothing happens. */
	app_fixture_advance(3 * PERIOD);
	assert_int_equal(fake_ble_link_request_count(), 2);
	/* The next transfer lowers it again. */
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 3);
	assert_request(2, 0);
}

static void never_raised_before_the_link_is_secured(void **state)
{
	(void)state;
	boot();
	connect(PREF);
	transfer();
	app_fixture_advance(100);
	app_fixture_advance(6 * PERIOD);
	assert_int_equal(fake_ble_link_request_count(), 1);
	assert_int_equal(fake_ble_link_params().latency, 0);
	/* Secured: the next check (at most a period away) asks for the preferred latency. */
	fake_ble_link_secure();
	app_fixture_process();
	app_fixture_advance(PERIOD);
	assert_int_equal(fake_ble_link_request_count(), 2);
	assert_request(1, PREF);
}

static void disconnection_forgets_everything(void **state)
{
	(void)state;
	boot();
	connect(PREF);
	fake_ble_link_secure();
	app_fixture_process();
	transfer();
	app_fixture_advance(100);
	fake_ble_link_disconnect();
	app_fixture_process();
	app_fixture_advance(3 * PERIOD);
	assert_int_equal(fake_ble_link_request_count(), 1);
	/* Transfers without a connection ask for nothing; a new connection starts afresh. */
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 1);
	connect(PREF);
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 2);
	assert_request(1, 0);
}

static void unanswered_update_is_not_repeated(void **state)
{
	(void)state;
	boot();
	connect(PREF);
	fake_ble_link_set_accept(FAKE_BLE_ACCEPT_MANUAL, 0);
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 1);
	/* The central never answers: ble_latency keeps waiting and does not flood it. */
	transfer();
	assert_int_equal(fake_ble_link_request_count(), 1);
	assert_true(fake_ble_link_accept());
	app_fixture_process();
	assert_int_equal(fake_ble_link_params().latency, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(no_connection_no_request, teardown),
		cmocka_unit_test_teardown(transfer_lowers_latency_keeping_interval_and_timeout,
					  teardown),
		cmocka_unit_test_teardown(latency_already_zero_asks_nothing, teardown),
		cmocka_unit_test_teardown(
			low_while_transfers_continue_then_preferred_5_to_10_s_later, teardown),
		cmocka_unit_test_teardown(never_raised_before_the_link_is_secured, teardown),
		cmocka_unit_test_teardown(disconnection_forgets_everything, teardown),
		cmocka_unit_test_teardown(unanswered_update_is_not_repeated,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
