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

static const char b64_alphabet[64] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Base64 character - '+' -> 6-bit value, with B64_VALID set for the 64 characters of the alphabet
 * and 0 for every other byte of the range ('=' included: callers deal with padding). A table
 * rather than range checks: decoding is the device's busiest loop on a serial upload; from '+' to
 * 'z' only, which is every character of the alphabet.
 */
#define B64_VALID 0x40
#define B64(c, v) [(c) - '+'] = B64_VALID | (v)

static const uint8_t b64_rev['z' - '+' + 1] = {
	B64('A', 0),  B64('B', 1),  B64('C', 2),  B64('D', 3),  B64('E', 4),  B64('F', 5),
	B64('G', 6),  B64('H', 7),  B64('I', 8),  B64('J', 9),  B64('K', 10), B64('L', 11),
	B64('M', 12), B64('N', 13), B64('O', 14), B64('P', 15), B64('Q', 16), B64('R', 17),
	B64('S', 18), B64('T', 19), B64('U', 20), B64('V', 21), B64('W', 22), B64('X', 23),
	B64('Y', 24), B64('Z', 25), B64('a', 26), B64('b', 27), B64('c', 28), B64('d', 29),
	B64('e', 30), B64('f', 31), B64('g', 32), B64('h', 33), B64('i', 34), B64('j', 35),
	B64('k', 36), B64('l', 37), B64('m', 38), B64('n', 39), B64('o', 40), B64('p', 41),
	B64('q', 42), B64('r', 43), B64('s', 44), B64('t', 45), B64('u', 46), B64('v', 47),
	B64('w', 48), B64('x', 49), B64('y', 50), B64('z', 51), B64('0', 52), B64('1', 53),
	B64('2', 54), B64('3', 55), B64('4', 56), B64('5', 57), B64('6', 58), B64('7', 59),
	B64('8', 60), B64('9', 61), B64('+', 62), B64('/', 63),
};

/* One group: the 24 bits v of n (1..3) bytes to four characters, '='-padded. */
static void b64_group(uint32_t v, size_t n, uint8_t *out)
{
	for (size_t k = 0; k < 4; k++) {
		out[k] = k <= n ? (uint8_t)b64_alphabet[(v >> (18 - 6 * k)) & 0x3F] : '=';
	}
}

/* The 24 bits of up to three bytes, the missing ones zero. */
static uint32_t b64_bits(const uint8_t *in, size_t n)
{
	return (uint32_t)in[0] << 16 | (n > 1 ? (uint32_t)in[1] << 8 : 0) | (n > 2 ? in[2] : 0);
}

size_t smpdfu_smp_serial_b64_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		size_t g = n - i < 3 ? n - i : 3;

		b64_group(b64_bits(in + i, g), g, out + o);
		o += 4;
	}
	return o;
}

int smpdfu_smp_serial_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t pad = 0;
	size_t o = 0;
	uint32_t v = 0;

	if (n % 4 != 0) {
		return -EINVAL;
	}
	if (n == 0) {
		return 0;
	}
	if (in[n - 1] == '=') {
		pad = in[n - 2] == '=' ? 2 : 1;
	}
	if (n / 4 * 3 - pad > cap) {
		return -ENOSPC;
	}
	/* Each group is read whole before its bytes are written: decoding in place is safe. */
	for (size_t i = 0; i < n; i++) {
		/* The padding reads as zero bits; '=' anywhere else is not in the alphabet. */
		unsigned int c = (unsigned int)in[i] - '+';
		uint8_t b = i >= n - pad ? B64_VALID : c < sizeof(b64_rev) ? b64_rev[c] : 0;

		if (!(b & B64_VALID)) {
			return -EINVAL;
		}
		v = v << 6 | (b & 0x3Fu);
		if (i % 4 == 3) {
			size_t bytes = i + 1 < n ? 3 : 3 - pad;

			for (size_t k = 0; k < bytes; k++) {
				out[o++] = (uint8_t)(v >> (16 - 8 * k));
			}
		}
	}
	return (int)o;
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

/* Byte i of the frame body: the length field, the packet, then its CRC (fields = length:CRC). */
static uint8_t body_byte(const uint8_t *pkt, size_t len, uint32_t fields, size_t i)
{
	if (i < SMP_SERIAL_LEN_SIZE) {
		return (uint8_t)(fields >> (24 - 8 * i));
	}
	if (i - SMP_SERIAL_LEN_SIZE < len) {
		return pkt[i - SMP_SERIAL_LEN_SIZE];
	}
	return (uint8_t)(fields >> (8 * (len + SMP_SERIAL_FRAME_OVERHEAD - 1 - i)));
}

