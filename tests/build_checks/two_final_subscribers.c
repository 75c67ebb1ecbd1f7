/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time check: a second FINAL subscriber for one event type fails the build with a sentence.
 * The control build leaves the second one out through its guard, as Kconfig would.
 * expect-error: two FINAL subscribers for event ble_smp_transfer_event
 */
#include <smpdfu/app_event_manager.h>

struct ble_smp_transfer_event {
	struct app_event_header header;
};

APP_EVENT_TYPE_DECLARE(ble_smp_transfer_event);

#ifdef BUILD_CHECK_CONTROL
#define CONFIG_CHECK_CAF_BLE_SMP 0
#else
#define CONFIG_CHECK_CAF_BLE_SMP 1
#endif

#define APP_EVENT_TYPES(TYPE) TYPE(ble_smp_transfer_event)

#define APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE)                                                         \
	SUBSCRIBE(1, ble_latency, ble_smp_transfer_event, NORMAL)                                  \
	SUBSCRIBE(1, dfu_mcumgr, ble_smp_transfer_event, FINAL)                                    \
	SUBSCRIBE(CONFIG_CHECK_CAF_BLE_SMP, smp, ble_smp_transfer_event, FINAL)

APP_EVENT_TABLE_DEFINE(check_table);
