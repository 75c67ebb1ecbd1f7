/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Bluetooth LE link model. Time moves from action to action: a connection event's anchor, or
 * the next PDU pair inside an event. At an anchor the peripheral listens only when it has
 * something to send or has skipped as many events as its latency allows, and the radio is not
 * taken by a reservation; data from the central waits for that. Inside an event the central and
 * the peripheral exchange one PDU each per pair (an empty PDU when they have nothing ready), for
 * as long as one of them has more data and the next pair still fits in the event length (with
 * the end-of-event margin) and before the next reservation.
 */
#include "ble_model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The L2CAP channel id of ATT. */
#define BLE_L2CAP_CID_ATT 0x0004u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* LE Coded: preamble 80 µs, then access address (32 bits), coding indicator (2) and TERM1 (3),
 * always at S=8; then header, payload, MIC and CRC at S=8 or S=2, and TERM2 (3 bits). */
#define BLE_CODED_FIXED_US (80u + (32u + 2u + 3u) * 8u)
#define BLE_CODED_TERM2_BITS 3u
/* PDU header 2 + CRC 3: what the coded part carries besides payload and MIC. */
#define BLE_CODED_FRAMING 5u

uint32_t ble_pdu_air_us(enum ble_phy phy, uint32_t payload, bool mic)
{
	uint32_t mic_bytes = mic && payload > 0 ? BLE_MIC_SIZE : 0;

	if (phy == BLE_PHY_CODED || phy == BLE_PHY_CODED_S2) {
		uint32_t s = phy == BLE_PHY_CODED ? 8u : 2u;

		return BLE_CODED_FIXED_US + (BLE_CODED_FRAMING + payload + mic_bytes) * 8u * s +
		       BLE_CODED_TERM2_BITS * s;
	}
	/* The preamble is one byte on 1M and two on 2M; a byte takes 8 µs on 1M, 4 µs on 2M. */
	uint32_t preamble = phy == BLE_PHY_2M ? 2u : 1u;
	uint32_t us_per_byte = phy == BLE_PHY_2M ? 4u : 8u;

	return (preamble + BLE_PDU_OVERHEAD + payload + mic_bytes) * us_per_byte;
}

const char *ble_phy_name(enum ble_phy phy)
{
	switch (phy) {
	case BLE_PHY_1M:
		return "1M";
	case BLE_PHY_2M:
		return "2M";
	case BLE_PHY_CODED:
		return "Coded S=8";
	case BLE_PHY_CODED_S2:
		return "Coded S=2";
	}
	return "?";
}

/* The part of the interval a connection event may use. */
static uint32_t event_len_us(const struct ble_link_cfg *cfg)
{
	uint32_t interval = cfg->conn.interval_us;

	return cfg->event_len_us != 0 ? min_u32(cfg->event_len_us, interval) : interval;
}

/* A pair of PDUs of `payload` bytes each way, MIC included: the time the controllers plan for. */
static uint32_t max_pair_us(enum ble_phy phy, uint32_t payload)
{
	/* The negotiated maximum PDU time counts the MIC whether or not the link is encrypted. */
	return 2u * (ble_pdu_air_us(phy, payload, true) + BLE_T_IFS_US);
}

uint32_t ble_link_data_len(const struct ble_link_cfg *cfg)
{
	uint32_t dl = cfg->data_len;

	while (dl > BLE_DATA_LEN_MIN && max_pair_us(cfg->phy, dl) > event_len_us(cfg)) {
		dl--;
	}
	return dl;
}

uint32_t ble_link_max_pair_us(const struct ble_link_cfg *cfg)
{
	return max_pair_us(cfg->phy, ble_link_data_len(cfg));
}

/* The time left in an event that another pair of dur_us needs before it may start. */
static uint32_t margin_need_us(const struct ble_link_cfg *cfg, uint32_t dur_us)
{
	return cfg->event_margin ? ble_link_max_pair_us(cfg) + cfg->event_overhead_us : dur_us;
}

uint32_t ble_link_event_window_us(const struct ble_link_cfg *cfg)
{
	return min_u32(cfg->conn.interval_us, BLE_EVENT_RESERVE_US);
}

