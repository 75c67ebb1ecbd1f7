/* SPDX-License-Identifier: Apache-2.0 */
/* CAF ble_smp's state for tests: it has no API of its own (events and one MCUmgr hook). */
#ifndef APP_BLE_SMP_H
#define APP_BLE_SMP_H

#include <stdbool.h>

/* A ble_smp_transfer_event of the module is queued (not yet through its FINAL subscriber). */
bool smpdfu_ble_smp_transfer_event_pending(void);

#endif /* APP_BLE_SMP_H */
