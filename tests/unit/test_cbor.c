/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the CBOR codec: byte-exact writer output at every head-size boundary, overflow at
 * every capacity, the reader on every item kind and every malformation, and the map decoder on the
 * request bytes real SMP clients send, on hostile input and on every truncation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>
#include <smpdfu/config.h>
#include <smpdfu/crypto.h>

#include "util.h"

#define MAX_DEPTH CONFIG_SMPDFU_CBOR_MAX_DEPTH

/* ---- helpers --------------------------------------------------------------------------------- */

static unsigned int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return (unsigned int)(c - '0');
	}
	if (c >= 'a' && c <= 'f') {
		return (unsigned int)(c - 'a' + 10);
	}
	if (c >= 'A' && c <= 'F') {
		return (unsigned int)(c - 'A' + 10);
	}
	fail_msg("bad hex digit '%c'", c);
	return 0;
}

/* Hex (spaces allowed) to bytes; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*hex) {
		if (*hex == ' ' || *hex == '\n') {
			hex++;
			continue;
		}
		assert_true(hex[1] != '\0');
		assert_true(n < cap);
		out[n++] = (uint8_t)(hex_nibble(hex[0]) << 4 | hex_nibble(hex[1]));
		hex += 2;
	}
	return n;
}

static void assert_bytes(const uint8_t *got, size_t got_len, const char *want_hex)
{
	uint8_t want[512];
	size_t want_len = unhex(want_hex, want, sizeof(want));

	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

static void assert_written(const struct cbor_writer *w, const char *want_hex)
{
	assert_false(w->overflow);
	assert_bytes(w->buf, w->len, want_hex);
}

/* The bytes a field of this kind takes in the tests' request structs. */
static size_t member_size(unsigned int kind)
{
	switch (kind) {
	case CBOR_KIND_UINT32:
		return sizeof(uint32_t);
	case CBOR_KIND_BOOL:
	case CBOR_KIND_BOOL_OR_UINT:
		return sizeof(bool);
	case CBOR_KIND_TSTR:
	case CBOR_KIND_BSTR:
	case CBOR_KIND_BSTR_OR_NULL:
		return sizeof(struct cbor_view);
	default:
		return sizeof(uint64_t);
	}
}

/*
 * Decodes buf[0..len) by the field list into the members of out at offsets[k], for tests that keep
 * named members: each goes into its field's value before the decode and back after it, so that a
 * member the decoder did not write keeps what it held. *found gets the set found on success and is
 * not written on error. Returns 0 or the decoder's error.
 */
static int decode_into(const uint8_t *buf, size_t len, const char *fields, const size_t *offsets,
		       void *out, uint32_t *found)
{
	const struct cbor_view in = { buf, len };
	union cbor_value v[32];
	size_t n = 0;
	int rc;

	memset(v, 0x5a, sizeof(v));
	for (const char *f = fields; *f != '\0'; f += strlen(f + 1) + 2, n++) {
		memcpy(&v[n], (uint8_t *)out + offsets[n], member_size((uint8_t)*f));
	}
	rc = smpdfu_cbor_decode_map(&in, fields, n > 0 ? v : NULL);
	n = 0;
	for (const char *f = fields; *f != '\0'; f += strlen(f + 1) + 2, n++) {
		memcpy((uint8_t *)out + offsets[n], &v[n], member_size((uint8_t)*f));
	}
	if (rc < 0) {
		return rc;
	}
	*found = (uint32_t)rc;
	return 0;
}

/*
 * Decodes hex input given as a string. The bytes live in a heap block of exactly their size, so a
 * read past the end shows under valgrind and ASan; the block stays alive until the next call
 * because the decoded views point into it.
 */
static int decode_hex(const char *hex, const char *fields, const size_t *offsets, void *out,
		      uint32_t *found)
{
	static uint8_t *input;
	uint8_t tmp[512];
	size_t len = unhex(hex, tmp, sizeof(tmp));

	free(input);
	input = malloc(len ? len : 1);
	assert_non_null(input);
	memcpy(input, tmp, len);
	return decode_into(input, len, fields, offsets, out, found);
}

/* What a found set holds before a decode: one that fails must leave it so. */
#define FOUND_UNWRITTEN 0xa5a5a5a5u

/* ---- writer ---------------------------------------------------------------------------------- */

struct uint_case {
	uint64_t v;
	const char *hex;
};

static const struct uint_case uint_cases[] = {
	{ 0, "00" },
	{ 1, "01" },
	{ 23, "17" },
	{ 24, "1818" },
	{ 255, "18ff" },
	{ 256, "190100" },
	{ 65535, "19ffff" },
	{ 65536, "1a00010000" },
	{ 4294967295u, "1affffffff" },
	{ 4294967296u, "1b0000000100000000" },
	{ UINT64_MAX, "1bffffffffffffffff" },
};

static void test_put_uint_boundaries(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(uint_cases); k++) {
		uint8_t buf[9];
		struct cbor_writer w;

		/* The exact size must suffice: the head is the shortest form and nothing more. */
		smpdfu_cbor_writer_init(&w, buf, smpdfu_cbor_head_size(uint_cases[k].v));
		assert_true(smpdfu_cbor_put_uint(&w, uint_cases[k].v));
		assert_written(&w, uint_cases[k].hex);
		assert_int_equal(w.len, smpdfu_cbor_head_size(uint_cases[k].v));
	}
}

static void test_head_size(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_cbor_head_size(0), 1);
	assert_int_equal(smpdfu_cbor_head_size(23), 1);
	assert_int_equal(smpdfu_cbor_head_size(24), 2);
	assert_int_equal(smpdfu_cbor_head_size(255), 2);
	assert_int_equal(smpdfu_cbor_head_size(256), 3);
	assert_int_equal(smpdfu_cbor_head_size(65535), 3);
	assert_int_equal(smpdfu_cbor_head_size(65536), 5);
	assert_int_equal(smpdfu_cbor_head_size(UINT32_MAX), 5);
	assert_int_equal(smpdfu_cbor_head_size((uint64_t)UINT32_MAX + 1), 9);
	assert_int_equal(smpdfu_cbor_head_size(UINT64_MAX), 9);
}

struct int_case {
	int64_t v;
	const char *hex;
};

static const struct int_case int_cases[] = {
	{ 0, "00" },
	{ 23, "17" },
	{ 24, "1818" },
	{ 256, "190100" },
	{ INT64_MAX, "1b7fffffffffffffff" },
	{ -1, "20" },
	{ -24, "37" },
	{ -25, "3818" },
	{ -256, "38ff" },
	{ -257, "390100" },
	{ -65536, "39ffff" },
	{ -65537, "3a00010000" },
	{ -4294967296, "3affffffff" },
	{ -4294967297, "3b0000000100000000" },
	{ INT64_MIN, "3b7fffffffffffffff" },
};

static void test_put_int_boundaries(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(int_cases); k++) {
		uint8_t buf[9];
		struct cbor_writer w;

		smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
		assert_true(smpdfu_cbor_put_int(&w, int_cases[k].v));
		assert_written(&w, int_cases[k].hex);
	}
}

static void test_put_strings(void **state)
{
	uint8_t buf[300];
	uint8_t data[256];
	struct cbor_writer w;

	(void)state;
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_tstr(&w, NULL, 0));
	assert_true(smpdfu_cbor_put_bstr(&w, NULL, 0));
	assert_true(smpdfu_cbor_put_cstr(&w, ""));
	assert_true(smpdfu_cbor_put_cstr(&w, "rc"));
	assert_true(smpdfu_cbor_put_tstr(&w, "hello world", 5));
	assert_true(smpdfu_cbor_put_bstr(&w, "\x00\xff", 2));
	assert_written(&w, "60 40 60 627263 6568656c6c6f 4200ff");

	/* Length heads cross their boundaries like integers do. */
	memset(data, 0xab, sizeof(data));
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_bstr(&w, data, 23));
	assert_int_equal(buf[0], 0x57);
	assert_int_equal(w.len, 24);
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_tstr(&w, (const char *)data, 24));
	assert_int_equal(buf[0], 0x78);
	assert_int_equal(buf[1], 24);
	assert_int_equal(w.len, 26);
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_bstr(&w, data, 255));
	assert_int_equal(buf[0], 0x58);
	assert_int_equal(buf[1], 0xff);
	assert_int_equal(w.len, 257);
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_bstr(&w, data, 256));
	assert_memory_equal(buf, "\x59\x01\x00", 3);
	assert_memory_equal(&buf[3], data, 256);
	assert_int_equal(w.len, 259);
}

