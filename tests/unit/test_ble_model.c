/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Bluetooth LE link model against numbers worked out by hand: PDU air times (1M, 2M, Coded),
 * the timing of a single write and its notification, packing of PDU pairs into events with and
 * without the end-of-event margin and overhead, the link capacity, the central's write queue,
 * peripheral latency delaying the central's data, parameter updates within the central's range,
 * and radio reservations (flash slots) placed in the gaps between events or taking events away.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ble_model.h"

#define MAX_RX 64

/* What the callbacks saw, with the model's time. */
static struct record {
	uint64_t rx_at[MAX_RX];
	enum ble_role rx_to[MAX_RX];
	size_t rx_len[MAX_RX];
	size_t rx;
	uint64_t updated_at;
	struct ble_model_conn updated;
	unsigned int updates;
	uint64_t secured_at;
} rec;

static struct ble_model model;

static void on_rx(void *arg, enum ble_role to, const uint8_t *att, size_t len)
{
	struct ble_model *m = arg;

	(void)att;
	assert_true(rec.rx < MAX_RX);
	rec.rx_at[rec.rx] = m->now;
	rec.rx_to[rec.rx] = to;
	rec.rx_len[rec.rx] = len;
	rec.rx++;
}

static void on_updated(void *arg, const struct ble_model_conn *p)
{
	struct ble_model *m = arg;

	rec.updated_at = m->now;
	rec.updated = *p;
	rec.updates++;
}

static void on_secured(void *arg)
{
	struct ble_model *m = arg;

	rec.secured_at = m->now;
}

static struct ble_link_cfg cfg_2m(void)
{
	return (struct ble_link_cfg){
		.conn = { .interval_us = 7500, .latency = 0, .timeout_ms = 4000 },
		.phy = BLE_PHY_2M,
		.data_len = 251,
		.att_mtu = 247,
		.update_delay_us = 50000,
		.secure_after_us = 30000,
	};
}

static void open_model(const struct ble_link_cfg *cfg)
{
	const struct ble_model_cb cb = {
		.att_rx = on_rx, .params_updated = on_updated, .secured = on_secured,
		.arg = &model,
	};

	memset(&rec, 0, sizeof(rec));
	assert_int_equal(ble_model_init(&model, cfg, &cb), 0);
	ble_model_connect(&model);
}

static int teardown(void **state)
{
	(void)state;
	ble_model_deinit(&model);
	return 0;
}

/* Runs the model's actions up to time t. */
static void run_until(uint64_t t)
{
	while (ble_model_next_us(&model) <= t) {
		ble_model_step(&model);
	}
	ble_model_idle_until(&model, t);
}

/* The peripheral asks for parameters now (interval range in µs, latency, timeout in ms). */
static int request(uint32_t min_us, uint32_t max_us, uint16_t latency, uint32_t timeout_ms)
{
	return ble_model_request_params(&model, model.now, min_us, max_us, latency, timeout_ms);
}

static void send_att(enum ble_role from, size_t len, uint64_t ready)
{
	uint8_t att[BLE_ATT_MTU_MAX] = { 0x52 };

	assert_int_equal(ble_model_send(&model, from, att, len, ready), 0);
}

static void air_times(void **state)
{
	(void)state;
	/* 1M: 1 + 4 + 2 + 251 + 3 = 261 bytes at 8 µs; 2M: 262 bytes at 4 µs. */
	assert_int_equal(ble_pdu_air_us(BLE_PHY_1M, 251, false), 2088);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_2M, 251, false), 1048);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_1M, 0, false), 80);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_2M, 0, false), 44);
	/* An empty PDU carries no MIC; a data PDU's MIC is 4 more bytes. */
	assert_int_equal(ble_pdu_air_us(BLE_PHY_2M, 0, true), 44);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_2M, 251, true), 1064);
}