int ble_model_conn_check(const struct ble_model_conn *p)
{
	uint64_t longest_gap_us;

	if (p->interval_us < BLE_INTERVAL_MIN_US || p->interval_us > BLE_INTERVAL_MAX_US ||
	    p->interval_us % BLE_INTERVAL_UNIT_US != 0 || p->latency > BLE_LATENCY_MAX ||
	    p->timeout_ms < BLE_TIMEOUT_MIN_MS || p->timeout_ms > BLE_TIMEOUT_MAX_MS) {
		return -EINVAL;
	}
	/* Core rule: the supervision timeout must exceed (1 + latency) * interval * 2. */
	longest_gap_us = (uint64_t)(1u + p->latency) * p->interval_us * 2u;
	if ((uint64_t)p->timeout_ms * 1000u <= longest_gap_us) {
		return -EINVAL;
	}
	return 0;
}

int ble_link_cfg_check(const struct ble_link_cfg *cfg, bool why)
{
	const char *bad = NULL;

	if (ble_model_conn_check(&cfg->conn) < 0) {
		bad = "connection parameters: interval 7.5 ms..4 s in 1.25 ms steps, latency "
		      "0..499, timeout 100..32000 ms and longer than (1 + latency) * interval * 2";
	} else if (cfg->phy < BLE_PHY_1M || cfg->phy > BLE_PHY_CODED_S2) {
		bad = "PHY must be 1M, 2M or Coded (S=8 or S=2)";
	} else if (cfg->data_len < BLE_DATA_LEN_MIN || cfg->data_len > BLE_DATA_LEN_MAX) {
		bad = "data length must be 27..251";
	} else if (cfg->att_mtu < BLE_ATT_MTU_MIN || cfg->att_mtu > BLE_ATT_MTU_MAX) {
		bad = "ATT MTU must be 23..517";
	} else if (cfg->central_interval_max_us != 0 &&
		   cfg->central_interval_min_us > cfg->central_interval_max_us) {
		bad = "the central's interval range is empty";
	}
	if (bad == NULL) {
		return 0;
	}
	if (why) {
		fprintf(stderr, "ble model: %s\n", bad);
	}
	return -EINVAL;
}

/* ---- Queues --------------------------------------------------------------------------------- */

static struct ble_frame *queue_at(const struct ble_queue *q, size_t i)
{
	return &q->frames[(q->head + i) % q->cap];
}

static int queue_grow(struct ble_queue *q)
{
	size_t cap = q->cap != 0 ? q->cap * 2 : 16;
	struct ble_frame *frames = malloc(cap * sizeof(*frames));

	if (frames == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < q->count; i++) {
		frames[i] = *queue_at(q, i);
	}
	free(q->frames);
	q->frames = frames;
	q->cap = cap;
	q->head = 0;
	return 0;
}

static struct ble_frame *queue_push(struct ble_queue *q)
{
	if (q->count == q->cap && queue_grow(q) < 0) {
		return NULL;
	}
	q->count++;
	return queue_at(q, q->count - 1);
}

static void queue_pop(struct ble_queue *q)
{
	q->head = (q->head + 1) % q->cap;
	q->count--;
}

static void queue_clear(struct ble_queue *q)
{
	q->head = 0;
	q->count = 0;
}

/* The frame a side sends from at time t: its oldest, if the host had handed it over by then. */
static struct ble_frame *ready_head(const struct ble_queue *q, uint64_t t)
{
	if (q->count == 0) {
		return NULL;
	}
	struct ble_frame *f = queue_at(q, 0);

	return f->ready_us <= t ? f : NULL;
}

/* ---- Life cycle ------------------------------------------------------------------------------ */

int ble_model_init(struct ble_model *m, const struct ble_link_cfg *cfg,
		   const struct ble_model_cb *cb)
{
	memset(m, 0, sizeof(*m));
	if (ble_link_cfg_check(cfg, false) < 0) {
		return -EINVAL;
	}
	m->cfg = *cfg;
	if (cb != NULL) {
		m->cb = *cb;
	}
	if (queue_grow(&m->q[BLE_CENTRAL]) < 0 || queue_grow(&m->q[BLE_PERIPHERAL]) < 0) {
		ble_model_deinit(m);
		return -ENOMEM;
	}
	return 0;
}

