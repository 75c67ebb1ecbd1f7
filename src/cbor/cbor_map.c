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
		/* A negative integer carries n for -1 - n, which is ~n. */
		*f->out.i = (int64_t)(val->type == CBOR_TYPE_UINT ? val->u : ~val->u);
		break;
	case CBOR_KIND_BOOL:
	case CBOR_KIND_BOOL_OR_UINT:
		/* The reader leaves .u 0 for a bool and .b false for an integer. */
		*f->out.b = val->b || val->u != 0;
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
	struct cbor_walk wk;
	struct cbor_item it;
	struct cbor_field *f = NULL;
	bool at_key = false;
	int rc;

	clear_found(fields, nfields);
	wk.depth = 0;
	smpdfu_cbor_reader_init(&r, buf, len);
	if (smpdfu_cbor_read_any(&r, &it) < 0 || it.type != CBOR_TYPE_MAP) {
		goto fail;
	}
	/* One walk over the map: its own members are level 1, unknown values are walked over. */
	while ((rc = smpdfu_cbor_walk(&wk, &r, &it)) > 0) {
		if (wk.depth != 1) {
			continue;
		}
		at_key = !at_key;
		if (at_key) {
			if (it.type != CBOR_TYPE_TSTR) {
				goto fail;
			}
			f = find_field(fields, nfields, it.v);
		} else if (f) {
			/* Before the walk opens it: no kind accepts a container or a tag. */
			if (f->seen || store_value(f, &it) < 0) {
				goto fail;
			}
			f->seen = true;
		}
	}
	/* What follows the map is not looked at: Zephyr answers as if it were not there. */
	if (rc == 0) {
		return 0;
	}

fail:
	clear_found(fields, nfields);
	return -EINVAL;
}
