/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's entry: smpdfu_boot_go() runs the mode Kconfig chose over the flash map's slots.
 * The helpers every mode shares live here too: header checks, full validation with the board's
 * keys, sector copies through one bounded buffer, the erases that scrub a slot or its trailer, and
 * the last step of the modes that boot the primary.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

_Static_assert(CONFIG_BOOT_COPY_BUF_SIZE >= 32 &&
		       (CONFIG_BOOT_COPY_BUF_SIZE & (CONFIG_BOOT_COPY_BUF_SIZE - 1)) == 0,
	       "CONFIG_BOOT_COPY_BUF_SIZE must be a power of two of at least 32 bytes, so that it "
	       "is a whole number of write blocks");
_Static_assert(CONFIG_BOOT_MAX_IMG_SECTORS > 0, "CONFIG_BOOT_MAX_IMG_SECTORS must be positive");

/* Header flags we cannot boot: encrypted or compressed images need support we do not build. */
#define UNSUPPORTED_FLAGS                                                                          \
	(SMPDFU_IMAGE_F_ENCRYPTED_AES128 | SMPDFU_IMAGE_F_ENCRYPTED_AES256 |                       \
	 SMPDFU_IMAGE_F_COMPRESSED_LZMA1 | SMPDFU_IMAGE_F_COMPRESSED_LZMA2 |                       \
	 SMPDFU_IMAGE_F_COMPRESSED_ARM_THUMB | SMPDFU_IMAGE_F_PIC)

int smpdfu_boot_loader_init(struct smpdfu_boot_loader *bl)
{
	memset(bl, 0, sizeof(*bl));
	bl->pri = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	bl->sec = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	if (bl->pri == NULL || bl->sec == NULL) {
		return -ENODEV;
	}
	/* Sectors are moved between the slots one for one: both need the same geometry. */
	if (bl->pri->dev->page_size != bl->sec->dev->page_size ||
	    bl->pri->dev->write_block != bl->sec->dev->write_block ||
	    bl->pri->dev->erased_value != bl->sec->dev->erased_value) {
		return -EINVAL;
	}
	/* Optional: only swap-using-scratch needs it, and checks it against the slots then. */
	bl->scratch = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SCRATCH);
	bl->key_count = smpdfu_boot_trusted_keys(&bl->keys);
	bl->align = SMPDFU_BOOT_MAX_ALIGN;
	bl->max_sectors = CONFIG_BOOT_MAX_IMG_SECTORS;
	bl->validate_primary = CONFIG_BOOT_VALIDATE_PRIMARY_SLOT;
	bl->no_downgrade = CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE;
	bl->sector_size = bl->pri->dev->page_size;
	bl->wsz = bl->pri->dev->write_block;
	return 0;
}

int smpdfu_boot_loader_check(const struct smpdfu_boot_loader *bl)
{
	/* A field must fit its cell, and copies go in whole write blocks. */
	if (bl->wsz > bl->align || sizeof(bl->buf) % bl->wsz != 0 ||
	    (bl->align != 8 && bl->align != 16 && bl->align != 32)) {
		return -EINVAL;
	}
	return 0;
}

int smpdfu_boot_scramble_trailer(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
				 uint32_t trailer_size)
{
	uint32_t first = smpdfu_boot_trailer_first_sector(fa->size, bl->sector_size, trailer_size);
	uint32_t off = first * bl->sector_size;
	int rc = smpdfu_boot_trailer_invalidate_magic(fa, bl->align);

	/* Always: its fields are written next, and reading erased does not say they were not
	 * written (an uploader may program 0xFF; nRF counts that write). */
	return rc < 0 ? rc : smpdfu_boot_flash_erase(fa, off, fa->size - off);
}

static bool chunk_is_erased(const uint8_t *p, uint32_t len, uint8_t erased)
{
	for (uint32_t i = 0; i < len; i++) {
		if (p[i] != erased) {
			return false;
		}
	}
	return true;
}

int smpdfu_boot_copy(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *src,
		     uint32_t src_off, const struct smpdfu_flash_area *dst, uint32_t dst_off,
		     uint32_t len)
{
	const uint8_t erased = dst->dev->erased_value;

	while (len > 0) {
		uint32_t n = len < sizeof(bl->buf) ? len : (uint32_t)sizeof(bl->buf);
		int rc = smpdfu_boot_flash_read(src, src_off, bl->buf, n);

		/* The destination is erased: programming erased bytes would only cost an op. */
		if (rc == 0 && !chunk_is_erased(bl->buf, n, erased)) {
			rc = smpdfu_boot_flash_program(dst, dst_off, bl->buf, n);
		}
		if (rc < 0) {
			return rc;
		}
		src_off += n;
		dst_off += n;
		len -= n;
	}
	return 0;
}