void ble_model_deinit(struct ble_model *m)
{
	free(m->q[BLE_CENTRAL].frames);
	free(m->q[BLE_PERIPHERAL].frames);
	m->q[BLE_CENTRAL].frames = NULL;
	m->q[BLE_PERIPHERAL].frames = NULL;
}

void ble_model_connect(struct ble_model *m)
{
	m->connected = true;
	m->secured = false;
	m->connected_at = m->now;
	m->next_anchor = m->now;
	m->event_counter = 0;
	m->last_listened = 0;
	m->in_event = false;
	m->update_pending = false;
	m->resv_count = 0;
}

void ble_model_disconnect(struct ble_model *m)
{
	m->connected = false;
	m->secured = false;
	m->in_event = false;
	m->update_pending = false;
	m->resv_count = 0;
	queue_clear(&m->q[BLE_CENTRAL]);
	queue_clear(&m->q[BLE_PERIPHERAL]);
}

bool ble_model_has_pending(const struct ble_model *m, enum ble_role from)
{
	return m->q[from].count > 0;
}

int ble_model_send(struct ble_model *m, enum ble_role from, const uint8_t *att, size_t len,
		   uint64_t ready_us)
{
	struct ble_frame *f;

	if (!m->connected) {
		return -ENOTCONN;
	}
	if (len == 0 || len > m->cfg.att_mtu) {
		return -EMSGSIZE;
	}
	if (from == BLE_PERIPHERAL && m->cfg.periph_tx_frames != 0 &&
	    m->q[from].count >= m->cfg.periph_tx_frames) {
		return -ENOMEM;
	}
	f = queue_push(&m->q[from]);
	if (f == NULL) {
		return -ENOMEM;
	}
	f->ready_us = ready_us > m->now ? ready_us : m->now;
	f->len = (uint16_t)(BLE_L2CAP_HDR_SIZE + len);
	f->sent = 0;
	f->data[0] = (uint8_t)len;
	f->data[1] = (uint8_t)(len >> 8);
	f->data[2] = (uint8_t)BLE_L2CAP_CID_ATT;
	f->data[3] = (uint8_t)(BLE_L2CAP_CID_ATT >> 8);
	memcpy(&f->data[BLE_L2CAP_HDR_SIZE], att, len);
	return 0;
}

static bool conn_equal(const struct ble_model_conn *a, const struct ble_model_conn *b)
{
	return a->interval_us == b->interval_us && a->latency == b->latency &&
	       a->timeout_ms == b->timeout_ms;
}

/* The central's own limits narrow what the peripheral asks for; NULL when nothing is left. */
static bool central_range(const struct ble_link_cfg *cfg, uint32_t *lo, uint32_t *hi)
{
	if (cfg->central_interval_min_us > *lo) {
		*lo = cfg->central_interval_min_us;
	}
	if (cfg->central_interval_max_us != 0 && cfg->central_interval_max_us < *hi) {
		*hi = cfg->central_interval_max_us;
	}
	return *lo <= *hi;
}

int ble_model_request_params(struct ble_model *m, uint64_t at_us, uint32_t interval_min_us,
			     uint32_t interval_max_us, uint16_t latency, uint32_t timeout_ms)
{
	uint32_t cur = m->cfg.conn.interval_us;
	uint32_t lo = interval_min_us;
	uint32_t hi = interval_max_us;
	struct ble_model_conn p = {
		.latency = latency,
		.timeout_ms = timeout_ms,
	};

	if (!m->connected) {
		return -ENOTCONN;
	}
	if (interval_min_us > interval_max_us) {
		return -EINVAL;
	}
	if (!central_range(&m->cfg, &lo, &hi)) {
		return -EPERM; /* the central rejects intervals it does not use */
	}
	p.interval_us = cur < lo ? lo : cur > hi ? hi : cur;
	if (ble_model_conn_check(&p) < 0) {
		return -EINVAL;
	}
	if (m->update_pending ? conn_equal(&m->update, &p) : conn_equal(&m->cfg.conn, &p)) {
		return -EALREADY;
	}
	m->update = p;
	m->update_pending = true;
	m->update_at = (at_us > m->now ? at_us : m->now) + m->cfg.update_delay_us;
	return 0;
}

/* ---- Radio reservations ---------------------------------------------------------------------- */

static const struct ble_reservation *resv_at(const struct ble_model *m, size_t i)
{
	return &m->resv[(m->resv_head + i) % BLE_RESERVATIONS_MAX];
}

