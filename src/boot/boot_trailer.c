/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCUboot image trailer for any SMPDFU_BOOT_MAX_ALIGN (the bootloader's and the test binary's):
 * where its fields sit, its magic, their reader and writers (boot_trailer_fields.h builds them for
 * each alignment). The swap status area's geometry is here too, for the loader.
 */
#include <errno.h>
#include <string.h>

#include "boot_priv.h"
#include "boot_trailer_fields.h"

static const uint8_t magic_a8[SMPDFU_BOOT_MAGIC_SZ] = SMPDFU_BOOT_MAGIC_A8;
static const uint8_t magic_tail[SMPDFU_BOOT_MAGIC_SZ - 2] = SMPDFU_BOOT_MAGIC_ALIGNED_TAIL;

_Static_assert(SMPDFU_BOOT_MAGIC_SZ == 16 && sizeof(magic_a8) == 16 && sizeof(magic_tail) == 14,
	       "the trailer magic is 16 bytes: 16 fixed ones for A = 8, else u16 A + 14 fixed");
_Static_assert(SMPDFU_BOOT_TRAILER_INFO_SZ ==
		       4 * SMPDFU_BOOT_MAX_ALIGN + SMPDFU_BOOT_MAGIC_ALIGN_SZ,
	       "trailer fields: four cells of A bytes and the magic's write size");

uint32_t smpdfu_boot_trailer_image_ok_off(uint32_t size, uint32_t align)
{
	return smpdfu_boot_trailer_cell_off(size, align, BOOT_CELL_IMAGE_OK);
}

uint32_t smpdfu_boot_trailer_copy_done_off(uint32_t size, uint32_t align)
{
	return smpdfu_boot_trailer_cell_off(size, align, BOOT_CELL_COPY_DONE);
}

uint32_t smpdfu_boot_trailer_swap_info_off(uint32_t size, uint32_t align)
{
	return smpdfu_boot_trailer_cell_off(size, align, BOOT_CELL_SWAP_INFO);
}

uint32_t smpdfu_boot_trailer_swap_size_off(uint32_t size, uint32_t align)
{
	return smpdfu_boot_trailer_cell_off(size, align, BOOT_CELL_SWAP_SIZE);
}

void smpdfu_boot_trailer_magic(uint32_t align, uint8_t magic[SMPDFU_BOOT_MAGIC_SZ])
{
	const uint8_t *fixed = magic_a8;
	size_t at = 0;

	/* Any other alignment is encoded in the magic, so a reader built for another A sees BAD. */
	if (align != 8) {
		magic[0] = (uint8_t)align;
		magic[1] = (uint8_t)(align >> 8);
		fixed = magic_tail;
		at = 2;
	}
	memcpy(magic + at, fixed, SMPDFU_BOOT_MAGIC_SZ - at);
}

uint32_t smpdfu_boot_scratch_trailer_size(uint32_t align, uint32_t wsz)
{
	return BOOT_STATUS_STATE_COUNT * wsz + smpdfu_boot_trailer_info_size(align);
}

uint32_t smpdfu_boot_status_entry_off(uint32_t size, uint32_t align, uint32_t max_sectors,
				      uint32_t wsz, uint32_t k)
{
	return size - smpdfu_boot_trailer_size(align, max_sectors, wsz) + k * wsz;
}

/*
 * Swap-using-scratch: the slots are equal and exchanged region by region, a region being as many
 * whole sectors as the scratch holds, counted down from the image's last sector. Below the first
 * trailer sector nothing limits the image but the slot. An image that shares that sector with the
 * trailer puts its region's status in the scratch's own trailer, so that region's bytes must fit
 * below it in the scratch.
 */
