/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nRF Desktop's ble_latency, the part that serves DFU: while ble_smp_transfer_event keeps coming,
 * the connection runs with peripheral latency 0 (the peripheral answers every connection event, so
 * SMP packets flow without waiting); 5 to 10 s after the last one, once the link is secured, the
 * preferred latency is requested again to save power. One connection at a time.
 */
#define MODULE ble_latency
#include <errno.h>

#include <smpdfu/ble_link.h>
#include <smpdfu/events/ble_common_event.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/port.h>
#include <smpdfu/timer.h>

#include "app.h"
#include "log.h"

#define LOG_MODULE "ble_latency"
#define LOG_LEVEL CONFIG_DESKTOP_BLE_LATENCY_LOG_LEVEL

MODULE_ID_DEFINE(MODULE);

APP_EVENT_HANDLER_DECLARE(ble_latency);

static void low_latency_check(struct sys_timer *t);

/* Main context only (event handlers and the timer), so no locking. */
static struct {
	uint16_t conn;
	bool secured;
	bool low_latency_enabled;  /* latency 0 is in use or was requested */
	bool low_latency_required; /* a transfer event came since the last check */
	struct sys_timer check;
} latency = {
	.conn = BLE_CONN_NONE,
	.check = { .expiry = low_latency_check },
};

static int request_latency(uint16_t target)
{
	struct ble_conn_params now;
	int rc = smpdfu_ble_link_conn_params_get(latency.conn, &now);

	if (rc < 0) {
		return rc;
	}
	if (now.latency == target) {
		return -EALREADY;
	}
	/* Only the latency changes: the interval and the supervision timeout stay as they are. */
	return smpdfu_ble_link_conn_param_update(latency.conn, now.interval, target, now.timeout);
}

static void use_low_latency(void)
{
	int rc;

	if (latency.conn == BLE_CONN_NONE) {
		return;
	}
	latency.low_latency_required = true;
	if (latency.low_latency_enabled) {
		return;
	}
	rc = request_latency(0);
	if (rc == 0 || rc == -EALREADY) {
		LOG_INF("latency decreased for the SMP transfer");
		latency.low_latency_enabled = true;
		/* Already 0 (no update will be reported): watch the transfer from now on. */
		if (rc == -EALREADY && !smpdfu_sys_timer_is_armed(&latency.check)) {
			smpdfu_sys_timer_start(&latency.check,
					       CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS);
		}
	} else {
		LOG_WRN("cannot decrease the latency (%d)", rc);
	}
}

static void low_latency_check(struct sys_timer *t)
{
	int rc;

	if (latency.conn == BLE_CONN_NONE) {
		return;
	}
	/* Before the link is secured the peer is still setting up: keep the link fast. */
	if (!latency.secured || latency.low_latency_required) {
		latency.low_latency_required = false;
		smpdfu_sys_timer_start(t, CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS);
		return;
	}
	LOG_INF("low latency no longer needed: requesting latency %u",
		(unsigned int)CONFIG_BT_PERIPHERAL_PREF_LATENCY);
	rc = request_latency(CONFIG_BT_PERIPHERAL_PREF_LATENCY);
	if (rc == 0 || rc == -EALREADY) {
		latency.low_latency_enabled = false;
	} else {
		LOG_WRN("cannot increase the latency (%d)", rc);
		smpdfu_sys_timer_start(t, CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS);
	}
}

static void forget_connection(void)
{
	smpdfu_sys_timer_stop(&latency.check);
	latency.conn = BLE_CONN_NONE;
	latency.secured = false;
	latency.low_latency_enabled = false;
	latency.low_latency_required = false;
}

void smpdfu_ble_latency_reset(void)
{
	forget_connection();
}

static void handle_peer_event(const struct ble_peer_event *event)
{
	switch (event->state) {
	case PEER_STATE_CONNECTED:
		forget_connection();
		latency.conn = event->conn;
		latency.secured = smpdfu_ble_link_is_secured(event->conn);
		break;
	case PEER_STATE_SECURED:
		if (event->conn == latency.conn) {
			latency.secured = true;
		}
		break;
	case PEER_STATE_DISCONNECTED:
		if (event->conn == latency.conn) {
			forget_connection();
		}
		break;
	default:
		break;
	}
}

static void handle_conn_params_event(const struct ble_peer_conn_params_event *event)
{
	if (!event->updated || event->conn != latency.conn) {
		return;
	}
	if (event->latency == 0) {
		/* From now on the transfer must keep asking for it, or the check raises it. */
		latency.low_latency_enabled = true;
		latency.low_latency_required = false;
		smpdfu_sys_timer_start(&latency.check, CONFIG_DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS);
	} else {
		latency.low_latency_enabled = false;
		smpdfu_sys_timer_stop(&latency.check);
	}
}

bool smpdfu_ble_latency_app_event_handler(const struct app_event_header *aeh)
{
	if (smpdfu_is_ble_smp_transfer_event(aeh)) {
		use_low_latency();
		/* Never consumed: its producer clears its flag in its FINAL handler. */
		return false;
	}
	if (smpdfu_is_ble_peer_conn_params_event(aeh)) {
		handle_conn_params_event(smpdfu_cast_ble_peer_conn_params_event(aeh));
		return false;
	}
	if (smpdfu_is_ble_peer_event(aeh)) {
		handle_peer_event(smpdfu_cast_ble_peer_event(aeh));
		return false;
	}
	if (smpdfu_is_module_state_event(aeh)) {
		if (smpdfu_check_state(smpdfu_cast_module_state_event(aeh), MODULE_ID(main),
				       MODULE_STATE_READY)) {
			forget_connection();
		}
		return false;
	}
	PORT_ASSERT(false);
	return false;
}
