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

#include "smp_serial_rx.h"
#include "smp_serial_tx.h"

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

/* The encoder for any line size (smp_serial_tx.h has the body). */
int smpdfu_smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line, size_t line_max,
			     smp_serial_write_fn write, void *ctx)
{
	return smp_serial_encode(pkt, len, line, line_max, write, ctx);
}

/* ---- Decoder --------------------------------------------------------------------------------- */

/* The decoder for any callbacks: those the caller put in rx (smp_serial_rx.h has the body). */
size_t smpdfu_smp_serial_rx_feed(struct smp_serial_rx *rx, const uint8_t *data, size_t len)
{
	return smp_serial_rx_feed(rx, rx->ops, rx->ctx, data, len, true);
}

void smpdfu_smp_serial_rx_reset(struct smp_serial_rx *rx)
{
	smp_serial_rx_reset(rx, rx->ops, rx->ctx);
}
