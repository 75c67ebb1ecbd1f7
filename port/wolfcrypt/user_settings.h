/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wolfCrypt's build settings for a firmware image (WOLFSSL_USER_SETTINGS): SHA-256 always, and
 * only the signature check the image's key needs, verification only, no heap, no RNG, nothing of
 * TLS. P-256 uses wolfCrypt's single-precision math in its small, portable C form; Ed25519 its
 * small field arithmetic. docs/crypto.md has the sizes.
 */
#ifndef SMPDFU_WOLFCRYPT_USER_SETTINGS_H
#define SMPDFU_WOLFCRYPT_USER_SETTINGS_H

#include <smpdfu/config.h>

/* What a firmware image is: no OS, no files, no threads, no allocator, no random numbers. */
#define WOLFCRYPT_ONLY
#define SINGLE_THREADED
#define NO_FILESYSTEM
#define NO_WRITEV
#define NO_MAIN_DRIVER
#define NO_DEV_RANDOM
#define WC_NO_RNG
#define WOLFSSL_NO_MALLOC
#define WOLFSSL_SP_NO_MALLOC
#define NO_ERROR_STRINGS
#define NO_OLD_SHA_NAMES
#define NO_OLD_WC_NAMES

/* Everything but what MCUboot images use, off. */
#define NO_RSA
#define NO_DH
#define NO_DSA
#define NO_MD4
#define NO_MD5
#define NO_SHA
#define NO_DES3
#define NO_AES
#define NO_HMAC
#define NO_PWDBASED
#define NO_RC4
#define NO_OLD_TLS
#define NO_PSK
#define NO_CODING
#define NO_ASN_TIME
#define NO_SIG_WRAPPER

/* The image hash, in its smaller, slower form. */
#define USE_SLOW_SHA256

#if CONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P256
#define HAVE_ECC
#define ECC_USER_CURVES /* P-256 only */
#define HAVE_ECC_VERIFY
#define NO_ECC_SIGN
#define NO_ECC_DHE
#define NO_ECC_KEY_EXPORT
#define HAVE_ECC_KEY_IMPORT
#define HAVE_ECC_CHECK_KEY
#define ECC_TIMING_RESISTANT
#define WOLFSSL_SP_MATH
#define WOLFSSL_HAVE_SP_ECC
#define WOLFSSL_SP_SMALL
#define SP_WORD_SIZE 32
#endif

#if CONFIG_BOOT_SIGNATURE_TYPE_ED25519
#define HAVE_ED25519
#define ED25519_SMALL
#define CURVED25519_SMALL
#define NO_ED25519_SIGN
#define NO_ED25519_KEY_EXPORT
#define WOLFSSL_ED25519_STREAMING_VERIFY /* pure Ed25519 images (imgtool --pure) */
#define WOLFSSL_SHA512
#define USE_SLOW_SHA512
#define WOLFSSL_NOSHA384
#define WOLFSSL_NOSHA512_224
#define WOLFSSL_NOSHA512_256
#endif

#endif /* SMPDFU_WOLFCRYPT_USER_SETTINGS_H */
