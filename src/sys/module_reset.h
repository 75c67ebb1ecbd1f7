/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Each module's return to power-on that has no other public use, for the table in state_reset.c
 * (the others are public, as mgmt_callbacks_reset(), or private to their subsystem, as
 * smp_buf_pool_init()).
 */
#ifndef SMPDFU_MODULE_RESET_H
#define SMPDFU_MODULE_RESET_H

void app_event_manager_reset(void);
void ble_link_reset(void);
void boot_app_reset(void);
void flash_map_reset(void);
void os_mgmt_reset(void);
void smp_server_reset(void);

#endif /* SMPDFU_MODULE_RESET_H */
