/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Bluetooth LE link for unit tests: the test connects, secures and disconnects the peer, and
 * decides when the central accepts a parameter update (at once, after a delay on the fake clock,
 * or only when told). Every request is recorded.
 */
#ifndef FAKE_BLE_LINK_H
#define FAKE_BLE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/ble_link.h>

#define FAKE_BLE_LINK_REQUESTS_MAX 64

/* How the central answers parameter update requests. */
enum fake_ble_accept {
	FAKE_BLE_ACCEPT_MANUAL,  /* pending until fake_ble_link_accept() */
	FAKE_BLE_ACCEPT_DELAYED, /* after the delay given to fake_ble_link_set_accept() */
};

/* Installs a fresh link (smpdfu_ble_link_set): no peer, updates accepted after 50 ms, enable works.
 */
void fake_ble_link_install(void);
/* The next enable fails with err (reported through ready(err)), or -ENODEV from enable itself. */
void fake_ble_link_fail_enable(int err, bool from_enable);
void fake_ble_link_set_accept(enum fake_ble_accept mode, uint32_t delay_ms);

/* The peer connects with these parameters (reported as connected, then params_updated). */
void fake_ble_link_connect(uint16_t conn, uint16_t interval, uint16_t latency, uint16_t timeout);
void fake_ble_link_secure(void);
void fake_ble_link_disconnect(void);
/* Applies the pending request now and reports it. Returns false when none is pending. */
bool fake_ble_link_accept(void);

/* What the link saw and has. */
size_t fake_ble_link_request_count(void);
struct ble_conn_params fake_ble_link_request(size_t i);
struct ble_conn_params fake_ble_link_params(void);
bool fake_ble_link_update_pending(void);
unsigned int fake_ble_link_enable_count(void);

#endif