int smpdfu_smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line, size_t line_max,
			     smp_serial_write_fn write, void *ctx)
{
	size_t body = len + SMP_SERIAL_FRAME_OVERHEAD;
	uint32_t fields;
	size_t per_line;

	if (line_max < SMP_SERIAL_LINE_MIN || len > SMP_SERIAL_PACKET_MAX) {
		return -EINVAL;
	}
	per_line = body_per_line(line_max);
	fields = (uint32_t)(len + SMP_SERIAL_CRC_SIZE) << 16 |
		 smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, pkt, len);

	for (size_t pos = 0; pos < body;) {
		size_t end = body - pos < per_line ? body : pos + per_line;
		size_t n = 0;
		int rc;

		line[n++] = pos == 0 ? SMP_SERIAL_MARK_FIRST_0 : SMP_SERIAL_MARK_CONT_0;
		line[n++] = pos == 0 ? SMP_SERIAL_MARK_FIRST_1 : SMP_SERIAL_MARK_CONT_1;
		while (pos < end) {
			size_t g = end - pos < 3 ? end - pos : 3;
			uint32_t v = 0;

			for (size_t k = 0; k < 3; k++) {
				v = v << 8 | (k < g ? body_byte(pkt, len, fields, pos + k) : 0u);
			}
			b64_group(v, g, line + n);
			n += 4;
			pos += g;
		}
		line[n++] = SMP_SERIAL_EOL;
		rc = write(ctx, line, n);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* ---- Decoder --------------------------------------------------------------------------------- */

void smpdfu_smp_serial_rx_init(struct smp_serial_rx *rx, uint8_t *line, size_t line_cap,
			       size_t pkt_max, const struct smp_serial_rx_ops *ops, void *ctx)
{
	memset(rx, 0, sizeof(*rx));
	rx->ops = ops;
	rx->ctx = ctx;
	rx->line = line;
	rx->line_cap = line_cap;
	rx->pkt_max = pkt_max;
	rx->state = SMP_SERIAL_RX_IDLE;
}

static bool line_starts_with(const struct smp_serial_rx *rx, uint8_t m0, uint8_t m1)
{
	return rx->line_len >= SMP_SERIAL_MARK_SIZE && rx->line[0] == m0 && rx->line[1] == m1;
}

static bool line_is_first(const struct smp_serial_rx *rx)
{
	return line_starts_with(rx, SMP_SERIAL_MARK_FIRST_0, SMP_SERIAL_MARK_FIRST_1);
}

static bool line_is_continuation(const struct smp_serial_rx *rx)
{
	return line_starts_with(rx, SMP_SERIAL_MARK_CONT_0, SMP_SERIAL_MARK_CONT_1);
}

/* Gives up the packet in progress (its buffer goes back) and moves to `next`. */
static void drop_packet(struct smp_serial_rx *rx, enum smp_serial_rx_state next)
{
	if (rx->state == SMP_SERIAL_RX_RECEIVING) {
		rx->ops->abort(rx->ctx, rx->pkt);
	}
	rx->pkt = NULL;
	rx->state = next;
}

void smpdfu_smp_serial_rx_reset(struct smp_serial_rx *rx)
{
	drop_packet(rx, SMP_SERIAL_RX_IDLE);
	rx->line_len = 0;
	rx->line_overlong = false;
}

/* Decodes the current line's Base64 in place, to the start of the line buffer. */
static int decode_line(struct smp_serial_rx *rx)
{
	return smpdfu_smp_serial_b64_decode(rx->line + SMP_SERIAL_MARK_SIZE,
					    rx->line_len - SMP_SERIAL_MARK_SIZE, rx->line,
					    rx->line_cap);
}

/* Adds decoded body bytes to the packet; true when they completed it with a good CRC. */
static bool append(struct smp_serial_rx *rx, const uint8_t *b, size_t n)
{
	size_t take = rx->want - rx->have < n ? rx->want - rx->have : n;
	uint16_t crc;
	uint8_t *pkt;

	memcpy(rx->pkt + rx->have, b, take);
	rx->have += take;
	b += take;
	n -= take;
	take = (size_t)(SMP_SERIAL_CRC_SIZE - rx->crc_have) < n ?
		       (size_t)(SMP_SERIAL_CRC_SIZE - rx->crc_have) : n;
	memcpy(rx->crc + rx->crc_have, b, take);
	rx->crc_have += (uint8_t)take;
	n -= take;
	if (n > 0) {
		/* More than the length field said: which part is the CRC is anyone's guess. */
		rx->stats.bad_length++;
		drop_packet(rx, SMP_SERIAL_RX_SKIPPING);
		return false;
	}
	if (rx->crc_have < SMP_SERIAL_CRC_SIZE) {
		return false;
	}
	crc = smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, rx->pkt, rx->want);
	if (crc != (uint16_t)(rx->crc[0] << 8 | rx->crc[1])) {
		rx->stats.bad_crc++;
		drop_packet(rx, SMP_SERIAL_RX_IDLE);
		return false;
	}
	pkt = rx->pkt;
	rx->pkt = NULL;
	rx->state = SMP_SERIAL_RX_IDLE;
	rx->stats.packets++;
	rx->ops->done(rx->ctx, pkt, rx->want);
	return true;
}

