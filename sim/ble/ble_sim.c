/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The BLE simulation's scheduler and its two ends. Three things happen in virtual time: link
 * actions (connection events, PDU pairs), device work (one SMP request, expired timers, the
 * application's events) and a reconnection after a reboot. The earliest goes first; device work
 * before a link action at the same instant. Device work runs on the device's own clock, which
 * flash operations push ahead; what the device sends is handed to the link at that later time,
 * while the link keeps receiving in the meantime, as the radio and the BLE host's receive path do
 * on a chip while the SMP work queue waits for the flash controller.
 */
#include "ble_sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/smp.h>

#include "vport.h"

/* The one connection's handle, as the application sees it. */
#define BLE_SIM_CONN 0u
/* HCI reason "remote user terminated connection": what a central reports when the device resets. */
#define BLE_SIM_REASON_RESET 0x13u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* ---- The device's GATT bearer and BLE link ------------------------------------------------- */

static int bearer_notify(void *ctx, const uint8_t *data, size_t len)
{
	struct ble_sim *s = ctx;
	uint8_t att[BLE_ATT_MTU_MAX];

	if (!s->link.connected) {
		return -ENOTCONN;
	}
	if (len + SMP_BT_ATT_HDR_SIZE > s->link.cfg.att_mtu) {
		return -EMSGSIZE;
	}
	att[0] = SMP_BT_ATT_OP_NOTIFY;
	put_le16(&att[1], BLE_SIM_SMP_HANDLE);
	memcpy(&att[SMP_BT_ATT_HDR_SIZE], data, len);
	/* Sent when the device's CPU gets there, which may be after the link's present. */
	return ble_model_send(&s->link, BLE_PERIPHERAL, att, len + SMP_BT_ATT_HDR_SIZE,
			      vport_now_us());
}

static uint16_t bearer_att_mtu(void *ctx)
{
	struct ble_sim *s = ctx;

	return s->link.connected ? s->link.cfg.att_mtu : 0;
}

static bool bearer_is_subscribed(void *ctx)
{
	struct ble_sim *s = ctx;

	return s->link.connected && s->subscribed;
}

static const struct smp_bt_bearer_ops bearer_ops = {
	.notify = bearer_notify,
	.att_mtu = bearer_att_mtu,
	.is_subscribed = bearer_is_subscribed,
};

static struct ble_sim *sim_of(struct ble_link *link)
{
	return link->ctx;
}

static int blink_enable(struct ble_link *link)
{
	struct ble_sim *s = sim_of(link);

	smpdfu_ble_link_report_ready(link, 0);
	/* The connection may be older than the application: tell it what it missed. */
	if (s->link.connected) {
		smpdfu_ble_link_report_connected(link, BLE_SIM_CONN);
		if (s->link.secured) {
			smpdfu_ble_link_report_secured(link, BLE_SIM_CONN);
		}
	}
	return 0;
}

static int blink_params_get(struct ble_link *link, uint16_t conn, struct ble_conn_params *out)
{
	const struct ble_model *m = &sim_of(link)->link;

	if (conn != BLE_SIM_CONN || !m->connected) {
		return -ENOTCONN;
	}
	out->interval = (uint16_t)(m->cfg.conn.interval_us / BLE_INTERVAL_UNIT_US);
	out->latency = m->cfg.conn.latency;
	out->timeout = (uint16_t)(m->cfg.conn.timeout_ms / 10u);
	return 0;
}

static int blink_param_update(struct ble_link *link, uint16_t conn,
			      const struct ble_conn_params *req)
{
	struct ble_model *m = &sim_of(link)->link;
	uint32_t interval_us = (uint32_t)req->interval * BLE_INTERVAL_UNIT_US;

	if (conn != BLE_SIM_CONN) {
		return -ENOTCONN;
	}
	/* Asked from the device's main context, whose clock may be ahead of the link's. */
	return ble_model_request_params(m, vport_now_us(), interval_us, interval_us, req->latency,
					(uint32_t)req->timeout * 10u);
}

static bool blink_is_secured(struct ble_link *link, uint16_t conn)
{
	const struct ble_model *m = &sim_of(link)->link;

	return conn == BLE_SIM_CONN && m->connected && m->secured;
}

static const struct ble_link_ops blink_ops = {
	.enable = blink_enable,
	.params_get = blink_params_get,
	.param_update = blink_param_update,
	.is_secured = blink_is_secured,
};

/* ---- The GATT server (device) and the central's GATT client ---------------------------------- */

static void gatt_server_rx(struct ble_sim *s, const uint8_t *att, size_t len)
{
	uint32_t before = s->bt.stats.packets;
	uint8_t rsp = SMP_BT_ATT_OP_WRITE_RSP;

	if (len < SMP_BT_ATT_HDR_SIZE) {
		return;
	}
	if (att[0] == SMP_BT_ATT_OP_WRITE_CMD && get_le16(&att[1]) == BLE_SIM_SMP_HANDLE) {
		if (smpdfu_smp_bt_write(&s->bt, &att[3], len - 3) != SMP_BT_ATT_OK) {
			/* A write without response gets no answer: the error only shows here. */
			s->stats.att_errors++;
		}
		if (s->bt.stats.packets != before) {
			/* A write completes at most one request. */
			vdevice_request_arrived(&s->dev, s->link.now);
		}
		return;
	}
	if (att[0] == SMP_BT_ATT_OP_WRITE_REQ && get_le16(&att[1]) == BLE_SIM_CCCD_HANDLE &&
	    len >= 5) {
		s->subscribed = (get_le16(&att[3]) & SMP_BT_CCCD_NOTIFY) != 0;
		smpdfu_smp_bt_subscription_changed(&s->bt, s->subscribed);
		ble_model_send(&s->link, BLE_PERIPHERAL, &rsp, 1, s->link.now);
	}
}

/*
 * Rebuilds responses from notifications by the SMP header's length, as nRF Connect Device Manager
 * does: the first notification of a response starts with its header.
 */
static void central_rebuild(struct ble_sim_central *c, const uint8_t *val, size_t len)
{
	size_t expected;

	c->notifications++;
	if (c->rx_len + len > SMP_HDR_SIZE + UINT16_MAX) {
		c->bad++;
		c->rx_len = 0;
		return;
	}
	memcpy(&c->rx[c->rx_len], val, len);
	c->rx_len += len;
	if (c->rx_len < SMP_HDR_SIZE) {
		return;
	}
	expected = SMP_HDR_SIZE + ((size_t)c->rx[2] << 8 | c->rx[3]);
	if (c->rx_len < expected) {
		return;
	}
	if (c->rx_len > expected) {
		c->bad++;
	}
	packet_queue_push(&c->rsp, c->rx, expected);
	c->rx_len = 0;
}

static void gatt_client_rx(struct ble_sim *s, const uint8_t *att, size_t len)
{
	if (len >= 1 && att[0] == SMP_BT_ATT_OP_WRITE_RSP && s->central.cccd_pending) {
		s->central.cccd_pending = false;
		s->central.subscribed = s->central.cccd_value;
		return;
	}
	if (len >= SMP_BT_ATT_HDR_SIZE && att[0] == SMP_BT_ATT_OP_NOTIFY &&
	    get_le16(&att[1]) == BLE_SIM_SMP_HANDLE) {
		central_rebuild(&s->central, &att[3], len - 3);
	}
}

/* ---- Link callbacks (the BLE host's receive context, at link time) -------------------------- */

static void on_att_rx(void *arg, enum ble_role to, const uint8_t *att, size_t len)
{
	struct ble_sim *s = arg;

	vport_set_now_us(s->link.now);
	if (to == BLE_PERIPHERAL) {
		gatt_server_rx(s, att, len);
	} else {
		gatt_client_rx(s, att, len);
	}
}

static void on_params_updated(void *arg, const struct ble_model_conn *p)
{
	struct ble_sim *s = arg;
	struct ble_conn_params bp = {
		.interval = (uint16_t)(p->interval_us / BLE_INTERVAL_UNIT_US),
		.latency = p->latency,
		.timeout = (uint16_t)(p->timeout_ms / 10u),
	};

	vport_set_now_us(s->link.now);
	vdevice_kick_app(&s->dev, s->link.now);
	smpdfu_ble_link_report_params_updated(&s->blink, BLE_SIM_CONN, &bp);
}

static void on_secured(void *arg)
{
	struct ble_sim *s = arg;

	vport_set_now_us(s->link.now);
	vdevice_kick_app(&s->dev, s->link.now);
	smpdfu_ble_link_report_secured(&s->blink, BLE_SIM_CONN);
}

/* ---- Device ---------------------------------------------------------------------------------- */

/* At every boot, once the SMP server is up: the GATT transport and the application's BLE link. */
static int install_transport(void *arg)
{
	struct ble_sim *s = arg;
	int rc = smpdfu_smp_bt_init(&s->bt, &bearer_ops, s);

	if (rc < 0) {
		fprintf(stderr, "ble sim: this build has no BLE transport "
				"(CONFIG_MCUMGR_TRANSPORT_BT=n)\n");
		return rc;
	}
	if (!s->cfg.transfer_events) {
		/*
		 * The application signals transfer events for requests that came over BLE; a
		 * transport that does not say it is BLE turns them off without another build.
		 */
		s->bt.smp.kind = SMP_TRANSPORT_OTHER;
	}
	s->blink = (struct ble_link){ .ops = &blink_ops, .ctx = s };
	smpdfu_ble_link_set(&s->blink);
	return 0;
}

static void central_reset(struct ble_sim_central *c)
{
	c->subscribed = false;
	c->cccd_pending = false;
	c->rx_len = 0;
}

static int central_write_cccd(struct ble_sim *s, bool on)
{
	uint8_t att[5] = { SMP_BT_ATT_OP_WRITE_REQ };
	int rc;

	put_le16(&att[1], BLE_SIM_CCCD_HANDLE);
	put_le16(&att[3], on ? SMP_BT_CCCD_NOTIFY : 0);
	rc = ble_model_send(&s->link, BLE_CENTRAL, att, sizeof(att), s->now);
	if (rc == 0) {
		s->central.cccd_pending = true;
		s->central.cccd_value = on;
	}
	return rc;
}

/* The central connects and, as every SMP client does first, subscribes to the characteristic. */
static void connect(struct ble_sim *s)
{
	s->link.now = s->now;
	ble_model_connect(&s->link);
	vport_set_now_us(s->now);
	vdevice_kick_app(&s->dev, s->now);
	smpdfu_ble_link_report_connected(&s->blink, BLE_SIM_CONN);
	central_write_cccd(s, true);
}

static void device_reboot(struct ble_sim *s)
{
	ble_model_disconnect(&s->link);
	smpdfu_smp_bt_disconnected(&s->bt);
	s->subscribed = false;
	central_reset(&s->central);
	vdevice_kick_app(&s->dev, s->now);
	smpdfu_ble_link_report_disconnected(&s->blink, BLE_SIM_CONN, BLE_SIM_REASON_RESET);
	if (vdevice_boot(&s->dev) < 0) {
		/* A device that cannot boot stays silent; the client times out. */
		s->reconnect_at = UINT64_MAX;
		return;
	}
	s->reconnect_at = max_u64(s->now, s->dev.free_at) + s->cfg.reconnect_us;
}

/* ---- Scheduler ------------------------------------------------------------------------------- */

int ble_sim_run_until(struct ble_sim *s, uint64_t t, bool (*stop)(struct ble_sim *s))
{
	for (;;) {
		uint64_t t_dev;
		uint64_t t_link;
		uint64_t next;

		if (stop != NULL && stop(s)) {
			return 0;
		}
		t_dev = vdevice_due(&s->dev);
		t_link = ble_model_next_us(&s->link);
		next = min_u64(min_u64(t_dev, t_link), s->reconnect_at);
		if (next > t) {
			s->now = max_u64(s->now, t);
			ble_model_idle_until(&s->link, s->now);
			return -ETIMEDOUT;
		}
		/* Device work may date from inside the PDU pair that delivered it, before now. */
		s->now = max_u64(s->now, next);
		if (next == s->reconnect_at) {
			s->reconnect_at = UINT64_MAX;
			connect(s);
		} else if (t_dev <= t_link) {
			if (vdevice_step(&s->dev, next)) {
				device_reboot(s);
			}
		} else {
			vport_set_now_us(next);
			ble_model_step(&s->link);
			/* What the pair delivered arrived at its end: the central sees it then. */
			s->now = max_u64(s->now, s->link.now);
		}
	}
}

uint64_t ble_sim_now(const struct ble_sim *s)
{
	return s->now;
}

bool ble_sim_flash_takes_radio(const struct ble_sim_cfg *cfg)
{
	if (cfg->dev.flash == NULL) {
		return false;
	}
	switch (cfg->sharing) {
	case BLE_SHARING_PARALLEL:
		return false;
	case BLE_SHARING_TIMESLOT:
		return true;
	case BLE_SHARING_AUTO:
		break;
	}
	return cfg->dev.flash->radio_shared;
}

size_t ble_sim_max_packet(const struct ble_sim *s)
{
	return s->cfg.reassembly ? SMP_HDR_SIZE + UINT16_MAX :
				   (size_t)s->link.cfg.att_mtu - SMP_BT_ATT_HDR_SIZE;
}

/* The device's flash asks for a timeslot: the link gives the radio up for it. */
static uint64_t radio_slot(void *arg, uint64_t t, uint32_t request_us, uint64_t use_us)
{
	struct ble_sim *s = arg;

	return ble_model_reserve(&s->link, t, request_us, (uint32_t)use_us);
}

static bool central_cccd_written(struct ble_sim *s)
{
	return !s->central.cccd_pending;
}

static bool central_has_packet(struct ble_sim *s)
{
	return s->central.rsp.count > 0;
}

int ble_sim_central_subscribe(struct ble_sim *s, bool on)
{
	int rc = central_write_cccd(s, on);

	if (rc < 0) {
		return rc;
	}
	/* A CCCD write is acknowledged within a few connection events; a minute is plenty. */
	if (ble_sim_run_until(s, s->now + 60000000u, central_cccd_written) < 0) {
		return -ETIMEDOUT;
	}
	return 0;
}

int ble_sim_central_send(struct ble_sim *s, const uint8_t *pkt, size_t len)
{
	size_t piece = (size_t)s->link.cfg.att_mtu - SMP_BT_ATT_HDR_SIZE;
	uint8_t att[BLE_ATT_MTU_MAX];
	uint64_t ready = s->now;

	if (!s->link.connected || !s->central.subscribed) {
		return -ENOTCONN;
	}
	if (len > ble_sim_max_packet(s)) {
		return -EMSGSIZE;
	}
	if (s->cfg.turnaround_events > 0) {
		ready = ble_model_anchor_after(&s->link, s->now, s->cfg.turnaround_events);
	}
	for (size_t off = 0; off < len; off += piece) {
		size_t n = len - off < piece ? len - off : piece;
		int rc;

		att[0] = SMP_BT_ATT_OP_WRITE_CMD;
		put_le16(&att[1], BLE_SIM_SMP_HANDLE);
		memcpy(&att[SMP_BT_ATT_HDR_SIZE], pkt + off, n);
		rc = ble_model_send(&s->link, BLE_CENTRAL, att, n + SMP_BT_ATT_HDR_SIZE, ready);
		if (rc < 0) {
			return rc;
		}
		s->central.writes++;
	}
	return 0;
}

int ble_sim_central_recv(struct ble_sim *s, uint8_t *buf, size_t cap, uint64_t timeout_us)
{
	if (ble_sim_run_until(s, s->now + timeout_us, central_has_packet) < 0) {
		return -ETIMEDOUT;
	}
	return packet_queue_pop(&s->central.rsp, buf, cap);
}

/* ---- Life cycle ------------------------------------------------------------------------------ */

int ble_sim_open(struct ble_sim *s, const struct ble_sim_cfg *cfg)
{
	struct vdevice_cfg dev;
	const struct ble_model_cb cb = {
		.att_rx = on_att_rx,
		.params_updated = on_params_updated,
		.secured = on_secured,
		.arg = s,
	};
	int rc;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->reconnect_at = UINT64_MAX;
	if (ble_link_cfg_check(&cfg->link, true) < 0) {
		return -EINVAL;
	}
	s->central.rx = malloc(SMP_HDR_SIZE + UINT16_MAX);
	if (s->central.rx == NULL) {
		return -ENOMEM;
	}
	rc = ble_model_init(&s->link, &cfg->link, &cb);
	if (rc < 0) {
		goto out_free_rx;
	}
	vport_set_now_us(0);
	dev = cfg->dev;
	dev.program = "smpdfu-blesim";
	dev.machine = "ble-model";
	dev.transport_init = install_transport;
	dev.transport_arg = s;
	if (ble_sim_flash_takes_radio(cfg)) {
		dev.radio_slot = radio_slot;
		dev.radio_arg = s;
	}
	rc = vdevice_open(&s->dev, &dev);
	if (rc < 0) {
		goto out_deinit_link;
	}
	/* The central connects once the device is up; virtual time 0 is that moment. */
	s->now = 0;
	connect(s);
	rc = ble_sim_run_until(s, 60000000u, central_cccd_written);
	if (rc < 0 || !s->central.subscribed) {
		rc = -ETIMEDOUT;
		fprintf(stderr, "ble sim: the central could not subscribe\n");
		goto out_close_device;
	}
	return 0;

out_close_device:
	vdevice_close(&s->dev);
out_deinit_link:
	ble_model_deinit(&s->link);
out_free_rx:
	free(s->central.rx);
	return rc;
}

void ble_sim_close(struct ble_sim *s)
{
	struct ble_sim_central *c = &s->central;

	packet_queue_clear(&c->rsp);
	smpdfu_ble_link_set(NULL);
	vdevice_close(&s->dev);
	ble_model_deinit(&s->link);
	free(c->rx);
	c->rx = NULL;
}