/* Forgets reservations that ended by t; they are kept in time order. */
static void resv_prune(struct ble_model *m, uint64_t t)
{
	while (m->resv_count > 0 && resv_at(m, 0)->end_us <= t) {
		m->resv_head = (m->resv_head + 1) % BLE_RESERVATIONS_MAX;
		m->resv_count--;
	}
}

/* True when [start, end) overlaps a reservation. */
static bool reserved(const struct ble_model *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->resv_count; i++) {
		const struct ble_reservation *r = resv_at(m, i);

		if (r->start_us < end && start < r->end_us) {
			return true;
		}
	}
	return false;
}

uint64_t ble_model_anchor_after(const struct ble_model *m, uint64_t t, unsigned int n)
{
	uint64_t iv = m->cfg.conn.interval_us;
	uint64_t a = m->in_event ? m->event_start + iv : m->next_anchor;

	if (a <= t) {
		a += ((t - a) / iv + 1u) * iv;
	}
	return a + (uint64_t)(n > 0 ? n - 1u : 0u) * iv;
}

uint64_t ble_model_reserve(struct ble_model *m, uint64_t t, uint32_t request_us, uint32_t use_us)
{
	uint64_t iv = m->cfg.conn.interval_us;
	uint64_t win = ble_link_event_window_us(&m->cfg);
	uint64_t s = t > m->now ? t : m->now;
	struct ble_reservation *r;

	if (m->connected && win < iv) {
		uint64_t next = ble_model_anchor_after(m, s, 1);
		uint64_t prev = next - iv;

		if (s < prev + win) {
			s = prev + win; /* not inside the event's reserved window */
		}
		if (s + request_us > next && request_us <= iv - win) {
			s = next + win; /* normal priority: the gap after the next event */
		}
		/* Otherwise it never fits a gap: raised above the link, it starts at s. */
	}
	if (m->resv_count == BLE_RESERVATIONS_MAX) {
		m->resv_head = (m->resv_head + 1) % BLE_RESERVATIONS_MAX;
		m->resv_count--;
	}
	r = &m->resv[(m->resv_head + m->resv_count) % BLE_RESERVATIONS_MAX];
	r->start_us = s;
	r->end_us = s + use_us;
	m->resv_count++;
	m->stats.reserved_us += use_us;
	return s;
}

/* ---- Time ------------------------------------------------------------------------------------ */

static uint64_t secure_at(const struct ble_model *m)
{
	return m->secured ? UINT64_MAX : m->connected_at + m->cfg.secure_after_us;
}

static uint64_t link_action_at(const struct ble_model *m)
{
	return m->in_event ? m->pair_at : m->next_anchor;
}

uint64_t ble_model_next_us(const struct ble_model *m)
{
	if (!m->connected) {
		return UINT64_MAX;
	}
	return min_u64(secure_at(m), link_action_at(m));
}

void ble_model_idle_until(struct ble_model *m, uint64_t t)
{
	if (t > m->now) {
		m->now = t;
	}
}

static bool mic_on(const struct ble_model *m)
{
	return m->cfg.encrypted && m->secured;
}

static void close_event(struct ble_model *m)
{
	m->in_event = false;
	m->event_counter++;
	m->next_anchor = m->event_start + m->cfg.conn.interval_us;
}

/*
 * Takes the next LL PDU's worth of the head frame. When that completes the frame, the frame is
 * copied out and removed before the callback runs: the callback may queue new frames.
 */
static void carry(struct ble_model *m, enum ble_role from, struct ble_frame *f, uint32_t n,
		  uint64_t received_at)
{
	uint8_t att[BLE_L2CAP_PDU_MAX];
	size_t att_len;

	m->stats.pdus_data[from]++;
	f->sent = (uint16_t)(f->sent + n);
	if (f->sent < f->len) {
		return;
	}
	att_len = f->len - BLE_L2CAP_HDR_SIZE;
	memcpy(att, &f->data[BLE_L2CAP_HDR_SIZE], att_len);
	queue_pop(&m->q[from]);
	m->stats.att_bytes[from] += att_len;
	if (from == BLE_CENTRAL) {
		m->central_done++;
	}
	m->now = received_at;
	if (m->cb.att_rx != NULL) {
		m->cb.att_rx(m->cb.arg, from == BLE_CENTRAL ? BLE_PERIPHERAL : BLE_CENTRAL, att,
			     att_len);
	}
}

