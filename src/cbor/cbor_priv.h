/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the CBOR reader shares with the map decoder and nobody else: a walk over nested items, so
 * the decoder reads a request's map and skips its unknown values in one pass under one nesting
 * limit for the whole request.
 */
#ifndef SMPDFU_CBOR_PRIV_H
#define SMPDFU_CBOR_PRIV_H

#include <smpdfu/cbor.h>
#include <smpdfu/config.h>

/* With MCUmgr disabled the option reads 0: keep the array legal; the limit refuses containers. */
#define CBOR_WALK_STACK_LEN (CONFIG_SMPDFU_CBOR_MAX_DEPTH > 0 ? CONFIG_SMPDFU_CBOR_MAX_DEPTH : 1)

/* The containers a walk is inside, outermost first. Start with depth 0. */
struct cbor_walk {
	size_t open[CBOR_WALK_STACK_LEN];
	unsigned int depth;
};

/*
 * Steps past the item `it` that smpdfu_cbor_read_any() just read from r (so a container's count
 * fits the input): opens it if it is a container (after the item a tag wraps), then reads into
 * `it` the next member of the innermost open container, closing every container that is
 * complete. Returns 1 with that member, whose container is level wk->depth; 0 when every
 * container is closed; -EINVAL for a malformed or truncated item, a break inside a definite
 * container or between a key and its value, nesting beyond CONFIG_SMPDFU_CBOR_MAX_DEPTH levels.
 */
int smpdfu_cbor_walk(struct cbor_walk *wk, struct cbor_reader *r, struct cbor_item *it);

/*
 * True when the member smpdfu_cbor_walk() just returned at level 1, in a map, is a key: an odd
 * number of the map's members has been read, and bit 0 of its entry says so (a definite map's
 * count of members left starts even, an indefinite one's odd flag flips at every member).
 */
static inline bool smpdfu_cbor_walk_at_key(const struct cbor_walk *wk)
{
	return (wk->open[0] & 1) != 0;
}

/*
 * As smpdfu_cbor_read(), but a negative integer below INT64_MIN is not an error (it is well formed;
 * only .i cannot hold it) and .i is not set: for walking over values whose content is not needed.
 * Returns the item's type (it->type, >= 0) where smpdfu_cbor_read() returns 0, so that a caller
 * tests both at once.
 */
int smpdfu_cbor_read_any(struct cbor_reader *r, struct cbor_item *it);

#endif /* SMPDFU_CBOR_PRIV_H */
