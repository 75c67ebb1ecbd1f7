/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public half of a signing key as C source for a firmware build: the key the bootloader (and
 * an application that checks signatures) trusts, with its KEYHASH, behind boot_builtin_keys().
 */
#ifndef IMAGE_GETPUB_H
#define IMAGE_GETPUB_H

#include <stdio.h>

#include "key_pem.h"

/* Writes the C source for key (named `origin` in its comment) to out. 0, or -EIO. */
int image_getpub_write_c(const struct key_pem *key, const char *origin, FILE *out);

#endif /* IMAGE_GETPUB_H */