static void test_put_simple_and_containers(void **state)
{
	uint8_t buf[64];
	struct cbor_writer w;

	(void)state;
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	assert_true(smpdfu_cbor_put_bool(&w, false));
	assert_true(smpdfu_cbor_put_bool(&w, true));
	assert_true(smpdfu_cbor_put_null(&w));
	assert_true(smpdfu_cbor_put_map(&w, 0));
	assert_true(smpdfu_cbor_put_map(&w, 23));
	assert_true(smpdfu_cbor_put_map(&w, 24));
	assert_true(smpdfu_cbor_put_array(&w, 0));
	assert_true(smpdfu_cbor_put_array(&w, 23));
	assert_true(smpdfu_cbor_put_array(&w, 256));
	assert_true(smpdfu_cbor_put_array(&w, 65536));
	assert_true(smpdfu_cbor_put_map_indef(&w));
	assert_true(smpdfu_cbor_put_array_indef(&w));
	assert_true(smpdfu_cbor_put_break(&w));
	assert_written(&w, "f4 f5 f6 a0 b7 b818 80 97 990100 9a00010000 bf 9f ff");
}

/* The echo response and the image state read response of a real Zephyr 3.5.0 server. */
static void test_put_matches_zephyr_responses(void **state)
{
	static const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE] = {
		0xd8, 0x89, 0xab, 0xda, 0x02, 0xc1, 0x98, 0xa6, 0x76, 0x56, 0xbe,
		0x6d, 0x42, 0x6b, 0xda, 0x5b, 0x71, 0x36, 0x59, 0x73, 0xd7, 0xdb,
		0xd5, 0x1c, 0x70, 0xf1, 0x88, 0x86, 0x53, 0xed, 0x4d, 0xd7,
	};
	uint8_t buf[256];
	struct cbor_writer w;

	(void)state;
	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	smpdfu_cbor_put_map_indef(&w);
	smpdfu_cbor_put_cstr(&w, "r");
	smpdfu_cbor_put_cstr(&w, "hello");
	assert_true(smpdfu_cbor_put_break(&w));
	assert_written(&w, "bf61726568656c6c6fff");

	smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
	smpdfu_cbor_put_map_indef(&w);
	smpdfu_cbor_put_cstr(&w, "images");
	smpdfu_cbor_put_array_indef(&w);
	smpdfu_cbor_put_map_indef(&w);
	smpdfu_cbor_put_cstr(&w, "slot");
	smpdfu_cbor_put_uint(&w, 0);
	smpdfu_cbor_put_cstr(&w, "version");
	smpdfu_cbor_put_cstr(&w, "1.0.0");
	smpdfu_cbor_put_cstr(&w, "hash");
	smpdfu_cbor_put_bstr(&w, hash, sizeof(hash));
	smpdfu_cbor_put_cstr(&w, "bootable");
	smpdfu_cbor_put_bool(&w, true);
	smpdfu_cbor_put_cstr(&w, "pending");
	smpdfu_cbor_put_bool(&w, false);
	smpdfu_cbor_put_cstr(&w, "confirmed");
	smpdfu_cbor_put_bool(&w, true);
	smpdfu_cbor_put_cstr(&w, "active");
	smpdfu_cbor_put_bool(&w, true);
	smpdfu_cbor_put_cstr(&w, "permanent");
	smpdfu_cbor_put_bool(&w, false);
	smpdfu_cbor_put_break(&w);
	smpdfu_cbor_put_break(&w);
	smpdfu_cbor_put_cstr(&w, "splitStatus");
	smpdfu_cbor_put_int(&w, 0);
	assert_true(smpdfu_cbor_put_break(&w));
	assert_written(&w, "bf66696d61676573 9fbf64736c6f74006776657273696f6e65312e302e30"
			   "646861736858 20d889abda02c198a67656be6d426bda5b71365973d7dbd51c70"
			   "f1888653ed4dd768626f6f7461626c65f56770656e64696e67f469636f6e666972"
			   "6d6564f566616374697665f5697065726d616e656e74f4ffff6b73706c69745374"
			   "6174757300ff");
}

/* The composite the overflow test writes, item by item. */
static bool put_composite_item(struct cbor_writer *w, size_t k)
{
	static const uint8_t blob[300] = { 1, 2, 3 };

	switch (k) {
	case 0:
		return smpdfu_cbor_put_map_indef(w);
	case 1:
		return smpdfu_cbor_put_cstr(w, "off");
	case 2:
		return smpdfu_cbor_put_uint(w, 70000);
	case 3:
		return smpdfu_cbor_put_cstr(w, "neg");
	case 4:
		return smpdfu_cbor_put_int(w, -1000);
	case 5:
		return smpdfu_cbor_put_cstr(w, "data");
	case 6:
		return smpdfu_cbor_put_bstr(w, blob, sizeof(blob));
	case 7:
		return smpdfu_cbor_put_cstr(w, "list");
	case 8:
		return smpdfu_cbor_put_array(w, 3);
	case 9:
		return smpdfu_cbor_put_bool(w, true);
	case 10:
		return smpdfu_cbor_put_null(w);
	case 11:
		return smpdfu_cbor_put_uint(w, UINT64_MAX);
	case 12:
		return smpdfu_cbor_put_cstr(w, "x");
	case 13:
		return smpdfu_cbor_put_tstr(w, "abc", 3);
	case 14:
		return smpdfu_cbor_put_map(w, 0);
	default:
		return smpdfu_cbor_put_break(w);
	}
}

#define COMPOSITE_ITEMS 16

static void test_overflow_at_every_cap(void **state)
{
	static uint8_t full[512];
	static uint8_t buf[512 + 16];
	size_t ends[COMPOSITE_ITEMS];
	size_t full_len;
	struct cbor_writer w;

	(void)state;
	smpdfu_cbor_writer_init(&w, full, sizeof(full));
	for (size_t k = 0; k < COMPOSITE_ITEMS; k++) {
		assert_true(put_composite_item(&w, k));
		ends[k] = w.len;
	}
	full_len = w.len;
	assert_int_equal(full_len, 1 + 4 + 5 + 4 + 3 + 5 + 303 + 5 + 1 + 1 + 1 + 9 + 2 + 4 + 1 + 1);

	for (size_t cap = 0; cap <= full_len; cap++) {
		size_t expect = 0;
		bool failed = false;

		/* What fits is the longest run of whole items from the start. */
		for (size_t k = 0; k < COMPOSITE_ITEMS && ends[k] <= cap; k++) {
			expect = ends[k];
		}
		memset(buf, 0x5a, sizeof(buf));
		smpdfu_cbor_writer_init(&w, buf, cap);
		for (size_t k = 0; k < COMPOSITE_ITEMS; k++) {
			bool ok = put_composite_item(&w, k);

			/* Sticky: after the first failure nothing succeeds, even small items. */
			if (failed) {
				assert_false(ok);
			}
			failed |= !ok;
			assert_true(w.len <= cap);
		}
		assert_int_equal(w.len, expect);
		assert_int_equal(w.overflow, cap < full_len);
		assert_int_equal(failed, cap < full_len);
		assert_memory_equal(buf, full, w.len);
		/* Nothing was written beyond len, not even part of the item that did not fit. */
		for (size_t k = w.len; k < sizeof(buf); k++) {
			assert_int_equal(buf[k], 0x5a);
		}
	}
}

static void test_overflow_is_sticky(void **state)
{
	uint8_t buf[8];
	struct cbor_writer w;

	(void)state;
	smpdfu_cbor_writer_init(&w, buf, 4);
	assert_true(smpdfu_cbor_put_uint(&w, 1));
	assert_false(smpdfu_cbor_put_bstr(&w, "abcdef", 6));
	assert_true(w.overflow);
	assert_int_equal(w.len, 1);
	/* Three bytes are free, yet nothing more goes in. */
	assert_false(smpdfu_cbor_put_null(&w));
	assert_false(smpdfu_cbor_put_break(&w));
	assert_false(smpdfu_cbor_put_cstr(&w, ""));
	assert_int_equal(w.len, 1);

	/* A writer with no buffer at all only overflows. */
	smpdfu_cbor_writer_init(&w, NULL, 0);
	assert_false(smpdfu_cbor_put_map_indef(&w));
	assert_int_equal(w.len, 0);
	assert_true(w.overflow);
}

