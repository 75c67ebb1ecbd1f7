/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Central profiles: how the devices that run DFU clients use a Bluetooth LE link, by name. Each is
 * set from the platform's documented behaviour (sources in docs/ble_model.md), not fitted to a
 * measurement: the interval it uses for a transfer and what it accepts when the peripheral asks,
 * how many PDUs it sends per connection event, how many events it takes to turn an answer into
 * the next write, and the ATT MTU and data length it ends up with against a device that offers
 * MTU 498 and data length 251.
 */
#ifndef BLE_CENTRAL_H
#define BLE_CENTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "ble_model.h"

struct ble_central_profile {
	const char *name;
	const char *summary;       /* one line for --help */
	uint32_t interval_us;      /* the interval it uses for the transfer */
	uint32_t interval_min_us;  /* what it accepts when the peripheral asks; 0: anything */
	uint32_t interval_max_us;
	uint16_t max_pairs;        /* PDUs it sends per connection event; 0: as many as fit */
	uint16_t write_queue;      /* ATT writes its controller holds; 0: no limit */
	uint8_t turnaround_events; /* from a notification to the next write, in events */
	uint16_t att_mtu;
	uint16_t data_len;
	enum ble_phy phy;
};

extern const struct ble_central_profile ble_central_profiles[];
extern const size_t ble_central_profile_count;

/* The profile with that name, or NULL. */
const struct ble_central_profile *ble_central_find(const char *name);

#endif /* BLE_CENTRAL_H */