static void coded_air_times(void **state)
{
	(void)state;
	/* 80 + 256 + 16 + 24 µs, then (2 + payload + 3) bytes at 64 µs (S=8) or 16 µs (S=2) a
	 * byte, and TERM2: 3 bits at 8 or 2 µs. */
	assert_int_equal(ble_pdu_air_us(BLE_PHY_CODED, 0, false), 376 + 5 * 64 + 24);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_CODED, 251, false), 376 + 256 * 64 + 24);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_CODED_S2, 0, false), 376 + 5 * 16 + 6);
	assert_int_equal(ble_pdu_air_us(BLE_PHY_CODED_S2, 251, false), 376 + 256 * 16 + 6);
	/* The Core's longest coded packet: 251 bytes and a MIC at S=8 take 17040 µs. */
	assert_int_equal(ble_pdu_air_us(BLE_PHY_CODED, 251, true), 17040);
}

static void data_length_fits_the_event(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	/* On 2M a pair of 251-byte PDUs fits 7.5 ms easily. */
	assert_int_equal(ble_link_data_len(&c), 251);
	/* At S=8 it takes 34.4 ms: a controller sends PDUs short enough for a pair to fit,
	 * 2 * (400 + (9 + 41) * 64 + 150) = 7500 µs. */
	c.phy = BLE_PHY_CODED;
	assert_int_equal(ble_link_data_len(&c), 41);
	c.conn.interval_us = 50000;
	assert_int_equal(ble_link_data_len(&c), 251);
}

static void end_of_event_margin(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.att_mtu = 498;
	c.event_margin = true;
	/* A pair of longest PDUs on 2M: 2 * (1064 + 150) = 2428 µs (the MIC counts). A fifth pair
	 * would start at 4 * 1392 = 5568 µs, and 5568 + 2428 > 7500: four pairs per 7.5 ms. */
	assert_int_equal(ble_link_max_pair_us(&c), 2428);
	assert_int_equal(ble_link_pairs_per_event(&c), 4);
	assert_float_equal(ble_link_capacity_bps(&c), 4 * 251 * 495.0 / 502 / 0.0075, 0.5);
	/* Nordic's throughput sample: 400 ms, 286 pairs (1392 k + 2428 <= 400000), where the
	 * model without the margin packs 287. */
	c.conn.interval_us = 400000;
	assert_int_equal(ble_link_pairs_per_event(&c), 286);
	c.event_margin = false;
	assert_int_equal(ble_link_pairs_per_event(&c), 287);

	/* In an event: ten full writes of 247 bytes, one PDU each, four per event. */
	c = cfg_2m();
	c.event_margin = true;
	c.secure_after_us = 1000000;
	open_model(&c);
	for (int i = 0; i < 10; i++) {
		send_att(BLE_CENTRAL, 247, 0);
	}
	run_until(7499);
	assert_int_equal(rec.rx, 4);
	assert_int_equal(rec.rx_at[3], 3u * 1392u + 1048u);
}

/*
 * The SoftDevice specifications on event lengths: 3.75 ms hold three pairs of 27-byte PDUs (the
 * role configuration chapter), 7.5 ms six (the radio notification chapter's table, intervals of
 * 15 ms and more). Full duplex, encrypted, 1M: every pair is the longest, 2 * (328 + 150) = 956
 * µs, and pair k starts at 956 k. The margin alone would let a seventh pair start at 5736 µs
 * (5736 + 956 <= 7500); the overhead ends the event after six.
 */
static unsigned int duplex_pairs_in_first_event(uint32_t event_len_us)
{
	struct ble_link_cfg c = cfg_2m();
	unsigned int pairs = 0;

	c.phy = BLE_PHY_1M;
	c.data_len = 27;
	c.att_mtu = 23;
	c.conn.interval_us = 15000;
	c.event_len_us = event_len_us;
	c.event_margin = true;
	c.event_overhead_us = BLE_LINK_EVENT_OVERHEAD_US;
	c.encrypted = true;
	c.secure_after_us = 0;
	open_model(&c);
	for (int i = 0; i < 10; i++) {
		send_att(BLE_CENTRAL, 23, 0);
		send_att(BLE_PERIPHERAL, 23, 0);
	}
	run_until(14999);
	for (size_t i = 0; i < rec.rx; i++) {
		pairs += rec.rx_to[i] == BLE_PERIPHERAL;
	}
	ble_model_deinit(&model);
	return pairs;
}