/* ---- reader ---------------------------------------------------------------------------------- */

struct read_case {
	const char *hex;
	enum cbor_type type;
	uint64_t u;
	int64_t i;
	bool b;
	bool indefinite;
	size_t consumed;
};

static const struct read_case read_cases[] = {
	{ "00", CBOR_TYPE_UINT, 0, 0, false, false, 1 },
	{ "17", CBOR_TYPE_UINT, 23, 0, false, false, 1 },
	{ "1818", CBOR_TYPE_UINT, 24, 0, false, false, 2 },
	{ "19ffff", CBOR_TYPE_UINT, 65535, 0, false, false, 3 },
	{ "1a00010000", CBOR_TYPE_UINT, 65536, 0, false, false, 5 },
	{ "1bffffffffffffffff", CBOR_TYPE_UINT, UINT64_MAX, 0, false, false, 9 },
	/* Non-shortest forms are read, not refused. */
	{ "1800", CBOR_TYPE_UINT, 0, 0, false, false, 2 },
	{ "1b0000000000000005", CBOR_TYPE_UINT, 5, 0, false, false, 9 },
	{ "20", CBOR_TYPE_NINT, 0, -1, false, false, 1 },
	{ "37", CBOR_TYPE_NINT, 23, -24, false, false, 1 },
	{ "38ff", CBOR_TYPE_NINT, 255, -256, false, false, 2 },
	{ "3b7fffffffffffffff", CBOR_TYPE_NINT, INT64_MAX, INT64_MIN, false, false, 9 },
	{ "80", CBOR_TYPE_ARRAY, 0, 0, false, false, 1 },
	{ "820102", CBOR_TYPE_ARRAY, 2, 0, false, false, 1 },
	{ "9f", CBOR_TYPE_ARRAY, 0, 0, false, true, 1 },
	{ "a0", CBOR_TYPE_MAP, 0, 0, false, false, 1 },
	{ "a10102", CBOR_TYPE_MAP, 1, 0, false, false, 1 },
	{ "bf", CBOR_TYPE_MAP, 0, 0, false, true, 1 },
	{ "c001", CBOR_TYPE_TAG, 0, 0, false, false, 1 },
	{ "d81801", CBOR_TYPE_TAG, 24, 0, false, false, 2 },
	{ "f4", CBOR_TYPE_BOOL, 0, 0, false, false, 1 },
	{ "f5", CBOR_TYPE_BOOL, 0, 0, true, false, 1 },
	{ "f6", CBOR_TYPE_NULL, 0, 0, false, false, 1 },
	{ "f7", CBOR_TYPE_UNDEFINED, 0, 0, false, false, 1 },
	{ "f93c00", CBOR_TYPE_FLOAT, 0x3c00, 0, false, false, 3 },
	{ "fa3f800000", CBOR_TYPE_FLOAT, 0x3f800000, 0, false, false, 5 },
	{ "fb3ff0000000000000", CBOR_TYPE_FLOAT, 0x3ff0000000000000, 0, false, false, 9 },
	{ "e0", CBOR_TYPE_SIMPLE, 0, 0, false, false, 1 },
	{ "f3", CBOR_TYPE_SIMPLE, 19, 0, false, false, 1 },
	{ "f820", CBOR_TYPE_SIMPLE, 32, 0, false, false, 2 },
	{ "f8ff", CBOR_TYPE_SIMPLE, 255, 0, false, false, 2 },
	{ "ff", CBOR_TYPE_BREAK, 0, 0, false, true, 1 },
};

static void test_read_every_type(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(read_cases); k++) {
		const struct read_case *c = &read_cases[k];
		uint8_t buf[16];
		size_t len = unhex(c->hex, buf, sizeof(buf));
		struct cbor_reader r;
		struct cbor_item it;

		smpdfu_cbor_reader_init(&r, buf, len);
		assert_int_equal(smpdfu_cbor_reader_remaining(&r), len);
		assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
		assert_int_equal(it.type, c->type);
		assert_true(it.u == c->u);
		assert_true(it.i == c->i);
		assert_int_equal(it.b, c->b);
		if (c->type != CBOR_TYPE_BREAK) {
			assert_int_equal(it.indefinite, c->indefinite);
		}
		assert_int_equal(smpdfu_cbor_reader_remaining(&r), len - c->consumed);
	}
}

static void test_read_strings(void **state)
{
	static const uint8_t in[] = { 0x43, 1, 2, 3, 0x65, 'h', 'e', 'l', 'l', 'o', 0x40, 0x60,
				      0x58, 0x01, 0xaa, 0x7b, 0, 0, 0, 0, 0, 0, 0, 1, 'z' };
	struct cbor_reader r;
	struct cbor_item it;

	(void)state;
	smpdfu_cbor_reader_init(&r, in, sizeof(in));
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_BSTR);
	assert_ptr_equal(it.v.ptr, &in[1]);
	assert_int_equal(it.v.len, 3);
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_TSTR);
	assert_true(smpdfu_cbor_view_eq(it.v, "hello"));
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_BSTR);
	assert_int_equal(it.v.len, 0);
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_TSTR);
	assert_true(smpdfu_cbor_view_eq(it.v, ""));
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_BSTR);
	assert_int_equal(it.v.len, 1);
	assert_int_equal(it.v.ptr[0], 0xaa);
	/* A non-shortest length head is fine too. */
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_TSTR);
	assert_true(smpdfu_cbor_view_eq(it.v, "z"));
	assert_int_equal(smpdfu_cbor_reader_remaining(&r), 0);
	assert_int_equal(smpdfu_cbor_read(&r, &it), -ENODATA);
}

static void test_read_nint_overflow(void **state)
{
	uint8_t buf[32];
	size_t len = unhex("3b8000000000000000 3bffffffffffffffff 01", buf, sizeof(buf));
	struct cbor_reader r;
	struct cbor_item it;

	(void)state;
	smpdfu_cbor_reader_init(&r, buf, len);
	/* -2^63 - 1 and -2^64 do not fit: reported, consumed, and the reader carries on. */
	assert_int_equal(smpdfu_cbor_read(&r, &it), -EOVERFLOW);
	assert_int_equal(it.type, CBOR_TYPE_NINT);
	assert_true(it.u == (uint64_t)INT64_MAX + 1);
	assert_int_equal(smpdfu_cbor_read(&r, &it), -EOVERFLOW);
	assert_true(it.u == UINT64_MAX);
	assert_int_equal(smpdfu_cbor_read(&r, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_UINT);
	assert_int_equal(it.u, 1);
}

static const char *const malformed[] = {
	/* truncated heads */
	"18", "1900", "1a000000", "1b00000000000000", "38", "5901", "d9", "f9", "f900", "fa000000",
	"fb00000000000000", "f8",
	/* reserved additional info 28..30, for every major type */
	"1c", "1d", "1e", "3c", "3d", "3e", "5c", "7d", "9e", "bc", "dd", "fe", "fc", "fd",
	/* indefinite where it is not allowed, indefinite strings */
	"1f", "3f", "5f", "5f41aaff", "7f", "7f6161ff", "df",
	/* strings longer than the input */
	"41", "4201", "6568656c6c", "5affffffff", "5bffffffffffffffff00", "7b8000000000000000",
	/* container counts the input cannot hold */
	"81", "8301 02", "a1 01", "a2 010203", "9bffffffffffffffff 00", "bbffffffffffffffff 0000",
	"bb8000000000000000 0000",
};

static void test_read_rejects_malformed(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(malformed); k++) {
		uint8_t buf[32];
		size_t len = unhex(malformed[k], buf, sizeof(buf));
		uint8_t *copy = malloc(len);
		struct cbor_reader r;
		struct cbor_item it;

		assert_non_null(copy);
		memcpy(copy, buf, len);
		smpdfu_cbor_reader_init(&r, copy, len);
		if (smpdfu_cbor_read(&r, &it) != -EINVAL) {
			fail_msg("%s was not refused", malformed[k]);
		}
		/* A refused item leaves the reader where it was. */
		assert_int_equal(smpdfu_cbor_reader_remaining(&r), len);
		free(copy);
	}
}

