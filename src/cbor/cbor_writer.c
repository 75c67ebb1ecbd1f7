/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR writer: appends items to a caller-owned buffer with shortest-form heads, so responses
 * match a Zephyr server byte for byte, and fails an item whole rather than writing part of it.
 * Every item is one head (major type and argument) and an optional payload, so one function
 * writes them all.
 */
#include <smpdfu/cbor.h>

#include <string.h>

#define MAJOR_UINT 0u
#define MAJOR_NINT 1u
#define MAJOR_BSTR 2u
#define MAJOR_TSTR 3u
#define MAJOR_ARRAY 4u
#define MAJOR_MAP 5u
/* Major type 7 with these arguments is one byte: false, true, null. */
#define MAJOR_SIMPLE 7u
#define SIMPLE_FALSE 20u
#define SIMPLE_NULL 22u
/* Additional info 31: an indefinite container's head, or with major type 7 the break. */
#define AI_INDEFINITE 31u

void smpdfu_cbor_writer_init(struct cbor_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = false;
}

size_t smpdfu_cbor_head_size(uint64_t v)
{
	return v < 24 ? 1 : v <= UINT8_MAX ? 2 : v <= UINT16_MAX ? 3 : v <= UINT32_MAX ? 5 : 9;
}

/*
 * Appends a head and `len` bytes of payload, or marks the writer overflowed: the whole item is
 * checked up front, so a failed item never leaves a head without its payload in the buffer.
 * indefinite: the head's additional info is 31 and v is not written.
 */
static bool put(struct cbor_writer *w, unsigned int major, uint64_t v, bool indefinite,
		const void *data, size_t len)
{
	size_t n = indefinite ? 1 : smpdfu_cbor_head_size(v);
	size_t room = w->cap - w->len;
	uint8_t *p = w->buf + w->len;

	if (w->overflow || n > room || len > room - n) {
		w->overflow = true;
		return false;
	}
	/* Additional info: the value itself, or 24..27 for 1, 2, 4 or 8 bytes of it that follow. */
	p[0] = (uint8_t)(major << 5 |
			 (indefinite ? AI_INDEFINITE : n == 1 ? v : 24u + __builtin_ctz(n - 1)));
	for (size_t k = n - 1; k > 0; k--) {
		p[k] = (uint8_t)v;
		v >>= 8;
	}
	/* memcpy() from NULL is undefined even for 0 bytes, and empty strings may pass NULL. */
	if (len > 0) {
		memcpy(p + n, data, len);
	}
	w->len += n + len;
	return true;
}

bool smpdfu_cbor_put_uint(struct cbor_writer *w, uint64_t v)
{
	return put(w, MAJOR_UINT, v, false, NULL, 0);
}

bool smpdfu_cbor_put_int(struct cbor_writer *w, int64_t v)
{
	/* Major type 1 carries n for the value -1 - n; ~v is exactly that and cannot overflow. */
	return v >= 0 ? smpdfu_cbor_put_uint(w, (uint64_t)v)
		      : put(w, MAJOR_NINT, ~(uint64_t)v, false, NULL, 0);
}

bool smpdfu_cbor_put_bool(struct cbor_writer *w, bool v)
{
	return put(w, MAJOR_SIMPLE, SIMPLE_FALSE + v, false, NULL, 0);
}

bool smpdfu_cbor_put_null(struct cbor_writer *w)
{
	return put(w, MAJOR_SIMPLE, SIMPLE_NULL, false, NULL, 0);
}

bool smpdfu_cbor_put_bstr(struct cbor_writer *w, const void *data, size_t len)
{
	return put(w, MAJOR_BSTR, len, false, data, len);
}

bool smpdfu_cbor_put_tstr(struct cbor_writer *w, const char *s, size_t len)
{
	return put(w, MAJOR_TSTR, len, false, s, len);
}

bool smpdfu_cbor_put_cstr(struct cbor_writer *w, const char *s)
{
	return smpdfu_cbor_put_tstr(w, s, strlen(s));
}

bool smpdfu_cbor_put_map(struct cbor_writer *w, size_t pairs)
{
	return put(w, MAJOR_MAP, pairs, false, NULL, 0);
}

bool smpdfu_cbor_put_array(struct cbor_writer *w, size_t items)
{
	return put(w, MAJOR_ARRAY, items, false, NULL, 0);
}

bool smpdfu_cbor_put_map_indef(struct cbor_writer *w)
{
	return put(w, MAJOR_MAP, 0, true, NULL, 0);
}

bool smpdfu_cbor_put_array_indef(struct cbor_writer *w)
{
	return put(w, MAJOR_ARRAY, 0, true, NULL, 0);
}

bool smpdfu_cbor_put_break(struct cbor_writer *w)
{
	return put(w, MAJOR_SIMPLE, 0, true, NULL, 0);
}
