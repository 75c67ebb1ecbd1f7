/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CBOR pull reader: decodes one item head at a time from a caller-owned buffer, returning views
 * into it, and skips whole items with an explicit fixed-size stack instead of recursion, so hostile
 * nesting costs a bounded amount of stack.
 */
#include "cbor_priv.h"

#include <errno.h>
#include <string.h>

#include <smpdfu/config.h>

#define MAX_DEPTH CONFIG_SMPDFU_CBOR_MAX_DEPTH
/* With MCUmgr disabled the option reads 0: keep the array legal; the limit refuses containers. */
#define SKIP_STACK_LEN (MAX_DEPTH > 0 ? MAX_DEPTH : 1)

#define AI_UINT8 24u
#define AI_UINT64 27u
#define AI_INDEFINITE 31u

#define SIMPLE_FALSE 20u
#define SIMPLE_TRUE 21u
#define SIMPLE_NULL 22u
#define SIMPLE_UNDEFINED 23u

void smpdfu_cbor_reader_init(struct cbor_reader *r, const uint8_t *buf, size_t len)
{
	r->p = buf;
	/* Adding 0 to a null pointer is undefined in C, and callers may pass (NULL, 0). */
	r->end = len > 0 ? buf + len : buf;
}

size_t smpdfu_cbor_reader_remaining(const struct cbor_reader *r)
{
	return (size_t)(r->end - r->p);
}

/* The item is well formed: the reader moves past it. */
static int advance(struct cbor_reader *r, const uint8_t *next)
{
	r->p = next;
	return 0;
}

int smpdfu_cbor_read_any(struct cbor_reader *r, struct cbor_item *it)
{
	/* The item type of each major type; 7 is refined from the additional info below. */
	static const uint8_t types[8] = {
		CBOR_TYPE_UINT, CBOR_TYPE_NINT,	 CBOR_TYPE_BSTR, CBOR_TYPE_TSTR,
		CBOR_TYPE_ARRAY, CBOR_TYPE_MAP, CBOR_TYPE_TAG,	CBOR_TYPE_SIMPLE,
	};
	const uint8_t *p = r->p;
	size_t left = smpdfu_cbor_reader_remaining(r);
	unsigned int major;
	unsigned int ai;
	uint64_t arg;

	memset(it, 0, sizeof(*it));
	if (left == 0) {
		return -ENODATA;
	}
	major = *p >> 5;
	ai = *p++ & 0x1fu;
	left--;
	arg = ai;
	if (ai >= AI_UINT8 && ai <= AI_UINT64) {
		/* Non-shortest arguments are accepted: peers are not required to be canonical. */
		size_t n = (size_t)1 << (ai - AI_UINT8);

		if (n > left) {
			return -EINVAL;
		}
		left -= n;
		for (arg = 0; n > 0; n--) {
			arg = arg << 8 | *p++;
		}
	} else if (ai > AI_UINT64 && ai < AI_INDEFINITE) {
		return -EINVAL; /* 28..30 are reserved */
	}
	it->indefinite = ai == AI_INDEFINITE;
	it->type = types[major];
	it->u = it->indefinite ? 0 : arg;

	switch (major) {
	case 1:
		if (arg <= INT64_MAX) {
			it->i = -1 - (int64_t)arg;
		}
		/* fall through */
	case 0:
	case 6:
		return it->indefinite ? -EINVAL : advance(r, p);
	case 2:
	case 3:
		/* Chunked strings would need a copy to give one view; SMP peers never send them. */
		if (it->indefinite || arg > left) {
			return -EINVAL;
		}
		it->v.ptr = p;
		it->v.len = (size_t)arg;
		return advance(r, p + arg);
	case 4:
	case 5:
		/*
		 * Every member takes at least one byte: a count the input cannot hold is a
		 * truncation, and refusing it here also keeps 2 * pairs within size_t for the skip.
		 */
		if (!it->indefinite && arg > (major == 4 ? left : left / 2)) {
			return -EINVAL;
		}
		return advance(r, p);
	default:
		/* Floats keep their raw bits in .u; f8 xx is taken whatever xx is. */
		if (it->indefinite) {
			it->type = CBOR_TYPE_BREAK;
		} else if (ai >= SIMPLE_FALSE && ai <= SIMPLE_UNDEFINED) {
			/* Their value is the type itself (and .b): no argument. */
			it->type = ai == SIMPLE_NULL	   ? CBOR_TYPE_NULL
				   : ai == SIMPLE_UNDEFINED ? CBOR_TYPE_UNDEFINED
							   : CBOR_TYPE_BOOL;
			it->b = ai == SIMPLE_TRUE;
			it->u = 0;
		} else if (ai > AI_UINT8) {
			it->type = CBOR_TYPE_FLOAT;
		}
		return advance(r, p);
	}
}