static void test_read_empty(void **state)
{
	struct cbor_reader r;
	struct cbor_item it;

	(void)state;
	smpdfu_cbor_reader_init(&r, NULL, 0);
	assert_int_equal(smpdfu_cbor_reader_remaining(&r), 0);
	assert_int_equal(smpdfu_cbor_read(&r, &it), -ENODATA);
}

/* Reads one item and skips its rest; returns the first error or 0. */
static int read_and_skip(const uint8_t *buf, size_t len, size_t *left)
{
	struct cbor_reader r;
	struct cbor_item it;
	int rc;

	smpdfu_cbor_reader_init(&r, buf, len);
	rc = smpdfu_cbor_read(&r, &it);
	if (rc == 0) {
		rc = smpdfu_cbor_skip_rest(&r, &it);
	}
	if (left) {
		*left = smpdfu_cbor_reader_remaining(&r);
	}
	return rc;
}

/*
 * [1, [2, {"a": [3, h'01']}], {_ "b": [_ 1, -2^64], "c": tag(1, 5)}, 1.5, "s", null,
 *  tag(100, tag(101, [])), simple(99)]
 */
static const char nested_item[] =
	"88 01 8202a161618203 4101 bf6162 9f01 3bffffffffffffffff ff 6163 c105 ff f93e00 6173 f6"
	"d864d86580 f863";

static void test_skip_rest_nested(void **state)
{
	uint8_t buf[128];
	size_t len = unhex(nested_item, buf, sizeof(buf));
	size_t left;

	(void)state;
	/* A trailing item must be left alone. */
	buf[len] = 0x07;
	assert_int_equal(read_and_skip(buf, len + 1, &left), 0);
	assert_int_equal(left, 1);

	/* CBOR is self-delimiting: no proper prefix is a whole item. */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		assert_non_null(copy);
		memcpy(copy, buf, cut);
		assert_true(read_and_skip(copy, cut, NULL) < 0);
		free(copy);
	}
}

static void test_skip_rest_scalars_and_tags(void **state)
{
	uint8_t buf[32];
	size_t len;
	size_t left;

	(void)state;
	/* A scalar has no rest. */
	len = unhex("05 06", buf, sizeof(buf));
	assert_int_equal(read_and_skip(buf, len, &left), 0);
	assert_int_equal(left, 1);
	/* A break has no rest either; whether it may stand there is the caller's call. */
	len = unhex("ff", buf, sizeof(buf));
	assert_int_equal(read_and_skip(buf, len, &left), 0);
	assert_int_equal(left, 0);
	/* A tag takes its item along, however many tags are stacked. */
	len = unhex("c1 c2 c3 820102 09", buf, sizeof(buf));
	assert_int_equal(read_and_skip(buf, len, &left), 0);
	assert_int_equal(left, 1);
	/* A tag needs an item, and a break is not one. */
	len = unhex("c1", buf, sizeof(buf));
	assert_int_equal(read_and_skip(buf, len, NULL), -EINVAL);
	len = unhex("9f c1 ff ff", buf, sizeof(buf));
	assert_int_equal(read_and_skip(buf, len, NULL), -EINVAL);
}

static void test_skip_rest_rejects(void **state)
{
	static const char *const bad[] = {
		"82 01 ff",         /* stray break in a definite array */
		"a1 ff 01",         /* stray break as a key of a definite map */
		"a1 01 ff",         /* stray break as a value */
		"bf 01 ff",         /* indefinite map ending after a key */
		"bf 01 02 03 ff",   /* the same with a pair before */
		"9f 01 02",         /* indefinite array without its break */
		"82 81 01",         /* truncated member */
		"81 5f 41 00 ff",   /* indefinite string inside */
		"81 1c",            /* reserved additional info inside */
		"81 83 01",         /* inner count the input cannot hold */
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		uint8_t buf[32];
		size_t len = unhex(bad[k], buf, sizeof(buf));

		if (read_and_skip(buf, len, NULL) != -EINVAL) {
			fail_msg("%s was not refused", bad[k]);
		}
	}
}

/* `levels` nested containers: arrays, maps ({"a": ...}) or indefinite arrays, innermost holds 0. */
enum nest_style { NEST_ARRAY, NEST_MAP, NEST_INDEF, NEST_TAGGED };

static size_t build_nested(uint8_t *buf, size_t cap, unsigned int levels, enum nest_style style)
{
	struct cbor_writer w;

	smpdfu_cbor_writer_init(&w, buf, cap);
	for (unsigned int k = 0; k < levels; k++) {
		switch (style) {
		case NEST_ARRAY:
			smpdfu_cbor_put_array(&w, 1);
			break;
		case NEST_MAP:
			smpdfu_cbor_put_map(&w, 1);
			smpdfu_cbor_put_cstr(&w, "a");
			break;
		case NEST_INDEF:
			smpdfu_cbor_put_array_indef(&w);
			break;
		case NEST_TAGGED:
			/* tag(1, ...) around each level: tags take no level */
			assert_true(w.len < cap);
			w.buf[w.len++] = 0xc1;
			smpdfu_cbor_put_array(&w, 1);
			break;
		}
	}
	smpdfu_cbor_put_uint(&w, 0);
	for (unsigned int k = 0; style == NEST_INDEF && k < levels; k++) {
		smpdfu_cbor_put_break(&w);
	}
	assert_false(w.overflow);
	return w.len;
}

static void test_skip_rest_depth_limit(void **state)
{
	static const enum nest_style styles[] = { NEST_ARRAY, NEST_MAP, NEST_INDEF, NEST_TAGGED };
	uint8_t buf[256];

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(styles); s++) {
		size_t len = build_nested(buf, sizeof(buf), MAX_DEPTH, styles[s]);
		size_t left;

		assert_int_equal(read_and_skip(buf, len, &left), 0);
		assert_int_equal(left, 0);
		len = build_nested(buf, sizeof(buf), MAX_DEPTH + 1, styles[s]);
		assert_int_equal(read_and_skip(buf, len, NULL), -EINVAL);
	}
	/* Far deeper than the stack: refused without touching memory past it. */
	memset(buf, 0x81, sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	assert_int_equal(read_and_skip(buf, sizeof(buf), NULL), -EINVAL);
	memset(buf, 0x9f, sizeof(buf));
	assert_int_equal(read_and_skip(buf, sizeof(buf), NULL), -EINVAL);
}

static void test_skip_rest_hand_made_head(void **state)
{
	static const uint8_t two[] = { 0x01, 0x02 };
	struct cbor_reader r;
	struct cbor_item head = { .type = CBOR_TYPE_MAP, .u = UINT64_MAX };

	(void)state;
	/* A head that did not come from the reader cannot make the skipper overflow its count. */
	smpdfu_cbor_reader_init(&r, two, sizeof(two));
	assert_int_equal(smpdfu_cbor_skip_rest(&r, &head), -EINVAL);
	head.type = CBOR_TYPE_ARRAY;
	head.u = 2;
	assert_int_equal(smpdfu_cbor_skip_rest(&r, &head), 0);
	assert_int_equal(smpdfu_cbor_reader_remaining(&r), 0);
}

static void test_view_eq(void **state)
{
	static const char abc[] = "abcd";
	static const char nuls[] = { 'a', '\0', '\0' }; /* "a", then "" */

	(void)state;
	assert_true(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)abc, 3 }, "abc"));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)abc, 3 }, "ab"));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)abc, 3 }, "abcd"));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)abc, 3 }, "ABC"));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)abc, 3 }, ""));
	assert_true(smpdfu_cbor_view_eq((struct cbor_view){ NULL, 0 }, ""));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ NULL, 0 }, "a"));
	/*
	 * A NUL in the view is a byte like any other: the string ends before it, even when more
	 * NULs follow the string in memory.
	 */
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)"a\0", 2 }, nuls));
	assert_false(smpdfu_cbor_view_eq((struct cbor_view){ (const uint8_t *)"\0", 1 }, nuls + 1));
}

/* ---- map decoder ----------------------------------------------------------------------------- */

/* Destinations for a table with every kind, reset to sentinels before each decode. */
struct all_kinds {
	uint64_t u;
	int64_t i;
	bool b;
	bool bu;
	struct cbor_view t;
	struct cbor_view s;
	struct cbor_view n;
	uint32_t found;
};

