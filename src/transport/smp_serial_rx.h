/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The line decoder's body, inline and given its callbacks as arguments: smp_serial_frame.c
 * builds smpdfu_smp_serial_rx_feed() with those the caller put in rx (the host's users), and
 * smp_serial.c builds the device transport's with its own constant table, whose calls GCC then
 * makes directly (no table, no console check, no wrappers left in the device).
 */
#ifndef SMPDFU_SMP_SERIAL_RX_H
#define SMPDFU_SMP_SERIAL_RX_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smpdfu/transport/smp_serial.h>

/*
 * Gives up the packet in progress, if any (its buffer goes back); `skip` says whether the
 * continuation lines that follow belong to it (skipped) or to nobody (orphans), which only the
 * orphans counter tells apart.
 */
static inline void smp_serial_rx_drop(struct smp_serial_rx *rx,
				      const struct smp_serial_rx_ops *ops, void *ctx, bool skip)
{
	if (rx->pkt != NULL) {
		ops->abort(ctx, rx->pkt);
	}
	rx->pkt = NULL;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	rx->skipping = skip;
#else
	(void)skip;
#endif
}

/* smpdfu_smp_serial_rx_reset() with ops and ctx. */
static inline void smp_serial_rx_reset(struct smp_serial_rx *rx,
				       const struct smp_serial_rx_ops *ops, void *ctx)
{
	smp_serial_rx_drop(rx, ops, ctx, false);
	rx->line_len = 0;
}

/*
 * Counts an outcome of the decoder in rx->stats (n is 0 or 1), or nothing without the counters.
 * SMP_SERIAL_BLAME points bad at the counter a drop in take_line() adds to, as its checks go.
 */
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
#define SMP_SERIAL_COUNT(rx, what, n) ((rx)->stats.what += (uint32_t)(n))
#define SMP_SERIAL_BLAME(rx, bad, what) ((bad) = &(rx)->stats.what)
#else
#define SMP_SERIAL_COUNT(rx, what, n) ((void)0)
#define SMP_SERIAL_BLAME(rx, bad, what) ((void)0)
#endif

/*
 * A line's two marker bytes as one number, the first byte low (one halfword load on a little-endian
 * core): its kind in one comparison.
 */
#define SMP_SERIAL_MARK(b0, b1) ((unsigned int)(b1) << 8 | (b0))
#define SMP_SERIAL_MARK_FIRST SMP_SERIAL_MARK(SMP_SERIAL_MARK_FIRST_0, SMP_SERIAL_MARK_FIRST_1)
#define SMP_SERIAL_MARK_CONT SMP_SERIAL_MARK(SMP_SERIAL_MARK_CONT_0, SMP_SERIAL_MARK_CONT_1)

/*
 * The current line ends, whole at its newline or overflowed (counted then, and dropping the packet
 * it belongs to). A frame line is decoded in place to the start of the line buffer; whatever is
 * wrong with it ends at one place that counts the reason and drops the packet. True when the line
 * completed a packet.
 */
static inline bool smp_serial_rx_take_line(struct smp_serial_rx *rx,
					   const struct smp_serial_rx_ops *ops, void *ctx,
					   bool whole)
{
	uint8_t *b = rx->line;
	/* An overflowed line keeps its first line_cap bytes, which may be fewer than a marker. */
	size_t kept = whole ? rx->line_len : rx->line_cap;
	unsigned int mark = kept >= SMP_SERIAL_MARK_SIZE ? SMP_SERIAL_MARK(b[0], b[1]) : 0;
	bool first = mark == SMP_SERIAL_MARK_FIRST;
	bool skip = true;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	uint32_t *bad = &rx->stats.bad_base64;
#endif
	size_t pkt_len;
	int n;

	if (!first && mark != SMP_SERIAL_MARK_CONT) {
		/* Console text may be as long as it likes: it is not ours to judge. */
		if (whole && rx->line_len > 0) {
			SMP_SERIAL_COUNT(rx, console_lines, 1);
			if (ops->console != NULL) {
				ops->console(ctx, b, rx->line_len);
			}
		}
		return false;
	}
	if (first) {
		SMP_SERIAL_COUNT(rx, restarted, rx->pkt != NULL);
		/* Until this packet proves good, its continuation lines belong to nobody. */
		smp_serial_rx_drop(rx, ops, ctx, true);
	} else if (rx->pkt == NULL) {
		SMP_SERIAL_COUNT(rx, orphans, whole && !rx->skipping);
		return false;
	}
	/* A line cut short (counted as it overflowed) is as bad as one that does not decode. */
	n = whole ? smpdfu_smp_serial_b64_decode(b + SMP_SERIAL_MARK_SIZE,
						 rx->line_len - SMP_SERIAL_MARK_SIZE, b,
						 rx->line_cap)
		  : -EINVAL;
	if (n < 0) {
		goto drop;
	}
	if (first) {
		/* The length field leads the first line; the packet starts if it is plausible. */
		size_t field = (size_t)b[0] << 8 | b[1];

		SMP_SERIAL_BLAME(rx, bad, bad_length);
		if (n < SMP_SERIAL_LEN_SIZE || field < SMP_SERIAL_CRC_SIZE) {
			goto drop;
		}
		SMP_SERIAL_BLAME(rx, bad, too_large);
		if (field - SMP_SERIAL_CRC_SIZE > rx->pkt_max) {
			goto drop;
		}
		SMP_SERIAL_BLAME(rx, bad, no_buffer);
		rx->pkt = ops->begin(ctx);
		if (rx->pkt == NULL) {
			goto drop;
		}
		rx->left = field;
		rx->have = 0;
		b += SMP_SERIAL_LEN_SIZE;
		n -= SMP_SERIAL_LEN_SIZE;
	}
	/* More than the length field said: which part is the CRC is anyone's guess. */
	SMP_SERIAL_BLAME(rx, bad, bad_length);
	if ((size_t)n > rx->left) {
		goto drop;
	}
	/*
	 * The packet and its CRC go into the buffer, which begin() promised pkt_max + CRC bytes:
	 * have + left is the length field, at most that (checked above).
	 */
	memcpy(rx->pkt + rx->have, b, (size_t)n);
	rx->have += (size_t)n;
	rx->left -= (size_t)n;
	if (rx->left > 0) {
		return false;
	}
	pkt_len = rx->have - SMP_SERIAL_CRC_SIZE;
	SMP_SERIAL_BLAME(rx, bad, bad_crc);
	skip = false;
	/* Over the packet and its own CRC, the CRC comes out 0. */
	if (smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, rx->pkt, rx->have) != 0) {
		goto drop;
	}
	b = rx->pkt;
	rx->pkt = NULL;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	rx->skipping = false;
#endif
	SMP_SERIAL_COUNT(rx, packets, 1);
	ops->done(ctx, b, pkt_len);
	return true;

drop:
	/* A line cut short was counted as it overflowed, and only that. */
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	*bad += whole;
#endif
	smp_serial_rx_drop(rx, ops, ctx, skip);
	return false;
}

