/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for reading nested responses with the pull reader: walk the pairs of a map or the items
 * of an array with a callback, read a value when it has the expected type and skip it otherwise.
 * Unknown keys and unexpected types are skipped, never errors: devices may add fields.
 */
#ifndef SMPDFU_CLIENT_CBOR_WALK_H
#define SMPDFU_CLIENT_CBOR_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/cbor.h>

/* Reads the next item head, looking through tags. -EINVAL for a break or malformed input. */
int walk_read_head(struct cbor_reader *r, struct cbor_item *it);

/* Skips one whole value. Returns 0 or -EINVAL. */
int walk_skip_value(struct cbor_reader *r);

/*
 * Each reads one value. When its type fits, stores it and sets *found (found may be NULL);
 * otherwise skips it and leaves *out alone. Returns 0 or -EINVAL for malformed input.
 */
int walk_read_int(struct cbor_reader *r, int64_t *out, bool *found);
int walk_read_bool(struct cbor_reader *r, bool *out, bool *found);
int walk_read_bytes(struct cbor_reader *r, struct cbor_view *out, bool *found);
/*
 * Text is copied NUL-terminated, cut to cap - 1 bytes or less: a UTF-8 character the cut would
 * split is left out whole.
 */
int walk_read_text(struct cbor_reader *r, char *out, size_t cap, bool *found);

/*
 * Calls visit() for every text-keyed pair of the map whose head is *head; visit() must consume
 * exactly the value. Pairs with other keys are skipped. Returns 0, -EINVAL, or visit()'s error.
 */
int walk_map(struct cbor_reader *r, const struct cbor_item *head,
	     int (*visit)(struct cbor_reader *r, struct cbor_view key, void *arg), void *arg);

/*
 * Calls visit() for every item of the array whose head is *head, with that item's head already
 * read; visit() must consume the rest of the item (walk_map() or smpdfu_cbor_skip_rest()).
 */
int walk_array(struct cbor_reader *r, const struct cbor_item *head,
	       int (*visit)(struct cbor_reader *r, const struct cbor_item *item, void *arg),
	       void *arg);

/* Parses body as a map and walks it; an empty body is an empty map. */
int walk_body(const uint8_t *body, size_t len,
	      int (*visit)(struct cbor_reader *r, struct cbor_view key, void *arg), void *arg);

#endif /* SMPDFU_CLIENT_CBOR_WALK_H */
