/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A deterministic model of one Bluetooth LE connection in virtual time (microseconds): connection
 * events every interval, peripheral latency, PHY air times (1M, 2M, Coded), data length, ATT MTU,
 * PDU pairs per event with the controllers' end-of-event margin, the central's write queue,
 * connection-parameter updates that the central accepts after a delay, and radio time that the
 * peripheral's flash operations take away on a single-core chip. It carries ATT PDUs between a
 * central and a peripheral and calls back when one arrives; what they mean is the caller's
 * business. It is a model of what decides SMP throughput, not a radio: no loss, no
 * retransmission, no channel map, no clock drift.
 */
#ifndef BLE_MODEL_H
#define BLE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bluetooth Core: inter-frame space, interval unit, limits of the parameters below. */
#define BLE_T_IFS_US 150u
#define BLE_INTERVAL_UNIT_US 1250u
#define BLE_INTERVAL_MIN_US 7500u
#define BLE_INTERVAL_MAX_US 4000000u
#define BLE_LATENCY_MAX 499u
#define BLE_TIMEOUT_MIN_MS 100u
#define BLE_TIMEOUT_MAX_MS 32000u
#define BLE_DATA_LEN_MIN 27u
#define BLE_DATA_LEN_MAX 251u
#define BLE_ATT_MTU_MIN 23u
#define BLE_ATT_MTU_MAX 517u
/* An ATT PDU travels in an L2CAP PDU with a 4-byte header (length, channel id 0x0004). */
#define BLE_L2CAP_HDR_SIZE 4u
#define BLE_L2CAP_PDU_MAX (BLE_L2CAP_HDR_SIZE + BLE_ATT_MTU_MAX)
/* A data PDU on air besides its payload: access address 4, header 2, CRC 3 (+ preamble). */
#define BLE_PDU_OVERHEAD 9u
#define BLE_MIC_SIZE 4u
/* Radio reservations (flash slots) the model remembers at once; older ones are dropped. */
#define BLE_RESERVATIONS_MAX 64u
/*
 * What the peripheral's controller reserves for each connection event: nRF Connect SDK's default
 * event length (CONFIG_BT_CTLR_SDC_MAX_CONN_EVENT_LEN_DEFAULT). Events may extend beyond it while
 * the radio is free; other activities (a flash slot) are scheduled around the reserved part.
 */
#define BLE_EVENT_RESERVE_US 7500u

enum ble_phy {
	BLE_PHY_1M = 1,
	BLE_PHY_2M = 2,
	BLE_PHY_CODED = 3,    /* LE Coded, S=8 (125 kbit/s) */
	BLE_PHY_CODED_S2 = 4, /* LE Coded, S=2 (500 kbit/s) */
};

enum ble_role {
	BLE_CENTRAL,
	BLE_PERIPHERAL,
};

struct ble_model_conn {
	uint32_t interval_us; /* a multiple of 1250, 7500..4000000 */
	uint16_t latency;     /* connection events the peripheral may skip, 0..499 */
	uint32_t timeout_ms;  /* supervision timeout, 100..32000; checked, not simulated */
};

/*
 * The time a SoftDevice keeps free at the end of an event besides the pair of longest PDUs. Its
 * specifications say an event length of 3.75 ms holds three pairs of 27-byte PDUs and one of
 * 7.5 ms six (1M): with pairs of longest PDUs (MIC included, 956 µs) both hold for 808 < t <= 882
 * only; the middle of that range (docs/ble_model.md).
 */
#define BLE_LINK_EVENT_OVERHEAD_US 845u

struct ble_link_cfg {
	struct ble_model_conn conn;
	enum ble_phy phy;
	uint16_t data_len;           /* LL payload per PDU, both directions, 27..251 */
	uint16_t att_mtu;            /* 23..517, as if already exchanged */
	uint32_t event_len_us;       /* air time an event may use; 0: the whole interval */
	uint16_t max_pairs_per_event; /* the central's cap on PDU pairs per event; 0: none */
	/*
	 * The controllers' end-of-event margin: another pair starts only if a pair of PDUs of the
	 * maximum length (data length and MIC, both ways) would still end within the event, as
	 * neither side knows how long the other's next PDU is. Off: only the actual pair must fit.
	 */
	bool event_margin;
	/*
	 * With the margin, the time a controller keeps free at the end of an event besides that
	 * pair (ending the event, preparing the next one): another pair starts only if the pair of
	 * longest PDUs and this still end within the event.
	 */
	uint32_t event_overhead_us;
	/*
	 * The central's write queue: ATT PDUs its controller holds at once. The host hands over the
	 * next ones when the controller reports the sent ones, after the event: at most this many
	 * of the central's ATT PDUs complete per event. 0: no limit.
	 */
	uint16_t central_tx_frames;
	/* Intervals the central accepts when the peripheral asks for new parameters; 0: any. */
	uint32_t central_interval_min_us;
	uint32_t central_interval_max_us;
	uint32_t update_delay_us;    /* from an update request to the first event using it */
	bool encrypted;              /* once secured, every non-empty PDU carries a 4-byte MIC */
	uint32_t secure_after_us;    /* from the connection to the link being secured */
	uint16_t periph_tx_frames;   /* notifications the peripheral can queue; 0: no limit */
};

