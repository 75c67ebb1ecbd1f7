/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the CBOR codec. Whatever the bytes, the map decoder and a full reader walk
 * must return without touching memory outside the input, views must stay inside it, and what the
 * decoder accepted must survive a trip through the writer unchanged, at every output capacity.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/cbor.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed property is a crash libFuzzer records, with the input that caused it. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Every kind, with keys the SMP groups really use, so the corpus grows toward real requests. */
static const char fields[] = CBOR_FIELD_UINT("image") CBOR_FIELD_UINT("off") CBOR_FIELD_UINT("len")
	CBOR_FIELD_UINT("slot") CBOR_FIELD_INT("splitStatus") CBOR_FIELD_BOOL("upgrade")
	CBOR_FIELD_BOOL("confirm") CBOR_FIELD_BOOL_OR_UINT("force") CBOR_FIELD_BSTR("sha")
	CBOR_FIELD_BSTR("data") CBOR_FIELD_BSTR_OR_NULL("hash") CBOR_FIELD_TSTR("d");

#define NFIELDS 12

struct request {
	union cbor_value v[NFIELDS];
	uint32_t found;
};

/* The next field of the list after f (its kind char). */
static const char *next_field(const char *f)
{
	return f + strlen(f + 1) + 2;
}

static int decode(const uint8_t *data, size_t size, struct request *q)
{
	const struct cbor_view in = { data, size };
	int rc;

	memset(q, 0, sizeof(*q));
	rc = smpdfu_cbor_decode_map(&in, fields, q->v);
	if (rc < 0) {
		return rc;
	}
	q->found = (uint32_t)rc;
	return 0;
}

static bool is_view_kind(unsigned int kind)
{
	return kind == CBOR_KIND_TSTR || kind == CBOR_KIND_BSTR || kind == CBOR_KIND_BSTR_OR_NULL;
}

static bool view_inside(struct cbor_view v, const uint8_t *data, size_t size)
{
	if (v.len == 0) {
		return true;
	}
	return v.ptr >= data && v.len <= size && (size_t)(v.ptr - data) <= size - v.len;
}

/* Writes the found fields of q back as a map; the writer's result, overflow included. */
static void encode(const struct request *q, struct cbor_writer *w, bool indefinite)
{
	size_t pairs = 0;
	size_t k;

	for (k = 0; k < NFIELDS; k++) {
		pairs += (q->found & CBOR_FOUND(k)) != 0;
	}
	if (indefinite) {
		smpdfu_cbor_put_map_indef(w);
	} else {
		smpdfu_cbor_put_map(w, pairs);
	}
	k = 0;
	for (const char *f = fields; *f != '\0'; f = next_field(f), k++) {
		const union cbor_value *v = &q->v[k];

		if (!(q->found & CBOR_FOUND(k))) {
			continue;
		}
		smpdfu_cbor_put_cstr(w, f + 1);
		switch (*f) {
		case CBOR_KIND_UINT:
			smpdfu_cbor_put_uint(w, v->u);
			break;
		case CBOR_KIND_INT:
			smpdfu_cbor_put_int(w, v->i);
			break;
		case CBOR_KIND_BOOL:
		case CBOR_KIND_BOOL_OR_UINT:
			smpdfu_cbor_put_bool(w, v->b);
			break;
		case CBOR_KIND_TSTR:
			smpdfu_cbor_put_tstr(w, (const char *)v->v.ptr, v->v.len);
			break;
		default:
			smpdfu_cbor_put_bstr(w, v->v.ptr, v->v.len);
			break;
		}
	}
	if (indefinite) {
		smpdfu_cbor_put_break(w);
	}
}