static void event_overhead_as_the_softdevice_counts(void **state)
{
	(void)state;
	assert_int_equal(duplex_pairs_in_first_event(3750), 3);
	assert_int_equal(duplex_pairs_in_first_event(7500), 6);
}

/*
 * Published, measured figures the link model must keep to (docs/ble_model.md, validation): DK to
 * DK write commands or notifications (a PDU pair costs the same either way) on 2M with data
 * length 251, events as long as the interval.
 */
static void published_dk_throughput(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.event_margin = true;
	/* nRF Connect SDK throughput sample: MTU 498, 400 ms: the peer received 1,415,583 bit/s. */
	c.att_mtu = 498;
	c.conn.interval_us = 400000;
	assert_float_equal(ble_link_capacity_bps(&c) * 8 / 1415583.0, 1.0, 0.01);
	/* S140 SoftDevice specification, MTU 247: 1327.5 kbit/s at 50 ms, 1376.2 at 400 ms. */
	c.att_mtu = 247;
	assert_float_equal(ble_link_capacity_bps(&c) * 8 / 1376200.0, 1.0, 0.03);
	c.conn.interval_us = 50000;
	assert_float_equal(ble_link_capacity_bps(&c) * 8 / 1327500.0, 1.0, 0.04);
	/* Two Adafruit Bluefruit boards (S140), MTU 247, 187.5 ms events: 172 kB/s. */
	c.conn.interval_us = 187500;
	assert_float_equal(ble_link_capacity_bps(&c) / 172000.0, 1.0, 0.01);

	/* On 1M with the SoftDevice's event overhead: the S132 specification, MTU 23 and data
	 * length 27 at 7.5 ms, 24 kB/s (nine writes an event, ten without the overhead); the nRF5
	 * SDK's ATT_MTU example, MTU 247 at 7.5 ms, about 262 kbit/s (one write, two without). */
	c.event_overhead_us = BLE_LINK_EVENT_OVERHEAD_US;
	c.phy = BLE_PHY_1M;
	c.conn.interval_us = 7500;
	c.att_mtu = 23;
	c.data_len = 27;
	assert_int_equal(ble_link_pairs_per_event(&c), 9);
	assert_float_equal(ble_link_capacity_bps(&c) / 24000.0, 1.0, 0.01);
	c.att_mtu = 247;
	c.data_len = 251;
	assert_int_equal(ble_link_pairs_per_event(&c), 1);
	assert_float_equal(ble_link_capacity_bps(&c) * 8 / 262000.0, 1.0, 0.01);
}

static void write_queue_limits_writes_per_event(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.central_tx_frames = 2;
	c.secure_after_us = 1000000;
	assert_int_equal(ble_link_pairs_per_event(&c), 5);
	/* Two 247-byte writes per event, where five would fit: 2 * 244 bytes per 7.5 ms. */
	assert_float_equal(ble_link_capacity_bps(&c), 2 * 244 / 0.0075, 0.5);
	open_model(&c);
	for (int i = 0; i < 5; i++) {
		send_att(BLE_CENTRAL, 247, 0);
	}
	run_until(20000);
	assert_int_equal(rec.rx, 5);
	assert_int_equal(rec.rx_at[1], 1392u + 1048u);
	assert_int_equal(rec.rx_at[2], 7500u + 1048u);
	assert_int_equal(rec.rx_at[4], 15000u + 1048u);
}

