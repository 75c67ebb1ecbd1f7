/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Overwrite-only (MCUboot's MCUBOOT_OVERWRITE_ONLY with _FAST): a marked, valid secondary image is
 * copied over the primary, which gets a magic; then the secondary's header and trailer are erased.
 * Until that erase the secondary is intact and still marked, so an interrupted copy is simply
 * started again; there is no status area and no way back.
 */
#include <errno.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

/* MCUboot's limit for overwrite-only: the image ends below swap_info (slot size - 16 - 3·A). */
static uint32_t overwrite_max_image_size(const struct smpdfu_boot_loader *bl)
{
	return smpdfu_boot_mode_max_image_size(BOOT_MODE_OVERWRITE_ONLY, bl->pri->size,
					       bl->sec->size, 0, bl->sector_size, bl->align,
					       bl->max_sectors, bl->wsz);
}

/*
 * The sectors the image and the trailer fields need, erased; the image copied; the magic last.
 * Erased even when they read erased: a torn copy may have programmed 0xFF there, and nRF counts
 * those writes (two per word between erases), so a copy restarted twice would be a third.
 */
static int copy_to_primary(struct smpdfu_boot_loader *bl, uint32_t size)
{
	const uint32_t sz = bl->sector_size;
	const uint32_t sectors = bl->pri->size / sz;
	uint32_t img_sectors = (size + sz - 1) / sz;
	uint32_t trailer_first = smpdfu_boot_trailer_first_sector(
		bl->pri->size, sz, smpdfu_boot_trailer_info_size(bl->align));
	uint32_t len = (size + bl->wsz - 1) / bl->wsz * bl->wsz;
	int rc = 0;

	for (uint32_t i = 0; i < sectors && rc == 0; i++) {
		if (i < img_sectors || i >= trailer_first) {
			rc = smpdfu_boot_flash_erase(bl->pri, i * sz, sz);
		}
	}
	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, bl->sec, 0, bl->pri, 0, len);
	}
	if (rc == 0) {
		rc = smpdfu_boot_trailer_write_magic(bl->pri, bl->align);
	}
	return rc;
}

/* The request is consumed: header first (the image is gone for good), then the trailer. */
static int consume_secondary(struct smpdfu_boot_loader *bl)
{
	int rc = smpdfu_boot_erase_if_needed(bl->sec, 0, bl->sector_size);

	if (rc == 0) {
		rc = smpdfu_boot_scramble_trailer(bl, bl->sec,
						  smpdfu_boot_trailer_info_size(bl->align));
	}
	return rc;
}

int smpdfu_boot_go_overwrite(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp)
{
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state ss;
	struct smpdfu_image_validation v;
	int did = SMPDFU_BOOT_SWAP_TYPE_NONE;
	int downgrade;
	int type;
	int rc;

	if (smpdfu_boot_loader_check(bl) < 0) {
		return -EINVAL;
	}
	rc = smpdfu_boot_trailer_read(bl->pri, bl->align, &ps);
	if (rc == 0) {
		rc = smpdfu_boot_trailer_read(bl->sec, bl->align, &ss);
	}
	if (rc < 0) {
		return rc;
	}
	type = smpdfu_boot_swap_type_decide(&ps, &ss);
	/* Test and permanent both mean "copy"; nothing can be reverted. */
	if (type == SMPDFU_BOOT_SWAP_TYPE_TEST || type == SMPDFU_BOOT_SWAP_TYPE_PERM) {
		LOG_INF("swap type %s", smpdfu_boot_swap_type_name(type));
		rc = smpdfu_boot_validate_image(bl, bl->sec, overwrite_max_image_size(bl), &v);
		downgrade = rc == 0 ? smpdfu_boot_is_downgrade(bl, &v.hdr) : 0;
		if (rc == -EIO || downgrade < 0) {
			return -EIO;
		}
		if (rc == -ENOENT) {
			LOG_INF("no image in the secondary slot: clearing its trailer");
			rc = smpdfu_boot_scramble_trailer(bl, bl->sec,
							  smpdfu_boot_trailer_info_size(bl->align));
		} else if (rc < 0) {
			LOG_WRN("image in the secondary slot is not valid (%d): erasing it", rc);
			rc = smpdfu_boot_scrub_slot(bl, bl->sec);
		} else if (downgrade) {
			rc = smpdfu_boot_scrub_slot(bl, bl->sec);
		} else {
			LOG_INF("overwriting the primary slot (%u bytes)", (unsigned int)v.size);
			rc = copy_to_primary(bl, v.size);
			if (rc == 0) {
				rc = consume_secondary(bl);
			}
			did = type;
		}
		if (rc < 0) {
			return rc;
		}
	}

	return smpdfu_boot_from_primary(bl, overwrite_max_image_size(bl), did, rsp);
}
