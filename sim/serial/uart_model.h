/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A deterministic model of one direction of a UART line in virtual time (microseconds): bytes go
 * out back to back at the line rate, each taking bits_per_byte bit times (10 for 8N1: start, 8
 * data, stop), and the receiver gets each write in pieces of up to UART_CHUNK_MAX bytes, each the
 * moment its last byte has arrived: the best a UART driver can do. It models what bounds SMP over a
 * serial line, not the electrical line: no loss, no flow control, no noise.
 */
#ifndef UART_MODEL_H
#define UART_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* A write is cut into pieces of at most this many bytes. */
#define UART_CHUNK_MAX 128u
/* 8N1: a start bit, eight data bits, a stop bit. */
#define UART_BITS_8N1 10u

struct uart_chunk {
	uint64_t at_us; /* when its last byte has arrived */
	uint16_t len;
	uint8_t data[UART_CHUNK_MAX];
};

struct uart_line {
	uint32_t baud;
	uint32_t bits_per_byte;
	/*
	 * When the line finishes what it was given, in ticks of 1/baud µs: byte times are exact
	 * in these units, so back-to-back writes never pile up rounding (a write to an idle line
	 * starts at the whole µs it is made).
	 */
	uint64_t free_at_ticks;
	struct uart_chunk *q; /* chunks in flight, oldest first, a ring of cap */
	size_t cap;
	size_t head;
	size_t count;
	uint64_t bytes;       /* written to the line so far */
};

/*
 * Prepares a line of `baud` bits per second (1..4,000,000) with bits_per_byte (1..16) that holds
 * up to `chunks` chunks in flight. Returns 0, -EINVAL or -ENOMEM.
 */
int uart_line_init(struct uart_line *l, uint32_t baud, uint32_t bits_per_byte, size_t chunks);
void uart_line_deinit(struct uart_line *l);

/*
 * The sender writes data[0..len) at time now_us: it goes out after whatever the line still
 * carries. Returns 0, or -ENOBUFS when the chunks in flight would exceed the capacity (nothing is
 * sent then).
 */
int uart_line_write(struct uart_line *l, uint64_t now_us, const uint8_t *data, size_t len);

/* When the line has sent everything it was given (µs, rounded up); never before now_us. */
uint64_t uart_line_idle_at(const struct uart_line *l, uint64_t now_us);

/* When the oldest chunk in flight arrives, UINT64_MAX when none is. */
uint64_t uart_line_next_us(const struct uart_line *l);

/*
 * The oldest chunk in flight if it has arrived by now_us, else NULL; valid until uart_line_pop().
 */
const struct uart_chunk *uart_line_peek(const struct uart_line *l, uint64_t now_us);
/* Removes the chunk uart_line_peek() returned. */
void uart_line_pop(struct uart_line *l);

#endif /* UART_MODEL_H */
