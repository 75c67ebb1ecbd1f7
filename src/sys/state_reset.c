/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's table of resets: one entry per source file with file-scope state, each under the
 * option that compiles that file (cmake/smpdfu.cmake), so a module that is off is not referenced
 * and not linked. tests/build_checks/check_state_reset.py fails the build's tests when a file
 * with writable data has no entry here or in the application's table (app/app_state_reset.c).
 * Only the table lives here: that check takes what this file references for the table's entries.
 */
#include <stddef.h>

#include <smpdfu/config.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/state_reset.h>
#include <smpdfu/timer.h>

#include "event/event_pool.h"
#include "grp/img/img_mgmt_priv.h"
#include "smp/smp_internal.h"
#include "sys/module_reset.h"
#include "util.h"

static void (*const core_resets[])(void) = {
	/* Timers first: the modules below stop theirs on a list that is already empty. */
	CONFIG_SMPDFU_SYS_TIMER ? smpdfu_sys_timers_reset : NULL,
	CONFIG_MCUMGR ? smpdfu_smp_buf_pool_init : NULL,
	CONFIG_MCUMGR ? smpdfu_smp_server_reset : NULL,
	CONFIG_MCUMGR_MGMT_NOTIFICATION_HOOKS ? smpdfu_mgmt_callbacks_reset : NULL,
	CONFIG_MCUMGR_GRP_OS ? smpdfu_os_mgmt_reset : NULL,
	CONFIG_MCUMGR_GRP_IMG ? smpdfu_img_upload_init : NULL,
	CONFIG_FLASH_MAP ? smpdfu_flash_map_reset : NULL,
	CONFIG_BOOTLOADER_MCUBOOT ? smpdfu_boot_app_reset : NULL,
	CONFIG_APP_EVENT_MANAGER ? smpdfu_app_event_manager_reset : NULL,
	CONFIG_APP_EVENT_MANAGER ? smpdfu_event_pool_init : NULL,
	CONFIG_DESKTOP_DFU_LOCK ? smpdfu_dfu_lock_init : NULL,
	CONFIG_CAF_BLE_STATE ? smpdfu_ble_link_reset : NULL,
};

void smpdfu_state_reset(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(core_resets); i++) {
		if (core_resets[i] != NULL) {
			core_resets[i]();
		}
	}
}
