/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trailer writing for padded images: the same magic, in the same place, as a device's
 * smpdfu_boot_request_upgrade() would write it, so a padded image flashed at the factory reads as
 * "pending" (test) or, with image_ok, as "confirmed" to MCUboot. And reading it back for dump.
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
	return a > SMPDFU_BOOT_MAGIC_SZ ? a : SMPDFU_BOOT_MAGIC_SZ;
}

uint32_t image_trailer_size(const struct image_trailer_opts *o)
{
	uint32_t a = image_trailer_max_align(o);
	uint32_t sectors = o->max_sectors != 0 ? o->max_sectors : DEFAULT_MAX_SECTORS;
	uint32_t w = o->align != 0 ? o->align : 1;

	if (o->overwrite_only) {
		return 2 * a + magic_block(a);
	}
	return sectors * STATUS_ENTRIES_PER_SECTOR * w + 4 * a + magic_block(a);
}

/* The 16 magic bytes for A: the classic constant for 8, else A itself then a fixed tail. */
static void magic_for(uint32_t a, uint8_t out[SMPDFU_BOOT_MAGIC_SZ])
{
	static const uint8_t a8[SMPDFU_BOOT_MAGIC_SZ] = SMPDFU_BOOT_MAGIC_A8;
	static const uint8_t tail[SMPDFU_BOOT_MAGIC_SZ - 2] = SMPDFU_BOOT_MAGIC_ALIGNED_TAIL;

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
	magic_for(a, grown + slot_size - SMPDFU_BOOT_MAGIC_SZ);
	if (confirm && !o->overwrite_only) {
		/* image_ok sits in the cell right below the magic block. */
		grown[slot_size - magic_block(a) - a] = SMPDFU_BOOT_FLAG_SET_VALUE;
	}
	*img = grown;
	*len = slot_size;
	return 0;
}

/* The A a trailer magic is written for, or 0 when the 16 bytes are no magic. */
static uint32_t magic_align(const uint8_t m[SMPDFU_BOOT_MAGIC_SZ])
{
	static const uint8_t a8[SMPDFU_BOOT_MAGIC_SZ] = SMPDFU_BOOT_MAGIC_A8;
	static const uint8_t tail[SMPDFU_BOOT_MAGIC_SZ - 2] = SMPDFU_BOOT_MAGIC_ALIGNED_TAIL;
	uint32_t a = (uint32_t)m[0] | (uint32_t)m[1] << 8;

	if (memcmp(m, a8, sizeof(a8)) == 0) {
		return 8;
	}
	if (memcmp(m + 2, tail, sizeof(tail)) == 0 && (a == 8 || a == 16 || a == 32)) {
		return a;
	}
	return 0;
}

/* image_ok and copy_done as MCUboot reads them; "INVALID" for erased is imgtool's word. */
static const char *flag_name(uint8_t v)
{
	return v == SMPDFU_BOOT_FLAG_SET_VALUE ? "SET" : v == ERASED ? "INVALID" : "BAD";
}

bool image_trailer_print(const uint8_t *file, size_t len, FILE *out)
{
	const uint8_t *magic = file + len - SMPDFU_BOOT_MAGIC_SZ;
	uint32_t a = len >= SMPDFU_BOOT_MAGIC_SZ ? magic_align(magic) : 0;
	size_t image_ok;
	size_t swap_size;
	uint8_t info;
	uint32_t size;

	if (a == 0 || len < 4 * a + magic_block(a)) {
		return false;
	}
	image_ok = len - magic_block(a) - a;
	info = file[image_ok - 2 * a];
	swap_size = image_ok - 3 * a;
	size = (uint32_t)file[swap_size] | (uint32_t)file[swap_size + 1] << 8 |
	       (uint32_t)file[swap_size + 2] << 16 | (uint32_t)file[swap_size + 3] << 24;
	fprintf(out, "trailer: magic ");
	for (size_t i = 0; i < SMPDFU_BOOT_MAGIC_SZ; i++) {
		fprintf(out, "%02x", magic[i]);
	}
	fprintf(out, " (max align %u), at the end of the file\n", (unsigned int)a);
	fprintf(out, "         image_ok  %s (0x%02x)\n", flag_name(file[image_ok]), file[image_ok]);
	fprintf(out, "         copy_done %s (0x%02x)\n", flag_name(file[image_ok - a]),
		file[image_ok - a]);
	if (info == ERASED) {
		fprintf(out, "         swap_info INVALID (0xff)\n");
	} else {
		fprintf(out, "         swap_info swap type %u, image %u (0x%02x)\n", info & 0x0fu,
			info >> 4, info);
	}
	if (size == 0xffffffffu) {
		fprintf(out, "         swap_size unknown\n");
	} else {
		fprintf(out, "         swap_size %u\n", (unsigned int)size);
	}
	return true;
}