/* What the model tells its user; any callback may be NULL. The model's `now` is the event time. */
struct ble_model_cb {
	/* An ATT PDU arrived whole at `to` (its last LL PDU was received). */
	void (*att_rx)(void *arg, enum ble_role to, const uint8_t *att, size_t len);
	/* New parameters took effect at a connection event. */
	void (*params_updated)(void *arg, const struct ble_model_conn *p);
	/* The link became secured (encryption started). */
	void (*secured)(void *arg);
	void *arg;
};

/* One L2CAP PDU waiting to be carried, and how much of it the link already carried. */
struct ble_frame {
	uint64_t ready_us; /* the host handed it to the controller then */
	uint16_t len;      /* L2CAP header + ATT PDU */
	uint16_t sent;
	uint8_t data[BLE_L2CAP_PDU_MAX];
};

struct ble_queue {
	struct ble_frame *frames; /* a ring that grows as needed */
	size_t cap;
	size_t head;
	size_t count;
};

/* Counters over the life of the connection. */
struct ble_model_stats {
	uint64_t events;          /* connection events (anchors) */
	uint64_t events_listened; /* ... at which the peripheral listened */
	uint64_t pairs;           /* PDU pairs exchanged */
	uint64_t pdus_data[2];    /* non-empty PDUs sent, per role */
	uint64_t att_bytes[2];    /* ATT PDU bytes delivered, per role of the sender */
	uint64_t busy_us;         /* air time including inter-frame spaces */
	uint64_t updates;         /* parameter updates applied */
	uint64_t events_blocked;  /* events lost to a radio reservation (a flash slot) */
	uint64_t reserved_us;     /* radio time given to reservations */
};

/* Radio time taken away from the link, e.g. a flash operation's timeslot on a single-core chip. */
struct ble_reservation {
	uint64_t start_us;
	uint64_t end_us;
};

struct ble_model {
	struct ble_link_cfg cfg;  /* cfg.conn holds the parameters in use */
	struct ble_model_cb cb;
	uint64_t now;
	bool connected;
	bool secured;
	uint64_t connected_at;
	/* Connection events. */
	uint64_t next_anchor;
	uint64_t event_counter;
	uint64_t last_listened;
	bool in_event;
	uint64_t event_start;
	uint64_t pair_at;      /* next PDU pair of the event in progress */
	unsigned int pairs_in_event;
	unsigned int central_done; /* the central's ATT PDUs completed in this event */
	bool more_data;        /* an MD bit was set in the last pair */
	/* A parameter update the central accepted, waiting for its first event. */
	bool update_pending;
	struct ble_model_conn update;
	uint64_t update_at;
	struct ble_queue q[2]; /* indexed by the sender's role */
	/* Radio reservations in time order, a ring of the most recent ones. */
	struct ble_reservation resv[BLE_RESERVATIONS_MAX];
	size_t resv_head;
	size_t resv_count;
	struct ble_model_stats stats;
};

/* Checks a configuration; returns 0 or -EINVAL (and says why on stderr when `why` is true). */
int ble_link_cfg_check(const struct ble_link_cfg *cfg, bool why);
/* Checks connection parameters against the Core limits and each other; 0 or -EINVAL. */
int ble_model_conn_check(const struct ble_model_conn *p);

/* The model with cfg, disconnected, at time 0. Returns 0, -EINVAL or -ENOMEM. */
int ble_model_init(struct ble_model *m, const struct ble_link_cfg *cfg,
		   const struct ble_model_cb *cb);
void ble_model_deinit(struct ble_model *m);

