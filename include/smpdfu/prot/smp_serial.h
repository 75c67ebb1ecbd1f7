/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over a serial console as it is on the wire: a length-prefixed, CRC-protected packet in Base64
 * text lines that start with a two-byte marker, so SMP frames and console text share one UART.
 */
#ifndef SMPDFU_PROT_SMP_SERIAL_H
#define SMPDFU_PROT_SMP_SERIAL_H

/* The first line of a packet starts with these two bytes, every further line with the others. */
#define SMP_SERIAL_MARK_FIRST_0 0x06
#define SMP_SERIAL_MARK_FIRST_1 0x09
#define SMP_SERIAL_MARK_CONT_0 0x04
#define SMP_SERIAL_MARK_CONT_1 0x14
#define SMP_SERIAL_MARK_SIZE 2
#define SMP_SERIAL_EOL '\n'

/*
 * The Base64 text of the frame body: big-endian length of (packet + CRC), the packet, then the
 * big-endian CRC-16/XMODEM of the packet alone. Each line holds whole 4-character groups, so it
 * decodes on its own.
 */
#define SMP_SERIAL_LEN_SIZE 2
#define SMP_SERIAL_CRC_SIZE 2
#define SMP_SERIAL_FRAME_OVERHEAD (SMP_SERIAL_LEN_SIZE + SMP_SERIAL_CRC_SIZE)

/* CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR. */
#define SMP_SERIAL_CRC_POLY 0x1021
#define SMP_SERIAL_CRC_INIT 0x0000
#define SMP_SERIAL_CRC_CHECK 0x31C3 /* of the ASCII string "123456789" */

/* The longest line peers accept: marker, 124 Base64 characters (93 bytes) and the newline. */
#define SMP_SERIAL_LINE_MAX 127
/* The shortest line that carries data: marker, one 4-character group, newline. */
#define SMP_SERIAL_LINE_MIN (SMP_SERIAL_MARK_SIZE + 4 + 1)

/* The largest packet the 16-bit length field can describe. */
#define SMP_SERIAL_PACKET_MAX (0xFFFF - SMP_SERIAL_CRC_SIZE)

#endif /* SMPDFU_PROT_SMP_SERIAL_H */