/*
 * smpdfu_smp_serial_rx_feed() with ops and ctx; it returns after a packet only when `one_packet`
 * says the caller deals with each before the rest (the device queues them and goes on).
 */
static inline size_t smp_serial_rx_feed(struct smp_serial_rx *rx,
					const struct smp_serial_rx_ops *ops, void *ctx,
					const uint8_t *data, size_t len, bool one_packet)
{
	for (size_t i = 0; i < len;) {
		uint8_t c = data[i++];
		bool delivered;

		/* A CR from a terminal or a CRLF line ending is never part of a frame. */
		if (c == '\r') {
			continue;
		}
		if (c != SMP_SERIAL_EOL) {
			if (rx->line_len < rx->line_cap) {
				rx->line[rx->line_len] = c;
			} else if (rx->line_len == rx->line_cap) {
				/* It no longer fits: the rest is skipped, and so is its packet. */
				SMP_SERIAL_COUNT(rx, overlong, 1);
			} else {
				continue;
			}
			rx->line_len++;
			continue;
		}
		delivered = smp_serial_rx_take_line(rx, ops, ctx, rx->line_len <= rx->line_cap);
		rx->line_len = 0;
		if (delivered && one_packet) {
			return i;
		}
	}
	return len;
}

#endif /* SMPDFU_SMP_SERIAL_RX_H */
