/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR pull reader: decodes one item head at a time from a caller-owned buffer, returning views
 * into it, and walks nested items with an explicit fixed-size stack instead of recursion, so
 * hostile nesting costs a bounded amount of stack.
 */
#include "cbor_priv.h"

#include <errno.h>
#include <string.h>

#define MAX_DEPTH CONFIG_SMPDFU_CBOR_MAX_DEPTH

#define AI_UINT8 24u
#define AI_UINT64 27u
#define AI_INDEFINITE 31u

#define MAJOR_BSTR 2u
#define MAJOR_TSTR 3u
#define MAJOR_ARRAY 4u
#define MAJOR_MAP 5u
#define MAJOR_SIMPLE 7u

#define SIMPLE_FALSE 20u
#define SIMPLE_TRUE 21u
#define SIMPLE_UNDEFINED 23u

size_t smpdfu_cbor_reader_remaining(const struct cbor_reader *r)
{
	return (size_t)(r->end - r->p);
}

int smpdfu_cbor_read_any(struct cbor_reader *r, struct cbor_item *it)
{
	/* Major type 7 with additional info 20..27 (f8 xx is a simple value whatever xx is). */
	static const uint8_t simple_types[8] = {
		CBOR_TYPE_BOOL,	  CBOR_TYPE_BOOL,  CBOR_TYPE_NULL,  CBOR_TYPE_UNDEFINED,
		CBOR_TYPE_SIMPLE, CBOR_TYPE_FLOAT, CBOR_TYPE_FLOAT, CBOR_TYPE_FLOAT,
	};
	const uint8_t *p = r->p;
	size_t left = smpdfu_cbor_reader_remaining(r);
	unsigned int major;
	unsigned int ai;
	uint64_t arg = 0;

	memset(it, 0, sizeof(*it));
	if (left == 0) {
		return -ENODATA;
	}
	major = *p >> 5;
	ai = *p++ & 0x1fu;
	left--;
	/* The type is the major type; 7 (SIMPLE) is refined from the additional info below. */
	it->type = (enum cbor_type)major;
	if (ai == AI_INDEFINITE) {
		/*
		 * Only containers and the break: chunked strings would need a copy to give one
		 * view, and SMP peers never send them.
		 */
		if (major == MAJOR_SIMPLE) {
			it->type = CBOR_TYPE_BREAK;
		} else if (major != MAJOR_ARRAY && major != MAJOR_MAP) {
			return -EINVAL;
		}
		it->indefinite = true;
		r->p = p;
		return (int)it->type;
	}
	if (ai > AI_UINT64) {
		return -EINVAL; /* 28..30 are reserved */
	}
	if (ai < AI_UINT8) {
		arg = ai;
	} else {
		/* Non-shortest arguments are accepted: peers are not required to be canonical. */
		size_t n = (size_t)1 << (ai - AI_UINT8);

		if (n > left) {
			return -EINVAL;
		}
		left -= n;
		while (n-- > 0) {
			arg = arg << 8 | *p++;
		}
	}

	if (major >= MAJOR_BSTR && major <= MAJOR_MAP) {
		/*
		 * A string longer than the input is truncated, and so is a container whose count
		 * the input cannot hold, as every member takes at least one byte; refusing that
		 * here also keeps 2 * pairs within size_t for the walk.
		 */
		if (arg > left >> (major == MAJOR_MAP)) {
			return -EINVAL;
		}
		if (major <= MAJOR_TSTR) {
			it->v.ptr = p;
			it->v.len = (size_t)arg;
			p += arg;
		}
	} else if (major == MAJOR_SIMPLE && ai - SIMPLE_FALSE <= AI_UINT64 - SIMPLE_FALSE) {
		/* Floats keep their raw bits in .u; false, true, null and undefined have none. */
		it->type = (enum cbor_type)simple_types[ai - SIMPLE_FALSE];
		it->b = ai == SIMPLE_TRUE;
		if (ai <= SIMPLE_UNDEFINED) {
			arg = 0;
		}
	}
	it->u = arg;
	r->p = p;
	return (int)it->type;
}

