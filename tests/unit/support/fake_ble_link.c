/* SPDX-License-Identifier: Apache-2.0 */
/* The unit-test Bluetooth LE link: one peer, requests recorded, updates taken on the fake clock. */
#include "fake_ble_link.h"

#include <errno.h>
#include <string.h>

#include <smpdfu/timer.h>

static void accept_expired(struct sys_timer *t);

static struct {
	struct ble_link link;
	uint16_t conn;
	bool secured;
	struct ble_conn_params params;
	bool pending;
	struct ble_conn_params pending_params;
	enum fake_ble_accept mode;
	uint32_t delay_ms;
	struct sys_timer accept_timer;
	struct ble_conn_params requests[FAKE_BLE_LINK_REQUESTS_MAX];
	size_t request_count;
	int enable_err;
	bool enable_err_direct;
	unsigned int enable_count;
} fake;

static int fake_enable(struct ble_link *link)
{
	fake.enable_count++;
	if (fake.enable_err != 0 && fake.enable_err_direct) {
		return fake.enable_err;
	}
	smpdfu_ble_link_report_ready(link, fake.enable_err);
	return 0;
}

static int fake_params_get(struct ble_link *link, uint16_t conn, struct ble_conn_params *out)
{
	(void)link;
	if (fake.conn == BLE_CONN_NONE || conn != fake.conn) {
		return -ENOTCONN;
	}
	*out = fake.params;
	return 0;
}

static int fake_param_update(struct ble_link *link, uint16_t conn,
			     const struct ble_conn_params *req)
{
	(void)link;
	if (fake.conn == BLE_CONN_NONE || conn != fake.conn) {
		return -ENOTCONN;
	}
	if (fake.request_count < FAKE_BLE_LINK_REQUESTS_MAX) {
		fake.requests[fake.request_count] = *req;
	}
	fake.request_count++;
	if (memcmp(req, &fake.params, sizeof(*req)) == 0) {
		return -EALREADY;
	}
	fake.pending = true;
	fake.pending_params = *req;
	if (fake.mode == FAKE_BLE_ACCEPT_DELAYED) {
		smpdfu_sys_timer_start(&fake.accept_timer, fake.delay_ms);
	}
	return 0;
}

static bool fake_is_secured(struct ble_link *link, uint16_t conn)
{
	(void)link;
	return fake.conn != BLE_CONN_NONE && conn == fake.conn && fake.secured;
}

static const struct ble_link_ops fake_ops = {
	.enable = fake_enable,
	.params_get = fake_params_get,
	.param_update = fake_param_update,
	.is_secured = fake_is_secured,
};

void fake_ble_link_install(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.link.ops = &fake_ops;
	fake.conn = BLE_CONN_NONE;
	fake.mode = FAKE_BLE_ACCEPT_DELAYED;
	fake.delay_ms = 50;
	fake.accept_timer.expiry = accept_expired;
	smpdfu_ble_link_set(&fake.link);
}

void fake_ble_link_fail_enable(int err, bool from_enable)
{
	fake.enable_err = err;
	fake.enable_err_direct = from_enable;
}

void fake_ble_link_set_accept(enum fake_ble_accept mode, uint32_t delay_ms)
{
	fake.mode = mode;
	fake.delay_ms = delay_ms;
}

void fake_ble_link_connect(uint16_t conn, uint16_t interval, uint16_t latency, uint16_t timeout)
{
	fake.conn = conn;
	fake.secured = false;
	fake.pending = false;
	fake.params = (struct ble_conn_params){
		.interval = interval, .latency = latency, .timeout = timeout
	};
	smpdfu_ble_link_report_connected(&fake.link, conn);
	smpdfu_ble_link_report_params_updated(&fake.link, conn, &fake.params);
}

void fake_ble_link_secure(void)
{
	fake.secured = true;
	smpdfu_ble_link_report_secured(&fake.link, fake.conn);
}

void fake_ble_link_disconnect(void)
{
	uint16_t conn = fake.conn;

	smpdfu_sys_timer_stop(&fake.accept_timer);
	fake.conn = BLE_CONN_NONE;
	fake.secured = false;
	fake.pending = false;
	smpdfu_ble_link_report_disconnected(&fake.link, conn, 0x13);
}

bool fake_ble_link_accept(void)
{
	if (!fake.pending) {
		return false;
	}
	fake.pending = false;
	smpdfu_sys_timer_stop(&fake.accept_timer);
	fake.params = fake.pending_params;
	smpdfu_ble_link_report_params_updated(&fake.link, fake.conn, &fake.params);
	return true;
}

static void accept_expired(struct sys_timer *t)
{
	(void)t;
	fake_ble_link_accept();
}

size_t fake_ble_link_request_count(void)
{
	return fake.request_count;
}

struct ble_conn_params fake_ble_link_request(size_t i)
{
	return fake.requests[i];
}

struct ble_conn_params fake_ble_link_params(void)
{
	return fake.params;
}

bool fake_ble_link_update_pending(void)
{
	return fake.pending;
}

unsigned int fake_ble_link_enable_count(void)
{
	return fake.enable_count;
}
