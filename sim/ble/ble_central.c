/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The central profiles. Where a platform documents a range and not the value it picks, the value
 * is the one a public log shows, else the upper end of the range (the slower case).
 */
#include "ble_central.h"

#include <string.h>

#include "util.h"

#define MS(x) ((uint32_t)((x) * 1000.0))

const struct ble_central_profile ble_central_profiles[] = {
	{
		/* nRF Connect SDK central (SoftDevice Controller): any interval, events extended
		 * while data flows, the client's write goes out as soon as it is queued. */
		.name = "dk",
		.summary = "a development kit as central: 7.5 ms, no PDU cap, no turnaround",
		.interval_us = MS(7.5),
		.att_mtu = 498,
		.data_len = 251,
		.phy = BLE_PHY_2M,
	},
	{
		/* BluetoothGatt.CONNECTION_PRIORITY_HIGH: 11.25-15 ms on Android 6+; up to 4
		 * packets per interval on most phones Nordic's maintainers measured (one sent 6,
		 * the slowest 1); Android grants a peripheral's request outside its priority's
		 * range; the app writes the next packet from the notification callback, an event
		 * later. */
		.name = "android-high",
		.summary = "Android, high connection priority: 15 ms, 4 PDUs per event",
		.interval_us = MS(15),
		.interval_min_us = MS(7.5),
		.interval_max_us = MS(4000),
		.max_pairs = 4,
		.turnaround_events = 1,
		.att_mtu = 498,
		.data_len = 251,
		.phy = BLE_PHY_2M,
	},
	{
		/* CONNECTION_PRIORITY_BALANCED, Android's default: 30-50 ms; a Pixel 3a XL log with
		 * nRF Connect Device Manager shows 45 ms. PDUs and requests as above. */
		.name = "android-balanced",
		.summary = "Android, balanced priority (the default): 45 ms, 4 PDUs per event",
		.interval_us = MS(45),
		.interval_min_us = MS(7.5),
		.interval_max_us = MS(4000),
		.max_pairs = 4,
		.turnaround_events = 1,
		.att_mtu = 498,
		.data_len = 251,
		.phy = BLE_PHY_2M,
	},
	{
		/* Apple's accessory guidelines: intervals from 15 ms in steps of 15 ms; iOS 10+
		 * negotiates ATT MTU 185 and sends at most 7 PDUs per event. */
		.name = "ios",
		.summary = "iOS: 15 ms (the shortest it grants), 7 PDUs per event, MTU 185",
		.interval_us = MS(15),
		.interval_min_us = MS(15),
		.interval_max_us = MS(2000),
		.max_pairs = 7,
		.turnaround_events = 1,
		.att_mtu = 185,
		.data_len = 251,
		.phy = BLE_PHY_2M,
	},
	{
		/* Linux (BlueZ): the kernel connects at 30-50 ms and accepts what the peripheral
		 * asks for within the Core limits; a desktop controller fills the events; the
		 * Python or Go client answers an event later. */
		.name = "bluez",
		.summary = "a Linux desktop (BlueZ): 50 ms, no PDU cap, one event of turnaround",
		.interval_us = MS(50),
		.interval_min_us = MS(7.5),
		.interval_max_us = MS(4000),
		.turnaround_events = 1,
		.att_mtu = 498,
		.data_len = 251,
		.phy = BLE_PHY_2M,
	},
};

const size_t ble_central_profile_count =
	ARRAY_SIZE(ble_central_profiles);

const struct ble_central_profile *ble_central_find(const char *name)
{
	for (size_t i = 0; i < ble_central_profile_count; i++) {
		if (strcmp(ble_central_profiles[i].name, name) == 0) {
			return &ble_central_profiles[i];
		}
	}
	return NULL;
}
