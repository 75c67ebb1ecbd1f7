/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the CBOR reader shares with the map decoder and nobody else: a skip that knows how deep the
 * caller already is, so one nesting limit covers a whole request and not each value separately.
 */
#ifndef SMPDFU_CBOR_PRIV_H
#define SMPDFU_CBOR_PRIV_H

#include <smpdfu/cbor.h>

/*
 * As smpdfu_cbor_skip_rest(), with `outer` containers already open around `head`: the head's own
 * container is level outer + 1, and nothing may go beyond level CONFIG_SMPDFU_CBOR_MAX_DEPTH.
 */
int smpdfu_cbor_skip_rest_nested(struct cbor_reader *r, const struct cbor_item *head,
				 unsigned int outer);

/*
 * As smpdfu_cbor_read(), but a negative integer below INT64_MIN is not an error (it is well formed;
 * only .i cannot hold it): for walking over values whose content does not matter.
 */
int smpdfu_cbor_read_any(struct cbor_reader *r, struct cbor_item *it);

#endif /* SMPDFU_CBOR_PRIV_H */
