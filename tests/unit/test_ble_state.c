/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the minimal CAF ble_state with the fake Bluetooth LE link: READY once the link
 * layer is up, ERROR without a link or when it fails to start, and the link's reports turned into
 * ble_peer_event and ble_peer_conn_params_event. Skipped unless CONFIG_CAF_BLE_STATE.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <smpdfu/ble_link.h>
#include <smpdfu/events/ble_common_event.h>

#include "app_fixture.h"
#include "fake_ble_link.h"
#include "fake_port.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

static void ready_when_the_link_is_up(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_STATE);
	app_fixture_boot(SMP_TRANSPORT_BLE);
	assert_int_equal(fake_ble_link_enable_count(), 1);
	assert_int_equal(fake_log_count("module_state_event: ble_state READY"), 1);
	app_fixture_wait_lock_free();
}

static void error_when_the_link_fails(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_STATE);
	app_fixture_device(SMP_TRANSPORT_BLE);
	fake_ble_link_fail_enable(-EIO, false);
	app_fixture_start();
	assert_int_equal(fake_log_count("module_state_event: ble_state ERROR"), 1);
	assert_int_equal(fake_log_count("ble_state READY"), 0);
	app_fixture_wait_lock_free();
}

static void error_without_a_link(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_STATE);
	app_fixture_device(SMP_TRANSPORT_BLE);
	smpdfu_ble_link_set(NULL);
	app_fixture_start();
	assert_int_equal(fake_log_count("ERR ble_state: cannot enable the Bluetooth LE link (-19)"),
			 1);
	assert_int_equal(fake_log_count("module_state_event: ble_state ERROR"), 1);
	app_fixture_wait_lock_free();
}

static void peer_events_follow_the_link(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_STATE);
	app_fixture_boot(SMP_TRANSPORT_BLE);
	fake_ble_link_connect(7, 24, 30, 400);
	app_fixture_process();
	assert_int_equal(fake_log_count("ble_peer_event: conn 7 CONNECTED"),
			 CONFIG_CAF_INIT_LOG_BLE_PEER_EVENTS);
	assert_int_equal(fake_log_count("ble_peer_conn_params_event: conn 7 interval 24-24 "
					"latency 30 timeout 400 (updated)"),
			 CONFIG_CAF_INIT_LOG_BLE_PEER_CONN_PARAMS_EVENTS);
	fake_ble_link_secure();
	app_fixture_process();
	assert_int_equal(fake_log_count("ble_peer_event: conn 7 SECURED"),
			 CONFIG_CAF_INIT_LOG_BLE_PEER_EVENTS);
	fake_ble_link_disconnect();
	app_fixture_process();
	assert_int_equal(fake_log_count("ble_peer_event: conn 7 DISCONNECTED"),
			 CONFIG_CAF_INIT_LOG_BLE_PEER_EVENTS);
	app_fixture_wait_lock_free();
}

static void conn_params_are_checked_against_the_bluetooth_ranges(void **state)
{
	const struct ble_conn_params ok = { .interval = 6, .latency = 99, .timeout = 400 };
	const struct ble_conn_params short_timeout = {
		.interval = 6, .latency = 99, .timeout = 100
	};
	const struct ble_conn_params slow = { .interval = 3201, .latency = 0, .timeout = 3200 };
	const struct ble_conn_params lazy = { .interval = 6, .latency = 500, .timeout = 3200 };

	(void)state;
	assert_true(smpdfu_ble_conn_params_are_valid(&ok));
	/* 7.5 ms x 100 events x 2 = 1.5 s > 1 s. */
	assert_false(smpdfu_ble_conn_params_are_valid(&short_timeout));
	assert_false(smpdfu_ble_conn_params_are_valid(&slow));
	assert_false(smpdfu_ble_conn_params_are_valid(&lazy));
	assert_int_equal(smpdfu_ble_link_conn_param_update(1, 6, 0, 400), -ENODEV);
	/* With a link, parameters out of range are refused before they reach it. */
	fake_ble_link_install();
	fake_ble_link_connect(1, 24, 0, 400);
	assert_int_equal(smpdfu_ble_link_conn_param_update(1, 3201, 0, 3200), -EINVAL);
	assert_int_equal(fake_ble_link_request_count(), 0);
	assert_int_equal(smpdfu_ble_link_conn_param_update(1, 3200, 0, 3200), 0);
	assert_int_equal(fake_ble_link_request_count(), 1);
	smpdfu_ble_link_set(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(ready_when_the_link_is_up, teardown),
		cmocka_unit_test_teardown(error_when_the_link_fails, teardown),
		cmocka_unit_test_teardown(error_without_a_link, teardown),
		cmocka_unit_test_teardown(peer_events_follow_the_link, teardown),
		cmocka_unit_test_teardown(conn_params_are_checked_against_the_bluetooth_ranges,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