enum { F_U, F_I, F_B, F_BU, F_T, F_S, F_N, F_COUNT };

/* In the order of the F_ indices. */
static const char all_fields[] = CBOR_FIELD_UINT("off") CBOR_FIELD_INT("splitStatus")
	CBOR_FIELD_BOOL("confirm") CBOR_FIELD_BOOL_OR_UINT("force") CBOR_FIELD_TSTR("d")
	CBOR_FIELD_BSTR("data") CBOR_FIELD_BSTR_OR_NULL("hash");

static const size_t all_offsets[] = {
	[F_U] = offsetof(struct all_kinds, u),	   [F_I] = offsetof(struct all_kinds, i),
	[F_B] = offsetof(struct all_kinds, b),	   [F_BU] = offsetof(struct all_kinds, bu),
	[F_T] = offsetof(struct all_kinds, t),	   [F_S] = offsetof(struct all_kinds, s),
	[F_N] = offsetof(struct all_kinds, n),
};

/* For a field list of one, decoded into the variable itself. */
static const size_t at_start[] = { 0 };

#define ALL_FOUND (CBOR_FOUND(F_COUNT) - 1)

static void all_kinds_init(struct all_kinds *a)
{
	static const uint8_t poison[] = "poison";
	const struct cbor_view pv = { poison, 6 };

	a->u = 0xdeadbeef;
	a->i = -0xdead;
	a->b = true;
	a->bu = false;
	a->t = pv;
	a->s = pv;
	a->n = pv;
	a->found = FOUND_UNWRITTEN;
}

static int decode_all_bytes(struct all_kinds *a, const uint8_t *buf, size_t len)
{
	all_kinds_init(a);
	return decode_into(buf, len, all_fields, all_offsets, a, &a->found);
}

static int decode_all(struct all_kinds *a, const char *hex)
{
	all_kinds_init(a);
	return decode_hex(hex, all_fields, all_offsets, a, &a->found);
}

static void test_map_echo_request(void **state)
{
	static const char f[] = CBOR_FIELD_TSTR("d");
	struct cbor_view d = { NULL, 0 };
	uint32_t found = FOUND_UNWRITTEN;

	(void)state;
	/* The payload of a real echo request: {"d": "hello"} */
	assert_int_equal(decode_hex("a1 61 64 65 68 65 6c 6c 6f", f, at_start, &d, &found), 0);
	assert_int_equal(found, CBOR_FOUND(0));
	assert_true(smpdfu_cbor_view_eq(d, "hello"));
	/* The same as an indefinite map. */
	assert_int_equal(decode_hex("bf 61 64 65 68 65 6c 6c 6f ff", f, at_start, &d, &found), 0);
	assert_int_equal(found, CBOR_FOUND(0));
	assert_true(smpdfu_cbor_view_eq(d, "hello"));
}

static void test_map_smp_errors_like_zephyr(void **state)
{
	static const char f[] = CBOR_FIELD_TSTR("d");
	struct cbor_view d = { NULL, 0 };
	uint32_t found = FOUND_UNWRITTEN;

	(void)state;
	/* {"d": "a", "d": "b"} and {"d": 5}: a Zephyr server answers both with rc 3. */
	assert_int_equal(decode_hex("a2 6164 6161 6164 6162", f, at_start, &d, &found), -EINVAL);
	assert_int_equal(found, FOUND_UNWRITTEN);
	assert_int_equal(decode_hex("bf 6164 6161 6164 6162 ff", f, at_start, &d, &found), -EINVAL);
	assert_int_equal(found, FOUND_UNWRITTEN);
	assert_int_equal(decode_hex("a1 6164 05", f, at_start, &d, &found), -EINVAL);
	assert_int_equal(found, FOUND_UNWRITTEN);
}

static void test_map_every_kind(void **state)
{
	struct all_kinds a;

	(void)state;
	/*
	 * {"off": 2^64-1, "splitStatus": -2^63, "confirm": true, "force": 7, "d": "hi",
	 *  "data": h'0102', "hash": h''}
	 */
	assert_int_equal(decode_all(&a, "a7 636f6666 1bffffffffffffffff"
					"6b73706c6974537461747573 3b7fffffffffffffff"
					"67636f6e6669726d f5 65666f726365 07 6164 626869"
					"6464617461 420102 6468617368 40"),
			 0);
	assert_int_equal(a.found, ALL_FOUND);
	assert_true(a.u == UINT64_MAX);
	assert_true(a.i == INT64_MIN);
	assert_true(a.b);
	assert_true(a.bu);
	assert_true(smpdfu_cbor_view_eq(a.t, "hi"));
	assert_int_equal(a.s.len, 2);
	assert_memory_equal(a.s.ptr, "\x01\x02", 2);
	assert_int_equal(a.n.len, 0);

	/* Boundaries of INT and the other BOOL_OR_UINT forms. */
	assert_int_equal(decode_all(&a, "a2 6b73706c6974537461747573 1b7fffffffffffffff"
					"65666f726365 00"),
			 0);
	assert_true(a.i == INT64_MAX);
	assert_false(a.bu);
	assert_true(a.found & CBOR_FOUND(F_BU));
	assert_int_equal(decode_all(&a, "a2 6b73706c6974537461747573 20 65666f726365 f5"), 0);
	assert_true(a.i == -1);
	assert_true(a.bu);
	assert_int_equal(decode_all(&a, "a2 6b73706c6974537461747573 00 65666f726365 f4"), 0);
	assert_true(a.i == 0);
	assert_false(a.bu);
	assert_int_equal(decode_all(&a, "a2 65666f726365 01 67636f6e6669726d f4"), 0);
	assert_true(a.bu);
	assert_false(a.b);
	/* Non-shortest integers are accepted. */
	assert_int_equal(decode_all(&a, "a1 636f6666 1b0000000000000005"), 0);
	assert_true(a.u == 5);
}

