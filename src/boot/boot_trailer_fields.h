/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trailer's reader and field writers (smpdfu_boot_trailer_read() and _write_*()), inline:
 * boot_trailer.c builds them for any alignment, the bootloader's, and boot_app.c for the
 * configured one, the only one the application uses, where the trailer's sizes and places are
 * constants.
 */
#ifndef SMPDFU_BOOT_TRAILER_FIELDS_H
#define SMPDFU_BOOT_TRAILER_FIELDS_H

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "boot_priv.h"

static inline bool bytes_are(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

/*
 * A flag is the first byte of its write block (MCUboot reads that byte alone), but it is UNSET
 * only when the whole block is erased: UNSET means "may be written", and a block with anything
 * written beside an erased first byte is a write of the flag that began (the flash's tear) or a
 * foreign one. Either way it cannot take the value any more: BAD, as any other torn value.
 */
static inline enum smpdfu_boot_flag_state decode_flag(const uint8_t *block, uint32_t wsz,
						      uint8_t erased)
{
	if (block[0] == erased) {
		return bytes_are(block, wsz, erased) ? SMPDFU_BOOT_FLAG_UNSET
						     : SMPDFU_BOOT_FLAG_BAD;
	}
	return block[0] == SMPDFU_BOOT_FLAG_SET_VALUE ? SMPDFU_BOOT_FLAG_SET : SMPDFU_BOOT_FLAG_BAD;
}

/* smpdfu_boot_trailer_read() for `align` (boot_priv.h), whose magic is `want`. */
static inline int boot_trailer_read(const struct smpdfu_flash_area *fa, uint32_t align,
				    const uint8_t want[SMPDFU_BOOT_MAGIC_SZ],
				    struct smpdfu_boot_swap_state *st)
{
	/* One read of the fields and the magic: at most 4·32 + 32 bytes. */
	uint8_t raw[4 * 32 + 32];
	uint32_t base;
	uint32_t len = smpdfu_boot_trailer_info_size(align);
	uint32_t magic_len = smpdfu_boot_trailer_magic_align(align);
	const uint8_t *image_ok;
	uint32_t wsz;
	uint8_t erased;
	uint8_t info;
	uint8_t type;
	int rc;

	if (fa == NULL || fa->size < len || len > sizeof(raw)) {
		return -EINVAL;
	}
	base = fa->size - len;
	rc = smpdfu_boot_flash_read(fa, base, raw, len);
	if (rc < 0) {
		return rc;
	}
	erased = fa->dev->erased_value;
	/*
	 * A write block wider than a cell cannot hold a field (writes refuse it): read the cell. No
	 * device of the flash map has write blocks of 0 bytes.
	 */
	wsz = fa->dev->write_block < align ? fa->dev->write_block : align;

	const uint8_t *magic = raw + len - SMPDFU_BOOT_MAGIC_SZ;

	/* UNSET: the magic's whole write may happen (for A = 32, its erased lead bytes too). */
	if (bytes_are(raw + len - magic_len, magic_len, erased)) {
		st->magic = SMPDFU_BOOT_MAGIC_UNSET;
	} else {
		st->magic = memcmp(magic, want, SMPDFU_BOOT_MAGIC_SZ) == 0 ? SMPDFU_BOOT_MAGIC_GOOD
								    : SMPDFU_BOOT_MAGIC_BAD;
	}
	/* The cells lie in raw as on flash, each A bytes below the one before. */
	image_ok = raw + (smpdfu_boot_trailer_cell_off(fa->size, align, BOOT_CELL_IMAGE_OK) - base);
	st->image_ok = decode_flag(image_ok, wsz, erased);
	st->copy_done = decode_flag(image_ok - BOOT_CELL_COPY_DONE * align, wsz, erased);

	/* swap_info: low nibble the type, high nibble the image; erased or unknown type: NONE. */
	info = image_ok[-(ptrdiff_t)(BOOT_CELL_SWAP_INFO * align)];
	type = info & 0x0f;
	if (info == erased || type < SMPDFU_BOOT_SWAP_TYPE_NONE ||
	    type > SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		/* swap_info as if it were NONE of image 0. */
		info = SMPDFU_BOOT_SWAP_TYPE_NONE;
		type = info;
	}
	st->swap_type = type;
	st->image_num = info >> 4;
	return 0;
}

/* Up to whole write blocks (of any size). */
static inline uint32_t boot_align_up(uint32_t v, uint32_t wsz)
{
	return (v + wsz - 1) / wsz * wsz;
}

/*
 * One program of a field's value, little-endian (swap_size's 4 bytes, else one), padded to the
 * write block with the erased value.
 */
static inline int boot_trailer_write_field(const struct smpdfu_flash_area *fa, uint32_t align,
					   enum boot_trailer_cell cell, uint32_t value)
{
	uint8_t block[32];
	uint32_t len = cell == BOOT_CELL_SWAP_SIZE ? 4 : 1;
	uint32_t n = boot_align_up(len, fa->dev->write_block);

	/* MCUboot cannot place a field wider than its cell: a configuration error, not I/O. */
	if (n > align || n > sizeof(block)) {
		return -EINVAL;
	}
	/* The value's four bytes, then erased ones from the field's end: only n are written. */
	block[0] = (uint8_t)value;
	block[1] = (uint8_t)(value >> 8);
	block[2] = (uint8_t)(value >> 16);
	block[3] = (uint8_t)(value >> 24);
	memset(block + len, fa->dev->erased_value, n - len);
	return smpdfu_boot_flash_program(fa, smpdfu_boot_trailer_cell_off(fa->size, align, cell),
					 block, n);
}

/* swap_info: the type in the low nibble, the image in the high one. */
static inline int boot_trailer_write_swap_info(const struct smpdfu_flash_area *fa,
					       uint32_t align, uint8_t swap_type, uint8_t image_num)
{
	/* Both nibbles below 0xF, so the byte can never read as erased. */
	if (swap_type >= 0x0f || image_num >= 0x0f) {
		return -EINVAL;
	}
	return boot_trailer_write_field(fa, align, BOOT_CELL_SWAP_INFO,
					(uint32_t)image_num << 4 | swap_type);
}

/*
 * The magic: one program of its write size, the 16 bytes of `magic` (for A = 32 after 16 erased
 * ones). Whole write blocks of those erased bytes are not programmed (W < 32): the bytes are
 * erased already, and a tear that wrote only them would leave the page reading erased, so it is
 * not erased before the next attempt, whose program would be one more write of those words (NOR
 * parts count it: nRF allows two per word between erases). The callers build the magic: the
 * application's is a constant for its alignment.
 */
static inline int boot_trailer_write_magic(const struct smpdfu_flash_area *fa, uint32_t align,
					   const uint8_t magic[SMPDFU_BOOT_MAGIC_SZ])
{
	uint8_t cell[32];
	uint32_t n = smpdfu_boot_trailer_magic_align(align);
	uint32_t wsz = fa->dev->write_block;
	uint32_t skip;
	uint32_t off;
	const uint8_t *src = magic;

	if (n > sizeof(cell) || wsz > n) {
		return -EINVAL;
	}
	if (n > SMPDFU_BOOT_MAGIC_SZ) {
		memset(cell, fa->dev->erased_value, n - SMPDFU_BOOT_MAGIC_SZ);
		memcpy(cell + n - SMPDFU_BOOT_MAGIC_SZ, magic, SMPDFU_BOOT_MAGIC_SZ);
		src = cell;
	}
	skip = (n - SMPDFU_BOOT_MAGIC_SZ) / wsz * wsz;
	off = smpdfu_boot_trailer_magic_write_off(fa->size, align) + skip;
	return smpdfu_boot_flash_program(fa, off, src + skip, n - skip);
}

#endif /* SMPDFU_BOOT_TRAILER_FIELDS_H */
