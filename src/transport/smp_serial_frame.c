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

uint16_t smp_serial_crc16(uint16_t crc, const uint8_t *data, size_t len)
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

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Base64 character -> 6-bit value, with B64_VALID set for the 64 characters of the alphabet and
 * 0 for every other byte ('=' included: callers deal with padding). A table rather than range
 * checks: decoding is the device's busiest loop on a serial upload.
 */
#define B64_VALID 0x40
#define B64(v) (B64_VALID | (v))

static const uint8_t b64_rev[256] = {
	['A'] = B64(0), ['B'] = B64(1), ['C'] = B64(2), ['D'] = B64(3), ['E'] = B64(4),
	['F'] = B64(5), ['G'] = B64(6), ['H'] = B64(7), ['I'] = B64(8), ['J'] = B64(9),
	['K'] = B64(10), ['L'] = B64(11), ['M'] = B64(12), ['N'] = B64(13), ['O'] = B64(14),
	['P'] = B64(15), ['Q'] = B64(16), ['R'] = B64(17), ['S'] = B64(18), ['T'] = B64(19),
	['U'] = B64(20), ['V'] = B64(21), ['W'] = B64(22), ['X'] = B64(23), ['Y'] = B64(24),
	['Z'] = B64(25), ['a'] = B64(26), ['b'] = B64(27), ['c'] = B64(28), ['d'] = B64(29),
	['e'] = B64(30), ['f'] = B64(31), ['g'] = B64(32), ['h'] = B64(33), ['i'] = B64(34),
	['j'] = B64(35), ['k'] = B64(36), ['l'] = B64(37), ['m'] = B64(38), ['n'] = B64(39),
	['o'] = B64(40), ['p'] = B64(41), ['q'] = B64(42), ['r'] = B64(43), ['s'] = B64(44),
	['t'] = B64(45), ['u'] = B64(46), ['v'] = B64(47), ['w'] = B64(48), ['x'] = B64(49),
	['y'] = B64(50), ['z'] = B64(51), ['0'] = B64(52), ['1'] = B64(53), ['2'] = B64(54),
	['3'] = B64(55), ['4'] = B64(56), ['5'] = B64(57), ['6'] = B64(58), ['7'] = B64(59),
	['8'] = B64(60), ['9'] = B64(61), ['+'] = B64(62), ['/'] = B64(63),
};

/* One group: n (1..3) bytes of in to four characters, '='-padded. */
static void b64_group(const uint8_t *in, size_t n, uint8_t *out)
{
	uint32_t v = (uint32_t)in[0] << 16;

	if (n > 1) {
		v |= (uint32_t)in[1] << 8;
	}
	if (n > 2) {
		v |= in[2];
	}
	out[0] = (uint8_t)b64_alphabet[(v >> 18) & 0x3F];
	out[1] = (uint8_t)b64_alphabet[(v >> 12) & 0x3F];
	out[2] = n > 1 ? (uint8_t)b64_alphabet[(v >> 6) & 0x3F] : '=';
	out[3] = n > 2 ? (uint8_t)b64_alphabet[v & 0x3F] : '=';
}

size_t smp_serial_b64_encode(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		b64_group(in + i, n - i < 3 ? n - i : 3, out + o);
		o += 4;
	}
	return o;
}

/* Decodes one group; -EINVAL unless all four characters are in the alphabet. */
static int b64_quad(const uint8_t *in, uint32_t *v)
{
	uint8_t a = b64_rev[in[0]];
	uint8_t b = b64_rev[in[1]];
	uint8_t c = b64_rev[in[2]];
	uint8_t d = b64_rev[in[3]];

	if ((a & b & c & d & B64_VALID) == 0) {
		return -EINVAL;
	}
	*v = (uint32_t)(a & 0x3F) << 18 | (uint32_t)(b & 0x3F) << 12 | (uint32_t)(c & 0x3F) << 6 |
	     (uint32_t)(d & 0x3F);
	return 0;
}