int smpdfu_cbor_read(struct cbor_reader *r, struct cbor_item *it)
{
	int rc = smpdfu_cbor_read_any(r, it);

	if (rc == 0 && it->type == CBOR_TYPE_NINT && it->u > INT64_MAX) {
		return -EOVERFLOW;
	}
	return rc;
}

/* A member of a container or the item after a tag: it must exist and must not be a break. */
static int read_member(struct cbor_reader *r, struct cbor_item *it)
{
	if (smpdfu_cbor_read_any(r, it) < 0 || it->type == CBOR_TYPE_BREAK) {
		return -EINVAL;
	}
	return 0;
}

/*
 * The skip stack: per open container, the members still to read of a definite one, or these
 * flags for an indefinite one (members then run until a break).
 */
#define SKIP_INDEFINITE ((size_t)1 << (sizeof(size_t) * 8 - 1))
#define SKIP_MAP ((size_t)1 << (sizeof(size_t) * 8 - 2))
#define SKIP_ODD ((size_t)1 << (sizeof(size_t) * 8 - 3)) /* a map's key read, its value not yet */

int smpdfu_cbor_skip_rest_nested(struct cbor_reader *r, const struct cbor_item *head,
				 unsigned int outer)
{
	size_t stack[SKIP_STACK_LEN];
	unsigned int top = 0;
	struct cbor_item it = *head;

	for (;;) {
		/* `it` has just been read: open what it starts. A tag wraps one item, no level. */
		if (it.type == CBOR_TYPE_TAG) {
			if (read_member(r, &it) < 0) {
				return -EINVAL;
			}
			continue;
		}
		if (it.type == CBOR_TYPE_ARRAY || it.type == CBOR_TYPE_MAP) {
			size_t per = it.type == CBOR_TYPE_MAP ? 2 : 1;

			/* The count is checked again: the head may not come from the reader. */
			if (outer + top + 1 > MAX_DEPTH ||
			    (!it.indefinite && it.u > smpdfu_cbor_reader_remaining(r) / per)) {
				return -EINVAL;
			}
			stack[top++] = it.indefinite ? SKIP_INDEFINITE | (per == 2 ? SKIP_MAP : 0)
						     : (size_t)it.u * per;
		}

		/* Find the next member to read, closing every container that is complete. */
		for (;;) {
			size_t *f;

			if (top == 0) {
				return 0;
			}
			f = &stack[top - 1];
			if (!(*f & SKIP_INDEFINITE)) {
				if (*f == 0) {
					top--;
					continue;
				}
				(*f)--;
				if (read_member(r, &it) < 0) {
					return -EINVAL;
				}
				break;
			}
			if (smpdfu_cbor_read_any(r, &it) < 0) {
				return -EINVAL;
			}
			if (it.type == CBOR_TYPE_BREAK) {
				if (*f & SKIP_ODD) {
					return -EINVAL; /* a key without a value */
				}
				top--;
				continue;
			}
			if (*f & SKIP_MAP) {
				*f ^= SKIP_ODD;
			}
			break;
		}
	}
}

int smpdfu_cbor_skip_rest(struct cbor_reader *r, const struct cbor_item *head)
{
	return smpdfu_cbor_skip_rest_nested(r, head, 0);
}

bool smpdfu_cbor_view_eq(struct cbor_view v, const char *s)
{
	size_t n = strlen(s);

	return v.len == n && (n == 0 || memcmp(v.ptr, s, n) == 0);
}