/* Connects at m->now: the first connection event is now, with cfg's parameters. */
void ble_model_connect(struct ble_model *m);
/* Drops the connection and everything queued on it. */
void ble_model_disconnect(struct ble_model *m);

/*
 * Queues one ATT PDU from `from` (len <= ATT MTU), handed to the controller at ready_us (>= now;
 * the peripheral's CPU may be ahead of the link). Returns 0, -ENOTCONN, -EMSGSIZE, or -ENOMEM
 * when the peripheral's notification queue is full.
 */
int ble_model_send(struct ble_model *m, enum ble_role from, const uint8_t *att, size_t len,
		   uint64_t ready_us);

/*
 * The peripheral asks for new parameters (an L2CAP or LL parameter request) at time at_us (>= now;
 * the peripheral's CPU may be ahead of the link). The central takes an interval in [min, max] as
 * close as possible to the current one, with the latency and timeout asked for, and uses them from
 * the first event at least update_delay_us after the request; a newer request replaces one still
 * waiting. Returns 0, -ENOTCONN, -EINVAL, or -EALREADY when those parameters are already in use
 * (or already requested).
 */
int ble_model_request_params(struct ble_model *m, uint64_t at_us, uint32_t interval_min_us,
			     uint32_t interval_max_us, uint16_t latency, uint32_t timeout_ms);

/* When the model next has something to do (UINT64_MAX when disconnected). */
uint64_t ble_model_next_us(const struct ble_model *m);
/* Does that one thing: advances now to ble_model_next_us() and runs it, with its callbacks. */
void ble_model_step(struct ble_model *m);
/* Moves now forward to t without an action due before it (t <= ble_model_next_us()). */
void ble_model_idle_until(struct ble_model *m, uint64_t t);

/* True when `from` has queued PDUs not yet carried. */
bool ble_model_has_pending(const struct ble_model *m, enum ble_role from);

/*
 * The anchor of the n-th connection event (n >= 1) that starts after time t, projected with the
 * interval in use: what a host that wants its data in a later event waits for.
 */
uint64_t ble_model_anchor_after(const struct ble_model *m, uint64_t t, unsigned int n);

/*
 * Takes the radio away from the link for use_us, for an activity (a flash slot) that the
 * peripheral's scheduler was asked for at time t with a request of request_us (the slot's
 * length, use_us <= request_us). Placement, as the controller schedules a flash timeslot: from t
 * (not before the end of the PDU pair in flight, nor inside an event's reserved window), in the
 * gap before the next anchor when the request fits there; else after the next event's window
 * when the request fits in a gap between two windows (normal priority); else at once, raised
 * above the link (high priority), and the events whose anchors fall inside are lost. An event
 * in progress, extended beyond its window, ends before a pair that would overlap. Returns the
 * start.
 */
uint64_t ble_model_reserve(struct ble_model *m, uint64_t t, uint32_t request_us, uint32_t use_us);

/* ---- Arithmetic shared with the report ------------------------------------------------------ */

/* Air time of a data PDU with `payload` LL payload bytes (0: empty PDU) on phy, in µs. */
uint32_t ble_pdu_air_us(enum ble_phy phy, uint32_t payload, bool mic);

/*
 * The link capacity: ATT value bytes per second the central can write without response (writes of
 * ATT_MTU - 3 bytes, back to back, the peripheral answering every PDU with an empty one and
 * listening at every event), from the same parameters and packing rules as the model.
 */
double ble_link_capacity_bps(const struct ble_link_cfg *cfg);

/* PDU pairs per connection event when the central sends full PDUs and the peripheral empty ones. */
unsigned int ble_link_pairs_per_event(const struct ble_link_cfg *cfg);

/*
 * The data length in effect: the configured one, less where a pair of PDUs that long would not
 * fit in one event (LE Coded at short intervals), as a controller keeps its PDUs within the
 * time an event has.
 */
uint32_t ble_link_data_len(const struct ble_link_cfg *cfg);

/* A pair of PDUs of the maximum length (data length and MIC, both ways), what the margin needs. */
uint32_t ble_link_max_pair_us(const struct ble_link_cfg *cfg);

/*
 * The part of each interval the peripheral's scheduler keeps for the connection event: the
 * reserved event length, at most the interval. Flash slots are placed in the gaps that leave.
 */
uint32_t ble_link_event_window_us(const struct ble_link_cfg *cfg);

/* "1M", "2M", "Coded S=8", "Coded S=2". */
const char *ble_phy_name(enum ble_phy phy);

#endif /* BLE_MODEL_H */
