/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP server core: packet buffers shared by all transports, the receive queue processed in one
 * context, the group registry and the handler contract. Transports fill a buffer and submit it; the
 * processing context decodes each packet, dispatches it and sends exactly one response per packet.
 */
#ifndef SMPDFU_SMP_H
#define SMPDFU_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/cbor.h>
#include <smpdfu/config.h>
#include <smpdfu/prot/smp_hdr.h>

enum smp_transport_kind {
	SMP_TRANSPORT_UDP,
	SMP_TRANSPORT_SERIAL,
	SMP_TRANSPORT_BLE,
	SMP_TRANSPORT_OTHER,
};

/*
 * Bytes a request keeps of who sent it, for the transports of the configuration: a UDP peer (a
 * socket address of either family and the socket it came in on), a Bluetooth LE connection's
 * count; a serial line has one peer and keeps nothing.
 */
#define SMP_PEER_ADDR_SIZE_UDP (CONFIG_MCUMGR_TRANSPORT_UDP ? 32 : 0)
#define SMP_PEER_ADDR_SIZE_BT (CONFIG_MCUMGR_TRANSPORT_BT ? 4 : 0)
#define SMP_PEER_ADDR_SIZE                                                                         \
	(SMP_PEER_ADDR_SIZE_UDP > SMP_PEER_ADDR_SIZE_BT ? SMP_PEER_ADDR_SIZE_UDP                  \
							 : SMP_PEER_ADDR_SIZE_BT)

struct smpdfu_smp_transport {
	const char *name;
	enum smp_transport_kind kind;
	/*
	 * Sends one response packet to `peer` (the address stored with the request). Called from
	 * the processing context; data is only valid during the call. Returns 0 or -errno.
	 */
	int (*send)(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
		    size_t len);
	void *ctx;
};

/*
 * One packet buffer (a "netbuf"): what a transport received, with where the reply goes, or the
 * reply being built. Requests and replies share the pool, as in Zephyr.
 */
