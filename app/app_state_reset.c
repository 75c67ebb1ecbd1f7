/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application's table of resets: the core's first (its timers, hooks and events go before the
 * modules' own state), then one entry per module with file-scope state, under the option that
 * compiles it, so a module that is off is not referenced. tests/build_checks/check_state_reset.py
 * fails when a file with writable data has no entry here or in src/sys/state_reset.c. Only the
 * table lives here: that check takes what this file references for the table's entries.
 */
#include <stddef.h>

#include <smpdfu/config.h>
#include <smpdfu/state_reset.h>

#include "app.h"
#include "util.h"

static void (*const app_resets[])(void) = {
	smpdfu_state_reset,
	CONFIG_DESKTOP_DFU_MCUMGR_ENABLE ? smpdfu_dfu_mcumgr_reset : NULL,
	CONFIG_CAF_BLE_SMP ? smpdfu_ble_smp_reset : NULL,
	CONFIG_DESKTOP_BLE_LATENCY_ENABLE ? smpdfu_ble_latency_reset : NULL,
	CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE ? smpdfu_dfu_reset : NULL,
};

void smpdfu_app_state_reset(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_resets); i++) {
		if (app_resets[i] != NULL) {
			app_resets[i]();
		}
	}
}
