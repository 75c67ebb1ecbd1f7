/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the two swap modes (swap-using-move, swap-using-scratch) share: status entries and how far
 * they say a swap got, the trailer fields that describe a swap, the writes that finish one, the
 * decision whether a swap starts (its type, the checks of the secondary, its size) and the check
 * of the secondary before a recorded swap starts again.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

int smpdfu_boot_status_write(const struct smpdfu_boot_loader *bl,
			     const struct smpdfu_flash_area *fa, uint32_t off, uint8_t value)
{
	uint8_t cell[32];

	/* smpdfu_boot_loader_check() keeps the write block within align, which is at most 32. */
	if (bl->wsz > sizeof(cell)) {
		return -EINVAL;
	}
	memset(cell, fa->dev->erased_value, bl->wsz);
	cell[0] = value;
	return smpdfu_boot_flash_program(fa, off, cell, bl->wsz);
}

int smpdfu_boot_status_progress(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
				uint32_t off, uint32_t count, uint32_t *done)
{
	const uint32_t per_chunk = (uint32_t)sizeof(bl->buf) / bl->wsz;
	const uint8_t erased = fa->dev->erased_value;

	*done = 0;
	for (uint32_t k = 0; k < count; k += per_chunk) {
		uint32_t n = count - k < per_chunk ? count - k : per_chunk;
		int rc = smpdfu_boot_flash_read(fa, off + k * bl->wsz, bl->buf, n * bl->wsz);

		if (rc < 0) {
			return rc;
		}
		for (uint32_t i = 0; i < n * bl->wsz; i++) {
			if (bl->buf[i] != erased) {
				*done = k + i / bl->wsz + 1;
			}
		}
	}
	return 0;
}

int smpdfu_boot_swap_write_fields(const struct smpdfu_boot_loader *bl,
				  const struct smpdfu_flash_area *fa, int swap_type, bool image_ok,
				  uint32_t swap_size)
{
	int rc = smpdfu_boot_trailer_write_swap_info(fa, bl->align, (uint8_t)swap_type, 0);

	if (rc == 0 && image_ok) {
		rc = smpdfu_boot_trailer_write_image_ok(fa, bl->align);
	}
	if (rc == 0) {
		rc = smpdfu_boot_trailer_write_swap_size(fa, bl->align, swap_size);
	}
	if (rc == 0) {
		rc = smpdfu_boot_trailer_write_magic(fa, bl->align);
	}
	return rc;
}

int smpdfu_boot_swap_finish(struct smpdfu_boot_loader *bl, int swap_type)
{
	struct smpdfu_boot_swap_state ps;
	int rc = smpdfu_boot_trailer_read(bl->pri, bl->align, &ps);

	/* MCUboot's order: image_ok first, so copy_done never stands without its image_ok. */
	if (rc == 0 && swap_type != SMPDFU_BOOT_SWAP_TYPE_TEST &&
	    ps.image_ok == SMPDFU_BOOT_FLAG_UNSET) {
		rc = smpdfu_boot_trailer_write_image_ok(bl->pri, bl->align);
	}
	if (rc == 0 && ps.copy_done == SMPDFU_BOOT_FLAG_UNSET) {
		rc = smpdfu_boot_trailer_write_copy_done(bl->pri, bl->align);
	}
	if (rc == 0) {
		LOG_INF("swap complete");
	}
	return rc;
}

/*
 * Size on flash of the image in fa (header, payload, TLVs) in *size, 0 when there is no readable
 * image; -EIO when fa could not be read (a guess would swap too little).
 */
static int image_size_or_zero(const struct smpdfu_flash_area *fa, uint32_t *size)
{
	struct smpdfu_image_header hdr;
	struct smpdfu_image_tlv_iter it;
	int rc = smpdfu_image_read_header(fa, &hdr);

	if (rc == 0) {
		rc = smpdfu_image_tlv_iter_begin(&it, fa, &hdr);
	}
	*size = rc == 0 ? smpdfu_image_tlv_end(&it) : 0;
	return rc == -EIO ? rc : 0;
}

/* Erases the primary trailer unless the primary image reaches into its sectors. */
static int clear_primary_trailer(struct smpdfu_boot_loader *bl, uint32_t trailer_size)
{
	uint32_t first =
		smpdfu_boot_trailer_first_sector(bl->pri->size, bl->sector_size, trailer_size);
	uint32_t size;

	if (image_size_or_zero(bl->pri, &size) < 0) {
		return -EIO;
	}
	if (size > first * bl->sector_size) {
		return 0;
	}
	LOG_INF("nothing to revert to: clearing the primary trailer");
	return smpdfu_boot_scramble_trailer(bl, bl->pri, trailer_size);
}

/*
 * Validates the secondary before a swap of that type. 0: go ahead (*v filled); 1: no swap (the
 * secondary, or its stale trailer, was scrubbed as MCUboot does; a revert with nothing to go back
 * to also clears the primary trailer); -EIO (unreadable) or the flash's error.
 */
