/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR writer: appends items to a caller-owned buffer with shortest-form heads, so responses
 * match a Zephyr server byte for byte, and fails an item whole rather than writing part of it.
 * Every item is one head (major type and argument), and a string its bytes after it, so one
 * function writes every head and each put_* is a call to it.
 */
#include <smpdfu/cbor.h>

#include <string.h>

/* The first byte of a head: major type in the top 3 bits, additional info below. */
#define MAJOR_UINT 0x00u
#define MAJOR_NINT 0x20u
#define MAJOR_BSTR 0x40u
#define MAJOR_TSTR 0x60u
#define MAJOR_ARRAY 0x80u
#define MAJOR_MAP 0xa0u
#define MAJOR_SIMPLE 0xe0u
/* Simple values 20..22 fit the first byte: false, true, null. */
#define SIMPLE_FALSE 20u
#define SIMPLE_NULL 22u
/* Additional info 31: an indefinite container's head, or with major type 7 the break. */
#define AI_INDEFINITE 31u

/*
 * The additional info of a head with this argument: the value itself, or 24..27 for 1, 2, 4 or 8
 * bytes of it that follow. Compared in 32-bit halves, as a Cortex-M compares anyway.
 */
static unsigned int head_info(uint64_t v)
{
	uint32_t lo = (uint32_t)v;

	if (v < 24) {
		return lo;
	}
	return v >> 32 != 0 ? 27 : lo > UINT16_MAX ? 26 : lo > UINT8_MAX ? 25 : 24;
}

size_t smpdfu_cbor_head_size(uint64_t v)
{
	unsigned int ai = head_info(v);

	return ai < 24 ? 1 : 1 + ((size_t)1 << (ai - 24));
}

/*
 * Appends the head `first | v` and, for a byte or text string (major type 2 or 3), room for its v
 * bytes of payload; or marks the writer overflowed. The whole item is checked up front, so a failed
 * item never leaves a head without its payload in the buffer. A one-byte head that is not a small
 * number (a simple value, an indefinite container, the break) comes whole in `first` with v = 0.
 */
static bool put_head(struct cbor_writer *w, unsigned int first, uint64_t v)
{
	unsigned int ai = head_info(v);
	size_t n = ai < 24 ? 1 : 1 + ((size_t)1 << (ai - 24));
	/* Of the heads with an argument, only strings' (major types 2 and 3) have bit 6 set. */
	size_t len = (size_t)v * ((first >> 6) & 1u);
	size_t room = w->cap - w->len;
	uint8_t *p = w->buf + w->len;

	if (w->overflow || n > room || len > room - n) {
		w->overflow = true;
		return false;
	}
	w->len += n + len;
	p[0] = (uint8_t)(first | ai);
	while (--n > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
	return true;
}

/* A byte or text string: its head, then its bytes into the room put_head() left. */
static bool put_string(struct cbor_writer *w, const void *data, size_t len, unsigned int major)
{
	if (!put_head(w, major, len)) {
		return false;
	}
	/* memcpy() from NULL is undefined even for 0 bytes, and empty strings may pass NULL. */
	if (len > 0) {
		memcpy(w->buf + w->len - len, data, len);
	}
	return true;
}

bool smpdfu_cbor_put_uint(struct cbor_writer *w, uint64_t v)
{
	return put_head(w, MAJOR_UINT, v);
}

bool smpdfu_cbor_put_int(struct cbor_writer *w, int64_t v)
{
	/* Major type 1 carries n for the value -1 - n; ~v is exactly that and cannot overflow. */
	return v >= 0 ? put_head(w, MAJOR_UINT, (uint64_t)v)
		      : put_head(w, MAJOR_NINT, ~(uint64_t)v);
}

bool smpdfu_cbor_put_bool(struct cbor_writer *w, bool v)
{
	return put_head(w, MAJOR_SIMPLE | (SIMPLE_FALSE + v), 0);
}

bool smpdfu_cbor_put_null(struct cbor_writer *w)
{
	return put_head(w, MAJOR_SIMPLE | SIMPLE_NULL, 0);
}

bool smpdfu_cbor_put_bstr(struct cbor_writer *w, const void *data, size_t len)
{
	return put_string(w, data, len, MAJOR_BSTR);
}

bool smpdfu_cbor_put_tstr(struct cbor_writer *w, const char *s, size_t len)
{
	return put_string(w, s, len, MAJOR_TSTR);
}

bool smpdfu_cbor_put_cstr(struct cbor_writer *w, const char *s)
{
	return put_string(w, s, strlen(s), MAJOR_TSTR);
}

bool smpdfu_cbor_put_map(struct cbor_writer *w, size_t pairs)
{
	return put_head(w, MAJOR_MAP, pairs);
}

bool smpdfu_cbor_put_array(struct cbor_writer *w, size_t items)
{
	return put_head(w, MAJOR_ARRAY, items);
}

bool smpdfu_cbor_put_map_indef(struct cbor_writer *w)
{
	return put_head(w, MAJOR_MAP | AI_INDEFINITE, 0);
}

bool smpdfu_cbor_put_array_indef(struct cbor_writer *w)
{
	return put_head(w, MAJOR_ARRAY | AI_INDEFINITE, 0);
}

bool smpdfu_cbor_put_break(struct cbor_writer *w)
{
	return put_head(w, MAJOR_SIMPLE | AI_INDEFINITE, 0);
}
