/* SPDX-License-Identifier: Apache-2.0 */
/* The Bluetooth LE peer event types of CAF ble_state, with their log lines. */
#include <stdio.h>

#include <smpdfu/events/ble_common_event.h>

static const char *const peer_state_names[PEER_STATE_COUNT] = {
	[PEER_STATE_CONNECTED] = "CONNECTED",
	[PEER_STATE_SECURED] = "SECURED",
	[PEER_STATE_CONN_FAILED] = "CONN_FAILED",
	[PEER_STATE_DISCONNECTED] = "DISCONNECTED",
	[PEER_STATE_DISCONNECTING] = "DISCONNECTING",
};

const char *smpdfu_peer_state_name(enum peer_state state)
{
	if ((unsigned int)state >= PEER_STATE_COUNT) {
		return "?";
	}
	return peer_state_names[state];
}

static void log_ble_peer_event(const struct app_event_header *aeh, char *buf, size_t size)
{
	const struct ble_peer_event *event = smpdfu_cast_ble_peer_event(aeh);

	snprintf(buf, size, "conn %u %s", (unsigned int)event->conn,
		 smpdfu_peer_state_name(event->state));
}

static void log_ble_peer_conn_params_event(const struct app_event_header *aeh, char *buf,
					   size_t size)
{
	const struct ble_peer_conn_params_event *event =
		smpdfu_cast_ble_peer_conn_params_event(aeh);

	snprintf(buf, size, "conn %u interval %u-%u latency %u timeout %u%s",
		 (unsigned int)event->conn, (unsigned int)event->interval_min,
		 (unsigned int)event->interval_max, (unsigned int)event->latency,
		 (unsigned int)event->timeout, event->updated ? " (updated)" : " (requested)");
}

APP_EVENT_TYPE_DEFINE(ble_peer_event, log_ble_peer_event, CONFIG_CAF_INIT_LOG_BLE_PEER_EVENTS);
APP_EVENT_TYPE_DEFINE(ble_peer_conn_params_event, log_ble_peer_conn_params_event,
		      CONFIG_CAF_INIT_LOG_BLE_PEER_CONN_PARAMS_EVENTS);
