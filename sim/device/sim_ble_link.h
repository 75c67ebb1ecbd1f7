/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device's virtual Bluetooth LE link (<smpdfu/ble_link.h>): a central that connects
 * and bonds as soon as the link is enabled and accepts every parameter update after
 * CONFIG_SIM_BLE_LINK_UPDATE_DELAY_MS. No data flows over it (the device serves SMP over UDP and
 * serial); it lets ble_state, ble_smp and ble_latency run and be watched in the log.
 * smpdfu-blesim has the full link model.
 */
#ifndef SIM_BLE_LINK_H
#define SIM_BLE_LINK_H

/* Installs the virtual link as the device's link (smpdfu_ble_link_set). Main context, at start-up.
 */
void sim_ble_link_install(void);

#endif /* SIM_BLE_LINK_H */
