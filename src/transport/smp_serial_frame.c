/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serial framing of SMP, with no dependency beyond libc: CRC-16/XMODEM, Base64, the line
 * encoder and the line decoder. The host client links this same file, so both ends of a serial link
 * frame packets with one implementation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smpdfu/transport/smp_serial.h>

uint16_t smpdfu_smp_serial_crc16(uint16_t crc, const uint8_t *data, size_t len)
{
	/*
	 * Byte-wise form of the polynomial 0x1021 (x^16 + x^12 + x^5 + 1): the three shifts are the
	 * polynomial's terms applied to the byte just folded in, so no 512-byte table is needed.
	 */
	for (size_t i = 0; i < len; i++) {
		crc = (uint16_t)((crc >> 8) | (crc << 8));
		crc ^= data[i];
		crc ^= (uint16_t)((crc & 0xFF) >> 4);
		crc ^= (uint16_t)(crc << 12);
		crc ^= (uint16_t)((crc & 0xFF) << 5);
	}
	return crc;
}

/* ---- Base64 ---------------------------------------------------------------------------------- */

/* The 6-bit value of a Base64 character, or -1 for any other byte ('=' included). */
static int b64_value(uint8_t c)
{
	/* Ranges, not a search of the alphabet: decoding is a serial upload's busiest loop. */
	if ((unsigned int)(c - 'A') < 26) {
		return c - 'A';
	}
	if ((unsigned int)(c - 'a') < 26) {
		return c - 'a' + 26;
	}
	if ((unsigned int)(c - '0') < 10) {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* The Base64 character of a 6-bit value d: b64_value() backwards, with no 64-byte alphabet. */
static uint8_t b64_char(unsigned int d)
{
	if (d < 26) {
		return (uint8_t)('A' + d);
	}
	if (d < 52) {
		return (uint8_t)('a' + d - 26);
	}
	if (d < 62) {
		return (uint8_t)('0' + d - 52);
	}
	return d == 62 ? '+' : '/';
}

/* One group: the 24 bits v of n (1..3, or more: 3) bytes to four characters, '='-padded. */
static void b64_group(uint32_t v, size_t n, uint8_t *out)
{
	for (size_t k = 0; k < 4; k++) {
		out[k] = k <= n ? b64_char(v >> 18 & 0x3F) : '=';
		v <<= 6;
	}
}

size_t smpdfu_smp_serial_b64_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);

		b64_group(v, n - i, out + o);
		o += 4;
	}
	return o;
}

int smpdfu_smp_serial_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t pad = 0;
	unsigned int bits = 0;
	uint32_t v = 0;

	if (n % 4 != 0) {
		return -EINVAL;
	}
	/* n is 0 or at least 4: the last group has 0, 1 or 2 pads. */
	if (n > 0 && in[n - 1] == '=') {
		pad = 1 + (in[n - 2] == '=');
	}
	if (n / 4 * 3 - pad > cap) {
		return -ENOSPC;
	}
	/*
	 * Six bits per character, a byte out as soon as eight are in: never ahead of the input,
	 * so decoding in place is safe. The padding only ends the input ('=' elsewhere is not in
	 * the alphabet), and the bits left over are the last group's filler.
	 */
	for (size_t i = 0; i < n - pad; i++) {
		int d = b64_value(in[i]);

		if (d < 0) {
			return -EINVAL;
		}
		v = v << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*out++ = (uint8_t)(v >> bits);
		}
	}
	return (int)(n / 4 * 3 - pad);
}

/* ---- Encoder --------------------------------------------------------------------------------- */

/* Body bytes per line: whole 3-byte groups in the room the markers and the newline leave. */
static size_t body_per_line(size_t line_max)
{
	return (line_max - SMP_SERIAL_MARK_SIZE - 1) / 4 * 3;
}

size_t smpdfu_smp_serial_encoded_size(size_t len, size_t line_max)
{
	size_t body = len + SMP_SERIAL_FRAME_OVERHEAD;
	size_t per_line;
	size_t lines;
	size_t last;

	if (line_max < SMP_SERIAL_LINE_MIN || len > SMP_SERIAL_PACKET_MAX) {
		return 0;
	}
	per_line = body_per_line(line_max);
	lines = (body + per_line - 1) / per_line;
	last = body - (lines - 1) * per_line;
	return lines * (SMP_SERIAL_MARK_SIZE + 1) + (lines - 1) * per_line / 3 * 4 +
	       smpdfu_smp_serial_b64_len(last);
}

int smpdfu_smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line, size_t line_max,
			     smp_serial_write_fn write, void *ctx)
{
	size_t body = len + SMP_SERIAL_FRAME_OVERHEAD;
	/* The body around the packet: the length field, the CRC, then zeros to fill a group. */
	uint8_t fields[SMP_SERIAL_FRAME_OVERHEAD + 2] = { 0 };
	uint16_t crc;
	size_t n = 0;

	if (line_max < SMP_SERIAL_LINE_MIN || len > SMP_SERIAL_PACKET_MAX) {
		return -EINVAL;
	}
	crc = smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, pkt, len);
	fields[0] = (uint8_t)((len + SMP_SERIAL_CRC_SIZE) >> 8);
	fields[1] = (uint8_t)(len + SMP_SERIAL_CRC_SIZE);
	fields[2] = (uint8_t)(crc >> 8);
	fields[3] = (uint8_t)crc;
	for (size_t i = 0; i < body; i += 3) {
		uint32_t v = 0;

		if (n == 0) {
			line[n++] = i == 0 ? SMP_SERIAL_MARK_FIRST_0 : SMP_SERIAL_MARK_CONT_0;
			line[n++] = i == 0 ? SMP_SERIAL_MARK_FIRST_1 : SMP_SERIAL_MARK_CONT_1;
		}
		for (size_t k = i; k < i + 3; k++) {
			size_t p = k - SMP_SERIAL_LEN_SIZE;

			v = v << 8 |
			    (p < len ? pkt[p] : fields[k < SMP_SERIAL_LEN_SIZE ? k : k - len]);
		}
		b64_group(v, body - i, line + n);
		n += 4;
		/* Whole groups only, so that every line decodes on its own. */
		if (i + 3 >= body || n + 4 + 1 > line_max) {
			int rc;

			line[n++] = SMP_SERIAL_EOL;
			rc = write(ctx, line, n);
			if (rc < 0) {
				return rc;
			}
			n = 0;
		}
	}
	return 0;
}

