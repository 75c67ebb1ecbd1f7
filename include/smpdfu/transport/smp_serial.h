/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over a serial console: the framing (CRC-16/XMODEM, Base64, the line encoder and the line
 * decoder) shared by the device and the host client, and the device transport that connects a
 * byte stream to the SMP server's buffer pool. The wire format is in <smpdfu/prot/smp_serial.h>.
 */
#ifndef SMPDFU_TRANSPORT_SMP_SERIAL_H
#define SMPDFU_TRANSPORT_SMP_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/config.h>
#include <smpdfu/prot/smp_serial.h>
#include <smpdfu/smp.h>

/* ---- CRC and Base64 -------------------------------------------------------------------------- */

/* CRC-16/XMODEM of data[0..len), continuing from crc (start with SMP_SERIAL_CRC_INIT). */
uint16_t smpdfu_smp_serial_crc16(uint16_t crc, const uint8_t *data, size_t len);

/* Base64 characters for n bytes: whole 4-character groups, '='-padded. */
static inline size_t smpdfu_smp_serial_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/*
 * Writes the standard Base64 (with '=' padding) of in[0..n) to out, which must hold
 * smpdfu_smp_serial_b64_len(n) bytes; no terminating NUL. Returns the number of characters written.
 */
size_t smpdfu_smp_serial_b64_encode(const uint8_t *in, size_t n, uint8_t *out);

/*
 * Decodes n characters of standard Base64: whole 4-character groups, '=' only at the end of the
 * last group. out may be in itself (decoding in place is safe). Returns the byte count, or
 * -EINVAL for a length that is not a multiple of 4, a character outside the alphabet or misplaced
 * padding; -ENOSPC when more than cap bytes would result (nothing is written then).
 */
int smpdfu_smp_serial_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* ---- Encoder --------------------------------------------------------------------------------- */

/*
 * Where encoded lines go: writes len bytes (one whole line, newline included) and returns 0 or
 * -errno. On a UART this is the TX routine; on the simulated device the pseudo-terminal.
 */
typedef int (*smp_serial_write_fn)(void *ctx, const uint8_t *data, size_t len);

/*
 * Frames the SMP packet pkt[0..len) as serial lines of at most line_max bytes each (markers and
 * newline included), built one at a time in line[0..line_max) and passed to write(). Every line
 * holds whole 3-byte groups of the frame body, so each decodes on its own; with line_max 127 a line
 * carries 93 body bytes. Returns 0; -EINVAL when line_max is below SMP_SERIAL_LINE_MIN or len
 * above SMP_SERIAL_PACKET_MAX; or the first -errno write() returned (no further lines are sent).
 * Reentrant: all state is in the arguments.
 */
int smpdfu_smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line, size_t line_max,
			     smp_serial_write_fn write, void *ctx);

/* Bytes smpdfu_smp_serial_encode() puts on the wire for a len-byte packet (0 for invalid
 * arguments). */
size_t smpdfu_smp_serial_encoded_size(size_t len, size_t line_max);

/* ---- Decoder --------------------------------------------------------------------------------- */

/*
 * What the decoder saw; it counts and never answers, as bad frames get no response. Only with
 * CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS: without it the decoder keeps no counts.
 */
struct smp_serial_rx_stats {
	uint32_t packets;       /* delivered with a good CRC */
	uint32_t console_lines; /* lines without a marker: other console traffic, ignored */
	uint32_t bad_crc;
	uint32_t bad_base64;
	uint32_t bad_length;    /* length field below the CRC size, or more bytes than it said */
	uint32_t too_large;     /* the announced packet does not fit the buffer */
	uint32_t overlong;      /* lines longer than the line buffer */
	uint32_t orphans;       /* continuation lines with no packet in progress */
	uint32_t restarted;     /* packets cut short by a new first line */
	uint32_t no_buffer;     /* first lines that found no free packet buffer */
};

/* Where decoded packets go; called from inside smpdfu_smp_serial_rx_feed(). */
struct smp_serial_rx_ops {
	/*
	 * A first line with a plausible length arrived: returns a buffer of at least the
	 * decoder's pkt_max + SMP_SERIAL_CRC_SIZE bytes, for the packet and its CRC after it, or
	 * NULL when none is free (the packet is dropped, counted).
	 */
	uint8_t *(*begin)(void *ctx);
	/* The packet is complete and its CRC good: len bytes (CRC not counted) in begin()'s. */
	void (*done)(void *ctx, uint8_t *pkt, size_t len);
	/* The packet in that buffer was dropped; the buffer is the callee's again. */
	void (*abort)(void *ctx, uint8_t *pkt);
	/* Optional (may be NULL): a line that is not SMP, without its newline. */
	void (*console)(void *ctx, const uint8_t *line, size_t len);
};