/* Each CBOR_FIELD_* macro writes its kind's value, then the key and its NUL. */
static void test_field_macros_spell_their_kinds(void **state)
{
	static const struct {
		const char *field;
		enum cbor_kind kind;
	} spelt[] = {
		{ CBOR_FIELD_UINT("k"), CBOR_KIND_UINT },
		{ CBOR_FIELD_UINT32("k"), CBOR_KIND_UINT32 },
		{ CBOR_FIELD_INT("k"), CBOR_KIND_INT },
		{ CBOR_FIELD_BOOL("k"), CBOR_KIND_BOOL },
		{ CBOR_FIELD_BOOL_OR_UINT("k"), CBOR_KIND_BOOL_OR_UINT },
		{ CBOR_FIELD_TSTR("k"), CBOR_KIND_TSTR },
		{ CBOR_FIELD_BSTR("k"), CBOR_KIND_BSTR },
		{ CBOR_FIELD_BSTR_OR_NULL("k"), CBOR_KIND_BSTR_OR_NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(spelt); i++) {
		assert_int_equal((unsigned char)spelt[i].field[0], spelt[i].kind);
		assert_string_equal(spelt[i].field + 1, "k");
	}
}

static void test_map_null_hash(void **state)
{
	struct all_kinds a;

	(void)state;
	/* {"hash": null, "confirm": false}: null is present, its view empty as an absent one's. */
	assert_int_equal(decode_all(&a, "a2 6468617368 f6 67636f6e6669726d f4"), 0);
	assert_true(a.found & CBOR_FOUND(F_N));
	assert_null(a.n.ptr);
	assert_int_equal(a.n.len, 0);
	assert_true(a.found & CBOR_FOUND(F_B));
	assert_false(a.b);
	/* A second occurrence is a duplicate whatever the first one held. */
	assert_int_equal(decode_all(&a, "a2 6468617368 f6 6468617368 4101"), -EINVAL);
	assert_int_equal(decode_all(&a, "a2 6468617368 4101 6468617368 f6"), -EINVAL);
	assert_int_equal(decode_all(&a, "a2 6468617368 f6 6468617368 f6"), -EINVAL);
	assert_int_equal(a.found, FOUND_UNWRITTEN);
}

static void test_map_absent_fields_untouched(void **state)
{
	struct all_kinds a;

	(void)state;
	assert_int_equal(decode_all(&a, "a1 636f6666 0a"), 0);
	assert_true(a.found & CBOR_FOUND(F_U));
	assert_int_equal(a.u, 10);
	assert_int_equal(a.found, CBOR_FOUND(F_U));
	assert_true(a.i == -0xdead);
	assert_true(a.b);
	assert_false(a.bu);
	assert_int_equal(a.t.len, 6);
	assert_int_equal(a.s.len, 6);
	assert_int_equal(a.n.len, 6);
}

static void test_map_empty(void **state)
{
	struct all_kinds a;
	uint32_t found;

	(void)state;
	/* Zero bytes are no map at all: a command that takes a map needs at least {}. */
	assert_int_equal(decode_all_bytes(&a, NULL, 0), -EINVAL);
	assert_int_equal(a.found, FOUND_UNWRITTEN);
	assert_int_equal(decode_all(&a, ""), -EINVAL);
	assert_int_equal(a.found, FOUND_UNWRITTEN);
	assert_int_equal(decode_all(&a, "a0"), 0);
	assert_int_equal(a.found, 0);
	assert_int_equal(decode_all(&a, "bfff"), 0);
	assert_int_equal(a.found, 0);
	assert_int_equal(a.u, 0xdeadbeef);
	/* An empty field list takes any well-formed map, and has no values to write. */
	assert_int_equal(decode_hex("a2 6164 01 6165 820102", "", NULL, NULL, &found), 0);
	assert_int_equal(found, 0);
}

struct bad_value {
	unsigned int field;
	const char *value_hex;
};

static const char *const field_key_hex[] = {
	[F_U] = "636f6666", [F_I] = "6b73706c6974537461747573", [F_B] = "67636f6e6669726d",
	[F_BU] = "65666f726365", [F_T] = "6164", [F_S] = "6464617461", [F_N] = "6468617368",
};

static const struct bad_value bad_values[] = {
	{ F_U, "20" }, { F_U, "6131" }, { F_U, "4101" }, { F_U, "f5" }, { F_U, "f6" },
	{ F_U, "80" }, { F_U, "a0" }, { F_U, "f93c00" }, { F_U, "c001" }, { F_U, "f7" },
	{ F_U, "e0" }, { F_U, "9fff" },
	{ F_I, "1b8000000000000000" }, { F_I, "3b8000000000000000" }, { F_I, "3bffffffffffffffff" },
	{ F_I, "f4" }, { F_I, "6131" }, { F_I, "c120" },
	{ F_B, "00" }, { F_B, "01" }, { F_B, "f6" }, { F_B, "f7" }, { F_B, "6474727565" },
	{ F_BU, "20" }, { F_BU, "f6" }, { F_BU, "4100" }, { F_BU, "f93c00" },
	{ F_T, "05" }, { F_T, "4161" }, { F_T, "f6" }, { F_T, "8161 61" }, { F_T, "d82061 61" },
	{ F_S, "6161" }, { F_S, "f6" }, { F_S, "00" }, { F_S, "d8184101" },
	{ F_N, "6161" }, { F_N, "f7" }, { F_N, "00" }, { F_N, "f4" },
};

static void test_map_wrong_kind(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad_values); k++) {
		const struct bad_value *bv = &bad_values[k];
		struct all_kinds a;
		char hex[128];

		/* A valid field first (but for "off" itself): an error clears what was found. */
		if (bv->field == F_U) {
			snprintf(hex, sizeof(hex), "a1 636f6666 %s", bv->value_hex);
		} else {
			snprintf(hex, sizeof(hex), "a2 636f6666 01 %s %s", field_key_hex[bv->field],
				 bv->value_hex);
		}
		if (decode_all(&a, hex) != -EINVAL) {
			fail_msg("%s was accepted", hex);
		}
		assert_int_equal(a.found, FOUND_UNWRITTEN);
	}
}

/* A table naming a kind the decoder does not know is refused, not guessed at. */
static void test_map_unknown_kind(void **state)
{
	static const char f[] = CBOR_FIELD("\143", "off"); /* kind 99 */
	uint64_t v = 7;
	uint32_t found = FOUND_UNWRITTEN;

	(void)state;
	assert_int_equal(decode_hex("a1 636f6666 01", f, at_start, &v, &found), -EINVAL);
	assert_int_equal(found, FOUND_UNWRITTEN);
	assert_int_equal(v, 7);
}

static void test_map_bad_keys(void **state)
{
	static const char *const bad[] = {
		"a1 01 02",          /* an integer key */
		"a1 4164 6161",      /* the bytes of "d" as a bstr key */
		"a1 c06164 6161",    /* a tagged key */
		"a1 f6 01",          /* a null key */
		"a1 80 01",          /* an array key */
		"bf 01 02 ff",       /* the same in an indefinite map */
		"a1 7f6164ff 6161",  /* an indefinite text key */
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct all_kinds a;

		if (decode_all(&a, bad[k]) != -EINVAL) {
			fail_msg("%s was accepted", bad[k]);
		}
	}
}

static void test_map_not_a_map(void **state)
{
	static const char *const bad[] = {
		"80", "01", "60", "40", "f6", "ff", "c0a0", "9fff", "f5", "1c",
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct all_kinds a;

		if (decode_all(&a, bad[k]) != -EINVAL) {
			fail_msg("%s was accepted", bad[k]);
		}
	}
}

static void test_map_structure(void **state)
{
	static const char *const bad[] = {
		"bf 6164 6161",          /* indefinite map without its break */
		"bf 6164 ff",            /* a key without a value */
		"a1 ff",                 /* a break as the key of a definite map */
		"a2 6164 6161",          /* fewer pairs than the count */
		"bbffffffffffffffff",    /* a count no input can hold */
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		struct all_kinds a;

		if (decode_all(&a, bad[k]) != -EINVAL) {
			fail_msg("%s was accepted", bad[k]);
		}
		assert_int_equal(a.found, FOUND_UNWRITTEN);
	}
}

/* Bytes after the map are not looked at, as Zephyr's decoder does not look at them. */
static void test_map_bytes_after_the_map_are_ignored(void **state)
{
	static const char *const after[] = {
		"a1 6164 6161 00",       /* an item */
		"a1 6164 6161 a0",       /* a second map */
		"bf 6164 6161 ff ff",    /* a stray break after an indefinite map */
		"a1 6164 6161 ff",       /* a break after a definite map */
		"a2 6178 820102 6164 6161 1c", /* a reserved head after an unknown nested value */
		"a1 6164 6161 7a",       /* a truncated item */
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(after); k++) {
		static const char f[] = CBOR_FIELD_TSTR("d");
		struct cbor_view d = { NULL, 0 };
		uint32_t found = FOUND_UNWRITTEN;

		if (decode_hex(after[k], f, at_start, &d, &found) != 0) {
			fail_msg("%s was refused", after[k]);
		}
		assert_int_equal(found, CBOR_FOUND(0));
		assert_true(smpdfu_cbor_view_eq(d, "a"));
	}
}

static void test_map_duplicates(void **state)
{
	struct all_kinds a;

	(void)state;
	assert_int_equal(decode_all(&a, "a2 636f6666 01 636f6666 01"), -EINVAL);
	assert_int_equal(decode_all(&a, "bf 67636f6e6669726d f5 636f6666 01"
					"67636f6e6669726d f5 ff"),
			 -EINVAL);
	assert_int_equal(a.found, FOUND_UNWRITTEN);
	/* Duplicate unknown keys are skipped like any unknown key. */
	assert_int_equal(decode_all(&a, "a3 6178 01 6178 02 636f6666 03"), 0);
	assert_int_equal(a.u, 3);
}

static void test_map_key_matching_is_exact(void **state)
{
	struct all_kinds a;

	(void)state;
	/* "da", "D", "off\0" and "of" are not "d" or "off". */
	assert_int_equal(decode_all(&a, "a4 626461 01 6144 02 646f666600 03 626f66 04"), 0);
	assert_int_equal(a.found, 0);
	/* "d" and "data" coexist. */
	assert_int_equal(decode_all(&a, "a2 6464617461 4101 6164 6178"), 0);
	assert_true(a.found & CBOR_FOUND(F_S));
	assert_true(a.found & CBOR_FOUND(F_T));
	assert_true(smpdfu_cbor_view_eq(a.t, "x"));
}

