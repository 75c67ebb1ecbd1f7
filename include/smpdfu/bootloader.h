/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader: portable code run at every start before the application. It finishes or starts
 * a swap (swap-using-move, swap-using-scratch), overwrites (overwrite-only) or picks a slot
 * (direct-xip), validates what it boots, and reports which slot to run. The mode comes from
 * CONFIG_MCUBOOT_BOOTLOADER_MODE_*; the keys from smpdfu_boot_trusted_keys() (the board's).
 */
#ifndef SMPDFU_BOOTLOADER_H
#define SMPDFU_BOOTLOADER_H

#include <stddef.h>
#include <stdint.h>

#include <smpdfu/image.h>

/*
 * The keys the bootloader trusts, provided by the board (link-time, no default): sets *keys and
 * returns their count. With 0 keys images are only hash-checked (a development set-up).
 */
size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys);

/*
 * The key a build that requires signatures (CONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P256 or _ED25519)
 * trusts: the public half of CONFIG_BOOT_SIGNATURE_KEY_FILE, turned into C at build time by
 * `smpdfu-image getpub`. Sets *keys and returns their count (1). Boards that require signatures
 * answer smpdfu_boot_trusted_keys() with it; it does not exist in other builds.
 */
size_t smpdfu_boot_builtin_keys(const struct smpdfu_image_key **keys);

struct smpdfu_boot_rsp {
	uint32_t slot;              /* the slot to run */
	struct smpdfu_image_header hdr;    /* its header */
	int swap_type; /* what was done: SMPDFU_BOOT_SWAP_TYPE_NONE/TEST/PERM/REVERT/FAIL */
};

/*
 * Runs the bootloader over the flash map's primary, secondary and scratch areas. Returns 0 with
 * *rsp filled, -ENOENT when no slot holds a valid image (nothing may be booted), -EIO when the
 * flash failed in a way that leaves no safe choice, -ENODEV / -EINVAL when the flash map does not
 * suit it (a slot missing, slots of different geometry, a write block larger than
 * SMPDFU_BOOT_MAX_ALIGN).
 */
int smpdfu_boot_go(struct smpdfu_boot_rsp *rsp);

#endif /* SMPDFU_BOOTLOADER_H */
