/*
 * The BLE simulation's settings as text: "key=value" pairs that smpdfu-blesim takes as options and
 * the client's ble-model transport as one comma-separated --ble argument, with the defaults both
 * start from.
 */
#ifndef BLE_SIM_OPTS_H
#define BLE_SIM_OPTS_H

#include <stdbool.h>

#include "ble_sim.h"

/*
 * A fast DFU link as nRF Connect SDK's DFU samples set it up: 2M PHY, data length 251, ATT MTU
 * 498, 7.5 ms interval, latency 0, 4 s supervision timeout, events as long as the interval; flash
 * untimed and in RAM, with a 32 KiB version 1.0.0 image in a blank primary slot; transfer events
 * on; parameter updates take 50 ms; a reboot reconnects after 500 ms.
 */
void ble_sim_cfg_defaults(struct ble_sim_cfg *cfg);

/*
 * Sets one setting. Keys: interval (ms, 1.25 ms steps), latency (events), timeout (ms), phy (1m,
 * 2m), dl (27..251), mtu (23..517), event-len (ms, 0: the interval), max-pairs (0: no cap),
 * update-delay (ms), encrypted (on/off), secure-after (ms), tx-frames (0: no limit), flash (none,
 * nrf52840, nrf5340), slot1 (erased, dirty), transfer-events (on/off), reconnect (ms).
 * Returns 0, or -EINVAL after saying why on stderr.
 */
int ble_sim_cfg_set(struct ble_sim_cfg *cfg, const char *key, const char *value);

/* Applies "key=value,key=value,..."; returns 0 or -EINVAL (said on stderr). */
int ble_sim_cfg_parse_list(struct ble_sim_cfg *cfg, const char *list);

/* One line naming every setting in effect, for reports. */
void ble_sim_cfg_describe(const struct ble_sim_cfg *cfg, char *buf, size_t size);

/* The keys and what they take, one per line, for --help texts. */
extern const char ble_sim_cfg_help[];

#endif /* BLE_SIM_OPTS_H */