static uint32_t fragment_len(const struct ble_model *m, const struct ble_frame *f)
{
	return f != NULL ? min_u32(ble_link_data_len(&m->cfg), (uint32_t)(f->len - f->sent)) : 0;
}

/* The central's write queue lets at most central_tx_frames ATT PDUs complete per event. */
static bool central_queue_open(const struct ble_model *m)
{
	return m->cfg.central_tx_frames == 0 || m->central_done < m->cfg.central_tx_frames;
}

/* The frame `from` sends at time t, if any: its oldest, handed over by then and let through. */
static struct ble_frame *sendable(const struct ble_model *m, enum ble_role from, uint64_t t)
{
	if (from == BLE_CENTRAL && !central_queue_open(m)) {
		return NULL;
	}
	return ready_head(&m->q[from], t);
}

/* After sending n bytes of the head frame f (NULL: an empty PDU), is more data ready at t? */
static bool has_more(const struct ble_model *m, enum ble_role from, const struct ble_frame *f,
		     uint32_t n, uint64_t t)
{
	const struct ble_queue *q = &m->q[from];

	if (f == NULL) {
		return false; /* the head is not ready, and nothing behind it goes first */
	}
	if (n < (uint32_t)(f->len - f->sent)) {
		return true;
	}
	if (from == BLE_CENTRAL && m->cfg.central_tx_frames != 0 &&
	    m->central_done + 1u >= m->cfg.central_tx_frames) {
		return false; /* this PDU completes the last frame the queue lets through */
	}
	return q->count > 1 && queue_at(q, 1)->ready_us <= t;
}

/* One central PDU and the peripheral's answer, or the end of the event if it does not fit. */
static void pair_step(struct ble_model *m)
{
	uint64_t t = m->pair_at;
	struct ble_frame *cf = sendable(m, BLE_CENTRAL, t);
	struct ble_frame *pf = sendable(m, BLE_PERIPHERAL, t);
	uint32_t c_len = fragment_len(m, cf);
	uint32_t p_len = fragment_len(m, pf);
	uint32_t c_air = ble_pdu_air_us(m->cfg.phy, c_len, mic_on(m));
	uint32_t p_air = ble_pdu_air_us(m->cfg.phy, p_len, mic_on(m));
	uint64_t dur = (uint64_t)c_air + BLE_T_IFS_US + p_air + BLE_T_IFS_US;
	uint64_t need = margin_need_us(&m->cfg, (uint32_t)dur);
	uint64_t c_end = t + c_air;
	uint64_t p_end = c_end + BLE_T_IFS_US + p_air;

	m->now = t;
	if (m->pairs_in_event > 0 &&
	    (!m->more_data || t - m->event_start + need > event_len_us(&m->cfg) ||
	     (m->cfg.max_pairs_per_event != 0 &&
	      m->pairs_in_event >= m->cfg.max_pairs_per_event))) {
		close_event(m);
		return;
	}
	if (reserved(m, t, t + dur)) {
		/* The radio is taken from here on: the event ends (or is lost) before the pair. */
		if (m->pairs_in_event == 0) {
			m->stats.events_blocked++;
		}
		close_event(m);
		return;
	}
	m->pairs_in_event++;
	m->stats.pairs++;
	m->stats.busy_us += dur;
	m->pair_at = t + dur;

	/* The MD bits: either side still has data ready after this pair. */
	m->more_data = has_more(m, BLE_CENTRAL, cf, c_len, t) ||
		       has_more(m, BLE_PERIPHERAL, pf, p_len, t);

	if (cf != NULL) {
		carry(m, BLE_CENTRAL, cf, c_len, c_end);
		/* The callback may have queued frames; the peripheral's head is still the same. */
		pf = ready_head(&m->q[BLE_PERIPHERAL], t);
	}
	if (pf != NULL) {
		carry(m, BLE_PERIPHERAL, pf, p_len, p_end);
	}
	m->now = p_end;
	if (!m->more_data) {
		close_event(m);
	}
}

