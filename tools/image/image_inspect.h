/* SPDX-License-Identifier: Apache-2.0 */
/* Shows what an MCUboot image file contains, read with the same code the device uses. */
#ifndef IMAGE_INSPECT_H
#define IMAGE_INSPECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <smpdfu/image.h>

/*
 * Prints header, TLVs, whether the hash TLV (SHA-256 or SHA-512) matches, and the trailer of a
 * padded file. 0, or -EBADMSG for a bad image.
 */
int image_dump(const uint8_t *img, size_t len, FILE *out);
/*
 * Prints the SHA-256 TLV as hex (what state read reports as "hash"). 0 or -EBADMSG, saying why
 * (also when the image's hash is SHA-512, which our device does not report).
 */
int image_print_hash(const uint8_t *img, size_t len, FILE *out);

/*
 * Validates the image as the device's bootloader would (smpdfu_image_validate()), with `keys` as
 * the trusted keys (none: hash only), and prints version, hash and the verdict. Returns 0, or the
 * validator's -errno (-ENOENT, -EBADMSG, -EPERM, -ENOTSUP) after saying what is wrong, in the
 * validator's words.
 */
int image_verify(const uint8_t *img, size_t len, const struct smpdfu_image_key *keys,
		 size_t key_count, FILE *out);

#endif
