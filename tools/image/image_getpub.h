/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public half of a signing key as C source for a firmware build: the key the bootloader (and
 * an application that checks signatures) trusts, with its KEYHASH, behind
 * smpdfu_boot_builtin_keys().
 */
#ifndef IMAGE_GETPUB_H
#define IMAGE_GETPUB_H

#include <stdio.h>

#include "key_pem.h"

/*
 * The published sample key whose public half is key's (MCUboot's root-ec-p256.pem or
 * root-ed25519.pem: everybody has their private halves), as its file name; NULL for any other.
 */
const char *image_getpub_sample_key(const struct key_pem *key);

/* Writes the C source for key (named `origin` in its comment) to out. 0, or -EIO. */
int image_getpub_write_c(const struct key_pem *key, const char *origin, FILE *out);

#endif /* IMAGE_GETPUB_H */
