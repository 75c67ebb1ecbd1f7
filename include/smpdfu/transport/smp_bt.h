/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over Bluetooth LE: the semantics of the SMP GATT characteristic (requests reassembled from
 * writes without response by the SMP header's length, responses notified in ATT_MTU - 3 pieces),
 * written against a small GATT bearer interface that a port to a real BLE stack implements. The
 * UUIDs and ATT codes are in <smpdfu/prot/smp_bt.h>.
 */
#ifndef SMPDFU_TRANSPORT_SMP_BT_H
#define SMPDFU_TRANSPORT_SMP_BT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/config.h>
#include <smpdfu/prot/smp_bt.h>
#include <smpdfu/smp.h>

/*
 * What the transport needs from the BLE stack for the one connection it serves. The port
 * registers the characteristic (UUID, write without response + notify, CCCD) and forwards the
 * stack's events to the smp_bt_*() functions below.
 */
struct smp_bt_bearer_ops {
	/*
	 * Sends data[0..len) as one notification of the SMP characteristic (len <= ATT_MTU - 3),
	 * copying it. Returns 0 once the stack has taken it, -ENOMEM when the stack has no buffer
	 * for it right now, -ENOTCONN without a connection. Called from the SMP processing context.
	 * A stack that can wait for a buffer should wait instead of failing after the first
	 * fragment of a response: a response cut in the middle is given up (see smp_bt_send).
	 */
	int (*notify)(void *ctx, const uint8_t *data, size_t len);
	/* The connection's ATT MTU (23 until an exchange), 0 when there is none. Any context. */
	uint16_t (*att_mtu)(void *ctx);
	/* True when the connected client enabled notifications in the CCCD. Any context. */
	bool (*is_subscribed)(void *ctx);
};

/* Counters for tests, logs and the simulator's report. */
struct smp_bt_stats {
	uint32_t writes;          /* writes of the characteristic */
	uint32_t packets;         /* complete requests handed to the SMP server */
	uint32_t att_errors;      /* writes refused with an ATT error */
	uint32_t partial_dropped; /* partly reassembled requests thrown away */
	uint32_t rx_discarded;    /* complete requests taken out of the queue by a disconnect */
	uint32_t notifications;   /* response pieces the bearer took */
	uint32_t halvings;        /* times a response piece was halved for want of a buffer */
	uint32_t rsp_dropped;     /* responses not sent (or cut short): no subscriber, no buffer */
};

struct smp_bt {
	struct smpdfu_smp_transport smp;
	const struct smp_bt_bearer_ops *ops;
	void *ctx;
	struct smp_buf *rx;   /* the request being reassembled, or NULL */
	size_t rx_expected;   /* its total length: header + the header's payload length */
	/*
	 * Counts connections: a request carries the value it arrived under, and its response is
	 * dropped when the connection it came from is gone.
	 */
	uint32_t conn_gen;
	struct smp_bt_stats stats;
};

/*
 * Sets up bt (caller-owned, zeroed here) on the bearer ops/ctx. Returns 0, or -ENOTSUP when the
 * build has CONFIG_MCUMGR_TRANSPORT_BT off. Call after smpdfu_smp_server_init(), before the stack
 * can deliver writes.
 */
int smpdfu_smp_bt_init(struct smp_bt *bt, const struct smp_bt_bearer_ops *ops, void *ctx);

/*
 * The client wrote data[0..len) to the SMP characteristic (a write without response). With
 * CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY the write is one fragment of a request: fragments are
 * appended until the header's length is complete, then the request goes to the SMP server. Without
 * it, each write is a whole transport unit. Returns SMP_BT_ATT_OK, or the ATT error for the stack
 * to answer with, after dropping the write and any request it was part of:
 *   - SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED: a first fragment shorter than the 8-byte header, or a
 *     fragment that runs past the length the header announced;
 *   - SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES: a request longer than
 *     CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE, or no free packet buffer.
 * Called from the stack's receive context; data is only read during the call.
 */
enum smp_bt_att_status smpdfu_smp_bt_write(struct smp_bt *bt, const uint8_t *data, size_t len);

/*
 * The client wrote the CCCD. Turning notifications off drops a partly reassembled request; complete
 * requests already queued are still processed, their responses dropped. Called from the stack's
 * receive context.
 */
void smpdfu_smp_bt_subscription_changed(struct smp_bt *bt, bool notify);

/*
 * The connection ended: drops a partly reassembled request and discards the complete requests
 * still queued from the connection (counted in stats.rx_discarded), so they never take effect;
 * requests of other transports keep their place. A request already being processed finishes, but
 * its response is dropped. The image upload state is kept, so the client can resume after
 * reconnecting. Called from the stack's context, which may preempt the processing context.
 */
void smpdfu_smp_bt_disconnected(struct smp_bt *bt);

/* True while a request is partly reassembled. */
bool smpdfu_smp_bt_is_reassembling(const struct smp_bt *bt);

#endif /* SMPDFU_TRANSPORT_SMP_BT_H */
