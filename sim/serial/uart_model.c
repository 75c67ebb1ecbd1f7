/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The UART line model. Time on the line is kept in ticks of 1/baud µs, where a byte is exactly
 * bits_per_byte * 1,000,000 ticks; only the arrival times handed out are rounded, up, to µs.
 */
#include "uart_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UART_BAUD_MAX 4000000u
#define UART_BITS_MAX 16u

static uint64_t ticks_to_us_up(const struct uart_line *l, uint64_t ticks)
{
	return (ticks + l->baud - 1u) / l->baud;
}

int uart_line_init(struct uart_line *l, uint32_t baud, uint32_t bits_per_byte, size_t chunks)
{
	memset(l, 0, sizeof(*l));
	if (baud == 0 || baud > UART_BAUD_MAX || bits_per_byte == 0 ||
	    bits_per_byte > UART_BITS_MAX || chunks == 0) {
		return -EINVAL;
	}
	l->q = calloc(chunks, sizeof(*l->q));
	if (l->q == NULL) {
		return -ENOMEM;
	}
	l->baud = baud;
	l->bits_per_byte = bits_per_byte;
	l->cap = chunks;
	return 0;
}

void uart_line_deinit(struct uart_line *l)
{
	free(l->q);
	l->q = NULL;
	l->count = 0;
}

int uart_line_write(struct uart_line *l, uint64_t now_us, const uint8_t *data, size_t len)
{
	const uint64_t byte_ticks = (uint64_t)l->bits_per_byte * 1000000u;
	uint64_t now_ticks = now_us * l->baud;
	size_t pieces = (len + UART_CHUNK_MAX - 1) / UART_CHUNK_MAX;

	if (l->count + pieces > l->cap) {
		return -ENOBUFS;
	}
	/* An idle line starts at once; a busy one sends these bytes right after the last ones. */
	if (l->free_at_ticks < now_ticks) {
		l->free_at_ticks = now_ticks;
	}
	for (size_t off = 0; off < len; off += UART_CHUNK_MAX) {
		struct uart_chunk *c = &l->q[(l->head + l->count) % l->cap];
		size_t n = len - off < UART_CHUNK_MAX ? len - off : UART_CHUNK_MAX;

		l->free_at_ticks += byte_ticks * n;
		c->at_us = ticks_to_us_up(l, l->free_at_ticks);
		c->len = (uint16_t)n;
		memcpy(c->data, data + off, n);
		l->count++;
	}
	l->bytes += len;
	return 0;
}

uint64_t uart_line_idle_at(const struct uart_line *l, uint64_t now_us)
{
	uint64_t at = ticks_to_us_up(l, l->free_at_ticks);

	return at > now_us ? at : now_us;
}

uint64_t uart_line_next_us(const struct uart_line *l)
{
	return l->count > 0 ? l->q[l->head].at_us : UINT64_MAX;
}

const struct uart_chunk *uart_line_peek(const struct uart_line *l, uint64_t now_us)
{
	if (l->count == 0 || l->q[l->head].at_us > now_us) {
		return NULL;
	}
	return &l->q[l->head];
}

void uart_line_pop(struct uart_line *l)
{
	if (l->count > 0) {
		l->head = (l->head + 1) % l->cap;
		l->count--;
	}
}
