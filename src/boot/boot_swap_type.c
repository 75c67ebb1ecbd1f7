/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MCUboot's swap-type decision (v2.2 and later) as a table: what the next boot does, from the
 * primary and secondary trailers alone. Rows are tried in order and the first match wins, so a
 * BAD value (neither SET nor UNSET) matches only ANY, and WRITTEN (one addition of ours) matches
 * SET and BAD.
 */
#include "boot_priv.h"
#include "util.h"

/* Matches every state; never read from flash. */
#define ANY 0
/* Matches SET and BAD: a flag whose write began (only 0x01 is ever written to a flag). */
#define WRITTEN 0xfe

struct swap_row {
	uint8_t pri_magic;
	uint8_t sec_magic;
	uint8_t pri_image_ok;
	uint8_t sec_image_ok;
	uint8_t pri_copy_done;
	uint8_t swap_type;
};

static const struct swap_row swap_table[] = {
	/* An upload marked for test: its image_ok is still erased. */
	{ ANY, SMPDFU_BOOT_MAGIC_GOOD, ANY, SMPDFU_BOOT_FLAG_UNSET, ANY,
	  SMPDFU_BOOT_SWAP_TYPE_TEST },
	/* Marked permanent: image_ok set before (ours) or after (MCUboot's) the magic. */
	{ ANY, SMPDFU_BOOT_MAGIC_GOOD, ANY, SMPDFU_BOOT_FLAG_SET, ANY, SMPDFU_BOOT_SWAP_TYPE_PERM },
	/*
	 * A swapped-in image that ran without being confirmed. The secondary magic is ANY (not
	 * UNSET, as before v2.2) so that a torn secondary magic cannot stop the revert. copy_done
	 * is WRITTEN (MCUboot: SET): it is written only once the data is in place, so a torn write
	 * of it still means a finished test swap, and the test image must not stay for good.
	 */
	{ SMPDFU_BOOT_MAGIC_GOOD, ANY, SMPDFU_BOOT_FLAG_UNSET, ANY, WRITTEN,
	  SMPDFU_BOOT_SWAP_TYPE_REVERT },
};

_Static_assert(ANY != SMPDFU_BOOT_MAGIC_GOOD && ANY != SMPDFU_BOOT_MAGIC_BAD &&
		       ANY != SMPDFU_BOOT_MAGIC_UNSET && ANY != SMPDFU_BOOT_FLAG_SET &&
		       ANY != SMPDFU_BOOT_FLAG_BAD && ANY != SMPDFU_BOOT_FLAG_UNSET &&
		       WRITTEN != SMPDFU_BOOT_FLAG_SET && WRITTEN != SMPDFU_BOOT_FLAG_BAD &&
		       WRITTEN != SMPDFU_BOOT_FLAG_UNSET,
	       "ANY and WRITTEN must differ from every decoded trailer state");

static bool cell_matches(uint8_t want, int have)
{
	if (want == WRITTEN) {
		return have == SMPDFU_BOOT_FLAG_SET || have == SMPDFU_BOOT_FLAG_BAD;
	}
	return want == ANY || want == have;
}

static bool row_matches(const struct swap_row *r, const struct smpdfu_boot_swap_state *pri,
			const struct smpdfu_boot_swap_state *sec)
{
	return cell_matches(r->pri_magic, pri->magic) && cell_matches(r->sec_magic, sec->magic) &&
	       cell_matches(r->pri_image_ok, pri->image_ok) &&
	       cell_matches(r->sec_image_ok, sec->image_ok) &&
	       cell_matches(r->pri_copy_done, pri->copy_done);
}

int smpdfu_boot_swap_type_decide(const struct smpdfu_boot_swap_state *pri,
				 const struct smpdfu_boot_swap_state *sec)
{
	for (size_t i = 0; i < ARRAY_SIZE(swap_table); i++) {
		if (row_matches(&swap_table[i], pri, sec)) {
			return swap_table[i].swap_type;
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
