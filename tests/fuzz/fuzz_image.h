/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the harnesses that boot or upload images share: two test keys (Ed25519 and ECDSA P-256,
 * generated for the fuzzers and trusted by nothing else), deterministic signatures with them,
 * signed images made to order, and the "fix-up" that writes a correct hash, key hash and
 * signature into whatever TLV entries an input happens to have, so that fuzzing reaches the paths
 * behind a valid signature and not only the early rejections.
 */
#ifndef FUZZ_IMAGE_H
#define FUZZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/image.h>

enum fuzz_key { FUZZ_KEY_ED25519, FUZZ_KEY_ECDSA, FUZZ_KEY_COUNT };

/* Creates the keys (once; later calls do nothing). Aborts when the crypto library fails. */
void fuzz_keys_init(void);
/* The public half of each key, as the bootloader trusts it: fuzz_keys()[FUZZ_KEY_...]. */
const struct smpdfu_image_key *fuzz_keys(void);

/*
 * Signs: Ed25519 over msg (64 bytes; msg is the image hash, or the image itself when it is signed
 * pure), ECDSA P-256 over msg as a hash, with a deterministic nonce (RFC 6979; DER, 70..72 bytes),
 * so that the same input always makes the same image. Returns the signature's length. Recent
 * results are cached, as a mutated input often keeps its hash.
 */
size_t fuzz_sign(enum fuzz_key key, const uint8_t *msg, size_t msg_len, uint8_t sig[72]);

/* What fuzz_image_make() puts into an image. */
struct fuzz_image_spec {
	struct smpdfu_image_version ver;
	uint16_t hdr_size;     /* >= 32; the header padding is 0xFF as imgtool's --pad-header */
	uint32_t payload_len;
	uint32_t seed;         /* payload contents */
	uint32_t flags;
	uint32_t load_addr;
	bool sec_cnt;          /* a protected SEC_CNT TLV (value = major) */
	unsigned int sign;     /* bit k: a KEYHASH and signature by key k */
};

/* Builds the image into out (cap bytes); returns its size, or 0 when it does not fit. */
size_t fuzz_image_make(uint8_t *out, size_t cap, const struct fuzz_image_spec *spec);

/* What fuzz_image_fixup() corrects. */
/* Every SHA256 (32 bytes) and SHA512 (64) entry of the unprotected area. */
#define FUZZ_FIX_HASH 0x1u
/*
 * A KEYHASH (32 or 64 bytes) or PUBKEY right before a signature entry, naming its key; the
 * signature itself, over the first hash entry's hash or, with a SIG_PURE entry, over the image;
 * and a SIG_PURE entry's value.
 */
#define FUZZ_FIX_SIGN 0x2u

/*
 * Walks the unprotected TLV area of the image at the start of img[0..len) as its own header
 * places it, and writes the correct values into the entries `what` names. Entries of another
 * shape are left alone, and so is everything the image hash covers. Does nothing when there is
 * no such image.
 */
void fuzz_image_fixup(uint8_t *img, size_t len, unsigned int what);

/* The size of the image at the start of img (header to the end of its TLVs), 0 when malformed. */
size_t fuzz_image_size(const uint8_t *img, size_t len);

/*
 * The image hash (what its SHA256 TLV holds when it is right, and what MCUmgr reports): SHA-256
 * over header, payload and protected TLVs. False when img holds no image header.
 */
bool fuzz_image_hash(const uint8_t *img, size_t len, uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE]);

#endif
