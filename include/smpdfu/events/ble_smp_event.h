/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ble_smp_transfer_event: "an SMP DFU transfer is active now". It has no payload. The module that
 * watches uploads (dfu_mcumgr or CAF ble_smp) submits it, at most one at a time, and is its FINAL
 * subscriber; ble_latency lowers the connection latency while it keeps coming.
 */
#ifndef SMPDFU_EVENTS_BLE_SMP_EVENT_H
#define SMPDFU_EVENTS_BLE_SMP_EVENT_H

#include <smpdfu/app_event_manager.h>

struct ble_smp_transfer_event {
	struct app_event_header header;
};

APP_EVENT_TYPE_DECLARE(ble_smp_transfer_event);

#endif /* SMPDFU_EVENTS_BLE_SMP_EVENT_H */
