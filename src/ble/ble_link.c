/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device's one Bluetooth LE link: the application reaches whichever implementation the port
 * installed through these calls, and implementations report back through the callbacks of the
 * module that enabled the link.
 */
#include <errno.h>
#include <stddef.h>

#include <smpdfu/ble_link.h>

#include "sys/module_reset.h"

static struct ble_link *device_link;

void smpdfu_ble_link_set(struct ble_link *link)
{
	device_link = link;
	if (link != NULL) {
		link->cb = NULL;
	}
}

void smpdfu_ble_link_reset(void)
{
	device_link = NULL;
}

struct ble_link *smpdfu_ble_link_get(void)
{
	return device_link;
}

int smpdfu_ble_link_enable(const struct ble_link_callbacks *cb)
{
	if (device_link == NULL) {
		return -ENODEV;
	}
	device_link->cb = cb;
	return device_link->ops->enable(device_link);
}

int smpdfu_ble_link_conn_params_get(uint16_t conn, struct ble_conn_params *out)
{
	if (device_link == NULL) {
		return -ENODEV;
	}
	return device_link->ops->params_get(device_link, conn, out);
}

int smpdfu_ble_link_conn_param_update(uint16_t conn, uint16_t interval, uint16_t latency,
				      uint16_t timeout)
{
	const struct ble_conn_params req = {
		.interval = interval, .latency = latency, .timeout = timeout
	};

	if (device_link == NULL) {
		return -ENODEV;
	}
	if (!smpdfu_ble_conn_params_are_valid(&req)) {
		return -EINVAL;
	}
	return device_link->ops->param_update(device_link, conn, &req);
}

bool smpdfu_ble_link_is_secured(uint16_t conn)
{
	return device_link != NULL && device_link->ops->is_secured(device_link, conn);
}

bool smpdfu_ble_conn_params_are_valid(const struct ble_conn_params *p)
{
	/* The supervision timeout must outlast the longest gap the latency allows, twice over. */
	uint32_t max_gap_ms = (uint32_t)p->interval * 5u * (1u + p->latency) / 2u;

	return p->interval >= 6 && p->interval <= 3200 && p->latency <= 499 &&
	       p->timeout >= 10 && p->timeout <= 3200 && (uint32_t)p->timeout * 10u > max_gap_ms;
}

void smpdfu_ble_link_report_ready(struct ble_link *link, int err)
{
	if (link->cb != NULL && link->cb->ready != NULL) {
		link->cb->ready(err);
	}
}

void smpdfu_ble_link_report_connected(struct ble_link *link, uint16_t conn)
{
	if (link->cb != NULL && link->cb->connected != NULL) {
		link->cb->connected(conn);
	}
}

void smpdfu_ble_link_report_secured(struct ble_link *link, uint16_t conn)
{
	if (link->cb != NULL && link->cb->secured != NULL) {
		link->cb->secured(conn);
	}
}

void smpdfu_ble_link_report_disconnected(struct ble_link *link, uint16_t conn, uint8_t reason)
{
	if (link->cb != NULL && link->cb->disconnected != NULL) {
		link->cb->disconnected(conn, reason);
	}
}

void smpdfu_ble_link_report_params_updated(struct ble_link *link, uint16_t conn,
					   const struct ble_conn_params *params)
{
	if (link->cb != NULL && link->cb->params_updated != NULL) {
		link->cb->params_updated(conn, params);
	}
}