static void capacity_from_the_parameters(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	/* 2M, DL 251, MTU 498, 7.5 ms: a pair is 1048 + 150 + 44 + 150 = 1392 µs, 5 fit in 7.5 ms;
	 * a 495-byte write is 502 L2CAP bytes = 2 PDUs, so 2.5 writes = 1237.5 B per event. */
	c.att_mtu = 498;
	assert_int_equal(ble_link_pairs_per_event(&c), 5);
	assert_float_equal(ble_link_capacity_bps(&c), 165000.0, 0.5);
	/* 1M, DL 251, MTU 247, 7.5 ms: 2468 µs pairs, 3 per event, 244 value bytes per PDU. */
	c.phy = BLE_PHY_1M;
	c.att_mtu = 247;
	assert_int_equal(ble_link_pairs_per_event(&c), 3);
	assert_float_equal(ble_link_capacity_bps(&c), 97600.0, 0.5);
	/* The default SoftDevice event length, 3.75 ms: 2 pairs of 1392 µs on 2M. */
	c = cfg_2m();
	c.event_len_us = 3750;
	assert_int_equal(ble_link_pairs_per_event(&c), 2);
	/* A central that sends at most 4 PDUs per event. */
	c.event_len_us = 0;
	c.max_pairs_per_event = 4;
	assert_int_equal(ble_link_pairs_per_event(&c), 4);
}

static void single_exchange_timed_by_hand(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.secure_after_us = 1000000;
	open_model(&c);
	/* A 20-byte write at t = 0 is in the first event: 24 L2CAP bytes, (2+9+24)*4 = 140 µs. */
	send_att(BLE_CENTRAL, 20, 0);
	run_until(1000);
	assert_int_equal(rec.rx, 1);
	assert_int_equal(rec.rx_to[0], BLE_PERIPHERAL);
	assert_int_equal(rec.rx_at[0], 140);
	assert_int_equal(rec.rx_len[0], 20);
	/* Nobody had more: the event closed after one pair. */
	assert_false(model.in_event);
	/* The device answers at t = 1 ms with a 30-byte notification: it waits for the next event
	 * at 7.5 ms, after the central's empty PDU: 7500 + 44 + 150 + (2+9+34)*4 = 7874 µs. */
	send_att(BLE_PERIPHERAL, 30, 1000);
	run_until(20000);
	assert_int_equal(rec.rx, 2);
	assert_int_equal(rec.rx_to[1], BLE_CENTRAL);
	assert_int_equal(rec.rx_at[1], 7874);
}

static void events_pack_pairs_until_the_event_ends(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.secure_after_us = 1000000;
	open_model(&c);
	/* Ten 247-byte writes (251 L2CAP bytes): one full PDU each; 5 pairs per event. */
	for (int i = 0; i < 10; i++) {
		send_att(BLE_CENTRAL, 247, 0);
	}
	run_until(16000);
	assert_int_equal(rec.rx, 10);
	for (int i = 0; i < 5; i++) {
		/* Pair k ends its central PDU at 1392 k + 1048. */
		assert_int_equal(rec.rx_at[i], 1392u * i + 1048u);
		assert_int_equal(rec.rx_at[5 + i], 7500u + 1392u * i + 1048u);
	}
	/* 10 data PDUs; the 15 ms event (nothing ready) had one empty pair. */
	assert_int_equal(model.stats.pdus_data[BLE_CENTRAL], 10);
	assert_int_equal(model.stats.pairs, 11);
	/* Queued at 16 ms, after the 15 ms event found nothing ready: sent at 22.5 ms. */
	rec.rx = 0;
	send_att(BLE_CENTRAL, 247, model.now);
	send_att(BLE_CENTRAL, 200, model.now);
	run_until(30000);
	assert_int_equal(rec.rx, 2);
	assert_int_equal(rec.rx_at[0], 22500u + 1048u);
	assert_int_equal(rec.rx_at[1], 22500u + 1392u + ble_pdu_air_us(BLE_PHY_2M, 204, false));
	ble_model_deinit(&model);

	/* An ATT PDU longer than the data length travels in fragments and arrives after the
	 * last one: MTU 498, a 495-byte write is 502 L2CAP bytes = 251 + 251. */
	c.att_mtu = 498;
	open_model(&c);
	send_att(BLE_CENTRAL, 498, 0);
	run_until(7000);
	assert_int_equal(rec.rx, 1);
	assert_int_equal(rec.rx_at[0], 1392u + 1048u);
	assert_int_equal(rec.rx_len[0], 498);
}

