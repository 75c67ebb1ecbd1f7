/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The line encoder's body and its Base64 groups, inline: smp_serial_frame.c builds
 * smpdfu_smp_serial_encode() for any line size, and smp_serial.c the device transport's for its
 * configured one, where the line's bounds are constants and the arguments no call.
 */
#ifndef SMPDFU_SMP_SERIAL_TX_H
#define SMPDFU_SMP_SERIAL_TX_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/transport/smp_serial.h>

/* The Base64 character of a 6-bit value d: b64_value() backwards, with no 64-byte alphabet. */
static inline uint8_t b64_char(unsigned int d)
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
static inline void b64_group(uint32_t v, size_t n, uint8_t *out)
{
	for (size_t k = 0; k < 4; k++) {
		out[k] = k <= n ? b64_char(v >> 18 & 0x3F) : '=';
		v <<= 6;
	}
}

/* smpdfu_smp_serial_encode(). */
static inline int smp_serial_encode(const uint8_t *pkt, size_t len, uint8_t *line,
				    size_t line_max, smp_serial_write_fn write, void *ctx)
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

#endif /* SMPDFU_SMP_SERIAL_TX_H */
