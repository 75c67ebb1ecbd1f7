/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image trailer as the image tool writes it for --pad/--confirm, the room the trailer takes at
 * the end of a slot (imgtool's overflow check), and what a padded file's trailer says (dump).
 */
#ifndef IMAGE_TRAILER_H
#define IMAGE_TRAILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct image_trailer_opts {
	uint32_t align;       /* W, the flash write size: 1, 2, 4, 8, 16 or 32 */
	uint32_t max_align;   /* A, SMPDFU_BOOT_MAX_ALIGN: 8, 16 or 32 (0: max(8, align)) */
	uint32_t max_sectors; /* S, sectors of the swap status area (0: 128) */
	bool overwrite_only;  /* for an overwrite-only bootloader: no status area, no image_ok */
};

/* A, as imgtool chooses it when --max-align is not given. */
uint32_t image_trailer_max_align(const struct image_trailer_opts *o);

/*
 * Bytes the trailer takes at the end of a slot, which the image must end below: for the swap
 * modes a status area of S * 3 * W bytes, then the flags and swap size (an A-sized cell each)
 * and the magic; overwrite-only keeps two cells and the magic, as imgtool counts it.
 */
uint32_t image_trailer_size(const struct image_trailer_opts *o);

/*
 * Grows the image in *img (malloc'ed, *len bytes) to slot_size bytes of erased value and writes
 * the trailer magic in the form for A, and with confirm image_ok = 1, except for overwrite-only,
 * where imgtool writes no image_ok (the bootloader never reads it there). Returns 0, -EINVAL when
 * image and trailer do not fit the slot, -ENOMEM.
 */
int image_trailer_pad(uint8_t **img, size_t *len, uint32_t slot_size,
		      const struct image_trailer_opts *o, bool confirm);

/*
 * Prints the trailer at the end of a padded file (the fields imgtool dumpinfo shows: magic, the
 * A its form says, image_ok, copy_done, swap_info, swap_size). Returns false, printing nothing,
 * when the file does not end with a trailer magic.
 */
bool image_trailer_print(const uint8_t *file, size_t len, FILE *out);

#endif