static void latency_delays_the_central(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.conn.interval_us = 10000;
	c.conn.latency = 4;
	c.secure_after_us = 1000000;
	open_model(&c);
	run_until(500); /* event 0: the peripheral listens at the first event */
	/* A write at 1 ms: the peripheral sleeps through events 1..4 and listens at 50 ms. */
	send_att(BLE_CENTRAL, 20, 1000);
	run_until(99999);
	assert_int_equal(rec.rx, 1);
	assert_int_equal(rec.rx_at[0], 50000u + 140u);
	/* Events at 0..90 ms; the peripheral listened at 0 and 50 ms only. */
	assert_int_equal(model.stats.events, 10);
	assert_int_equal(model.stats.events_listened, 2);

	/* Data of the peripheral's own wakes it up at the next event. */
	send_att(BLE_PERIPHERAL, 20, 101000);
	run_until(200000);
	assert_int_equal(rec.rx, 2);
	assert_int_equal(rec.rx_at[1], 110000u + 44u + 150u + 140u);
	ble_model_deinit(&model);

	/* The same write with latency 0 arrives at the next event, 10 ms. */
	c.conn.latency = 0;
	open_model(&c);
	run_until(500);
	send_att(BLE_CENTRAL, 20, 1000);
	run_until(100000);
	assert_int_equal(rec.rx_at[0], 10000u + 140u);
}

static void parameter_update_after_the_delay(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.conn.interval_us = 10000;
	c.conn.latency = 4;
	open_model(&c);
	run_until(2000);
	/* Latency 0, same interval: accepted, applied at the first event >= 2 + 50 ms = 60 ms. */
	assert_int_equal(request(10000, 10000, 0, 4000), 0);
	assert_int_equal(request(10000, 10000, 0, 4000), -EALREADY);
	run_until(59999);
	assert_int_equal(rec.updates, 0);
	assert_int_equal(model.cfg.conn.latency, 4);
	run_until(60000);
	assert_int_equal(rec.updates, 1);
	assert_int_equal(rec.updated_at, 60000);
	assert_int_equal(rec.updated.latency, 0);
	assert_int_equal(rec.updated.interval_us, 10000);
	assert_int_equal(model.cfg.conn.latency, 0);
	/* What is in use already is refused, invalid values too. */
	assert_int_equal(request(10000, 10000, 0, 4000), -EALREADY);
	assert_int_equal(request(10000, 10000, 600, 4000), -EINVAL);
	assert_int_equal(request(10000, 10000, 499, 1000), -EINVAL);

	/* A new interval, asked for at 65 ms: in use from the 120 ms event, which the next
	 * events follow at 20 ms. */
	run_until(65000);
	assert_int_equal(request(20000, 30000, 0, 4000), 0);
	run_until(200000);
	assert_int_equal(rec.updates, 2);
	assert_int_equal(rec.updated.interval_us, 20000);
	assert_int_equal(rec.updated_at, 120000);
	assert_int_equal(model.next_anchor, 220000);
}

static void secured_after_the_delay(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.encrypted = true;
	open_model(&c);
	assert_false(model.secured);
	run_until(29999);
	assert_false(model.secured);
	run_until(30000);
	assert_true(model.secured);
	assert_int_equal(rec.secured_at, 30000);
	/* Encrypted now: a 20-byte write takes 4 more bytes of air, at the 37.5 ms event. */
	send_att(BLE_CENTRAL, 20, model.now);
	run_until(40000);
	assert_int_equal(rec.rx_at[rec.rx - 1], 37500u + 140u + 16u);
}

