/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarative decoding of an SMP request map: a list of fields (kind and key), field k's value
 * stored in out[k], filled in one pass over the input. Keys may come in any order and unknown ones
 * are skipped, as real clients need; duplicates and wrong kinds are refused, as a Zephyr server
 * refuses them.
 */
#include "cbor_priv.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* The kind of the field of the list named key, its index in *index; 0 (no kind) when none is. */
static unsigned int find_field(const char *f, const struct cbor_view *key, size_t *index)
{
	for (size_t k = 0; *f != '\0'; k++) {
		const char *name = f + 1;
		size_t n = strlen(name);

		/* The name's length first: no byte past its NUL is compared. */
		if (n == key->len && memcmp(name, key->ptr, n) == 0) {
			*index = k;
			return (uint8_t)*f;
		}
		f = name + n + 1;
	}
	return 0;
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

/* Stores one value in dst if the kind accepts it: 0 or -EINVAL. */
static int store_value(unsigned int kind, union cbor_value *dst, const struct cbor_item *val)
{
	uint64_t u = val->u;

	if (kind >= ARRAY_SIZE(accepted) || !(accepted[kind] & (1u << val->type))) {
		return -EINVAL;
	}
	switch (kind) {
	case CBOR_KIND_UINT32:
		if (u > UINT32_MAX) {
			return -EINVAL;
		}
		dst->u32 = (uint32_t)u;
		break;
	case CBOR_KIND_INT:
		if (u > INT64_MAX) {
			return -EINVAL;
		}
		/* A negative integer carries n for -1 - n, which is ~n (int64_t takes its bits). */
		u = val->type == CBOR_TYPE_UINT ? u : ~u;
		/* fall through */
	case CBOR_KIND_UINT:
		dst->u = u;
		break;
	case CBOR_KIND_BOOL:
	case CBOR_KIND_BOOL_OR_UINT:
		/* The reader leaves .u 0 for a bool and .b false for an integer. */
		dst->b = val->b | (u != 0);
		break;
	default:
		/* The reader leaves a null's view empty, with no bytes: as for an absent key. */
		dst->v = val->v;
		break;
	}
	return 0;
}

int smpdfu_cbor_decode_map(const struct cbor_view *in, const char *fields, union cbor_value *out)
{
	struct cbor_reader r;
	struct cbor_walk wk;
	struct cbor_item it;
	uint32_t found = 0;
	unsigned int kind = 0; /* of the key just read, 0 for an unknown one */
	size_t k = 0;
	int rc;

	wk.depth = 0;
	smpdfu_cbor_reader_init(&r, in->ptr, in->len);
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
			kind = find_field(fields, &it.v, &k);
		} else if (kind != 0) {
			/* Before the walk opens it: no kind accepts a container or a tag. */
			if (found & CBOR_FOUND(k) || store_value(kind, &out[k], &it) < 0) {
				return -EINVAL;
			}
			found |= CBOR_FOUND(k);
		}
	}
	/* What follows the map is not looked at: Zephyr answers as if it were not there. */
	return rc < 0 ? rc : (int)found;
}