struct smp_buf {
	uint8_t data[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	size_t len;
	struct smpdfu_smp_transport *tp;
	struct smp_buf *next;
#if SMP_PEER_ADDR_SIZE > 0
	uint8_t peer[SMP_PEER_ADDR_SIZE];
#endif
};

/* The sender's bytes of a received buffer (SMP_PEER_ADDR_SIZE of them), or NULL without any. */
static inline uint8_t *smpdfu_smp_buf_peer(struct smp_buf *b)
{
#if SMP_PEER_ADDR_SIZE > 0
	return b->peer;
#else
	(void)b;
	return NULL;
#endif
}

/* Resets the pool, the queue, the registered groups and the upload-independent server state. */
void smpdfu_smp_server_init(void);
/*
 * A free buffer for a request, or NULL when only one is left: the last of the
 * CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT buffers is kept for answers. Any context.
 */
struct smp_buf *smpdfu_smp_buf_alloc(void);
void smpdfu_smp_buf_free(struct smp_buf *b);
size_t smpdfu_smp_buf_free_count(void);
/* Queues a received unit (one or more SMP packets); the queue owns b from now on. Any context. */
void smpdfu_smp_rx_submit(struct smp_buf *b);
/* Processing context: handles the oldest queued unit and frees it. False: the queue was empty. */
bool smpdfu_smp_rx_process_one(void);

/*
 * Says whether a queued unit is to be discarded; arg is the one given to smpdfu_smp_rx_discard().
 * It runs inside the pool's critical section (interrupts may be off), so it must be short and must
 * not call any smp_buf_* or smp_rx_* function.
 */
typedef bool (*smp_rx_match_fn)(const struct smp_buf *b, void *arg);

/*
 * Removes from the receive queue every unit that arrived through tp and for which match(b, arg)
 * says so (match NULL: every unit of tp), and frees each back to the pool; the other units keep
 * their order. For a transport whose client went away, so that what it asked for does not take
 * effect later. A unit smpdfu_smp_rx_process_one() has already taken is not in the queue and runs
 * to its end. Returns how many units were discarded. Any context.
 */
size_t smpdfu_smp_rx_discard(const struct smpdfu_smp_transport *tp, smp_rx_match_fn match,
			     void *arg);

/*
 * Handles the SMP packets in req[0..len) as one transport unit and writes the response to each
 * through tp; the responses are built one at a time in the last buffer, the one
 * smpdfu_smp_buf_alloc() never gives out. The building block of smpdfu_smp_rx_process_one(),
 * public for tests and fuzzing; processing context only, and not from a handler or a send.
 */
void smpdfu_smp_process_unit(struct smpdfu_smp_transport *tp, const uint8_t *peer,
			     const uint8_t *req, size_t len);

/* ---- Groups and handlers ----------------------------------------------------------------- */

/*
 * What a handler answers: success, an SMP-level rc, or (SMP v2) a group error {group, rc}. One
 * word, so that it travels in a register: the rc in bits 0..15 and, for a group error, the group
 * in bits 16..30 and bit 31 set. Zero is success.
 */
struct smp_status {
	uint32_t code;
};

#define SMP_STATUS_GROUP_ERR 0x80000000u

/*
 * Records the reason of the status being made, which the dispatcher sends as "rsn" if that
 * status is the answer. Called only with CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE (through
 * smpdfu_smp_verbose_reason(), so that without it the reasons are compiled away); processing
 * context.
 */
void smpdfu_smp_status_explain(const char *rsn);

/*
 * Records rsn as the reason of the status being made, in verbose builds only: inline, so that
 * without CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE the call and its reason string are compiled away.
 */
static inline void smpdfu_smp_verbose_reason(const char *rsn)
{
	if (CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE) {
		smpdfu_smp_status_explain(rsn);
	}
}

static inline struct smp_status smpdfu_smp_ok(void)
{
	return (struct smp_status){ MGMT_ERR_EOK };
}

static inline struct smp_status smpdfu_smp_err(uint16_t rc, const char *rsn)
{
	smpdfu_smp_verbose_reason(rsn);
	return (struct smp_status){ rc };
}

/* A group error whose reason, if any, was given before (smpdfu_smp_status_explain()). */
static inline struct smp_status smpdfu_smp_group_status(uint16_t group, uint16_t rc)
{
	return (struct smp_status){ SMP_STATUS_GROUP_ERR | (uint32_t)(group & 0x7fffu) << 16 | rc };
}

static inline struct smp_status smpdfu_smp_group_err(uint16_t group, uint16_t rc, const char *rsn)
{
	smpdfu_smp_verbose_reason(rsn);
	return smpdfu_smp_group_status(group, rc);
}

static inline bool smpdfu_smp_status_is_ok(struct smp_status s)
{
	return s.code == MGMT_ERR_EOK;
}

static inline uint16_t smpdfu_smp_status_rc(struct smp_status s)
{
	return (uint16_t)s.code;
}

static inline bool smpdfu_smp_status_is_group_err(struct smp_status s)
{
	return (s.code & SMP_STATUS_GROUP_ERR) != 0;
}

static inline uint16_t smpdfu_smp_status_group(struct smp_status s)
{
	return (uint16_t)((s.code >> 16) & 0x7fffu);
}

/* One request as a handler sees it. */
struct smp_request {
	struct cbor_view payload;      /* the CBOR map of the request (may be empty) */
	/* Inside the response's top-level map; an answer that overflows it goes out as EMSGSIZE. */
	struct cbor_writer *rsp;
	const struct smpdfu_smp_transport *tp; /* where the request came from */
	const uint8_t *peer;            /* who sent it (SMP_PEER_ADDR_SIZE bytes), or NULL */
};

typedef struct smp_status (*smp_handler_fn)(struct smp_request *req);

/*
 * Writes one entry of an answer's map: a text key and an unsigned value (what most entries are:
 * "rc", "off", "slot", ...). An overflow is the writer's, as with any other write.
 */
void smpdfu_smp_put_uint(struct cbor_writer *w, const char *key, uint32_t value);

/* The ops a handler serves, as a set: bit op for each (SMP_OP_READ, SMP_OP_WRITE). */
#define SMP_OPS_READ (1u << SMP_OP_READ)
#define SMP_OPS_WRITE (1u << SMP_OP_WRITE)

/* The handler of a command for some of its ops. */
struct smp_handler {
	uint8_t id;  /* the command */
	uint8_t ops; /* SMP_OPS_READ, SMP_OPS_WRITE or both */
	smp_handler_fn fn;
};

struct smp_group {
	uint16_t id;
	uint8_t handler_count;
	const struct smp_handler *handlers; /* the commands the group has, in any order */
	/* SMP v1 has no group errors: turns this group's code into an rc. NULL: EUNKNOWN. */
	uint16_t (*translate_err)(uint16_t group_rc);
	struct smp_group *next;
};

/* Adds a group (caller-owned, static). Registering an id twice is a programmer error. */
void smpdfu_smp_group_register(struct smp_group *g);

#endif /* SMPDFU_SMP_H */