static void disconnected_link_refuses(void **state)
{
	struct ble_link_cfg c = cfg_2m();
	uint8_t att[4] = { 0 };

	(void)state;
	open_model(&c);
	send_att(BLE_CENTRAL, 20, 0);
	ble_model_disconnect(&model);
	assert_false(ble_model_has_pending(&model, BLE_CENTRAL));
	assert_int_equal(ble_model_send(&model, BLE_CENTRAL, att, sizeof(att), 0), -ENOTCONN);
	assert_int_equal(ble_model_next_us(&model), UINT64_MAX);
	assert_int_equal(request(7500, 7500, 0, 4000), -ENOTCONN);
	ble_model_connect(&model);
	/* Larger than the ATT MTU: refused. */
	assert_int_equal(ble_model_send(&model, BLE_CENTRAL, att, c.att_mtu + 1u, 0), -EMSGSIZE);
}

static void notification_queue_limit(void **state)
{
	struct ble_link_cfg c = cfg_2m();
	uint8_t att[8] = { 0x1b };

	(void)state;
	c.periph_tx_frames = 2;
	open_model(&c);
	assert_int_equal(ble_model_send(&model, BLE_PERIPHERAL, att, sizeof(att), 0), 0);
	assert_int_equal(ble_model_send(&model, BLE_PERIPHERAL, att, sizeof(att), 0), 0);
	assert_int_equal(ble_model_send(&model, BLE_PERIPHERAL, att, sizeof(att), 0), -ENOMEM);
	run_until(10000);
	assert_int_equal(ble_model_send(&model, BLE_PERIPHERAL, att, sizeof(att), 0), 0);
}

static void parameter_requests_within_the_central_range(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.conn.interval_us = 45000;
	c.central_interval_min_us = 30000;
	c.central_interval_max_us = 50000;
	open_model(&c);
	run_until(1000);
	/* 7.5..15 ms is outside what the central uses: rejected, nothing changes. */
	assert_int_equal(request(7500, 15000, 0, 4000), -EPERM);
	/* 7.5..30 ms overlaps at 30 ms: the central takes the closest it allows. */
	assert_int_equal(request(7500, 30000, 0, 4000), 0);
	run_until(200000);
	assert_int_equal(model.cfg.conn.interval_us, 30000);
}

static void anchors_after_a_time(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	c.conn.interval_us = 10000;
	open_model(&c);
	run_until(1000);
	assert_int_equal(ble_model_anchor_after(&model, 1000, 1), 10000);
	assert_int_equal(ble_model_anchor_after(&model, 10000, 1), 20000);
	assert_int_equal(ble_model_anchor_after(&model, 34999, 2), 50000);
}

static void flash_slot_fits_the_gap(void **state)
{
	struct ble_link_cfg c = cfg_2m();
	uint64_t s;

	(void)state;
	c.conn.interval_us = 45000;
	c.secure_after_us = 1000000;
	open_model(&c);
	run_until(1000);
	/* Windows of 7.5 ms from each anchor (0, 45, 90 ms). A 7.6 ms slot asked for at 1 ms
	 * waits for the window's end and fits before 45 ms. */
	s = ble_model_reserve(&model, 1000, 7600, 7500);
	assert_int_equal(s, 7500);
	/* One asked for at 40 ms does not fit before 45 ms: after the next window, 52.5 ms. */
	s = ble_model_reserve(&model, 40000, 7600, 7000);
	assert_int_equal(s, 52500);
	/* Neither takes an event: a write at 44 ms goes at 45 ms. */
	send_att(BLE_CENTRAL, 20, 44000);
	run_until(60000);
	assert_int_equal(rec.rx, 1);
	assert_int_equal(rec.rx_at[0], 45000u + 140u);
	assert_int_equal(model.stats.events_blocked, 0);
	assert_int_equal(model.stats.reserved_us, 14500);
}

