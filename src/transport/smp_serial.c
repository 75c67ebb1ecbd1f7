/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device side of SMP over a serial console: decoded packets go straight into buffers of the
 * SMP pool and onto the receive queue; responses leave as lines through the port's write routine.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/transport/smp_serial.h>

#include "log.h"
#include "smp_serial_rx.h"
#include "smp_serial_tx.h"

#define LOG_MODULE "serial"
#define LOG_LEVEL CONFIG_MCUMGR_TRANSPORT_LOG_LEVEL

/* begin()'s promise: a packet of the largest size, and its CRC after it, fit a pool buffer. */
_Static_assert(SMP_SERIAL_DEVICE_PACKET_MAX + SMP_SERIAL_CRC_SIZE <=
		       sizeof(((struct smp_buf *)NULL)->data),
	       "a pool buffer holds the largest serial packet and its CRC");

static uint8_t *rx_begin(void *ctx)
{
	struct smp_buf *b = smpdfu_smp_buf_alloc();

	(void)ctx;
	if (b == NULL) {
		/* A serial line cannot push back like a socket queue: the packet is lost. */
		LOG_WRN("all %d buffers busy: packet dropped",
			CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
		return NULL;
	}
	return b->data;
}

/* The pool buffer of a packet: the decoder has only the data pointer rx_begin() gave it. */
static struct smp_buf *buf_of(uint8_t *pkt)
{
	return (struct smp_buf *)(void *)(pkt - offsetof(struct smp_buf, data));
}

static void rx_done(void *ctx, uint8_t *pkt, size_t len)
{
	struct smp_serial_transport *st = ctx;
	struct smp_buf *b = buf_of(pkt);

	b->len = len;
	b->tp = &st->smp;
	/* One peer per line: there is nobody else to answer (all zeros beside other transports). */
	if (SMP_PEER_ADDR_SIZE > 0) {
		memset(smpdfu_smp_buf_peer(b), 0, SMP_PEER_ADDR_SIZE);
	}
	smpdfu_smp_rx_submit(b);
}

static void rx_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	smpdfu_smp_buf_free(buf_of(pkt));
}

/* The decoder's callbacks, bound at compile time: smp_serial_rx.h's body calls them directly. */
static const struct smp_serial_rx_ops rx_ops = {
	.begin = rx_begin,
	.done = rx_done,
	.abort = rx_abort,
};

static int serial_send(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
		       size_t len)
{
	struct smp_serial_transport *st = tp->ctx;
	int rc;

	(void)peer;
	rc = smp_serial_encode(data, len, st->tx_line, sizeof(st->tx_line), st->write,
			       st->write_ctx);
	if (rc < 0) {
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
		st->tx_errors++;
#endif
		LOG_WRN("a %u-byte response was not sent: error %d", (unsigned int)len, rc);
	}
	return rc;
}

void smpdfu_smp_serial_transport_init(struct smp_serial_transport *st, smp_serial_write_fn write,
				      void *ctx)
{
	/* Every member is set here (rx by its init); the line buffers need no zeros. */
	st->smp = (struct smpdfu_smp_transport){
		.name = "serial", .kind = SMP_TRANSPORT_SERIAL, .send = serial_send, .ctx = st,
	};
	st->write = write;
	st->write_ctx = ctx;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	st->tx_errors = 0;
#endif
	smpdfu_smp_serial_rx_init(&st->rx, st->rx_line, sizeof(st->rx_line),
				  SMP_SERIAL_DEVICE_PACKET_MAX, NULL, NULL);
}

#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
/* Frames dropped for a reason of their own (a busy pool is logged where it happens). */
static uint32_t bad_frames(const struct smp_serial_rx_stats *s)
{
	return s->bad_crc + s->bad_base64 + s->bad_length + s->too_large + s->overlong +
	       s->orphans + s->restarted;
}
#endif

void smpdfu_smp_serial_transport_rx(struct smp_serial_transport *st, const uint8_t *data,
				    size_t len)
{
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	uint32_t before = bad_frames(&st->rx.stats);
	uint32_t after;
#endif

	/* Each packet is queued as its last line ends: nothing to do between them. */
	(void)smp_serial_rx_feed(&st->rx, &rx_ops, st, data, len, false);
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	after = bad_frames(&st->rx.stats);
	if (after != before) {
		const struct smp_serial_rx_stats *s = &st->rx.stats;

		/* Silence on the wire, as peers expect; the log says why a request went unheard. */
		LOG_DBG("%u bad frame(s) dropped; totals: crc %u, base64 %u, length %u, too large "
			"%u, overlong %u, orphan %u, cut %u",
			(unsigned int)(after - before), (unsigned int)s->bad_crc,
			(unsigned int)s->bad_base64, (unsigned int)s->bad_length,
			(unsigned int)s->too_large, (unsigned int)s->overlong,
			(unsigned int)s->orphans, (unsigned int)s->restarted);
	}
#endif
}

void smpdfu_smp_serial_transport_reset(struct smp_serial_transport *st)
{
	smp_serial_rx_reset(&st->rx, &rx_ops, st);
}
