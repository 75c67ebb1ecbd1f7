/* SPDX-License-Identifier: Apache-2.0 */
/* Signs an image hash the way imgtool does, with a key read from a PEM file. */
#ifndef IMAGE_SIGN_H
#define IMAGE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "key_pem.h"

/* Room for any signature we make: a P-256 DER signature is at most 72 bytes, Ed25519 64. */
#define IMAGE_SIG_MAX 72

/* The TLV type the signature of key goes into: ECDSA_SIG (0x22) or ED25519 (0x24). */
uint16_t image_sign_tlv_type(const struct key_pem *key);

/*
 * Signs the 32-byte image hash: ECDSA P-256 with a fresh random nonce (DER, 70..72 bytes) or
 * Ed25519 with the hash as the message (64 bytes, deterministic). The signature is checked with
 * the device's verifier before it is returned. Returns 0 with *sig_len set; -EINVAL when the key
 * has no private half; -EIO when the library fails or the signature does not verify.
 */
int image_sign_hash(const struct key_pem *key, const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE],
		    uint8_t sig[IMAGE_SIG_MAX], size_t *sig_len);

#endif
