/*
 * The image trailer as the image tool writes it for --pad/--confirm, and the room the trailer
 * takes at the end of a slot (imgtool's overflow check).
 */
#ifndef IMAGE_TRAILER_H
#define IMAGE_TRAILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image_trailer_opts {
	uint32_t align;       /* W, the flash write size: 1, 2, 4, 8, 16 or 32 */
	uint32_t max_align;   /* A, BOOT_MAX_ALIGN: 8, 16 or 32 (0: max(8, align)) */
	uint32_t max_sectors; /* S, sectors of the swap status area (0: 128) */
};

/* A, as imgtool chooses it when --max-align is not given. */
uint32_t image_trailer_max_align(const struct image_trailer_opts *o);

/*
 * Bytes a swap trailer takes at the end of a slot: a status area of S * 3 * W bytes, then the
 * flags and swap size (an A-sized cell each) and the magic. The image must end below it.
 */
uint32_t image_trailer_size(const struct image_trailer_opts *o);

/*
 * Grows the image in *img (malloc'ed, *len bytes) to slot_size bytes of erased value and writes
 * the trailer magic in the form for A, and with confirm image_ok = 1. Returns 0, -EINVAL when
 * image and trailer do not fit the slot, -ENOMEM.
 */
int image_trailer_pad(uint8_t **img, size_t *len, uint32_t slot_size,
		      const struct image_trailer_opts *o, bool confirm);

#endif