static bool handle_first_line(struct smp_serial_rx *rx)
{
	int n;
	size_t field;

	if (rx->state == SMP_SERIAL_RX_RECEIVING) {
		rx->stats.restarted++;
	}
	/* Until this packet proves good, its continuation lines belong to nobody. */
	drop_packet(rx, SMP_SERIAL_RX_SKIPPING);
	n = decode_line(rx);
	if (n < 0) {
		rx->stats.bad_base64++;
		return false;
	}
	if (n < SMP_SERIAL_LEN_SIZE) {
		rx->stats.bad_length++;
		return false;
	}
	field = (size_t)rx->line[0] << 8 | rx->line[1];
	if (field < SMP_SERIAL_CRC_SIZE) {
		rx->stats.bad_length++;
		return false;
	}
	if (field - SMP_SERIAL_CRC_SIZE > rx->pkt_max) {
		rx->stats.too_large++;
		return false;
	}
	rx->pkt = rx->ops->begin(rx->ctx);
	if (rx->pkt == NULL) {
		rx->stats.no_buffer++;
		return false;
	}
	rx->state = SMP_SERIAL_RX_RECEIVING;
	rx->want = field - SMP_SERIAL_CRC_SIZE;
	rx->have = 0;
	rx->crc_have = 0;
	return append(rx, rx->line + SMP_SERIAL_LEN_SIZE, (size_t)n - SMP_SERIAL_LEN_SIZE);
}

static bool handle_continuation_line(struct smp_serial_rx *rx)
{
	int n;

	if (rx->state == SMP_SERIAL_RX_IDLE) {
		rx->stats.orphans++;
		return false;
	}
	if (rx->state == SMP_SERIAL_RX_SKIPPING) {
		return false;
	}
	n = decode_line(rx);
	if (n < 0) {
		rx->stats.bad_base64++;
		drop_packet(rx, SMP_SERIAL_RX_SKIPPING);
		return false;
	}
	return append(rx, rx->line, (size_t)n);
}

/* A complete line (without its newline); true when it completed a packet. */
static bool handle_line(struct smp_serial_rx *rx)
{
	if (line_is_first(rx)) {
		return handle_first_line(rx);
	}
	if (line_is_continuation(rx)) {
		return handle_continuation_line(rx);
	}
	if (rx->line_len > 0) {
		rx->stats.console_lines++;
		if (rx->ops->console != NULL) {
			rx->ops->console(rx->ctx, rx->line, rx->line_len);
		}
	}
	return false;
}

/* The current line no longer fits: skip the rest of it, and the packet if it was a frame line. */
static void line_overflows(struct smp_serial_rx *rx)
{
	rx->line_overlong = true;
	rx->stats.overlong++;
	if (line_is_first(rx)) {
		if (rx->state == SMP_SERIAL_RX_RECEIVING) {
			rx->stats.restarted++;
		}
		drop_packet(rx, SMP_SERIAL_RX_SKIPPING);
	} else if (line_is_continuation(rx) && rx->state == SMP_SERIAL_RX_RECEIVING) {
		drop_packet(rx, SMP_SERIAL_RX_SKIPPING);
	}
	/* Console text may be as long as it likes: it is not ours to judge. */
}

/* Adds bytes of the current line (no newline among them), without '\r', within the buffer. */
static void line_add(struct smp_serial_rx *rx, const uint8_t *p, size_t n)
{
	while (n > 0 && !rx->line_overlong) {
		/* A CR from a terminal or a CRLF line ending is never part of a frame. */
		const uint8_t *cr = memchr(p, '\r', n);
		size_t run = cr != NULL ? (size_t)(cr - p) : n;
		size_t room = rx->line_cap - rx->line_len;

		if (run > room) {
			memcpy(rx->line + rx->line_len, p, room);
			rx->line_len += room;
			line_overflows(rx);
			return;
		}
		memcpy(rx->line + rx->line_len, p, run);
		rx->line_len += run;
		run += cr != NULL ? 1 : 0;
		p += run;
		n -= run;
	}
}

size_t smpdfu_smp_serial_rx_feed(struct smp_serial_rx *rx, const uint8_t *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		/* Whole runs up to the next newline: the common case is a full line per call. */
		const uint8_t *nl = memchr(data + i, SMP_SERIAL_EOL, len - i);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;
		bool delivered = false;

		line_add(rx, data + i, end - i);
		if (nl == NULL) {
			break;
		}
		i = end + 1;
		if (!rx->line_overlong) {
			delivered = handle_line(rx);
		}
		rx->line_len = 0;
		rx->line_overlong = false;
		if (delivered) {
			return i;
		}
	}
	return len;
}
