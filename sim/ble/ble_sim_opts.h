/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The BLE simulation's settings as text: "key=value" pairs that smpdfu-blesim takes as options and
 * the client's ble-model transport as one comma-separated --ble argument, with the defaults both
 * start from.
 */
#ifndef BLE_SIM_OPTS_H
#define BLE_SIM_OPTS_H

#include <stdbool.h>

#include "ble_central.h"
#include "ble_sim.h"

/*
 * A fast DFU link as nRF Connect SDK's DFU samples set it up, with a development kit as central
 * (profile dk): 2M PHY, data length 251, ATT MTU 498, 7.5 ms interval, latency 0, 4 s supervision
 * timeout, events as long as the interval with the controllers' end-of-event margin and
 * overhead (BLE_LINK_EVENT_OVERHEAD_US); flash untimed and in RAM, with a 32 KiB version 1.0.0
 * image in a blank primary slot; transfer events on; reassembly; parameter updates take 50 ms; a
 * reboot reconnects after 500 ms.
 */
void ble_sim_cfg_defaults(struct ble_sim_cfg *cfg);

/*
 * Sets one setting (the keys of ble_sim_cfg_help) and remembers that the user gave it. Returns
 * 0, or -EINVAL after saying why on stderr.
 */
int ble_sim_cfg_set(struct ble_sim_cfg *cfg, const char *key, const char *value);

/* Sets what the central profile p sets, except the settings the user gave. */
void ble_sim_cfg_apply_central(struct ble_sim_cfg *cfg, const struct ble_central_profile *p);

/* Applies "key=value,key=value,..."; returns 0 or -EINVAL (said on stderr). */
int ble_sim_cfg_parse_list(struct ble_sim_cfg *cfg, const char *list);

/* One line naming every setting in effect, for reports. */
void ble_sim_cfg_describe(const struct ble_sim_cfg *cfg, char *buf, size_t size);

/* The keys and what they take, one per line, for --help texts. */
extern const char ble_sim_cfg_help[];

#endif /* BLE_SIM_OPTS_H */