static bool same_view(struct cbor_view a, struct cbor_view b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool same_request(const struct request *a, const struct request *b)
{
	size_t k = 0;

	if (a->found != b->found) {
		return false;
	}
	for (const char *f = fields; *f != '\0'; f = next_field(f), k++) {
		const union cbor_value *x = &a->v[k];
		const union cbor_value *y = &b->v[k];
		bool same = is_view_kind((uint8_t)*f)			 ? same_view(x->v, y->v)
			    : *f == CBOR_KIND_BOOL || *f == CBOR_KIND_BOOL_OR_UINT ? x->b == y->b
										   : x->u == y->u;

		if (!same) {
			return false;
		}
	}
	return true;
}

static void check_round_trip(const struct request *q, size_t size, uint8_t cap_seed)
{
	/*
	 * Shortest heads never take more room than the input's, so the output is at most the input
	 * plus one byte (an indefinite map for a one-byte definite head); leave ample margin.
	 */
	size_t full_cap = 2 * size + 16 * (NFIELDS + 2);
	uint8_t *full = malloc(full_cap);
	uint8_t *part;
	struct cbor_writer w;
	struct request back;
	size_t full_len;
	size_t cap;

	CHECK(full != NULL);
	for (int indefinite = 0; indefinite < 2; indefinite++) {
		smpdfu_cbor_writer_init(&w, full, full_cap);
		encode(q, &w, indefinite);
		CHECK(!w.overflow);
		CHECK(decode(full, w.len, &back) == 0);
		CHECK(same_request(q, &back));
		full_len = w.len;

		/* The same at a capacity the input picks: a prefix of whole items, no more. */
		cap = cap_seed % (full_len + 1);
		part = malloc(cap ? cap : 1);
		CHECK(part != NULL);
		smpdfu_cbor_writer_init(&w, part, cap);
		encode(q, &w, indefinite);
		CHECK(w.len <= cap);
		CHECK(w.overflow == (cap < full_len));
		CHECK(memcmp(part, full, w.len) == 0);
		free(part);
	}
	free(full);
}

static void decode_as_request(const uint8_t *data, size_t size)
{
	struct request q;
	size_t k;
	int rc;

	rc = decode(data, size, &q);
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc < 0) {
		CHECK(q.found == 0); /* not written on error */
		return;
	}
	k = 0;
	for (const char *f = fields; *f != '\0'; f = next_field(f), k++) {
		CHECK(!is_view_kind((uint8_t)*f) || view_inside(q.v[k].v, data, size));
	}
	check_round_trip(&q, size, size ? data[size - 1] : 0);
}

/* Reads item after item, skipping containers whole, until the input ends or is refused. */
static void walk_items(const uint8_t *data, size_t size)
{
	struct cbor_reader r;
	struct cbor_item it;

	smpdfu_cbor_reader_init(&r, data, size);
	for (;;) {
		size_t before = smpdfu_cbor_reader_remaining(&r);
		int rc = smpdfu_cbor_read(&r, &it);

		if (rc == -ENODATA) {
			CHECK(before == 0);
			return;
		}
		if (rc == -EINVAL) {
			CHECK(smpdfu_cbor_reader_remaining(&r) == before);
			return;
		}
		CHECK(rc == 0 || (rc == -EOVERFLOW && it.type == CBOR_TYPE_NINT));
		CHECK(smpdfu_cbor_reader_remaining(&r) < before);
		if (it.type == CBOR_TYPE_BSTR || it.type == CBOR_TYPE_TSTR) {
			CHECK(view_inside(it.v, data, size));
		}
		if (smpdfu_cbor_skip_rest(&r, &it) < 0) {
			return;
		}
		CHECK(smpdfu_cbor_reader_remaining(&r) <= before);
	}
}

/* Reads every head in sequence without skipping, as a caller walking a container by hand would. */
static void walk_heads(const uint8_t *data, size_t size)
{
	struct cbor_reader r;
	struct cbor_item it;

	smpdfu_cbor_reader_init(&r, data, size);
	while (smpdfu_cbor_reader_remaining(&r) > 0) {
		size_t before = smpdfu_cbor_reader_remaining(&r);
		int rc = smpdfu_cbor_read(&r, &it);

		if (rc == -EINVAL) {
			return;
		}
		CHECK(rc == 0 || rc == -EOVERFLOW);
		CHECK(smpdfu_cbor_reader_remaining(&r) < before);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_as_request(data, size);
	walk_items(data, size);
	walk_heads(data, size);
	return 0;
}
