/* SPDX-License-Identifier: Apache-2.0 */
/* Key generation for signing images: a new private key in a PEM file imgtool can read. */
#ifndef IMAGE_KEYGEN_H
#define IMAGE_KEYGEN_H

#include <smpdfu/image.h>

/*
 * Generates a key of `type` with wolfCrypt's RNG and writes it to path (mode 0600, refusing to
 * overwrite an existing file): EC P-256 as SEC1 "EC PRIVATE KEY", Ed25519 as PKCS#8 "PRIVATE KEY",
 * the forms of MCUboot's sample keys. Returns 0, -EEXIST, -EIO, or the -errno of creating the file.
 */
int image_keygen(enum smpdfu_image_key_type type, const char *path);

#endif