int smpdfu_boot_read_checked_header(const struct smpdfu_flash_area *fa,
				    struct smpdfu_image_header *hdr)
{
	uint8_t raw[4];
	int rc = smpdfu_image_read_header(fa, hdr);

	if (rc == -ENOENT) {
		/*
		 * Only an erased magic means "empty"; anything else there is foreign content. A
		 * failed read is -EIO whatever its errno (logged): -EINVAL here says "no image".
		 */
		if (smpdfu_boot_flash_read(fa, 0, raw, sizeof(raw)) < 0) {
			return -EIO;
		}
		return chunk_is_erased(raw, sizeof(raw), fa->dev->erased_value) ? -ENOENT : -EINVAL;
	}
	if (rc < 0) {
		return rc;
	}
	if ((hdr->flags & UNSUPPORTED_FLAGS) != 0) {
		return -EINVAL;
	}
	return 0;
}

int smpdfu_boot_read_header_at(const struct smpdfu_flash_area *fa, uint32_t off,
			       struct smpdfu_image_header *hdr)
{
	uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE];
	int rc = smpdfu_boot_flash_read(fa, off, raw, sizeof(raw));

	if (rc < 0) {
		return rc;
	}
	smpdfu_image_header_decode(raw, hdr);
	return hdr->magic == SMPDFU_IMAGE_MAGIC ? 0 : -ENOENT;
}

int smpdfu_boot_is_downgrade(struct smpdfu_boot_loader *bl,
			     const struct smpdfu_image_header *incoming)
{
	struct smpdfu_image_validation cur;
	char a[SMPDFU_IMAGE_VERSION_STR_MAX];
	char b[SMPDFU_IMAGE_VERSION_STR_MAX];
	int rc;

	if (!bl->no_downgrade) {
		return 0;
	}
	/*
	 * Only a valid primary counts: a header left half-written by an interrupted copy must not
	 * block the very copy that repairs it. A primary that could not be read is not known to be
	 * invalid: the boot stops rather than let a read error install a downgrade.
	 */
	rc = smpdfu_boot_validate_image(bl, bl->pri, bl->pri->size, &cur);
	if (rc == -EIO) {
		return rc;
	}
	if (rc < 0 || smpdfu_image_version_cmp(&incoming->ver, &cur.hdr.ver, false) >= 0) {
		return 0;
	}
	smpdfu_image_version_str(&incoming->ver, a);
	smpdfu_image_version_str(&cur.hdr.ver, b);
	LOG_WRN("version %s is older than %s in the primary slot: erasing it (no downgrades)", a,
		b);
	return 1;
}

int smpdfu_boot_validate_image(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
			       uint32_t max_size, struct smpdfu_image_validation *v)
{
	struct smpdfu_image_header hdr;
	int rc = smpdfu_boot_read_checked_header(fa, &hdr);

	/* A non-bootable image (half of a split image) counts as no image, as in MCUboot. */
	if (rc == 0 && (hdr.flags & SMPDFU_IMAGE_F_NON_BOOTABLE)) {
		return -ENOENT;
	}
	if (rc == 0) {
		rc = smpdfu_image_validate(fa, bl->keys, bl->key_count, v);
	}
	if (rc == -EIO) {
		/* The image layer's "cannot read": no verdict on the image, so no erase follows. */
		LOG_ERR("the image in %s cannot be read: %d", fa->label, rc);
	}
	if (rc < 0) {
		return rc;
	}
	return v->size > max_size ? -EFBIG : 0;
}

int smpdfu_boot_scrub_slot(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa)
{
	uint32_t last = fa->size - bl->sector_size;
	int rc = smpdfu_boot_erase_if_needed(fa, 0, last);

	if (rc == 0) {
		rc = smpdfu_boot_trailer_invalidate_magic(fa, bl->align);
	}
	return rc < 0 ? rc : smpdfu_boot_erase_if_needed(fa, last, bl->sector_size);
}

uint32_t smpdfu_boot_slot_of(const struct smpdfu_boot_loader *bl,
			     const struct smpdfu_flash_area *fa)
{
	return fa == bl->pri ? 0 : 1;
}

