/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Bluetooth LE events a CAF ble_state module submits: a peer's connection state
 * (ble_peer_event) and its connection parameters (ble_peer_conn_params_event). A connection is
 * named by the handle of the BLE link interface (<smpdfu/ble_link.h>).
 */
#ifndef SMPDFU_EVENTS_BLE_COMMON_EVENT_H
#define SMPDFU_EVENTS_BLE_COMMON_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/app_event_manager.h>

enum peer_state {
	PEER_STATE_CONNECTED,
	PEER_STATE_SECURED,
	PEER_STATE_CONN_FAILED,
	PEER_STATE_DISCONNECTED,
	PEER_STATE_DISCONNECTING,
	PEER_STATE_COUNT,
};

struct ble_peer_event {
	struct app_event_header header;
	uint16_t conn; /* the link's connection handle */
	enum peer_state state;
};

APP_EVENT_TYPE_DECLARE(ble_peer_event);

/*
 * Connection parameters in Bluetooth units: interval 1.25 ms, supervision timeout 10 ms, latency
 * in connection events. `updated`: these are now in use (false: the peer asked for them).
 */
struct ble_peer_conn_params_event {
	struct app_event_header header;
	uint16_t conn;
	uint16_t interval_min;
	uint16_t interval_max;
	uint16_t latency;
	uint16_t timeout;
	bool updated;
};

APP_EVENT_TYPE_DECLARE(ble_peer_conn_params_event);

/* "CONNECTED", "SECURED", ..., or "?" for a value out of range. */
const char *smpdfu_peer_state_name(enum peer_state state);

#endif /* SMPDFU_EVENTS_BLE_COMMON_EVENT_H */
