/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP GATT transport. Requests arrive as writes without response and are glued back together
 * by the SMP header's length, because clients split packets larger than the ATT MTU over several
 * writes; responses leave as notifications cut at ATT_MTU - 3. A write the transport cannot take is
 * refused with an ATT error and never leaves half a request behind.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/port.h>
#include <smpdfu/transport/smp_bt.h>

#include "log.h"

#define LOG_MODULE "smp_bt"
#define LOG_LEVEL CONFIG_MCUMGR_TRANSPORT_LOG_LEVEL

_Static_assert(!CONFIG_MCUMGR_TRANSPORT_BT || sizeof(uint32_t) <= SMP_PEER_ADDR_SIZE,
	       "the connection count a request carries must fit smp_buf.peer");

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Header plus the payload length the header announces: what the whole request will be. */
static size_t packet_len_from_hdr(const uint8_t *hdr)
{
	return SMP_HDR_SIZE + (((size_t)hdr[2] << 8) | hdr[3]);
}

static void drop_partial(struct smp_bt *bt)
{
	if (bt->rx == NULL) {
		return;
	}
	smpdfu_smp_buf_free(bt->rx);
	bt->rx = NULL;
	bt->rx_expected = 0;
	bt->stats.partial_dropped++;
}

static enum smp_bt_att_status refuse(struct smp_bt *bt, enum smp_bt_att_status st, const char *why)
{
	drop_partial(bt);
	bt->stats.att_errors++;
	LOG_DBG("write refused (ATT error 0x%02x): %s", (unsigned int)st, why);
	return st;
}

static void submit(struct smp_bt *bt, struct smp_buf *b)
{
	b->tp = &bt->smp;
	if (SMP_PEER_ADDR_SIZE >= sizeof(bt->conn_gen)) {
		memset(smpdfu_smp_buf_peer(b), 0, SMP_PEER_ADDR_SIZE);
		memcpy(smpdfu_smp_buf_peer(b), &bt->conn_gen, sizeof(bt->conn_gen));
	}
	bt->stats.packets++;
	smpdfu_smp_rx_submit(b);
}

/* Without reassembly a write is a whole transport unit: one or more complete packets. */
static enum smp_bt_att_status write_unit(struct smp_bt *bt, const uint8_t *data, size_t len)
{
	struct smp_buf *b;

	if (len == 0) {
		return SMP_BT_ATT_OK;
	}
	if (len > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		return refuse(bt, SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES, "longer than a buffer");
	}
	b = smpdfu_smp_buf_alloc();
	if (b == NULL) {
		return refuse(bt, SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES, "no free buffer");
	}
	memcpy(b->data, data, len);
	b->len = len;
	submit(bt, b);
	return SMP_BT_ATT_OK;
}

/* The first fragment fixes the request's length, so it must hold the whole header. */
static enum smp_bt_att_status start_packet(struct smp_bt *bt, const uint8_t *data, size_t len)
{
	size_t expected;

	if (len < SMP_HDR_SIZE) {
		return refuse(bt, SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED, "first fragment too short");
	}
	expected = packet_len_from_hdr(data);
	if (expected > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		return refuse(bt, SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES, "longer than a buffer");
	}
	if (len > expected) {
		return refuse(bt, SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED, "past the announced length");
	}
	bt->rx = smpdfu_smp_buf_alloc();
	if (bt->rx == NULL) {
		return refuse(bt, SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES, "no free buffer");
	}
	bt->rx->len = 0;
	bt->rx_expected = expected;
	return SMP_BT_ATT_OK;
}

static enum smp_bt_att_status write_fragment(struct smp_bt *bt, const uint8_t *data, size_t len)
{
	enum smp_bt_att_status st;

	if (bt->rx == NULL) {
		st = start_packet(bt, data, len);
		if (st != SMP_BT_ATT_OK) {
			return st;
		}
	}
	if (len > bt->rx_expected - bt->rx->len) {
		/* The client and we disagree on where requests start: nothing built so far is
		 * trustworthy. The next write starts a new request. */
		return refuse(bt, SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED, "past the announced length");
	}
	memcpy(&bt->rx->data[bt->rx->len], data, len);
	bt->rx->len += len;
	if (bt->rx->len == bt->rx_expected) {
		struct smp_buf *b = bt->rx;

		bt->rx = NULL;
		bt->rx_expected = 0;
		submit(bt, b);
	}
	return SMP_BT_ATT_OK;
}

