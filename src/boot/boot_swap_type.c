/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MCUboot's swap-type decision (v2.2 and later) as a table: what the next boot does, from the
 * primary and secondary trailers alone. Rows are tried in order and the first match wins, so a
 * BAD value (neither SET nor UNSET) matches only ANY, and WRITTEN (one addition of ours) matches
 * SET and BAD.
 */
#include "boot_priv.h"
#include "util.h"

/* A cell of a row is the set of decoded states it matches, one bit per state. */
#define IS(state) (1u << (state))
/* Matches every state. */
#define ANY 0xffu
/* Matches SET and BAD: a flag whose write began (only 0x01 is ever written to a flag). */
#define WRITTEN (IS(SMPDFU_BOOT_FLAG_SET) | IS(SMPDFU_BOOT_FLAG_BAD))

/* The trailer values a row looks at, in the order of its cells. */
enum swap_cell { PRI_MAGIC, SEC_MAGIC, PRI_IMAGE_OK, SEC_IMAGE_OK, PRI_COPY_DONE, CELL_COUNT };

struct swap_row {
	uint8_t cells[CELL_COUNT];
	uint8_t swap_type;
};

static const struct swap_row swap_table[] = {
	/* An upload marked for test: its image_ok is still erased. */
	{ { ANY, IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_UNSET), ANY },
	  SMPDFU_BOOT_SWAP_TYPE_TEST },
	/* Marked permanent: image_ok set before (ours) or after (MCUboot's) the magic. */
	{ { ANY, IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_SET), ANY },
	  SMPDFU_BOOT_SWAP_TYPE_PERM },
	/*
	 * A swapped-in image that ran without being confirmed. The secondary magic is ANY (not
	 * UNSET, as before v2.2) so that a torn secondary magic cannot stop the revert. copy_done
	 * is WRITTEN (MCUboot: SET): it is written only once the data is in place, so a torn write
	 * of it still means a finished test swap, and the test image must not stay for good.
	 */
	{ { IS(SMPDFU_BOOT_MAGIC_GOOD), ANY, IS(SMPDFU_BOOT_FLAG_UNSET), ANY, WRITTEN },
	  SMPDFU_BOOT_SWAP_TYPE_REVERT },
};

_Static_assert(SMPDFU_BOOT_MAGIC_GOOD < 8 && SMPDFU_BOOT_MAGIC_BAD < 8 &&
		       SMPDFU_BOOT_MAGIC_UNSET < 8 && SMPDFU_BOOT_FLAG_SET < 8 &&
		       SMPDFU_BOOT_FLAG_BAD < 8 && SMPDFU_BOOT_FLAG_UNSET < 8,
	       "every decoded trailer state must have its bit in a cell's 8");

int smpdfu_boot_swap_type_decide(const struct smpdfu_boot_swap_state *pri,
				 const struct smpdfu_boot_swap_state *sec)
{
	for (const struct swap_row *row = swap_table; row < swap_table + ARRAY_SIZE(swap_table);
	     row++) {
		if ((row->cells[PRI_MAGIC] & IS(pri->magic)) &&
		    (row->cells[SEC_MAGIC] & IS(sec->magic)) &&
		    (row->cells[PRI_IMAGE_OK] & IS(pri->image_ok)) &&
		    (row->cells[SEC_IMAGE_OK] & IS(sec->image_ok)) &&
		    (row->cells[PRI_COPY_DONE] & IS(pri->copy_done))) {
			return row->swap_type;
		}
	}
	return SMPDFU_BOOT_SWAP_TYPE_NONE;
}

const char *smpdfu_boot_swap_type_name(int swap_type)
{
	switch (swap_type) {
	case SMPDFU_BOOT_SWAP_TYPE_NONE:
		return "none";
	case SMPDFU_BOOT_SWAP_TYPE_TEST:
		return "test";
	case SMPDFU_BOOT_SWAP_TYPE_PERM:
		return "perm";
	case SMPDFU_BOOT_SWAP_TYPE_REVERT:
		return "revert";
	case SMPDFU_BOOT_SWAP_TYPE_FAIL:
		return "fail";
	default:
		return "panic";
	}
}
