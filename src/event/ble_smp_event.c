/* SPDX-License-Identifier: Apache-2.0 */
/* The ble_smp_transfer_event type. Without a payload it is logged by its name alone. */
#include <smpdfu/events/ble_smp_event.h>

APP_EVENT_TYPE_DEFINE(ble_smp_transfer_event, NULL, CONFIG_CAF_INIT_LOG_BLE_SMP_TRANSFER_EVENTS);