/* The decoder's state; the caller owns it and the line buffer. */
struct smp_serial_rx {
	/* NULL in the device transport, whose callbacks smp_serial.c binds at compile time. */
	const struct smp_serial_rx_ops *ops;
	void *ctx;
	uint8_t *line;      /* the bytes of the current line before its newline, '\r' removed */
	size_t line_cap;
	size_t line_len;    /* bytes in line, or line_cap + 1 once the line overflowed */
	size_t pkt_max;     /* largest packet (without length and CRC) accepted */
	uint8_t *pkt;       /* from ops->begin(): a packet is being received, NULL between */
	size_t have;        /* bytes of the packet and its CRC decoded into pkt so far */
	size_t left;        /* of them still to come (the length field said have + left) */
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	/* No packet: the last one was dropped, its continuation lines are not orphans. */
	bool skipping;
	struct smp_serial_rx_stats stats;
#endif
};

/*
 * Prepares rx: lines of up to line_cap bytes (not counting the newline) are kept in line, packets
 * of up to pkt_max bytes are accepted, ops receives them with ctx. line and rx belong to the
 * caller and must stay valid while rx is used.
 */
static inline void smpdfu_smp_serial_rx_init(struct smp_serial_rx *rx, uint8_t *line,
					     size_t line_cap, size_t pkt_max,
					     const struct smp_serial_rx_ops *ops, void *ctx)
{
	rx->ops = ops;
	rx->ctx = ctx;
	rx->line = line;
	rx->line_cap = line_cap;
	rx->line_len = 0;
	rx->pkt_max = pkt_max;
	/* No packet: have and left are set when one begins. */
	rx->pkt = NULL;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	rx->skipping = false;
	rx->stats = (struct smp_serial_rx_stats){ 0 };
#endif
}

/*
 * Feeds received bytes, in pieces of any size. Complete lines are handled as they end: a
 * first-line marker starts a packet (dropping an unfinished one), a continuation line extends it,
 * the CRC is checked once the length field's count is reached; bad frames are dropped silently
 * and counted; other lines go to ops->console. Returns the number of bytes consumed: all of them,
 * or fewer when a line completed a packet, so that a caller can deal with one packet before
 * feeding the rest. Not reentrant; call from one context.
 */
size_t smpdfu_smp_serial_rx_feed(struct smp_serial_rx *rx, const uint8_t *data, size_t len);

/*
 * Forgets the current line and any packet in progress (returned through ops->abort). Not for the
 * device transport's rx: smpdfu_smp_serial_transport_reset() is.
 */
void smpdfu_smp_serial_rx_reset(struct smp_serial_rx *rx);

/* ---- Device transport ------------------------------------------------------------------------ */

/* Sizes of the transport's line buffers; 1 when the transport is off so that the code compiles. */
#define SMP_SERIAL_RX_LINE_SIZE                                                                    \
	(CONFIG_MCUMGR_TRANSPORT_UART ? CONFIG_UART_MCUMGR_RX_BUF_SIZE : 1)
#define SMP_SERIAL_TX_LINE_SIZE                                                                    \
	(CONFIG_MCUMGR_TRANSPORT_UART ? CONFIG_SMPDFU_SERIAL_TX_LINE_MAX : 1)

/*
 * The largest SMP packet a device receives over serial: the length field and the CRC are counted
 * against the same CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE buffer, as in Zephyr, so clients size their
 * packets as buf_size - 4 (and the CRC, decoded after the packet, has the room begin() promises).
 */
#define SMP_SERIAL_DEVICE_PACKET_MAX                                                               \
	(CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE - SMP_SERIAL_FRAME_OVERHEAD)

/* The SMP serial transport of a device: one per UART (or pseudo-terminal). */
struct smp_serial_transport {
	struct smpdfu_smp_transport smp; /* what the SMP core sees; smp.ctx points back here */
	struct smp_serial_rx rx;    /* its ops and ctx NULL: the transport's own are built in */
	uint8_t rx_line[SMP_SERIAL_RX_LINE_SIZE];
	uint8_t tx_line[SMP_SERIAL_TX_LINE_SIZE];
	smp_serial_write_fn write;
	void *write_ctx;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	uint32_t tx_errors;       /* responses write() failed on */
#endif
};

/*
 * Sets up st (owned by the caller, e.g. static) to receive into the SMP buffer pool and to send
 * responses through write(ctx, line, len), one line per call, in lines of
 * CONFIG_SMPDFU_SERIAL_TX_LINE_MAX bytes. Call after smpdfu_smp_server_init(). write() runs in the
 * SMP processing context and may block for as long as the line takes to go out.
 */
void smpdfu_smp_serial_transport_init(struct smp_serial_transport *st, smp_serial_write_fn write,
				      void *ctx);

/*
 * Feeds bytes received on the serial line; each complete packet with a good CRC is queued for the
 * SMP processing context (smpdfu_smp_rx_submit()). A packet that finds every buffer busy is
 * dropped and logged (and counted in st->rx.stats.no_buffer). Called from one receive context
 * (e.g. the main loop, or a UART driver's work item), never concurrently with itself.
 */
void smpdfu_smp_serial_transport_rx(struct smp_serial_transport *st, const uint8_t *data,
				    size_t len);

/* Forgets the current line and any packet in progress (its buffer goes back to the pool). */
void smpdfu_smp_serial_transport_reset(struct smp_serial_transport *st);

#endif /* SMPDFU_TRANSPORT_SMP_SERIAL_H */
