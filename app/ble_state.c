/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal CAF ble_state: enables the device's Bluetooth LE link on main READY, reports READY once
 * the link layer is up, and turns what the link reports into ble_peer_event and
 * ble_peer_conn_params_event for the other modules.
 */
#define MODULE ble_state
#include <smpdfu/ble_link.h>
#include <smpdfu/events/ble_common_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/port.h>

#include "app.h"
#include "log.h"

#define LOG_MODULE "ble_state"
#define LOG_LEVEL CONFIG_CAF_BLE_STATE_LOG_LEVEL

MODULE_ID_DEFINE(MODULE);

APP_EVENT_HANDLER_DECLARE(ble_state);

/* The link's callbacks may run in its own context: they only submit events (never block). */
static void submit_peer_event(uint16_t conn, enum peer_state state)
{
	struct ble_peer_event *event = smpdfu_new_ble_peer_event();

	if (event == NULL) {
		return; /* counted and logged by the event manager */
	}
	event->conn = conn;
	event->state = state;
	APP_EVENT_SUBMIT(event);
}

static void link_ready(int err)
{
	if (err != 0) {
		LOG_ERR("Bluetooth LE link failed to start (%d)", err);
		smpdfu_module_set_state(MODULE_STATE_ERROR);
		return;
	}
	LOG_INF("Bluetooth LE link ready");
	smpdfu_module_set_state(MODULE_STATE_READY);
}

static void link_connected(uint16_t conn)
{
	submit_peer_event(conn, PEER_STATE_CONNECTED);
}

static void link_secured(uint16_t conn)
{
	submit_peer_event(conn, PEER_STATE_SECURED);
}

static void link_disconnected(uint16_t conn, uint8_t reason)
{
	LOG_INF("conn %u disconnected (reason 0x%02x)", (unsigned int)conn, (unsigned int)reason);
	submit_peer_event(conn, PEER_STATE_DISCONNECTED);
}

static void link_params_updated(uint16_t conn, const struct ble_conn_params *params)
{
	struct ble_peer_conn_params_event *event = smpdfu_new_ble_peer_conn_params_event();

	if (event == NULL) {
		return;
	}
	event->conn = conn;
	event->interval_min = params->interval;
	event->interval_max = params->interval;
	event->latency = params->latency;
	event->timeout = params->timeout;
	event->updated = true;
	APP_EVENT_SUBMIT(event);
}

static const struct ble_link_callbacks link_callbacks = {
	.ready = link_ready,
	.connected = link_connected,
	.secured = link_secured,
	.disconnected = link_disconnected,
	.params_updated = link_params_updated,
};

static void init(void)
{
	int rc = smpdfu_ble_link_enable(&link_callbacks);

	if (rc < 0) {
		LOG_ERR("cannot enable the Bluetooth LE link (%d)", rc);
		smpdfu_module_set_state(MODULE_STATE_ERROR);
	}
}

bool smpdfu_ble_state_app_event_handler(const struct app_event_header *aeh)
{
	if (smpdfu_is_module_state_event(aeh)) {
		const struct module_state_event *event = smpdfu_cast_module_state_event(aeh);

		if (smpdfu_check_state(event, MODULE_ID(main), MODULE_STATE_READY)) {
			init();
		}
		return false;
	}
	/* The table subscribes this module to nothing else. */
	PORT_ASSERT(false);
	return false;
}
