/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dfu_mcumgr's state, as much as tests and logs need to see: the module has no API of its own (it
 * works through its event subscriptions and MCUmgr hooks).
 */
#ifndef APP_DFU_MCUMGR_H
#define APP_DFU_MCUMGR_H

#include <stdbool.h>

/* A ble_smp_transfer_event of dfu_mcumgr is queued (not yet through its FINAL subscriber). */
bool smpdfu_dfu_mcumgr_transfer_event_pending(void);

/* The 5 s DFU session timer is running (a DFU command came less than 5 s ago). */
bool smpdfu_dfu_mcumgr_dfu_in_progress(void);

#endif /* APP_DFU_MCUMGR_H */