/* ---- Decoder --------------------------------------------------------------------------------- */

/*
 * Gives up the packet in progress, if any (its buffer goes back); `skip` says whether the
 * continuation lines that follow belong to it (skipped) or to nobody (orphans), which only the
 * orphans counter tells apart.
 */
static void drop_packet(struct smp_serial_rx *rx, bool skip)
{
	if (rx->pkt != NULL) {
		rx->ops->abort(rx->ctx, rx->pkt);
	}
	rx->pkt = NULL;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	rx->skipping = skip;
#else
	(void)skip;
#endif
}

void smpdfu_smp_serial_rx_reset(struct smp_serial_rx *rx)
{
	drop_packet(rx, false);
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
#define MARK(b0, b1) ((unsigned int)(b1) << 8 | (b0))
#define MARK_FIRST MARK(SMP_SERIAL_MARK_FIRST_0, SMP_SERIAL_MARK_FIRST_1)
#define MARK_CONT MARK(SMP_SERIAL_MARK_CONT_0, SMP_SERIAL_MARK_CONT_1)

/*
 * The current line ends, whole at its newline or overflowed (counted then, and dropping the packet
 * it belongs to). A frame line is decoded in place to the start of the line buffer; whatever is
 * wrong with it ends at one place that counts the reason and drops the packet. True when the line
 * completed a packet.
 */
static bool take_line(struct smp_serial_rx *rx, bool whole)
{
	uint8_t *b = rx->line;
	/* An overflowed line keeps its first line_cap bytes, which may be fewer than a marker. */
	size_t kept = whole ? rx->line_len : rx->line_cap;
	unsigned int mark = kept >= SMP_SERIAL_MARK_SIZE ? MARK(b[0], b[1]) : 0;
	bool first = mark == MARK_FIRST;
	bool skip = true;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	uint32_t *bad = &rx->stats.bad_base64;
#endif
	size_t pkt_len;
	int n;

	if (!first && mark != MARK_CONT) {
		/* Console text may be as long as it likes: it is not ours to judge. */
		if (whole && rx->line_len > 0) {
			SMP_SERIAL_COUNT(rx, console_lines, 1);
			if (rx->ops->console != NULL) {
				rx->ops->console(rx->ctx, b, rx->line_len);
			}
		}
		return false;
	}
	if (first) {
		SMP_SERIAL_COUNT(rx, restarted, rx->pkt != NULL);
		/* Until this packet proves good, its continuation lines belong to nobody. */
		drop_packet(rx, true);
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
		rx->pkt = rx->ops->begin(rx->ctx);
		if (rx->pkt == NULL) {
			goto drop;
		}
		rx->left = field;
		rx->have = 0;
		rx->crc = SMP_SERIAL_CRC_INIT;
		b += SMP_SERIAL_LEN_SIZE;
		n -= SMP_SERIAL_LEN_SIZE;
	}
	/* More than the length field said: which part is the CRC is anyone's guess. */
	SMP_SERIAL_BLAME(rx, bad, bad_length);
	if ((size_t)n > rx->left) {
		goto drop;
	}
	if (rx->left > SMP_SERIAL_CRC_SIZE) {
		size_t room = rx->left - SMP_SERIAL_CRC_SIZE;

		memcpy(rx->pkt + rx->have, b, (size_t)n < room ? (size_t)n : room);
	}
	/* The CRC bytes only go into the CRC: over the packet and its own CRC, it comes out 0. */
	rx->crc = smpdfu_smp_serial_crc16(rx->crc, b, (size_t)n);
	rx->have += (size_t)n;
	rx->left -= (size_t)n;
	if (rx->left > 0) {
		return false;
	}
	pkt_len = rx->have - SMP_SERIAL_CRC_SIZE;
	SMP_SERIAL_BLAME(rx, bad, bad_crc);
	skip = false;
	if (rx->crc != 0) {
		goto drop;
	}
	b = rx->pkt;
	rx->pkt = NULL;
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	rx->skipping = false;
#endif
	SMP_SERIAL_COUNT(rx, packets, 1);
	rx->ops->done(rx->ctx, b, pkt_len);
	return true;

drop:
	/* A line cut short was counted as it overflowed, and only that. */
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
	*bad += whole;
#endif
	drop_packet(rx, skip);
	return false;
}

size_t smpdfu_smp_serial_rx_feed(struct smp_serial_rx *rx, const uint8_t *data, size_t len)
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
		delivered = take_line(rx, rx->line_len <= rx->line_cap);
		rx->line_len = 0;
		if (delivered) {
			return i;
		}
	}
	return len;
}
