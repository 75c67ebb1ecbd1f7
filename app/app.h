/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the application's modules share: the ids of the modules others wait for, the start of the
 * application (event manager, main READY), the running image's version for their logs, and its
 * confirmation at boot.
 */
#ifndef APP_H
#define APP_H

#include <stddef.h>

#include <smpdfu/events/module_state_event.h>

MODULE_ID_DECLARE(main);
MODULE_ID_DECLARE(ble_state);
MODULE_ID_DECLARE(smp);

/*
 * Starts the application: the DFU lock free, the event manager with the application's table, and
 * main READY submitted (every module initialises when it is processed). Main context, once per
 * boot, after the flash map, the SMP server and the BLE link (if any) are installed. Returns 0 or
 * -errno (-ENOTSUP without the event manager, -ENOMEM when main READY cannot be submitted).
 */
int smpdfu_app_start(void);

/*
 * Returns the core (smpdfu_state_reset()) and then every application module that the
 * configuration has to power-on: what a reboot does to RAM, before smpdfu_app_start(). For
 * simulations and tests that reboot a device in one process; main context, nothing else running.
 */
void smpdfu_app_state_reset(void);

/* Each module's part of smpdfu_app_state_reset(), in app_state_reset.c's table. */
void smpdfu_ble_latency_reset(void);
void smpdfu_ble_smp_reset(void);
void smpdfu_dfu_mcumgr_reset(void);
void smpdfu_dfu_reset(void);

/*
 * Writes the version of the running image ("1.2.3+4") into buf, or "unknown" when its header
 * cannot be read. Returns buf.
 */
const char *smpdfu_app_running_image_version(char *buf, size_t size);

/*
 * Confirms the running image (smpdfu_boot_write_img_confirmed() semantics) unless it is confirmed
 * already. Returns 1 when it confirmed it now, 0 when it was confirmed, or -errno; the caller logs
 * (at its own level) and goes on, a failure is never fatal. Callers in direct-xip builds do not
 * call it: that bootloader needs no confirmation. Main context.
 */
int smpdfu_app_confirm_running_image(void);

#endif /* APP_H */