/* Every order of keys, definite and indefinite, gives the same result. */
static void test_map_any_order(void **state)
{
	static const char *const pairs[] = {
		"636f6666 1904d2",         /* "off": 1234 */
		"6164 63616263",           /* "d": "abc" */
		"6468617368 42cafe",       /* "hash": h'cafe' */
		"65666f726365 f5",         /* "force": true */
		"6178 a16179 9f01ff",      /* "x": {"y": [_ 1]} (unknown) */
	};
	unsigned int perm[ARRAY_SIZE(pairs)];
	unsigned int count = 0;

	(void)state;
	/* All 5! orders by walking index tuples and keeping the permutations. */
	for (unsigned int code = 0; code < 5 * 5 * 5 * 5 * 5; code++) {
		unsigned int used = 0;
		unsigned int c = code;
		bool is_perm = true;

		for (size_t k = 0; k < ARRAY_SIZE(pairs); k++) {
			perm[k] = c % 5;
			c /= 5;
			if (used & (1u << perm[k])) {
				is_perm = false;
			}
			used |= 1u << perm[k];
		}
		if (!is_perm) {
			continue;
		}
		count++;
		for (int indef = 0; indef < 2; indef++) {
			char hex[256];
			size_t n = (size_t)snprintf(hex, sizeof(hex), "%s", indef ? "bf" : "a5");
			struct all_kinds a;

			for (size_t k = 0; k < ARRAY_SIZE(pairs); k++) {
				n += (size_t)snprintf(&hex[n], sizeof(hex) - n, " %s",
						      pairs[perm[k]]);
			}
			if (indef) {
				snprintf(&hex[n], sizeof(hex) - n, " ff");
			}
			assert_int_equal(decode_all(&a, hex), 0);
			assert_int_equal(a.u, 1234);
			assert_true(smpdfu_cbor_view_eq(a.t, "abc"));
			assert_int_equal(a.n.len, 2);
			assert_memory_equal(a.n.ptr, "\xca\xfe", 2);
			assert_true(a.bu);
			assert_int_equal(a.found, CBOR_FOUND(F_U) | CBOR_FOUND(F_T) |
							  CBOR_FOUND(F_N) | CBOR_FOUND(F_BU));
		}
	}
	assert_int_equal(count, 120);
}

/*
 * {"x": [{"a": [1, {"b": h'00'}]}, {_ "c": [_ ], "e": -2^64}], "off": 9,
 *  "y": tag(24, h'a0'), "z": 1.0, "v": undefined, "w": simple(99), "q": [2.5, 3.25, null]}
 */
static const char unknown_nested[] =
	"a7 6178 82 a16161 8201 a16162 4100 bf6163 9fff 6165 3bffffffffffffffff ff"
	"636f6666 09 6179 d818 41a0 617a f93c00 6176 f7 6177 f863"
	"6171 83 fa40200000 fb400a000000000000 f6";

static void test_map_unknown_nested_values(void **state)
{
	struct all_kinds a;

	(void)state;
	assert_int_equal(decode_all(&a, unknown_nested), 0);
	assert_true(a.found & CBOR_FOUND(F_U));
	assert_int_equal(a.u, 9);
	assert_int_equal(a.found, CBOR_FOUND(F_U));
}

static void test_map_truncated_at_every_byte(void **state)
{
	static const char *const maps[] = {
		unknown_nested,
		/* an upload request as the Python client writes it (canonical key order) */
		"a5 636c656e 1a00032096 636f6666 00 63736861 5820"
		"af4473ef9d2265293c520dea2a0ec8c17eb99994f224b29c5123edc1c83c47e7"
		"6464617461 4401020304 65696d616765 00",
		"bf 6164 6568656c6c6f 6468617368 f6 67636f6e6669726d f4 ff",
	};

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(maps); m++) {
		uint8_t full[256];
		size_t len = unhex(maps[m], full, sizeof(full));
		struct all_kinds a;

		assert_int_equal(decode_all_bytes(&a, full, len), 0);
		/* Every proper prefix is refused, the empty one included. */
		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *copy = malloc(cut);
			int rc;

			assert_non_null(copy);
			memcpy(copy, full, cut);
			rc = decode_all_bytes(&a, copy, cut);
			free(copy);
			if (rc != -EINVAL) {
				fail_msg("map %zu cut at %zu gave %d", m, cut, rc);
			}
			assert_int_equal(a.found, FOUND_UNWRITTEN);
		}
	}
}

/* {"x": <levels nested containers>, "off": 1}: the top-level map itself is one level. */
static size_t build_map_with_depth(uint8_t *buf, size_t cap, unsigned int levels,
				   enum nest_style style)
{
	struct cbor_writer w;
	size_t n;

	smpdfu_cbor_writer_init(&w, buf, cap);
	smpdfu_cbor_put_map(&w, 2);
	smpdfu_cbor_put_cstr(&w, "x");
	n = build_nested(&buf[w.len], cap - w.len, levels, style);
	w.len += n;
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, 1);
	assert_false(w.overflow);
	return w.len;
}

static void test_map_depth_limit(void **state)
{
	static const enum nest_style styles[] = { NEST_ARRAY, NEST_MAP, NEST_INDEF, NEST_TAGGED };
	uint8_t buf[256];

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(styles); s++) {
		struct all_kinds a;
		size_t len = build_map_with_depth(buf, sizeof(buf), MAX_DEPTH - 1, styles[s]);

		assert_int_equal(decode_all_bytes(&a, buf, len), 0);
		assert_true(a.found & CBOR_FOUND(F_U));
		assert_int_equal(a.u, 1);

		len = build_map_with_depth(buf, sizeof(buf), MAX_DEPTH, styles[s]);
		assert_int_equal(decode_all_bytes(&a, buf, len), -EINVAL);
		assert_int_equal(a.found, FOUND_UNWRITTEN);
	}
}

/* Writer output decodes back to what was put. */
static void test_map_round_trip(void **state)
{
	uint8_t buf[128];
	struct cbor_writer w;
	struct all_kinds a;

	(void)state;
	for (int indef = 0; indef < 2; indef++) {
		smpdfu_cbor_writer_init(&w, buf, sizeof(buf));
		if (indef) {
			smpdfu_cbor_put_map_indef(&w);
		} else {
			smpdfu_cbor_put_map(&w, 7);
		}
		smpdfu_cbor_put_cstr(&w, "hash");
		smpdfu_cbor_put_bstr(&w, "\x01\x02\x03", 3);
		smpdfu_cbor_put_cstr(&w, "splitStatus");
		smpdfu_cbor_put_int(&w, -70000);
		smpdfu_cbor_put_cstr(&w, "off");
		smpdfu_cbor_put_uint(&w, 4294967296u);
		smpdfu_cbor_put_cstr(&w, "force");
		smpdfu_cbor_put_uint(&w, 0);
		smpdfu_cbor_put_cstr(&w, "confirm");
		smpdfu_cbor_put_bool(&w, true);
		smpdfu_cbor_put_cstr(&w, "data");
		smpdfu_cbor_put_bstr(&w, NULL, 0);
		smpdfu_cbor_put_cstr(&w, "d");
		smpdfu_cbor_put_cstr(&w, "text");
		if (indef) {
			smpdfu_cbor_put_break(&w);
		}
		assert_false(w.overflow);
		assert_int_equal(decode_all_bytes(&a, buf, w.len), 0);
		assert_int_equal(a.found, ALL_FOUND);
		assert_int_equal(a.n.len, 3);
		assert_true(a.i == -70000);
		assert_true(a.u == 4294967296u);
		assert_false(a.bu);
		assert_true(a.b);
		assert_int_equal(a.s.len, 0);
		assert_true(smpdfu_cbor_view_eq(a.t, "text"));
	}
}

/* ---- real requests --------------------------------------------------------------------------- */

struct smp_req {
	uint64_t image, off, len, slot;
	bool upgrade, confirm;
	struct cbor_view sha, data, hash, d;
	uint32_t found;
};

enum { R_IMAGE, R_OFF, R_LEN, R_SLOT, R_UPGRADE, R_CONFIRM, R_SHA, R_DATA, R_HASH, R_D };

