/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Bluetooth LE link interface: what the application (ble_state, ble_latency) needs from a BLE
 * stack, and what a link implementation (the BLE transport's link model, the simulated device's
 * virtual link, a unit-test double) provides. One link per device, one connection at a time.
 */
#ifndef SMPDFU_BLE_LINK_H
#define SMPDFU_BLE_LINK_H

#include <stdbool.h>
#include <stdint.h>

/* No connection. */
#define BLE_CONN_NONE 0xffffu

/* Connection parameters in Bluetooth units: interval 1.25 ms, timeout 10 ms, latency in events. */
struct ble_conn_params {
	uint16_t interval;
	uint16_t latency;
	uint16_t timeout;
};

/*
 * What the link reports, to the one user that enabled it (ble_state). Each may be called from the
 * link's own context and must not block; ble_state only submits events from them.
 */
struct ble_link_callbacks {
	void (*ready)(int err); /* the link layer is up (0) or failed to start (-errno) */
	void (*connected)(uint16_t conn);
	void (*secured)(uint16_t conn);
	void (*disconnected)(uint16_t conn, uint8_t reason);
	void (*params_updated)(uint16_t conn, const struct ble_conn_params *params);
};

struct ble_link;

/* A link implementation. Every operation returns 0 or -errno. */
struct ble_link_ops {
	/* Starts the link layer; the implementation reports ready(err), now or later. */
	int (*enable)(struct ble_link *link);
	/* The parameters in use; -ENOTCONN when conn is not connected. */
	int (*params_get)(struct ble_link *link, uint16_t conn, struct ble_conn_params *out);
	/*
	 * Asks the central for new parameters; when it accepts, the link reports params_updated.
	 * -ENOTCONN, -EINVAL for values out of the Bluetooth ranges, -EALREADY when they are
	 * already in use or requested.
	 */
	int (*param_update)(struct ble_link *link, uint16_t conn,
			    const struct ble_conn_params *req);
	/* The connection is encrypted (the peer is bonded or paired). */
	bool (*is_secured)(struct ble_link *link, uint16_t conn);
};

struct ble_link {
	const struct ble_link_ops *ops;
	void *ctx;                            /* the implementation's own state */
	const struct ble_link_callbacks *cb;  /* set by smpdfu_ble_link_enable() */
};

/*
 * Installs the device's link (NULL: none), before the application starts. The caller owns link.
 * Main context.
 */
void smpdfu_ble_link_set(struct ble_link *link);

/* The installed link, or NULL. */
struct ble_link *smpdfu_ble_link_get(void);

/*
 * Enables the installed link and sends what it reports to cb (caller-owned, static). Returns 0,
 * -ENODEV when no link is installed, or the link's error.
 */
int smpdfu_ble_link_enable(const struct ble_link_callbacks *cb);

/* The parameters of conn in use: 0, -ENODEV, -ENOTCONN. */
int smpdfu_ble_link_conn_params_get(uint16_t conn, struct ble_conn_params *out);

/*
 * Requests new parameters for conn (interval, latency, timeout). 0 when the request was sent
 * (the update is reported later), -EALREADY, -ENODEV, -ENOTCONN, -EINVAL.
 */
int smpdfu_ble_link_conn_param_update(uint16_t conn, uint16_t interval, uint16_t latency,
				      uint16_t timeout);

/* Whether conn is secured; false without a link or a connection. */
bool smpdfu_ble_link_is_secured(uint16_t conn);

/* For link implementations: report to whoever enabled the link (nothing when nobody did). */
void smpdfu_ble_link_report_ready(struct ble_link *link, int err);
void smpdfu_ble_link_report_connected(struct ble_link *link, uint16_t conn);
void smpdfu_ble_link_report_secured(struct ble_link *link, uint16_t conn);
void smpdfu_ble_link_report_disconnected(struct ble_link *link, uint16_t conn, uint8_t reason);
void smpdfu_ble_link_report_params_updated(struct ble_link *link, uint16_t conn,
					   const struct ble_conn_params *params);

/* The Bluetooth ranges: interval 6..3200, latency 0..499, timeout 10..3200 (and long enough). */
bool smpdfu_ble_conn_params_are_valid(const struct ble_conn_params *p);

#endif /* SMPDFU_BLE_LINK_H */
