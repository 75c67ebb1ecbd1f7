/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tolerant walking of nested CBOR responses over the core's pull reader. Containers are walked
 * one level per call, so the depth of our code, not of the input, bounds the recursion.
 */
#include <errno.h>
#include <string.h>

#include "cbor_walk.h"

int walk_read_head(struct cbor_reader *r, struct cbor_item *it)
{
	int rc;

	do {
		rc = smpdfu_cbor_read(r, it);
		if (rc < 0) {
			return -EINVAL;
		}
	} while (it->type == CBOR_TYPE_TAG);
	return it->type == CBOR_TYPE_BREAK ? -EINVAL : 0;
}

int walk_skip_value(struct cbor_reader *r)
{
	struct cbor_item it;
	int rc = walk_read_head(r, &it);

	if (rc < 0) {
		return rc;
	}
	return smpdfu_cbor_skip_rest(r, &it) < 0 ? -EINVAL : 0;
}

static int skip_rest(struct cbor_reader *r, const struct cbor_item *it)
{
	return smpdfu_cbor_skip_rest(r, it) < 0 ? -EINVAL : 0;
}

static void set_found(bool *found)
{
	if (found != NULL) {
		*found = true;
	}
}

int walk_read_int(struct cbor_reader *r, int64_t *out, bool *found)
{
	struct cbor_item it;
	int rc = walk_read_head(r, &it);

	if (rc < 0) {
		return rc;
	}
	if (it.type == CBOR_TYPE_UINT) {
		*out = it.u > INT64_MAX ? INT64_MAX : (int64_t)it.u;
		set_found(found);
		return 0;
	}
	if (it.type == CBOR_TYPE_NINT) {
		*out = it.i;
		set_found(found);
		return 0;
	}
	return skip_rest(r, &it);
}

int walk_read_bool(struct cbor_reader *r, bool *out, bool *found)
{
	struct cbor_item it;
	int rc = walk_read_head(r, &it);

	if (rc < 0) {
		return rc;
	}
	if (it.type == CBOR_TYPE_BOOL) {
		*out = it.b;
		set_found(found);
		return 0;
	}
	return skip_rest(r, &it);
}

int walk_read_bytes(struct cbor_reader *r, struct cbor_view *out, bool *found)
{
	struct cbor_item it;
	int rc = walk_read_head(r, &it);

	if (rc < 0) {
		return rc;
	}
	if (it.type == CBOR_TYPE_BSTR) {
		*out = it.v;
		set_found(found);
		return 0;
	}
	return skip_rest(r, &it);
}

int walk_read_text(struct cbor_reader *r, char *out, size_t cap, bool *found)
{
	struct cbor_item it;
	int rc = walk_read_head(r, &it);
	size_t n;

	if (rc < 0) {
		return rc;
	}
	if (it.type != CBOR_TYPE_TSTR) {
		return skip_rest(r, &it);
	}
	if (cap > 0) {
		n = it.v.len < cap - 1 ? it.v.len : cap - 1;
		/* A UTF-8 character cut through is left out whole (3 bytes back at most). */
		for (int back = 0; back < 3 && n > 0 && n < it.v.len; back++) {
			if ((it.v.ptr[n] & 0xc0) != 0x80) {
				break;
			}
			n--;
		}
		memcpy(out, it.v.ptr, n);
		out[n] = '\0';
	}
	set_found(found);
	return 0;
}

/* Reads the next member head; sets *end at the break of an indefinite container. */
static int next_member(struct cbor_reader *r, const struct cbor_item *head, struct cbor_item *it,
		       bool *end)
{
	*end = false;
	if (smpdfu_cbor_read(r, it) < 0) {
		return -EINVAL;
	}
	if (it->type == CBOR_TYPE_BREAK) {
		if (!head->indefinite) {
			return -EINVAL;
		}
		*end = true;
	}
	return 0;
}

int walk_map(struct cbor_reader *r, const struct cbor_item *head,
	     int (*visit)(struct cbor_reader *r, struct cbor_view key, void *arg), void *arg)
{
	if (head->type != CBOR_TYPE_MAP) {
		return -EINVAL;
	}
	for (uint64_t i = 0; head->indefinite || i < head->u; i++) {
		struct cbor_item key;
		bool end;
		int rc = next_member(r, head, &key, &end);

		if (rc < 0) {
			return rc;
		}
		if (end) {
			return 0;
		}
		if (key.type == CBOR_TYPE_TSTR) {
			rc = visit(r, key.v, arg);
		} else {
			rc = skip_rest(r, &key);
			if (rc == 0) {
				rc = walk_skip_value(r);
			}
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int walk_array(struct cbor_reader *r, const struct cbor_item *head,
	       int (*visit)(struct cbor_reader *r, const struct cbor_item *item, void *arg),
	       void *arg)
{
	if (head->type != CBOR_TYPE_ARRAY) {
		return -EINVAL;
	}
	for (uint64_t i = 0; head->indefinite || i < head->u; i++) {
		struct cbor_item it;
		bool end;
		int rc = next_member(r, head, &it, &end);

		if (rc < 0) {
			return rc;
		}
		if (end) {
			return 0;
		}
		while (it.type == CBOR_TYPE_TAG) {
			if (smpdfu_cbor_read(r, &it) < 0 || it.type == CBOR_TYPE_BREAK) {
				return -EINVAL;
			}
		}
		rc = visit(r, &it, arg);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int walk_body(const uint8_t *body, size_t len,
	      int (*visit)(struct cbor_reader *r, struct cbor_view key, void *arg), void *arg)
{
	struct cbor_reader r;
	struct cbor_item head;
	int rc;

	if (len == 0) {
		return 0;
	}
	smpdfu_cbor_reader_init(&r, body, len);
	rc = walk_read_head(&r, &head);
	if (rc < 0) {
		return rc;
	}
	return walk_map(&r, &head, visit, arg);
}