/* In the order of the R_ indices. */
static const char req_fields[] = CBOR_FIELD_UINT("image") CBOR_FIELD_UINT("off")
	CBOR_FIELD_UINT("len") CBOR_FIELD_UINT("slot") CBOR_FIELD_BOOL("upgrade")
	CBOR_FIELD_BOOL("confirm") CBOR_FIELD_BSTR("sha") CBOR_FIELD_BSTR("data")
	CBOR_FIELD_BSTR_OR_NULL("hash") CBOR_FIELD_TSTR("d");

static const size_t req_offsets[] = {
	[R_IMAGE] = offsetof(struct smp_req, image), [R_OFF] = offsetof(struct smp_req, off),
	[R_LEN] = offsetof(struct smp_req, len),     [R_SLOT] = offsetof(struct smp_req, slot),
	[R_UPGRADE] = offsetof(struct smp_req, upgrade),
	[R_CONFIRM] = offsetof(struct smp_req, confirm),
	[R_SHA] = offsetof(struct smp_req, sha),     [R_DATA] = offsetof(struct smp_req, data),
	[R_HASH] = offsetof(struct smp_req, hash),   [R_D] = offsetof(struct smp_req, d),
};

static int decode_req_hex(struct smp_req *q, const char *hex)
{
	memset(q, 0, sizeof(*q));
	return decode_hex(hex, req_fields, req_offsets, q, &q->found);
}

static void test_map_inline_requests(void **state)
{
	struct smp_req q;

	(void)state;
	/* Payloads of captured requests (after the 8-byte SMP header). */
	assert_int_equal(decode_req_hex(&q, "a164736c6f7401"), 0);
	assert_true(q.found & CBOR_FOUND(R_SLOT));
	assert_int_equal(q.slot, 1);
	assert_int_equal(decode_req_hex(&q, "a264686173685820c5d434f43afe1c28e2c0fcf29a721465406fb6"
					    "8b370376d0ddd3e5c779c3ade767636f6e6669726df4"),
			 0);
	assert_true(q.found & CBOR_FOUND(R_HASH));
	assert_int_equal(q.hash.len, SMPDFU_SHA256_DIGEST_SIZE);
	assert_int_equal(q.hash.ptr[0], 0xc5);
	assert_int_equal(q.hash.ptr[31], 0xe7);
	assert_true(q.found & CBOR_FOUND(R_CONFIRM));
	assert_false(q.confirm);
	assert_int_equal(decode_req_hex(&q, "a167636f6e6669726df5"), 0);
	assert_true(q.confirm);
	assert_false(q.found & CBOR_FOUND(R_HASH));
	assert_int_equal(decode_req_hex(&q, "a0"), 0);
	assert_int_equal(q.found, 0);
}

/* Every request of the captured Zephyr 3.5.0 session decodes, with the values the client sent. */
static void test_map_captured_session(void **state)
{
	static char line[16384];
	static uint8_t pkt[8192];
	char title[128] = "";
	FILE *fp = fopen(SMPDFU_VECTORS_DIR "/smp/zephyr-3.5.0-udp-image-flow.txt", "r");
	unsigned int requests = 0;

	(void)state;
	if (!fp) {
		print_message("captured session not found, skipped\n");
		skip();
	}
	while (fgets(line, sizeof(line), fp)) {
		struct smp_req q;
		size_t len;
		int rc;

		if (strncmp(line, "## ", 3) == 0) {
			size_t n = strcspn(line + 3, "\r\n");

			n = n < sizeof(title) - 1 ? n : sizeof(title) - 1;
			memcpy(title, line + 3, n);
			title[n] = '\0';
			continue;
		}
		if (strncmp(line, "request", 7) != 0) {
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		len = unhex(line + 7, pkt, sizeof(pkt));
		assert_true(len >= 8);
		/* The header's length field covers exactly the CBOR payload. */
		assert_int_equal(((size_t)pkt[2] << 8 | pkt[3]), len - 8);
		memset(&q, 0, sizeof(q));
		rc = decode_into(pkt + 8, len - 8, req_fields, req_offsets, &q, &q.found);
		if (rc != 0) {
			fail_msg("request '%s' gave %d", title, rc);
		}
		requests++;
		if (strncmp(title, "upload first chunk", 18) == 0) {
			assert_int_equal(q.found, CBOR_FOUND(R_IMAGE) | CBOR_FOUND(R_OFF) |
							  CBOR_FOUND(R_LEN) | CBOR_FOUND(R_SHA) |
							  CBOR_FOUND(R_DATA));
			assert_int_equal(q.image, 0);
			assert_int_equal(q.off, 0);
			assert_int_equal(q.len, 204950);
			assert_int_equal(q.sha.len, SMPDFU_SHA256_DIGEST_SIZE);
			assert_int_equal(q.data.len, 1024);
		} else if (strncmp(title, "upload last chunk", 17) == 0) {
			assert_int_equal(q.off, 204800);
			assert_int_equal(q.data.len, 150);
			assert_false(q.found & CBOR_FOUND(R_LEN));
		} else if (strncmp(title, "echo", 4) == 0) {
			assert_true(smpdfu_cbor_view_eq(q.d, "hello"));
		}
	}
	fclose(fp);
	assert_true(requests >= 15);
}

/* A deterministic mutation sweep: whatever the bytes, the decoder returns and stays in bounds. */
static void test_map_mutations(void **state)
{
	uint8_t full[256];
	size_t len = unhex(unknown_nested, full, sizeof(full));
	uint32_t x = 0x12345678;

	(void)state;
	for (unsigned int round = 0; round < 20000; round++) {
		uint8_t *copy = malloc(len);
		size_t cut = len;
		struct all_kinds a;
		int rc;

		assert_non_null(copy);
		memcpy(copy, full, len);
		for (unsigned int flips = 0; flips < 1 + round % 4; flips++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			copy[x % len] = (uint8_t)(x >> 8);
		}
		if (round % 3 == 0) {
			cut = (x >> 20) % (len + 1);
		}
		rc = decode_all_bytes(&a, copy, cut);
		assert_true(rc == 0 || rc == -EINVAL);
		if (rc != 0) {
			assert_int_equal(a.found, FOUND_UNWRITTEN);
		}
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_uint_boundaries),
		cmocka_unit_test(test_head_size),
		cmocka_unit_test(test_put_int_boundaries),
		cmocka_unit_test(test_put_strings),
		cmocka_unit_test(test_put_simple_and_containers),
		cmocka_unit_test(test_put_matches_zephyr_responses),
		cmocka_unit_test(test_overflow_at_every_cap),
		cmocka_unit_test(test_overflow_is_sticky),
		cmocka_unit_test(test_read_every_type),
		cmocka_unit_test(test_read_strings),
		cmocka_unit_test(test_read_nint_overflow),
		cmocka_unit_test(test_read_rejects_malformed),
		cmocka_unit_test(test_read_empty),
		cmocka_unit_test(test_skip_rest_nested),
		cmocka_unit_test(test_skip_rest_scalars_and_tags),
		cmocka_unit_test(test_skip_rest_rejects),
		cmocka_unit_test(test_skip_rest_depth_limit),
		cmocka_unit_test(test_skip_rest_hand_made_head),
		cmocka_unit_test(test_view_eq),
		cmocka_unit_test(test_map_echo_request),
		cmocka_unit_test(test_map_smp_errors_like_zephyr),
		cmocka_unit_test(test_map_every_kind),
		cmocka_unit_test(test_field_macros_spell_their_kinds),
		cmocka_unit_test(test_map_null_hash),
		cmocka_unit_test(test_map_absent_fields_untouched),
		cmocka_unit_test(test_map_empty),
		cmocka_unit_test(test_map_wrong_kind),
		cmocka_unit_test(test_map_unknown_kind),
		cmocka_unit_test(test_map_bad_keys),
		cmocka_unit_test(test_map_not_a_map),
		cmocka_unit_test(test_map_structure),
		cmocka_unit_test(test_map_bytes_after_the_map_are_ignored),
		cmocka_unit_test(test_map_duplicates),
		cmocka_unit_test(test_map_key_matching_is_exact),
		cmocka_unit_test(test_map_any_order),
		cmocka_unit_test(test_map_unknown_nested_values),
		cmocka_unit_test(test_map_truncated_at_every_byte),
		cmocka_unit_test(test_map_depth_limit),
		cmocka_unit_test(test_map_round_trip),
		cmocka_unit_test(test_map_inline_requests),
		cmocka_unit_test(test_map_captured_session),
		cmocka_unit_test(test_map_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
