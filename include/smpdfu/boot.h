/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application's side of MCUboot: read a slot's trailer, decide the swap type with MCUboot's
 * table, request an upgrade (test or permanent), confirm the running image. Every action returns
 * 0 or -errno (unlike Zephyr, which leaks MCUboot's positive codes).
 */
#ifndef SMPDFU_BOOT_H
#define SMPDFU_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/flash.h>
#include <smpdfu/prot/boot_trailer.h>

/* A slot's trailer, decoded. */
struct smpdfu_boot_swap_state {
	enum smpdfu_boot_magic_state magic;
	enum smpdfu_boot_flag_state image_ok;
	enum smpdfu_boot_flag_state copy_done;
	uint8_t swap_type; /* from swap_info: enum smpdfu_boot_swap_type, NONE when erased or
			      invalid */
	uint8_t image_num;
};

/*
 * Reads the trailer at the end of fa. 0; -EINVAL without an area (or one too small for a
 * trailer); or the flash's error when it cannot be read (-EIO from a failing flash).
 */
int smpdfu_boot_read_swap_state(const struct smpdfu_flash_area *fa,
				struct smpdfu_boot_swap_state *st);

/*
 * MCUboot's swap-type table for image 0 (primary and secondary trailers):
 * SMPDFU_BOOT_SWAP_TYPE_NONE, _TEST, _PERM, _REVERT, or _PANIC when the primary trailer cannot be
 * read. Pure table lookup: no image is validated.
 */
int smpdfu_boot_swap_type(void);

/*
 * Marks the secondary slot for the next boot: a test (reverted unless confirmed) or, with
 * permanent, for good. A permanent request writes image_ok before the magic, so a power cut cannot
 * leave it as a test request. Already marked: 0 and nothing written. Bad magic, or a test request
 * over the image_ok of an interrupted permanent one: -EBADMSG (upload again). The flash's error
 * otherwise (-EIO from a failing flash).
 */
int smpdfu_boot_request_upgrade(bool permanent);

/*
 * Confirms the image in the slot the application runs from (image_ok = 1), so it is not
 * reverted. Nothing to do (no magic, already confirmed): 0. Bad magic: -EBADMSG. Else the
 * flash's error (-EIO from a failing flash).
 */
int smpdfu_boot_write_img_confirmed(void);

/* The running image is confirmed (or has no trailer at all: a factory image). */
bool smpdfu_boot_is_img_confirmed(void);

/*
 * The slot the running application executes from: 0 in swap and overwrite modes; in direct-xip
 * the slot the bootloader chose (told by smpdfu_boot_set_running_slot()).
 */
uint32_t smpdfu_boot_running_slot(void);
/* The flash area of image slot 0 (primary) or 1 (secondary); NULL for another slot. */
const struct smpdfu_flash_area *smpdfu_boot_slot_area(uint32_t slot);
/* The bootloader (or the port, from the bootloader's hand-over) says where the app runs. */
void smpdfu_boot_set_running_slot(uint32_t slot);

/*
 * The largest image (header + payload + TLVs) the configured bootloader accepts in the secondary
 * slot: anything larger is erased at the next boot. 0 when there is no secondary slot (or the
 * slots do not suit the mode). Uploads can be refused early with it.
 */
uint32_t smpdfu_boot_max_image_size(void);

/* Direct-XIP: writes image_ok (confirm) or only the magic (test) into the given slot's trailer. */
int smpdfu_boot_set_next_direct_xip(uint32_t slot, bool confirm);

#endif /* SMPDFU_BOOT_H */