int smp_serial_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	uint8_t last[4];
	size_t pad = 0;
	size_t o = 0;
	size_t i;
	uint32_t v;

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
	for (i = 0; i + 4 < n; i += 4) {
		if (b64_quad(in + i, &v) < 0) {
			return -EINVAL;
		}
		out[o++] = (uint8_t)(v >> 16);
		out[o++] = (uint8_t)(v >> 8);
		out[o++] = (uint8_t)v;
	}
	/* The last group, with its padding read as 'A' (zero bits); '=' elsewhere is invalid. */
	memcpy(last, in + i, sizeof(last));
	if (pad == 2) {
		last[2] = 'A';
	}
	if (pad > 0) {
		last[3] = 'A';
	}
	if (b64_quad(last, &v) < 0) {
		return -EINVAL;
	}
	out[o++] = (uint8_t)(v >> 16);
	if (pad < 2) {
		out[o++] = (uint8_t)(v >> 8);
	}
	if (pad < 1) {
		out[o++] = (uint8_t)v;
	}
	return (int)o;
}

/* ---- Encoder --------------------------------------------------------------------------------- */

/* The frame body (length, packet, CRC) as one sequence without copying the packet. */
struct frame_body {
	const uint8_t *pkt;
	size_t len;
	uint8_t head[SMP_SERIAL_LEN_SIZE];
	uint8_t tail[SMP_SERIAL_CRC_SIZE];
};

static uint8_t body_byte(const struct frame_body *f, size_t i)
{
	if (i < SMP_SERIAL_LEN_SIZE) {
		return f->head[i];
	}
	i -= SMP_SERIAL_LEN_SIZE;
	if (i < f->len) {
		return f->pkt[i];
	}
	return f->tail[i - f->len];
}

/* Body bytes per line: whole 3-byte groups in the room the markers and the newline leave. */
static size_t body_per_line(size_t line_max)
{
	return (line_max - SMP_SERIAL_MARK_SIZE - 1) / 4 * 3;
}

size_t smp_serial_encoded_size(size_t len, size_t line_max)
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
	       smp_serial_b64_len(last);
}

int smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line, size_t line_max,
		      smp_serial_write_fn write, void *ctx)
{
	struct frame_body f = { .pkt = pkt, .len = len };
	uint16_t crc;
	size_t body = len + SMP_SERIAL_FRAME_OVERHEAD;
	size_t per_line;

	if (line_max < SMP_SERIAL_LINE_MIN || len > SMP_SERIAL_PACKET_MAX) {
		return -EINVAL;
	}
	per_line = body_per_line(line_max);
	f.head[0] = (uint8_t)((len + SMP_SERIAL_CRC_SIZE) >> 8);
	f.head[1] = (uint8_t)(len + SMP_SERIAL_CRC_SIZE);
	crc = smp_serial_crc16(SMP_SERIAL_CRC_INIT, pkt, len);
	f.tail[0] = (uint8_t)(crc >> 8);
	f.tail[1] = (uint8_t)crc;

	for (size_t pos = 0; pos < body;) {
		size_t end = body - pos < per_line ? body : pos + per_line;
		size_t n = 0;
		int rc;

		line[n++] = pos == 0 ? SMP_SERIAL_MARK_FIRST_0 : SMP_SERIAL_MARK_CONT_0;
		line[n++] = pos == 0 ? SMP_SERIAL_MARK_FIRST_1 : SMP_SERIAL_MARK_CONT_1;
		while (pos < end) {
			uint8_t group[3];
			size_t g = end - pos < 3 ? end - pos : 3;

			for (size_t k = 0; k < g; k++) {
				group[k] = body_byte(&f, pos + k);
			}
			b64_group(group, g, line + n);
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

void smp_serial_rx_init(struct smp_serial_rx *rx, uint8_t *line, size_t line_cap, size_t pkt_max,
			const struct smp_serial_rx_ops *ops, void *ctx)
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

void smp_serial_rx_reset(struct smp_serial_rx *rx)
{
	drop_packet(rx, SMP_SERIAL_RX_IDLE);
	rx->line_len = 0;
	rx->line_overlong = false;
}

/* Decodes the current line's Base64 in place, to the start of the line buffer. */
static int decode_line(struct smp_serial_rx *rx)
{
	return smp_serial_b64_decode(rx->line + SMP_SERIAL_MARK_SIZE,
				     rx->line_len - SMP_SERIAL_MARK_SIZE, rx->line, rx->line_cap);
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
	crc = smp_serial_crc16(SMP_SERIAL_CRC_INIT, rx->pkt, rx->want);
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

size_t smp_serial_rx_feed(struct smp_serial_rx *rx, const uint8_t *data, size_t len)
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
