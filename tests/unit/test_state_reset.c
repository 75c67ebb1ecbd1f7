/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one reset path (smpdfu_app_state_reset(), and through it smpdfu_state_reset()): every module
 * the configuration has is dirtied through its own API, the reset runs, and each is back where it
 * is at power-on; then the device starts again as a board's main starts it and works. Which file
 * has an entry at all is build_check.state_reset's business: this test checks that each entry
 * resets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/ble_link.h>
#include <smpdfu/boot.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>

#include "app.h"
#include "app_fixture.h"
#include "ble_smp.h"
#include "dfu_mcumgr.h"
#include "fake_ble_link.h"
#include "fake_port.h"
#include "test_device.h"

#define CHUNK 512

static unsigned int hook_calls;

static enum mgmt_cb_return count_hook(uint32_t event, enum mgmt_cb_return prev_status, int32_t *rc,
				      uint16_t *group, bool *abort_more, void *data,
				      size_t data_size)
{
	(void)event;
	(void)prev_status;
	(void)rc;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)data_size;
	hook_calls++;
	return MGMT_CB_OK;
}

static struct smpdfu_mgmt_callback hook = {
	.callback = count_hook,
	.event_id = MGMT_EVT_OP_IMG_MGMT_ALL,
};

static void never_expires(struct sys_timer *t)
{
	(void)t;
	fail_msg("a timer of the last run expired after the reset");
}

static struct sys_timer timer = { .expiry = never_expires };

static const struct smpdfu_dfu_lock_owner other = { .name = "Other" };

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

/* An upload from offset 0 is accepted (the config-channel DFU's boot erase is waited out). */
static void upload_starts(void)
{
	if (CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE) {
		app_fixture_wait_lock_free();
	}
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
}

/* Every module's state away from power-on, through the modules' own calls. */
static void dirty_everything(void)
{
	upload_starts(); /* an upload, the DFU hooks, their timer, lock and transfer event */
	assert_int_equal(app_smp_os_reset().rc, -1); /* the reboot's timer */
	assert_non_null(smpdfu_smp_buf_alloc());
	smpdfu_mgmt_callback_register(&hook);
	smpdfu_sys_timer_start(&timer, 1000);
	smpdfu_boot_set_running_slot(1);
	assert_int_equal(smpdfu_module_state_submit(MODULE_ID(main), MODULE_STATE_ERROR), 0);
	if (CONFIG_DESKTOP_DFU_LOCK && smpdfu_dfu_lock_owner() == NULL) {
		assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	}

	assert_int_equal(smpdfu_img_mgmt_upload_offset(), CHUNK);
	assert_true(smpdfu_smp_buf_free_count() < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_true(smpdfu_app_event_manager_has_pending());
	assert_non_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY));
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_non_null(smpdfu_dfu_lock_owner());
	}
	if (CONFIG_CAF_BLE_STATE) {
		assert_non_null(smpdfu_ble_link_get());
	}
	if (CONFIG_DESKTOP_DFU_MCUMGR_ENABLE) {
		assert_true(smpdfu_dfu_mcumgr_dfu_in_progress());
	}
	if (CONFIG_DESKTOP_DFU_MCUMGR_ENABLE && CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS) {
		assert_true(smpdfu_dfu_mcumgr_transfer_event_pending());
	}
	if (CONFIG_CAF_BLE_SMP) {
		assert_true(smpdfu_ble_smp_transfer_event_pending());
	}
}

static void assert_at_power_on(void)
{
	struct app_event_manager_stats stats;
	int32_t rc = 0;
	uint16_t group = 0;

	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_true(smpdfu_sys_timers_next_ms() < 0);
	assert_false(smpdfu_sys_timer_is_armed(&timer));
	assert_int_equal(
		smpdfu_mgmt_callback_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STARTED, NULL, 0, &rc, &group),
		MGMT_CB_OK);
	assert_int_equal(hook_calls, 0);
	assert_null(hook.next);
	assert_null(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY));
	assert_int_equal(smpdfu_boot_running_slot(), 0);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	assert_false(smpdfu_app_event_manager_has_pending());
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);
	smpdfu_app_event_manager_stats_get(&stats);
	assert_int_equal(stats.submitted + stats.processed + stats.dropped + stats.peak_in_use, 0);
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_null(smpdfu_dfu_lock_owner());
	}
	if (CONFIG_CAF_BLE_STATE) {
		assert_null(smpdfu_ble_link_get());
	}
	if (CONFIG_DESKTOP_DFU_MCUMGR_ENABLE) {
		assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
		assert_false(smpdfu_dfu_mcumgr_transfer_event_pending());
	}
	if (CONFIG_CAF_BLE_SMP) {
		assert_false(smpdfu_ble_smp_transfer_event_pending());
	}
	/* No group is registered: the server answers "not supported" (rc 8). */
	assert_int_equal(app_smp_os_echo().rc, 8);
}

/* The rest of a reboot: what a board's main installs and starts (firmware/app/main.c). */
static void main_starts(void)
{
	assert_int_equal(smpdfu_flash_map_init(test_dev.areas, SMPDFU_FLASH_AREA_COUNT), 0);
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(NULL);
	smpdfu_img_mgmt_register();
	fake_ble_link_install();
	app_fixture_start();
}

static void test_reset_returns_every_module_to_power_on(void **state)
{
	(void)state;
	app_fixture_boot(SMP_TRANSPORT_BLE);
	hook_calls = 0;
	dirty_everything();
	hook_calls = 0;

	smpdfu_app_state_reset();
	assert_at_power_on();

	main_starts();
	assert_int_equal(app_smp_os_echo().rc, -1);
	upload_starts();
	assert_int_equal(hook_calls, 0); /* the reset forgot the hook for good */
	app_fixture_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS + 1);
	assert_int_equal(fake_reboot_count(), 0); /* and the last run's reboot */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_reset_returns_every_module_to_power_on, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
