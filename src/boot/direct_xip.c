/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Direct-XIP (MCUboot's MCUBOOT_DIRECT_XIP, optionally with _REVERT): images run from the slot they
 * were linked for and nothing is copied. The slot with the highest valid version boots (a tie goes
 * to the primary). With revert, a slot must carry a magic; it is marked "selected once" with
 * copy_done on its first boot, and erased if it comes back unconfirmed, so the other slot wins.
 */
#include <errno.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

#define SLOT_COUNT 2

/* Direct-XIP images keep the same room for the trailer as overwrite-only ones. */
static uint32_t xip_max_image_size(const struct smpdfu_flash_area *fa, uint32_t align)
{
	return smpdfu_boot_trailer_swap_info_off(fa->size, align);
}

/*
 * 1 for a slot the header checks allow (right magic and sizes, bootable, linked for this slot),
 * 0 for one they do not, -EIO when its header cannot be read.
 */
static int slot_is_candidate(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr)
{
	int rc = smpdfu_boot_read_checked_header(fa, hdr);

	if (rc == -EIO) {
		return rc;
	}
	if (rc < 0 || (hdr->flags & SMPDFU_IMAGE_F_NON_BOOTABLE)) {
		return 0;
	}
	/* ROM_FIXED: the load address is where the image must run from; any other slot is wrong. */
	if ((hdr->flags & SMPDFU_IMAGE_F_ROM_FIXED) && hdr->load_addr != fa->off) {
		LOG_WRN("image in slot at 0x%x is linked for 0x%x: skipped", (unsigned int)fa->off,
			(unsigned int)hdr->load_addr);
		return 0;
	}
	return 1;
}

/*
 * The candidate with the highest version; -ENOENT when none is left, -EIO when a header cannot be
 * read (a slot skipped for a read error would boot the other one, and the next boot this one).
 */
static int pick_slot(const struct smpdfu_flash_area *const fas[SLOT_COUNT],
		     const bool excluded[SLOT_COUNT])
{
	struct smpdfu_image_header best_hdr;
	struct smpdfu_image_header hdr;
	int best = -ENOENT;

	for (int s = 0; s < SLOT_COUNT; s++) {
		int rc = excluded[s] ? 0 : slot_is_candidate(fas[s], &hdr);

		if (rc < 0) {
			return rc;
		}
		if (rc == 0) {
			continue;
		}
		/* Strictly greater replaces: on a tie the primary (tried first) stays. */
		if (best < 0 || smpdfu_image_version_cmp(&hdr.ver, &best_hdr.ver, false) > 0) {
			best = s;
			best_hdr = hdr;
		}
	}
	return best;
}

/*
 * Revert rules for the chosen slot: 1 when it was erased (pick again), 0 when it may boot
 * (copy_done written on its first selection), or the flash's error. A copy_done whose write was
 * torn (BAD) counts as written, as MCUboot would not: the slot was selected, and must not boot
 * forever unconfirmed.
 */
static int select_or_erase(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
			   int slot)
{
	struct smpdfu_boot_swap_state st;
	int rc = smpdfu_boot_trailer_read(fa, bl->align, &st);

	if (rc < 0) {
		return rc;
	}
	if (st.magic != SMPDFU_BOOT_MAGIC_GOOD ||
	    (st.copy_done != SMPDFU_BOOT_FLAG_UNSET && st.image_ok != SMPDFU_BOOT_FLAG_SET)) {
		if (st.magic != SMPDFU_BOOT_MAGIC_GOOD) {
			LOG_WRN("slot %d has no trailer magic: erasing it", slot);
		} else {
			LOG_INF("reverting: slot %d ran without being confirmed, erasing it", slot);
		}
		rc = smpdfu_boot_scrub_slot(bl, fa);
		return rc < 0 ? rc : 1;
	}
	if (st.copy_done == SMPDFU_BOOT_FLAG_UNSET) {
		/* First boot of this image: the next one without a confirm reverts it. */
		rc = smpdfu_boot_trailer_write_copy_done(fa, bl->align);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int smpdfu_boot_go_direct_xip(struct smpdfu_boot_loader *bl, bool revert,
			      struct smpdfu_boot_rsp *rsp)
{
	const struct smpdfu_flash_area *const fas[SLOT_COUNT] = { bl->pri, bl->sec };
	bool excluded[SLOT_COUNT] = { false, false };
	struct smpdfu_image_validation v;
	int rc;

	if (smpdfu_boot_loader_check(bl) < 0) {
		return -EINVAL;
	}
	/* Each round boots or drops one slot from the choice: SLOT_COUNT + 1 rounds suffice. */
	for (int round = 0; round <= SLOT_COUNT; round++) {
		int s = pick_slot(fas, excluded);

		if (s == -EIO) {
			LOG_ERR("a slot's header cannot be read: no choice this boot");
			return s;
		}
		if (s < 0) {
			break;
		}
		rc = smpdfu_boot_validate_image(bl, fas[s], xip_max_image_size(fas[s], bl->align),
						&v);
		if (rc == -EIO) {
			return rc;
		}
		if (rc < 0) {
			/* Slots are equals in direct-XIP: an invalid image goes, in either. */
			LOG_WRN("image in slot %d is not valid (%d): erasing it", s, rc);
			rc = smpdfu_boot_scrub_slot(bl, fas[s]);
			if (rc < 0) {
				return rc;
			}
			excluded[s] = true;
			continue;
		}
		if (revert) {
			rc = select_or_erase(bl, fas[s], s);
			if (rc < 0) {
				return rc;
			}
			if (rc > 0) {
				excluded[s] = true;
				continue;
			}
		}
		smpdfu_boot_report(rsp, (uint32_t)s, &v.hdr, SMPDFU_BOOT_SWAP_TYPE_NONE);
		return 0;
	}
	LOG_ERR("no valid image in either slot");
	return -ENOENT;
}