/* A connection event's anchor: apply a due update, then listen or sleep. */
static void anchor_step(struct ble_model *m)
{
	uint64_t a = m->next_anchor;
	bool listen;

	m->now = a;
	resv_prune(m, a);
	if (m->update_pending && m->update_at <= a) {
		m->cfg.conn = m->update;
		m->update_pending = false;
		m->stats.updates++;
		if (m->cb.params_updated != NULL) {
			m->cb.params_updated(m->cb.arg, &m->cfg.conn);
		}
	}
	m->stats.events++;
	if (reserved(m, a, a + 1u)) {
		/* The radio is another activity's: the event is lost, the central's data waits. */
		m->stats.events_blocked++;
		m->event_counter++;
		m->next_anchor = a + m->cfg.conn.interval_us;
		return;
	}
	/* Latency lets the peripheral sleep only while it has nothing to send itself. */
	listen = m->event_counter == 0 || ready_head(&m->q[BLE_PERIPHERAL], a) != NULL ||
		 m->event_counter - m->last_listened > m->cfg.conn.latency;
	if (!listen) {
		m->event_counter++;
		m->next_anchor = a + m->cfg.conn.interval_us;
		return;
	}
	m->stats.events_listened++;
	m->last_listened = m->event_counter;
	m->in_event = true;
	m->event_start = a;
	m->pair_at = a;
	m->pairs_in_event = 0;
	m->central_done = 0;
	m->more_data = true;
	pair_step(m);
}

void ble_model_step(struct ble_model *m)
{
	if (!m->connected) {
		return;
	}
	if (secure_at(m) <= link_action_at(m)) {
		m->now = secure_at(m) > m->now ? secure_at(m) : m->now;
		m->secured = true;
		if (m->cb.secured != NULL) {
			m->cb.secured(m->cb.arg);
		}
		return;
	}
	if (m->in_event) {
		pair_step(m);
	} else {
		anchor_step(m);
	}
}

/* ---- Capacity -------------------------------------------------------------------------------- */

/* Whether one more pair of dur_us may start t_us into an event that already had `pairs`. */
static bool pair_fits(const struct ble_link_cfg *cfg, uint32_t t_us, uint32_t dur_us,
		      unsigned int pairs)
{
	uint32_t need = margin_need_us(cfg, dur_us);

	if (pairs == 0) {
		return true; /* an event always has its first exchange */
	}
	if (cfg->max_pairs_per_event != 0 && pairs >= cfg->max_pairs_per_event) {
		return false;
	}
	return t_us + need <= event_len_us(cfg);
}

unsigned int ble_link_pairs_per_event(const struct ble_link_cfg *cfg)
{
	uint32_t pair = ble_pdu_air_us(cfg->phy, ble_link_data_len(cfg), cfg->encrypted) +
			BLE_T_IFS_US +
			ble_pdu_air_us(cfg->phy, 0, cfg->encrypted) + BLE_T_IFS_US;
	unsigned int n = 0;

	while (pair_fits(cfg, n * pair, pair, n)) {
		n++;
	}
	return n;
}

double ble_link_capacity_bps(const struct ble_link_cfg *cfg)
{
	/* Packs an endless stream of full writes into events with the model's own rules. */
	const unsigned int events = 4000;
	const uint32_t frame = BLE_L2CAP_HDR_SIZE + cfg->att_mtu;
	const double value_per_byte = (double)(cfg->att_mtu - 3u) / (double)frame;
	uint32_t left = frame;
	double value = 0;

	for (unsigned int e = 0; e < events; e++) {
		uint32_t t = 0;
		unsigned int done = 0;

		for (unsigned int pairs = 0;; pairs++) {
			uint32_t n = min_u32(ble_link_data_len(cfg), left);
			uint32_t dur = ble_pdu_air_us(cfg->phy, n, cfg->encrypted) + BLE_T_IFS_US +
				       ble_pdu_air_us(cfg->phy, 0, cfg->encrypted) + BLE_T_IFS_US;

			if (!pair_fits(cfg, t, dur, pairs) ||
			    (cfg->central_tx_frames != 0 && done >= cfg->central_tx_frames)) {
				break;
			}
			t += dur;
			value += n * value_per_byte;
			left -= n;
			if (left == 0) {
				left = frame;
				done++;
			}
		}
	}
	return value * 1e6 / ((double)events * cfg->conn.interval_us);
}
