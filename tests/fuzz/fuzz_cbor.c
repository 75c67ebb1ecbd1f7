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
struct request {
	uint64_t image, off, len, slot;
	int64_t split;
	bool upgrade, confirm, force;
	struct cbor_view sha, data, hash, d;
	uint32_t found;
};

#define AT(member) offsetof(struct request, member)

static const struct cbor_field fields[] = {
	CBOR_FIELD_UINT("image", AT(image)),
	CBOR_FIELD_UINT("off", AT(off)),
	CBOR_FIELD_UINT("len", AT(len)),
	CBOR_FIELD_UINT("slot", AT(slot)),
	CBOR_FIELD_INT("splitStatus", AT(split)),
	CBOR_FIELD_BOOL("upgrade", AT(upgrade)),
	CBOR_FIELD_BOOL("confirm", AT(confirm)),
	CBOR_FIELD_BOOL_OR_UINT("force", AT(force)),
	CBOR_FIELD_BSTR("sha", AT(sha)),
	CBOR_FIELD_BSTR("data", AT(data)),
	CBOR_FIELD_BSTR_OR_NULL("hash", AT(hash)),
	CBOR_FIELD_TSTR("d", AT(d)),
};

#define NFIELDS ARRAY_SIZE(fields)

static int decode(const uint8_t *data, size_t size, struct request *q)
{
	memset(q, 0, sizeof(*q));
	return smpdfu_cbor_decode_map(data, size, fields, NFIELDS, q, &q->found);
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

	for (size_t k = 0; k < NFIELDS; k++) {
		pairs += (q->found & CBOR_FOUND(k)) != 0;
	}
	if (indefinite) {
		smpdfu_cbor_put_map_indef(w);
	} else {
		smpdfu_cbor_put_map(w, pairs);
	}
	for (size_t k = 0; k < NFIELDS; k++) {
		const struct cbor_field *f = &fields[k];
		const void *at = (const uint8_t *)q + f->offset;
		const struct cbor_view *v = at;

		if (!(q->found & CBOR_FOUND(k))) {
			continue;
		}
		smpdfu_cbor_put_cstr(w, f->key);
		switch (f->kind) {
		case CBOR_KIND_UINT:
			smpdfu_cbor_put_uint(w, *(const uint64_t *)at);
			break;
		case CBOR_KIND_INT:
			smpdfu_cbor_put_int(w, *(const int64_t *)at);
			break;
		case CBOR_KIND_BOOL:
		case CBOR_KIND_BOOL_OR_UINT:
			smpdfu_cbor_put_bool(w, *(const bool *)at);
			break;
		case CBOR_KIND_TSTR:
			smpdfu_cbor_put_tstr(w, (const char *)v->ptr, v->len);
			break;
		default:
			smpdfu_cbor_put_bstr(w, v->ptr, v->len);
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
	return a->found == b->found && a->image == b->image && a->off == b->off &&
	       a->len == b->len && a->slot == b->slot && a->split == b->split &&
	       a->upgrade == b->upgrade && a->confirm == b->confirm && a->force == b->force &&
	       same_view(a->sha, b->sha) && same_view(a->data, b->data) &&
	       same_view(a->hash, b->hash) && same_view(a->d, b->d);
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
	int rc;

	rc = decode(data, size, &q);
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc < 0) {
		CHECK(q.found == 0); /* not written on error */
		return;
	}
	CHECK(view_inside(q.sha, data, size));
	CHECK(view_inside(q.data, data, size));
	CHECK(view_inside(q.hash, data, size));
	CHECK(view_inside(q.d, data, size));
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