static void flash_slot_takes_events(void **state)
{
	struct ble_link_cfg c = cfg_2m();
	uint64_t s;

	(void)state;
	c.conn.interval_us = 45000;
	c.secure_after_us = 1000000;
	open_model(&c);
	run_until(10000);
	/* An 85 ms page erase fits no gap: it starts at once and the events at 45 and 90 ms are
	 * lost; the central's write waits for the event at 135 ms. */
	s = ble_model_reserve(&model, 10000, 85100, 85000);
	assert_int_equal(s, 10000);
	send_att(BLE_CENTRAL, 20, 11000);
	run_until(200000);
	assert_int_equal(model.stats.events_blocked, 2);
	assert_int_equal(model.stats.events_listened, 3); /* at 0, 135 and 180 ms */
	assert_int_equal(rec.rx_at[0], 135000u + 140u);
	ble_model_deinit(&model);

	/* At 7.5 ms the window is the whole interval: a write slot starts at once, ends the event
	 * in progress before its next pair and takes the anchor inside it. */
	c = cfg_2m();
	c.secure_after_us = 1000000;
	open_model(&c);
	for (int i = 0; i < 8; i++) {
		send_att(BLE_CENTRAL, 247, 0);
	}
	run_until(1391); /* the first pair is done, the second not begun */
	s = ble_model_reserve(&model, 1500, 7600, 7462);
	assert_int_equal(s, 1500);
	run_until(30000);
	/* One write at 0 ms; the slot ends at 8962 µs, so the 7.5 ms event is lost and the rest
	 * go at 15 ms (five) and 22.5 ms (two). */
	assert_int_equal(rec.rx, 8);
	assert_int_equal(rec.rx_at[0], 1048);
	assert_int_equal(rec.rx_at[1], 15000u + 1048u);
	assert_int_equal(rec.rx_at[6], 22500u + 1048u);
	assert_int_equal(model.stats.events_blocked, 1);
}

static void config_checks(void **state)
{
	struct ble_link_cfg c = cfg_2m();

	(void)state;
	assert_int_equal(ble_link_cfg_check(&c, false), 0);
	c.conn.interval_us = 7000;
	assert_int_equal(ble_link_cfg_check(&c, false), -EINVAL);
	c = cfg_2m();
	c.data_len = 26;
	assert_int_equal(ble_link_cfg_check(&c, false), -EINVAL);
	c = cfg_2m();
	c.att_mtu = 518;
	assert_int_equal(ble_link_cfg_check(&c, false), -EINVAL);
	c = cfg_2m();
	/* 7.5 ms * (1 + 99) * 2 = 1.5 s: a 1 s supervision timeout is too short. */
	c.conn.latency = 99;
	c.conn.timeout_ms = 1000;
	assert_int_equal(ble_link_cfg_check(&c, false), -EINVAL);
	c.conn.timeout_ms = 4000;
	assert_int_equal(ble_link_cfg_check(&c, false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(air_times),
		cmocka_unit_test(coded_air_times),
		cmocka_unit_test(data_length_fits_the_event),
		cmocka_unit_test(capacity_from_the_parameters),
		cmocka_unit_test_teardown(end_of_event_margin, teardown),
		cmocka_unit_test_teardown(event_overhead_as_the_softdevice_counts, teardown),
		cmocka_unit_test(published_dk_throughput),
		cmocka_unit_test_teardown(write_queue_limits_writes_per_event, teardown),
		cmocka_unit_test_teardown(parameter_requests_within_the_central_range, teardown),
		cmocka_unit_test_teardown(anchors_after_a_time, teardown),
		cmocka_unit_test_teardown(flash_slot_fits_the_gap, teardown),
		cmocka_unit_test_teardown(flash_slot_takes_events, teardown),
		cmocka_unit_test_teardown(single_exchange_timed_by_hand, teardown),
		cmocka_unit_test_teardown(events_pack_pairs_until_the_event_ends, teardown),
		cmocka_unit_test_teardown(latency_delays_the_central, teardown),
		cmocka_unit_test_teardown(parameter_update_after_the_delay, teardown),
		cmocka_unit_test_teardown(secured_after_the_delay, teardown),
		cmocka_unit_test_teardown(disconnected_link_refuses, teardown),
		cmocka_unit_test_teardown(notification_queue_limit, teardown),
		cmocka_unit_test(config_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