int smpdfu_cbor_read(struct cbor_reader *r, struct cbor_item *it)
{
	int rc = smpdfu_cbor_read_any(r, it);

	if (rc == CBOR_TYPE_NINT) {
		if (it->u > INT64_MAX) {
			return -EOVERFLOW;
		}
		it->i = -1 - (int64_t)it->u;
	}
	return rc < 0 ? rc : 0;
}

/*
 * What the walk keeps per open container: the members still to read; or for an indefinite one
 * (members run until a break) these flags, and in bit 0 whether an odd number of members was read:
 * a map's key without its value yet (smpdfu_cbor_walk_at_key() reads that bit of either kind).
 */
#define OPEN_INDEFINITE ((size_t)1 << (sizeof(size_t) * 8 - 1))
#define OPEN_MAP ((size_t)1 << (sizeof(size_t) * 8 - 2))
#define OPEN_ODD ((size_t)1)

int smpdfu_cbor_walk(struct cbor_walk *wk, struct cbor_reader *r, struct cbor_item *it)
{
	/*
	 * One read per turn: the item a tag wraps (the tag takes no level, that item stands for
	 * it), or else the next member of the innermost open container, once every container that
	 * is complete is closed.
	 */
	for (;;) {
		bool tag = it->type == CBOR_TYPE_TAG;
		size_t *left;
		int type;

		if (it->type == CBOR_TYPE_ARRAY || it->type == CBOR_TYPE_MAP) {
			bool map = it->type == CBOR_TYPE_MAP;

			/* The reader refused a count the input cannot hold: 2 * pairs fits. */
			if (wk->depth >= MAX_DEPTH) {
				return -EINVAL;
			}
			wk->open[wk->depth++] = it->indefinite
							? OPEN_INDEFINITE | (size_t)map * OPEN_MAP
							: (size_t)it->u << map;
		}
		while (!tag && wk->depth > 0 && wk->open[wk->depth - 1] == 0) {
			wk->depth--;
		}
		if (!tag && wk->depth == 0) {
			return 0;
		}
		type = smpdfu_cbor_read_any(r, it);
		if (type < 0 || (tag && type == CBOR_TYPE_BREAK)) {
			return -EINVAL;
		}
		if (tag) {
			continue;
		}
		left = &wk->open[wk->depth - 1];
		if (type != CBOR_TYPE_BREAK) {
			*left = *left & OPEN_INDEFINITE ? *left ^ OPEN_ODD : *left - 1;
			return 1;
		}
		/* A break closes an indefinite container, but not a map between key and value. */
		if (!(*left & OPEN_INDEFINITE) || (*left & OPEN_MAP && *left & OPEN_ODD)) {
			return -EINVAL;
		}
		wk->depth--;
	}
}

int smpdfu_cbor_skip_rest(struct cbor_reader *r, const struct cbor_item *head)
{
	struct cbor_walk wk;
	struct cbor_item it = *head;
	bool map = it.type == CBOR_TYPE_MAP;
	int rc;

	/* The walk takes counts as the reader checked them; this head may not come from it. */
	if ((map || it.type == CBOR_TYPE_ARRAY) && !it.indefinite &&
	    it.u > smpdfu_cbor_reader_remaining(r) >> map) {
		return -EINVAL;
	}
	wk.depth = 0;
	do {
		rc = smpdfu_cbor_walk(&wk, r, &it);
	} while (rc > 0);
	return rc;
}

bool smpdfu_cbor_text_eq(const uint8_t *p, size_t n, const char *s)
{
	/* s is not read past its NUL, nor p past n bytes. */
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\0' || s[k] != (char)p[k]) {
			return false;
		}
	}
	return s[n] == '\0';
}
