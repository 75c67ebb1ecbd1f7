/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crypto port: hashing (and, with the bootloader, signature checks) come from the platform's
 * crypto library. The core sees only these functions; port/wolfcrypt implements them with
 * wolfCrypt.
 */
#ifndef SMPDFU_CRYPTO_H
#define SMPDFU_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SMPDFU_SHA256_DIGEST_SIZE 32
#define SMPDFU_SHA512_DIGEST_SIZE 64

/* Opaque state of one SHA-256 computation; large enough for the backends we port to. */
struct sha256_ctx {
	_Alignas(16) uint8_t opaque[256]; /* 16: what SIMD-capable hash backends need */
};

/* Each returns 0 or -errno (-EIO when the backend fails). */
int smpdfu_crypto_sha256_init(struct sha256_ctx *ctx);
int smpdfu_crypto_sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
int smpdfu_crypto_sha256_final(struct sha256_ctx *ctx, uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE]);

/*
 * SHA-512, for images hashed with it (imgtool --pure, --sha 512) and their 64-byte KEYHASH.
 * Optional: a port without it returns -ENOTSUP from init, and such images are refused.
 */
struct sha512_ctx {
	_Alignas(16) uint8_t opaque[320];
};

int smpdfu_crypto_sha512_init(struct sha512_ctx *ctx);
int smpdfu_crypto_sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
int smpdfu_crypto_sha512_final(struct sha512_ctx *ctx, uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE]);

/*
 * Signature checks (bootloader): 0 when the signature is valid, -EBADMSG when it is not, -EINVAL
 * for a malformed key or signature encoding, -EIO when the backend fails.
 */
/* ECDSA P-256 over a SHA-256 digest; pub is 04||X||Y (65 bytes), sig is DER. */
int smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
				    const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
				    const uint8_t *sig_der, size_t sig_len);
/* Ed25519 over msg (MCUboot signs the 32-byte image hash); pub 32 bytes, sig 64 bytes. */
int smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
				 const uint8_t sig[64]);

/*
 * The same check over a message given in pieces: a pure Ed25519 signature (imgtool --pure) covers
 * the image itself, which is read from flash a buffer at a time. begin keeps what it needs of pub
 * and sig; end gives the verdict. Optional: a port whose library cannot verify incrementally
 * returns -ENOTSUP from begin, and pure images are refused.
 */
struct ed25519_verify_ctx {
	_Alignas(16) uint8_t opaque[512];
};

int smpdfu_crypto_ed25519_verify_begin(struct ed25519_verify_ctx *ctx, const uint8_t pub[32],
				       const uint8_t sig[64]);
int smpdfu_crypto_ed25519_verify_update(struct ed25519_verify_ctx *ctx, const void *data,
					size_t len);
int smpdfu_crypto_ed25519_verify_end(struct ed25519_verify_ctx *ctx);

#endif /* SMPDFU_CRYPTO_H */
