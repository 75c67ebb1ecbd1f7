/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarative decoding of an SMP request map: a table of key -> kind -> destination, filled in one
 * pass over the input. Keys may come in any order and unknown ones are skipped, as real clients
 * need; duplicates and wrong kinds are refused, as a Zephyr server refuses them.
 */
#include "cbor_priv.h"

#include <errno.h>

#include "util.h"

static struct cbor_field *find_field(struct cbor_field *fields, size_t nfields,
				     struct cbor_view key)
{
	for (size_t k = 0; k < nfields; k++) {
		if (smpdfu_cbor_view_eq(key, fields[k].key)) {
			return &fields[k];
		}
	}
	return NULL;
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

/* Stores one value through its field if the kind accepts it; 0 or -EINVAL. */
static int store_value(struct cbor_field *f, const struct cbor_item *val)
{
	if ((unsigned int)f->kind >= ARRAY_SIZE(accepted) ||
	    !(accepted[f->kind] & (1u << val->type))) {
		return -EINVAL;
	}
	switch (f->kind) {
	case CBOR_KIND_UINT:
		*f->out.u = val->u;
		break;
	case CBOR_KIND_UINT32:
		if (val->u > UINT32_MAX) {
			return -EINVAL;
		}
		*f->out.u32 = (uint32_t)val->u;
		break;
	case CBOR_KIND_INT:
		if (val->u > INT64_MAX) {
			return -EINVAL;
		}
		*f->out.i = val->type == CBOR_TYPE_UINT ? (int64_t)val->u : val->i;
		break;
	case CBOR_KIND_BOOL:
	case CBOR_KIND_BOOL_OR_UINT:
		*f->out.b = val->type == CBOR_TYPE_BOOL ? val->b : val->u != 0;
		break;
	default:
		if (val->type == CBOR_TYPE_NULL) {
			return 0;
		}
		*f->out.v = val->v;
		break;
	}
	f->found = true;
	return 0;
}

static void clear_found(struct cbor_field *fields, size_t nfields)
{
	for (size_t k = 0; k < nfields; k++) {
		fields[k].found = false;
		fields[k].seen = false;
	}
}

int smpdfu_cbor_decode_map(const uint8_t *buf, size_t len, struct cbor_field *fields,
			   size_t nfields)
{
	struct cbor_reader r;
	struct cbor_item map;
	struct cbor_item key;
	struct cbor_item val;
	struct cbor_field *f;
	uint64_t pairs_left;

	clear_found(fields, nfields);
	smpdfu_cbor_reader_init(&r, buf, len);
	if (smpdfu_cbor_read_any(&r, &map) < 0 || map.type != CBOR_TYPE_MAP) {
		goto fail;
	}
	pairs_left = map.u;
	for (;;) {
		if (!map.indefinite) {
			if (pairs_left == 0) {
				break;
			}
			pairs_left--;
		}
		if (smpdfu_cbor_read_any(&r, &key) < 0) {
			goto fail;
		}
		if (map.indefinite && key.type == CBOR_TYPE_BREAK) {
			break;
		}
		if (key.type != CBOR_TYPE_TSTR) {
			goto fail;
		}
		if (smpdfu_cbor_read_any(&r, &val) < 0 || val.type == CBOR_TYPE_BREAK) {
			goto fail;
		}
		f = find_field(fields, nfields, key.v);
		if (!f) {
			/* The map itself is the one level already open around an unknown value. */
			if (smpdfu_cbor_skip_rest_nested(&r, &val, 1) < 0) {
				goto fail;
			}
			continue;
		}
		if (f->seen || store_value(f, &val) < 0) {
			goto fail;
		}
		f->seen = true;
	}
	/* What follows the map is not looked at: Zephyr answers as if it were not there. */
	return 0;

fail:
	clear_found(fields, nfields);
	return -EINVAL;
}