enum smp_bt_att_status smpdfu_smp_bt_write(struct smp_bt *bt, const uint8_t *data, size_t len)
{
	bt->stats.writes++;
	if (CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY) {
		return write_fragment(bt, data, len);
	}
	return write_unit(bt, data, len);
}

void smpdfu_smp_bt_subscription_changed(struct smp_bt *bt, bool notify)
{
	/*
	 * A client that unsubscribes can no longer get the answer to what it was sending. Its
	 * complete requests stay queued and take effect (only their answers are dropped, in
	 * smp_bt_send), as in Zephyr: the client is still connected, wrote them on purpose and
	 * may subscribe again; only a disconnect says that it is gone.
	 */
	if (!notify) {
		drop_partial(bt);
	}
}

void smpdfu_smp_bt_disconnected(struct smp_bt *bt)
{
	size_t n;

	drop_partial(bt);
	/* A new count: the request being processed right now finishes, but is not answered. */
	bt->conn_gen++;
	/*
	 * A gone client's upload chunk or reset must not take effect later. Every request of this
	 * transport still queued is the ended connection's: the transport serves one connection,
	 * and the stack reports its end before any write of the next one.
	 */
	n = smpdfu_smp_rx_discard(&bt->smp, NULL, NULL);
	if (n > 0) {
		bt->stats.rx_discarded += (uint32_t)n;
		LOG_INF("disconnected: %zu queued request(s) discarded", n);
	}
}

bool smpdfu_smp_bt_is_reassembling(const struct smp_bt *bt)
{
	return bt->rx != NULL;
}

static bool request_is_from_this_connection(const struct smp_bt *bt, const uint8_t *peer)
{
	uint32_t gen;

	memcpy(&gen, peer, sizeof(gen));
	return gen == bt->conn_gen;
}

/*
 * Notifies the response piece by piece. If the stack has no buffer for the first piece, smaller
 * pieces may still fit, so the size is halved down to SMP_BT_NOTIFY_MIN; the smaller size then
 * holds for the rest of this response. Once a piece is out, a failure leaves the client with half
 * a response that it will discard by its length; the rest is not sent.
 */
static int smp_bt_send(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
		       size_t len)
{
	struct smp_bt *bt = tp->ctx;
	uint16_t mtu;
	size_t piece;
	size_t off = 0;
	int rc;

	if (!request_is_from_this_connection(bt, peer) || !bt->ops->is_subscribed(bt->ctx)) {
		bt->stats.rsp_dropped++;
		return -ENOTCONN;
	}
	mtu = bt->ops->att_mtu(bt->ctx);
	if (mtu < SMP_BT_ATT_MTU_MIN) {
		bt->stats.rsp_dropped++;
		return -ENOTCONN;
	}
	piece = (size_t)mtu - SMP_BT_ATT_HDR_SIZE;
	while (off < len) {
		size_t n = min_size(piece, len - off);

		rc = bt->ops->notify(bt->ctx, data + off, n);
		if (rc == 0) {
			off += n;
			bt->stats.notifications++;
			continue;
		}
		if (rc == -ENOMEM && off == 0 && piece > SMP_BT_NOTIFY_MIN) {
			piece = piece / 2 > SMP_BT_NOTIFY_MIN ? piece / 2 : SMP_BT_NOTIFY_MIN;
			bt->stats.halvings++;
			continue;
		}
		bt->stats.rsp_dropped++;
		LOG_WRN("response of %zu bytes not sent after %zu (%d)", len, off, rc);
		return rc;
	}
	return 0;
}

int smpdfu_smp_bt_init(struct smp_bt *bt, const struct smp_bt_bearer_ops *ops, void *ctx)
{
	if (!CONFIG_MCUMGR_TRANSPORT_BT) {
		return -ENOTSUP;
	}
	memset(bt, 0, sizeof(*bt));
	bt->ops = ops;
	bt->ctx = ctx;
	bt->smp.name = "ble";
	bt->smp.kind = SMP_TRANSPORT_BLE;
	bt->smp.send = smp_bt_send;
	bt->smp.ctx = bt;
	return 0;
}
