/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarative decoding of an SMP request map: a table of key -> kind -> destination, filled in one
 * pass over the input. Keys may come in any order and unknown ones are skipped, as real clients
 * need; duplicates and wrong kinds are refused, as a Zephyr server refuses them.
 */
#include "cbor_priv.h"

#include <errno.h>

#include "util.h"

/* The index of the field named key, or nfields when none is. */
static size_t find_field(const struct cbor_field *fields, size_t nfields,
			 const struct cbor_view *key)
{
	size_t k = 0;

	while (k < nfields && !smpdfu_cbor_view_eq(*key, fields[k].key)) {
		k++;
	}
	return k;
}

/* The item types each kind of field accepts. */
#define T(type) (1u << CBOR_TYPE_##type)
static const uint16_t accepted[] = {
	[CBOR_KIND_UINT] = T(UINT),
	[CBOR_KIND_UINT32] = T(UINT),
	[CBOR_KIND_INT] = T(UINT) | T(NINT),
	[CBOR_KIND_BOOL] = T(BOOL),
	/* Zephyr's own clients send a bool, Python smp sends 0/1: both mean the same. */
	[CBOR_KIND_BOOL_OR_UINT] = T(BOOL) | T(UINT),
	[CBOR_KIND_TSTR] = T(TSTR),
	[CBOR_KIND_BSTR] = T(BSTR),
	/* A null is present on the wire but absent for the caller. */
	[CBOR_KIND_BSTR_OR_NULL] = T(BSTR) | T(NULL),
};
#undef T

/* Stores one value at its field's place in out if the kind accepts it: 1, 0 for a null, -EINVAL. */
static int store_value(const struct cbor_field *f, uint8_t *out, const struct cbor_item *val)
{
	void *dst = out + f->offset;
	uint64_t u = val->u;

	if (f->kind >= ARRAY_SIZE(accepted) || !(accepted[f->kind] & (1u << val->type))) {
		return -EINVAL;
	}
	switch (f->kind) {
	case CBOR_KIND_UINT32:
		if (u > UINT32_MAX) {
			return -EINVAL;
		}
		*(uint32_t *)dst = (uint32_t)u;
		break;
	case CBOR_KIND_INT:
		if (u > INT64_MAX) {
			return -EINVAL;
		}
		/* A negative integer carries n for -1 - n, which is ~n (int64_t takes its bits). */
		u = val->type == CBOR_TYPE_UINT ? u : ~u;
		/* fall through */
	case CBOR_KIND_UINT:
		*(uint64_t *)dst = u;
		break;
	case CBOR_KIND_BOOL:
	case CBOR_KIND_BOOL_OR_UINT:
		/* The reader leaves .u 0 for a bool and .b false for an integer. */
		*(bool *)dst = val->b | (u != 0);
		break;
	default:
		if (val->type == CBOR_TYPE_NULL) {
			return 0;
		}
		*(struct cbor_view *)dst = val->v;
		break;
	}
	return 1;
}

int smpdfu_cbor_decode_map(const uint8_t *buf, size_t len, const struct cbor_field *fields,
			   size_t nfields, void *out, uint32_t *found)
{
	struct cbor_reader r;
	struct cbor_walk wk;
	struct cbor_item it;
	uint32_t seen = 0; /* the keys met, even with a null value */
	uint32_t stored = 0;
	size_t k = nfields;
	int rc;

	wk.depth = 0;
	smpdfu_cbor_reader_init(&r, buf, len);
	if (smpdfu_cbor_read_any(&r, &it) != CBOR_TYPE_MAP) {
		return -EINVAL;
	}
	/*
	 * One walk over the map, unknown values walked over. A member nested in a value needs no
	 * test of its level: it is never taken for a key (the map's count is even while a value is
	 * walked) nor stored (a known key's container or tag was refused before it was opened).
	 */
	while ((rc = smpdfu_cbor_walk(&wk, &r, &it)) > 0) {
		if (smpdfu_cbor_walk_at_key(&wk)) {
			if (it.type != CBOR_TYPE_TSTR) {
				return -EINVAL;
			}
			k = find_field(fields, nfields, &it.v);
		} else if (k < nfields) {
			/* Before the walk opens it: no kind accepts a container or a tag. */
			rc = seen & CBOR_FOUND(k) ? -EINVAL : store_value(&fields[k], out, &it);
			if (rc < 0) {
				return rc;
			}
			seen |= CBOR_FOUND(k);
			stored |= (uint32_t)rc * CBOR_FOUND(k); /* rc: 1 stored, 0 a null */
		}
	}
	/* What follows the map is not looked at: Zephyr answers as if it were not there. */
	if (rc < 0) {
		return rc;
	}
	if (found != NULL) {
		*found = stored;
	}
	return 0;
}
