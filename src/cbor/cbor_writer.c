/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR writer: appends items to a caller-owned buffer with shortest-form heads, so responses
 * match a Zephyr server byte for byte, and fails an item whole rather than writing part of it.
 */
#include <smpdfu/cbor.h>

#include <string.h>

#define MAJOR_UINT 0u
#define MAJOR_NINT 1u
#define MAJOR_BSTR 2u
#define MAJOR_TSTR 3u
#define MAJOR_ARRAY 4u
#define MAJOR_MAP 5u

#define BYTE_FALSE 0xf4u
#define BYTE_TRUE 0xf5u
#define BYTE_NULL 0xf6u
#define BYTE_ARRAY_INDEF 0x9fu
#define BYTE_MAP_INDEF 0xbfu
#define BYTE_BREAK 0xffu

void cbor_writer_init(struct cbor_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = false;
}

size_t cbor_head_size(uint64_t v)
{
	if (v < 24) {
		return 1;
	}
	if (v <= UINT8_MAX) {
		return 2;
	}
	if (v <= UINT16_MAX) {
		return 3;
	}
	if (v <= UINT32_MAX) {
		return 5;
	}
	return 9;
}

/*
 * Reserves `need` bytes (head plus payload) or marks the writer overflowed. Checking the whole item
 * up front is what keeps a failed item from leaving a head without its payload in the buffer.
 */
static bool reserve(struct cbor_writer *w, size_t head, size_t payload)
{
	size_t room;

	if (w->overflow) {
		return false;
	}
	room = w->cap - w->len;
	if (head > room || payload > room - head) {
		w->overflow = true;
		return false;
	}
	return true;
}

/* Writes a head whose room reserve() has already granted. */
static void emit_head(struct cbor_writer *w, unsigned int major, uint64_t v)
{
	size_t n = cbor_head_size(v);
	uint8_t *p = &w->buf[w->len];
	uint8_t ai;

	switch (n) {
	case 1:
		ai = (uint8_t)v;
		break;
	case 2:
		ai = 24;
		break;
	case 3:
		ai = 25;
		break;
	case 5:
		ai = 26;
		break;
	default:
		ai = 27;
		break;
	}
	p[0] = (uint8_t)((major << 5) | ai);
	/* The argument follows big-endian in the n - 1 bytes after the initial byte. */
	for (size_t k = n - 1; k > 0; k--) {
		p[k] = (uint8_t)v;
		v >>= 8;
	}
	w->len += n;
}

static bool put_head(struct cbor_writer *w, unsigned int major, uint64_t v)
{
	if (!reserve(w, cbor_head_size(v), 0)) {
		return false;
	}
	emit_head(w, major, v);
	return true;
}

static bool put_byte(struct cbor_writer *w, uint8_t b)
{
	if (!reserve(w, 1, 0)) {
		return false;
	}
	w->buf[w->len++] = b;
	return true;
}

static bool put_string(struct cbor_writer *w, unsigned int major, const void *data, size_t len)
{
	if (!reserve(w, cbor_head_size(len), len)) {
		return false;
	}
	emit_head(w, major, len);
	/* memcpy() from NULL is undefined even for 0 bytes, and empty strings may pass NULL. */
	if (len > 0) {
		memcpy(&w->buf[w->len], data, len);
		w->len += len;
	}
	return true;
}

bool cbor_put_uint(struct cbor_writer *w, uint64_t v)
{
	return put_head(w, MAJOR_UINT, v);
}

bool cbor_put_int(struct cbor_writer *w, int64_t v)
{
	if (v >= 0) {
		return put_head(w, MAJOR_UINT, (uint64_t)v);
	}
	/* Major type 1 carries n for the value -1 - n; ~v is exactly that and cannot overflow. */
	return put_head(w, MAJOR_NINT, ~(uint64_t)v);
}

bool cbor_put_bool(struct cbor_writer *w, bool v)
{
	return put_byte(w, v ? BYTE_TRUE : BYTE_FALSE);
}

bool cbor_put_null(struct cbor_writer *w)
{
	return put_byte(w, BYTE_NULL);
}

bool cbor_put_bstr(struct cbor_writer *w, const void *data, size_t len)
{
	return put_string(w, MAJOR_BSTR, data, len);
}

bool cbor_put_tstr(struct cbor_writer *w, const char *s, size_t len)
{
	return put_string(w, MAJOR_TSTR, s, len);
}

bool cbor_put_cstr(struct cbor_writer *w, const char *s)
{
	return put_string(w, MAJOR_TSTR, s, strlen(s));
}

bool cbor_put_map(struct cbor_writer *w, size_t pairs)
{
	return put_head(w, MAJOR_MAP, pairs);
}

bool cbor_put_array(struct cbor_writer *w, size_t items)
{
	return put_head(w, MAJOR_ARRAY, items);
}

bool cbor_put_map_indef(struct cbor_writer *w)
{
	return put_byte(w, BYTE_MAP_INDEF);
}

bool cbor_put_array_indef(struct cbor_writer *w)
{
	return put_byte(w, BYTE_ARRAY_INDEF);
}

bool cbor_put_break(struct cbor_writer *w)
{
	return put_byte(w, BYTE_BREAK);
}
