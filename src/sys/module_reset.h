/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Each module's return to power-on that has no other public use, for the table in state_reset.c
 * (the others are public, as smpdfu_mgmt_callbacks_reset(), or private to their subsystem, as
 * smpdfu_smp_buf_pool_init()).
 */
#ifndef SMPDFU_MODULE_RESET_H
#define SMPDFU_MODULE_RESET_H

void smpdfu_app_event_manager_reset(void);
void smpdfu_ble_link_reset(void);
void smpdfu_boot_app_reset(void);
void smpdfu_flash_map_reset(void);
void smpdfu_os_mgmt_reset(void);
void smpdfu_smp_server_reset(void);

#endif /* SMPDFU_MODULE_RESET_H */
