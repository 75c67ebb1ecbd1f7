/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtual Bluetooth LE link of the simulated device: one central, connected and secured from
 * the start, that takes parameter updates after a delay and logs each change, so the effect of
 * ble_latency's requests shows in the device log.
 */
#include "sim_ble_link.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <smpdfu/ble_link.h>
#include <smpdfu/config.h>
#include <smpdfu/port.h>
#include <smpdfu/timer.h>
#include "log.h"

#define LOG_MODULE "ble_link"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* The one connection's handle. */
#define SIM_BLE_CONN 0

/*
 * What the central connects with, as for a desktop mouse: 7.5 ms, the preferred latency, and a
 * supervision timeout of 4 s, or longer when the latency needs it (it must outlast two of the
 * gaps the latency allows).
 */
#define SIM_BLE_INTERVAL 6
#define SIM_BLE_TIMEOUT_MIN 400

static uint16_t supervision_timeout(uint16_t interval, uint16_t latency)
{
	uint32_t gap_x2_ms = (uint32_t)interval * 5u * (1u + latency) / 2u;
	uint32_t timeout = gap_x2_ms / 10u + 1u;

	return (uint16_t)(timeout < SIM_BLE_TIMEOUT_MIN ? SIM_BLE_TIMEOUT_MIN : timeout);
}

static void update_expired(struct sys_timer *t);

static struct {
	struct ble_link link;
	bool connected;
	struct ble_conn_params params;
	bool pending;
	struct ble_conn_params requested;
	struct sys_timer update;
} vlink = {
	.update = { .expiry = update_expired },
};

static void log_params(const char *what, const struct ble_conn_params *p)
{
	LOG_INF("%s: interval %u (%u.%02u ms), latency %u, timeout %u ms", what,
		(unsigned int)p->interval, (unsigned int)(p->interval * 125u / 100u),
		(unsigned int)(p->interval * 125u % 100u), (unsigned int)p->latency,
		(unsigned int)p->timeout * 10u);
}

static void update_expired(struct sys_timer *t)
{
	(void)t;
	if (!vlink.pending) {
		return;
	}
	vlink.pending = false;
	vlink.params = vlink.requested;
	log_params("connection parameters updated", &vlink.params);
	smpdfu_ble_link_report_params_updated(&vlink.link, SIM_BLE_CONN, &vlink.params);
}

static int vlink_enable(struct ble_link *link)
{
	smpdfu_ble_link_report_ready(link, 0);
	/* The central connects and bonds at once: the device is in use from the start. */
	vlink.connected = true;
	vlink.params = (struct ble_conn_params){
		.interval = SIM_BLE_INTERVAL,
		.latency = CONFIG_BT_PERIPHERAL_PREF_LATENCY,
		.timeout = supervision_timeout(SIM_BLE_INTERVAL, CONFIG_BT_PERIPHERAL_PREF_LATENCY),
	};
	log_params("virtual central connected", &vlink.params);
	smpdfu_ble_link_report_connected(link, SIM_BLE_CONN);
	smpdfu_ble_link_report_params_updated(link, SIM_BLE_CONN, &vlink.params);
	smpdfu_ble_link_report_secured(link, SIM_BLE_CONN);
	return 0;
}

static int vlink_params_get(struct ble_link *link, uint16_t conn, struct ble_conn_params *out)
{
	(void)link;
	if (!vlink.connected || conn != SIM_BLE_CONN) {
		return -ENOTCONN;
	}
	*out = vlink.params;
	return 0;
}

static int vlink_param_update(struct ble_link *link, uint16_t conn,
			      const struct ble_conn_params *req)
{
	(void)link;
	if (!vlink.connected || conn != SIM_BLE_CONN) {
		return -ENOTCONN;
	}
	if ((vlink.pending && memcmp(req, &vlink.requested, sizeof(*req)) == 0) ||
	    (!vlink.pending && memcmp(req, &vlink.params, sizeof(*req)) == 0)) {
		return -EALREADY;
	}
	vlink.pending = true;
	vlink.requested = *req;
	log_params("connection parameter update requested", req);
	smpdfu_sys_timer_start(&vlink.update, CONFIG_SIM_BLE_LINK_UPDATE_DELAY_MS);
	return 0;
}

static bool vlink_is_secured(struct ble_link *link, uint16_t conn)
{
	(void)link;
	return vlink.connected && conn == SIM_BLE_CONN;
}

static const struct ble_link_ops vlink_ops = {
	.enable = vlink_enable,
	.params_get = vlink_params_get,
	.param_update = vlink_param_update,
	.is_secured = vlink_is_secured,
};

void sim_ble_link_install(void)
{
	vlink.link.ops = &vlink_ops;
	vlink.connected = false;
	vlink.pending = false;
	smpdfu_ble_link_set(&vlink.link);
}
