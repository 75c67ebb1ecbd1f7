/*
 * Trailer writing for padded images: the same magic, in the same place, as a device's
 * boot_request_upgrade() would write it, so a padded image flashed at the factory reads as
 * "pending" (test) or, with image_ok, as "confirmed" to MCUboot.
 */
#include "image_trailer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/prot/boot_trailer.h>

#define ERASED 0xff
#define DEFAULT_MAX_SECTORS 128
/* swap-using-move and swap-using-scratch keep three status entries per sector. */
#define STATUS_ENTRIES_PER_SECTOR 3

uint32_t image_trailer_max_align(const struct image_trailer_opts *o)
{
	if (o->max_align != 0) {
		return o->max_align;
	}
	return o->align > 8 ? o->align : 8;
}

/* The magic is written as a block of 16 bytes, or of A bytes when A is larger. */
static uint32_t magic_block(uint32_t a)
{
	return a > BOOT_MAGIC_SZ ? a : BOOT_MAGIC_SZ;
}

uint32_t image_trailer_size(const struct image_trailer_opts *o)
{
	uint32_t a = image_trailer_max_align(o);
	uint32_t sectors = o->max_sectors != 0 ? o->max_sectors : DEFAULT_MAX_SECTORS;
	uint32_t w = o->align != 0 ? o->align : 1;

	return sectors * STATUS_ENTRIES_PER_SECTOR * w + 4 * a + magic_block(a);
}

/* The 16 magic bytes for A: the classic constant for 8, else A itself then a fixed tail. */
static void magic_for(uint32_t a, uint8_t out[BOOT_MAGIC_SZ])
{
	static const uint8_t a8[BOOT_MAGIC_SZ] = BOOT_MAGIC_A8;
	static const uint8_t tail[BOOT_MAGIC_SZ - 2] = BOOT_MAGIC_ALIGNED_TAIL;

	if (a == 8) {
		memcpy(out, a8, sizeof(a8));
		return;
	}
	out[0] = (uint8_t)a;
	out[1] = (uint8_t)(a >> 8);
	memcpy(out + 2, tail, sizeof(tail));
}

int image_trailer_pad(uint8_t **img, size_t *len, uint32_t slot_size,
		      const struct image_trailer_opts *o, bool confirm)
{
	uint32_t a = image_trailer_max_align(o);
	uint8_t *grown;

	if (*len + image_trailer_size(o) > slot_size || slot_size % a != 0) {
		return -EINVAL;
	}
	grown = realloc(*img, slot_size);
	if (grown == NULL) {
		return -ENOMEM;
	}
	memset(grown + *len, ERASED, slot_size - *len);
	magic_for(a, grown + slot_size - BOOT_MAGIC_SZ);
	if (confirm) {
		/* image_ok sits in the cell right below the magic block. */
		grown[slot_size - magic_block(a) - a] = BOOT_FLAG_SET_VALUE;
	}
	*img = grown;
	*len = slot_size;
	return 0;
}