uint32_t smpdfu_boot_swap_scratch_max_image_size(uint32_t slot_size, uint32_t sec_size,
						 uint32_t scratch_size, uint32_t sector_size,
						 uint32_t align, uint32_t max_sectors,
						 uint32_t wsz)
{
	uint32_t trailer = smpdfu_boot_trailer_size(align, max_sectors, wsz);
	uint32_t scratch_trailer = smpdfu_boot_scratch_trailer_size(align, wsz);
	uint32_t region_sectors;
	uint32_t trailer_off;
	uint32_t first_trailer;
	uint32_t region_first;
	uint32_t limit;

	if (sector_size == 0 || slot_size != sec_size || slot_size / sector_size > max_sectors ||
	    trailer >= slot_size || scratch_size < sector_size || scratch_size <= scratch_trailer) {
		return 0;
	}
	region_sectors = scratch_size / sector_size;
	trailer_off = slot_size - trailer;
	first_trailer = trailer_off / sector_size;
	if (trailer_off % sector_size == 0) {
		return trailer_off; /* no image byte can share a sector with the trailer */
	}
	region_first = first_trailer + 1 >= region_sectors ? first_trailer + 1 - region_sectors : 0;
	limit = region_first * sector_size + scratch_size - scratch_trailer;
	if (limit > trailer_off) {
		limit = trailer_off;
	}
	/* Ending below the first trailer sector never needs the scratch trailer's room. */
	return limit > first_trailer * sector_size ? limit : first_trailer * sector_size;
}

/* Overwrite-only and direct-XIP: below the trailer's fields of the smaller slot. */
uint32_t smpdfu_boot_fields_max_image_size(uint32_t pri_size, uint32_t sec_size, uint32_t align)
{
	uint32_t pri = smpdfu_boot_trailer_swap_info_off(pri_size, align);
	uint32_t sec = smpdfu_boot_trailer_swap_info_off(sec_size, align);

	return pri < sec ? pri : sec;
}

int smpdfu_boot_trailer_read(const struct smpdfu_flash_area *fa, uint32_t align,
			     struct smpdfu_boot_swap_state *st)
{
	uint8_t want[SMPDFU_BOOT_MAGIC_SZ];

	smpdfu_boot_trailer_magic(align, want);
	return boot_trailer_read(fa, align, want, st);
}

int smpdfu_boot_trailer_read_swap_size(const struct smpdfu_flash_area *fa, uint32_t align,
				       uint32_t *size)
{
	uint8_t b[4];
	int rc = smpdfu_boot_flash_read(fa, smpdfu_boot_trailer_swap_size_off(fa->size, align), b,
					sizeof(b));

	if (rc < 0) {
		return rc;
	}
	*size = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int smpdfu_boot_trailer_write_magic(const struct smpdfu_flash_area *fa, uint32_t align)
{
	uint8_t magic[SMPDFU_BOOT_MAGIC_SZ];

	smpdfu_boot_trailer_magic(align, magic);
	return boot_trailer_write_magic(fa, align, magic);
}

int smpdfu_boot_trailer_invalidate_magic(const struct smpdfu_flash_area *fa, uint32_t align)
{
	static const uint8_t zeros[32];
	struct smpdfu_boot_swap_state st;
	uint32_t wsz = fa->dev->write_block;
	/* The magic's own 16 bytes, in whole write blocks: not the padding before it (A = 32). */
	uint32_t len = boot_align_up(SMPDFU_BOOT_MAGIC_SZ, wsz);
	int rc = smpdfu_boot_trailer_read(fa, align, &st);

	if (rc < 0 || st.magic != SMPDFU_BOOT_MAGIC_GOOD) {
		return rc;
	}
	if (len > sizeof(zeros) || fa->dev->erased_value != 0xff) {
		return -EINVAL;
	}
	/* Every bit of it cleared: no half-done erase can bring the magic back. */
	return smpdfu_boot_flash_program(fa, fa->size - len, zeros, len);
}

int smpdfu_boot_trailer_write_image_ok(const struct smpdfu_flash_area *fa, uint32_t align)
{
	return boot_trailer_write_field(fa, align, BOOT_CELL_IMAGE_OK, SMPDFU_BOOT_FLAG_SET_VALUE);
}

int smpdfu_boot_trailer_write_copy_done(const struct smpdfu_flash_area *fa, uint32_t align)
{
	return boot_trailer_write_field(fa, align, BOOT_CELL_COPY_DONE, SMPDFU_BOOT_FLAG_SET_VALUE);
}

int smpdfu_boot_trailer_write_swap_info(const struct smpdfu_flash_area *fa, uint32_t align,
					uint8_t swap_type, uint8_t image_num)
{
	return boot_trailer_write_swap_info(fa, align, swap_type, image_num);
}

int smpdfu_boot_trailer_write_swap_size(const struct smpdfu_flash_area *fa, uint32_t align,
					uint32_t size)
{
	return boot_trailer_write_field(fa, align, BOOT_CELL_SWAP_SIZE, size);
}
