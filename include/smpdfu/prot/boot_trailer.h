/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCUboot image trailer at the end of every slot (MCUboot v2.2+ layout): magic, image_ok,
 * copy_done, swap_info and swap_size below it, each field in its own SMPDFU_BOOT_MAX_ALIGN-sized
 * cell, and the swap status area below those. Offsets are measured from the start of the slot.
 */
#ifndef SMPDFU_PROT_BOOT_TRAILER_H
#define SMPDFU_PROT_BOOT_TRAILER_H

#include <stdint.h>

#include <smpdfu/config.h>

#define SMPDFU_BOOT_MAGIC_SZ 16

/* The magic for SMPDFU_BOOT_MAX_ALIGN == 8. */
#define SMPDFU_BOOT_MAGIC_A8                                                                       \
	{                                                                                          \
		0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x35, 0x52, 0x50, 0x0f, 0x2c,      \
			0xb6, 0x79, 0x80                                                           \
	}
/* For other alignments: the alignment as u16 LE, then these 14 bytes. */
#define SMPDFU_BOOT_MAGIC_ALIGNED_TAIL                                                             \
	{                                                                                          \
		0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a \
	}

/* The value written to image_ok and copy_done; anything else but erased reads as BAD. */
#define SMPDFU_BOOT_FLAG_SET_VALUE 0x01

/* Decoded states (never on flash). */
enum smpdfu_boot_magic_state {
	SMPDFU_BOOT_MAGIC_GOOD = 1,
	SMPDFU_BOOT_MAGIC_BAD = 2,
	SMPDFU_BOOT_MAGIC_UNSET = 3
};
enum smpdfu_boot_flag_state {
	SMPDFU_BOOT_FLAG_SET = 1,
	SMPDFU_BOOT_FLAG_BAD = 2,
	SMPDFU_BOOT_FLAG_UNSET = 3
};

/* MCUboot's swap types (also the low nibble of swap_info). */
enum smpdfu_boot_swap_type {
	SMPDFU_BOOT_SWAP_TYPE_NONE = 1,
	SMPDFU_BOOT_SWAP_TYPE_TEST = 2,
	SMPDFU_BOOT_SWAP_TYPE_PERM = 3,
	SMPDFU_BOOT_SWAP_TYPE_REVERT = 4,
	SMPDFU_BOOT_SWAP_TYPE_FAIL = 5,
	SMPDFU_BOOT_SWAP_TYPE_PANIC = 0xff,
};

/* A: every trailer field sits in a cell of this size. */
#define SMPDFU_BOOT_MAX_ALIGN CONFIG_MCUBOOT_BOOT_MAX_ALIGN
/* Bytes the magic is written as (16, or A when A > 16). */
#define SMPDFU_BOOT_MAGIC_ALIGN_SZ                                                                 \
	(SMPDFU_BOOT_MAX_ALIGN > SMPDFU_BOOT_MAGIC_SZ ? SMPDFU_BOOT_MAX_ALIGN                      \
						      : SMPDFU_BOOT_MAGIC_SZ)

_Static_assert(SMPDFU_BOOT_MAX_ALIGN == 8 || SMPDFU_BOOT_MAX_ALIGN == 16 ||
		       SMPDFU_BOOT_MAX_ALIGN == 32,
	       "MCUboot supports a SMPDFU_BOOT_MAX_ALIGN of 8, 16 or 32");

/* Offsets from the start of a slot of `size` bytes. */
static inline uint32_t smpdfu_boot_magic_off(uint32_t size)
{
	return size - SMPDFU_BOOT_MAGIC_SZ;
}

static inline uint32_t smpdfu_boot_image_ok_off(uint32_t size)
{
	return (size - SMPDFU_BOOT_MAGIC_SZ - SMPDFU_BOOT_MAX_ALIGN) &
	       ~(uint32_t)(SMPDFU_BOOT_MAX_ALIGN - 1);
}

static inline uint32_t smpdfu_boot_copy_done_off(uint32_t size)
{
	return smpdfu_boot_image_ok_off(size) - SMPDFU_BOOT_MAX_ALIGN;
}

static inline uint32_t smpdfu_boot_swap_info_off(uint32_t size)
{
	return smpdfu_boot_copy_done_off(size) - SMPDFU_BOOT_MAX_ALIGN;
}

static inline uint32_t smpdfu_boot_swap_size_off(uint32_t size)
{
	return smpdfu_boot_swap_info_off(size) - SMPDFU_BOOT_MAX_ALIGN;
}

/* Bytes of the trailer fields above the status area: 4 cells and the magic. */
#define SMPDFU_BOOT_TRAILER_INFO_SZ (4 * SMPDFU_BOOT_MAX_ALIGN + SMPDFU_BOOT_MAGIC_ALIGN_SZ)

#endif /* SMPDFU_PROT_BOOT_TRAILER_H */