/*
 * What the next boot stands on: the primary image, fully validated (bl->validate_primary) or by its
 * header only, ending before max_size. 0 with *hdr; -ENOENT no bootable image; -EIO; -EINVAL etc.
 */
static int check_primary(struct smpdfu_boot_loader *bl, uint32_t max_size,
			 struct smpdfu_image_header *hdr)
{
	struct smpdfu_image_validation v;
	int rc;

	if (!bl->validate_primary) {
		rc = smpdfu_boot_read_checked_header(bl->pri, hdr);
		if (rc == 0 && (hdr->flags & SMPDFU_IMAGE_F_NON_BOOTABLE)) {
			rc = -ENOENT;
		}
		return rc;
	}
	rc = smpdfu_boot_validate_image(bl, bl->pri, max_size, &v);
	if (rc == 0) {
		*hdr = v.hdr;
	}
	return rc;
}

void smpdfu_boot_report(struct smpdfu_boot_rsp *rsp, uint32_t slot,
			const struct smpdfu_image_header *hdr, int swap_type)
{
	char ver[SMPDFU_IMAGE_VERSION_STR_MAX];

	rsp->slot = slot;
	rsp->hdr = *hdr;
	rsp->swap_type = swap_type;
	smpdfu_image_version_str(&hdr->ver, ver);
	LOG_INF("booting slot %u version %s", (unsigned int)slot, ver);
}

int smpdfu_boot_from_primary(struct smpdfu_boot_loader *bl, uint32_t max_size, int swap_type,
			     struct smpdfu_boot_rsp *rsp)
{
	struct smpdfu_image_header hdr;
	int rc = check_primary(bl, max_size, &hdr);

	if (rc == -EIO) {
		return rc;
	}
	if (rc < 0) {
		LOG_ERR("no valid image in the primary slot (%d)", rc);
		return -ENOENT;
	}
	smpdfu_boot_report(rsp, 0, &hdr, swap_type);
	return 0;
}

int smpdfu_boot_go_loader(struct smpdfu_boot_loader *bl, enum boot_mode mode,
			  struct smpdfu_boot_rsp *rsp)
{
	/* Only the modes the configuration links are reachable: the others are not compiled. */
	if (CONFIG_SMPDFU_BOOT_LINK_SWAP_USING_MOVE && mode == BOOT_MODE_SWAP_MOVE) {
		return smpdfu_boot_go_swap_move(bl, rsp);
	}
	if (CONFIG_SMPDFU_BOOT_LINK_SWAP_SCRATCH && mode == BOOT_MODE_SWAP_SCRATCH) {
		return smpdfu_boot_go_swap_scratch(bl, rsp);
	}
	if (CONFIG_SMPDFU_BOOT_LINK_OVERWRITE_ONLY && mode == BOOT_MODE_OVERWRITE_ONLY) {
		return smpdfu_boot_go_overwrite(bl, rsp);
	}
	if (CONFIG_SMPDFU_BOOT_LINK_DIRECT_XIP &&
	    (mode == BOOT_MODE_DIRECT_XIP || mode == BOOT_MODE_DIRECT_XIP_REVERT)) {
		return smpdfu_boot_go_direct_xip(bl, mode == BOOT_MODE_DIRECT_XIP_REVERT, rsp);
	}
	return -ENOTSUP;
}

int smpdfu_boot_go_mode(enum boot_mode mode, struct smpdfu_boot_rsp *rsp)
{
	/* Static: the copy buffer is too large for a bootloader's stack. Initialised every run. */
	static struct smpdfu_boot_loader bl;
	int rc = smpdfu_boot_loader_init(&bl);

	if (rc < 0) {
		LOG_ERR("flash map unusable for the bootloader (%d)", rc);
		return rc;
	}
	return smpdfu_boot_go_loader(&bl, mode, rsp);
}

int smpdfu_boot_go(struct smpdfu_boot_rsp *rsp)
{
	enum boot_mode mode = BOOT_MODE_SWAP_MOVE;

	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		mode = BOOT_MODE_SWAP_SCRATCH;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY) {
		mode = BOOT_MODE_OVERWRITE_ONLY;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		mode = BOOT_MODE_DIRECT_XIP;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		mode = BOOT_MODE_DIRECT_XIP_REVERT;
	}
	return smpdfu_boot_go_mode(mode, rsp);
}