static int check_secondary(struct smpdfu_boot_loader *bl, int swap_type, uint32_t max_size,
			   uint32_t trailer_size, struct smpdfu_image_validation *v)
{
	int rc = smpdfu_boot_validate_image(bl, bl->sec, max_size, v);

	if (rc == -EIO) {
		return rc;
	}
	if (rc == -ENOENT) {
		/* A trailer without an image would block every later upload: clear it. */
		LOG_INF("no image in the secondary slot: clearing its trailer");
		rc = smpdfu_boot_scramble_trailer(bl, bl->sec, trailer_size);
		if (rc == 0 && swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT) {
			rc = clear_primary_trailer(bl, trailer_size);
		}
		return rc < 0 ? rc : 1;
	}
	if (rc < 0) {
		LOG_WRN("image in the secondary slot is not valid (%d): erasing it", rc);
		rc = smpdfu_boot_scrub_slot(bl, bl->sec);
		if (rc == 0 && swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT) {
			rc = clear_primary_trailer(bl, trailer_size);
		}
		return rc < 0 ? rc : 1;
	}
	rc = swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT ? 0 : smpdfu_boot_is_downgrade(bl, &v->hdr);
	if (rc > 0) {
		rc = smpdfu_boot_scrub_slot(bl, bl->sec);
		return rc < 0 ? rc : 1;
	}
	return rc;
}

/*
 * Whether the primary agrees that a revert is under way, so that the secondary's REVERT mark may be
 * believed: the primary still asks for the revert (the fixup is done, the primary not yet touched),
 * its trailer is being rewritten (its magic is invalidated before anything else), or it records
 * the revert itself (complete, the secondary trailer not yet erased). A primary that records
 * anything else (a confirmed image, a finished swap) gives the lie to the mark: the secondary's
 * bytes alone must never turn a downgrade into a revert.
 */
static bool primary_backs_revert(const struct smpdfu_boot_swap_state *ps)
{
	static const struct smpdfu_boot_swap_state no_secondary = {
		.magic = SMPDFU_BOOT_MAGIC_UNSET,
		.image_ok = SMPDFU_BOOT_FLAG_UNSET,
		.copy_done = SMPDFU_BOOT_FLAG_UNSET,
		.swap_type = SMPDFU_BOOT_SWAP_TYPE_NONE,
	};

	if (ps->magic != SMPDFU_BOOT_MAGIC_GOOD ||
	    smpdfu_boot_swap_type_decide(ps, &no_secondary) == SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		return true;
	}
	return ps->swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT &&
	       ps->copy_done == SMPDFU_BOOT_FLAG_UNSET;
}

int smpdfu_boot_swap_plan(struct smpdfu_boot_loader *bl, const struct boot_swap_limits *lim,
			  const struct smpdfu_boot_swap_state *ps,
			  const struct smpdfu_boot_swap_state *ss, int *type, uint32_t *swap_size)
{
	struct smpdfu_image_validation v;
	uint32_t pri_size;
	int rc;

	*type = smpdfu_boot_swap_type_decide(ps, ss);
	/* A revert whose fixup ran, then power failed: it reads PERM but stays a revert. */
	if (lim->revert_fixup && *type == SMPDFU_BOOT_SWAP_TYPE_PERM &&
	    ss->swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT && ss->image_num == 0) {
		if (primary_backs_revert(ps)) {
			*type = SMPDFU_BOOT_SWAP_TYPE_REVERT;
		} else {
			LOG_WRN("a REVERT mark in the secondary that the primary does not back: "
				"a permanent request");
		}
	}
	if (*type == SMPDFU_BOOT_SWAP_TYPE_NONE) {
		return 1;
	}
	LOG_INF("swap type %s", smpdfu_boot_swap_type_name(*type));
	rc = check_secondary(bl, *type, lim->max_image_size, lim->trailer_size, &v);
	if (rc != 0) {
		return rc;
	}
	/* The secondary fits (checked above); the image it replaces must fit as well. */
	if (image_size_or_zero(bl->pri, &pri_size) < 0) {
		return -EIO;
	}
	*swap_size = pri_size > v.size ? pri_size : v.size;
	if (*swap_size == 0 || *swap_size > lim->max_image_size) {
		LOG_WRN("the primary image (%u bytes) is too large to swap: no upgrade",
			(unsigned int)pri_size);
		return 1;
	}
	return 0;
}

int smpdfu_boot_swap_recheck_secondary(struct smpdfu_boot_loader *bl, uint32_t max_size)
{
	struct smpdfu_image_validation v;
	int rc = smpdfu_boot_validate_image(bl, bl->sec, max_size, &v);

	if (rc == -EIO) {
		return rc;
	}
	if (rc < 0) {
		LOG_WRN("image in the secondary slot is not valid (%d): swap abandoned", rc);
		rc = smpdfu_boot_scrub_slot(bl, bl->sec);
		return rc < 0 ? rc : 1;
	}
	return 0;
}
