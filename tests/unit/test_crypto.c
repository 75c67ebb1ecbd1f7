/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the crypto port (wolfCrypt on the host): SHA-256 and SHA-512 against digests
 * computed with Python's hashlib and by imgtool, and the signature checks against the signatures
 * imgtool 2.4.0 put into the vector images (tests/vectors/mcuboot) made with MCUboot's published
 * sample keys, the pure Ed25519 one fed in pieces, plus what must fail: flipped bits, malformed
 * DER, out-of-range scalars and wrong lengths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>

#include "util.h"

#define BIG_SIZE (1024u * 1024u)

/* hashlib.sha256(b"").digest() */
static const uint8_t sha_empty[SMPDFU_SHA256_DIGEST_SIZE] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

/* hashlib.sha256(b"abc").digest() */
static const uint8_t sha_abc[SMPDFU_SHA256_DIGEST_SIZE] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

/* hashlib.sha256(bytes(((i * 7 + (i >> 8)) & 0xff) for i in range(1 << 20))).digest() */
static const uint8_t sha_big[SMPDFU_SHA256_DIGEST_SIZE] = {
	0x1f, 0x86, 0x47, 0xd4, 0xcd, 0x2f, 0x75, 0x94,
	0xc3, 0x5c, 0x41, 0x3e, 0x58, 0x2e, 0x01, 0x08,
	0x9c, 0x00, 0x92, 0x9d, 0xd4, 0x23, 0x9e, 0xdd,
	0xd5, 0xde, 0xd3, 0xd4, 0x0f, 0x32, 0x5d, 0x53,
};

static uint8_t big[BIG_SIZE];

/*
 * Known answers, taken from the vector images with Python: the public halves of root-ec-p256.pem
 * and root-ed25519.pem, the SHA-256 TLV of an image and its signature TLV (which imgtool computed
 * over that hash, and which Python's cryptography verifies too).
 */
/* root-ec-p256.pem, public point 04||X||Y */
static const uint8_t ec_pub[65] = {
	0x04, 0x2a, 0xcb, 0x40, 0x3c, 0xe8, 0xfe, 0xed, 0x5b, 0xa4, 0x49, 0x95,
	0xa1, 0xa9, 0x1d, 0xae, 0xe8, 0xdb, 0xbe, 0x19, 0x37, 0xcd, 0x14, 0xfb,
	0x2f, 0x24, 0x57, 0x37, 0xe5, 0x95, 0x39, 0x88, 0xd9, 0x94, 0xb9, 0xd6,
	0x5a, 0xeb, 0xd7, 0xcd, 0xd5, 0x30, 0x8a, 0xd6, 0xfe, 0x48, 0xb2, 0x4a,
	0x6a, 0x81, 0x0e, 0xe5, 0xf0, 0x7d, 0x8b, 0x68, 0x34, 0xcc, 0x3a, 0x6a,
	0xfc, 0x53, 0x8e, 0xfa, 0xc1,
};

/* root-ed25519.pem, public key */
static const uint8_t ed_pub[32] = {
	0xd4, 0xb3, 0x1b, 0xa4, 0x9a, 0x3a, 0xdd, 0x3f, 0x82, 0x5d, 0x10, 0xca,
	0x7f, 0x31, 0xb5, 0x0b, 0x0d, 0xe8, 0x7f, 0x37, 0xcc, 0xc4, 0x9f, 0x1a,
	0x40, 0x3a, 0x5c, 0x13, 0x20, 0xff, 0xb4, 0xe0,
};

/* image hash of ecdsa-p256.signed.bin and ed25519.signed.bin (same header and payload) */
static const uint8_t hash_signed[SMPDFU_SHA256_DIGEST_SIZE] = {
	0xd4, 0xa8, 0x1a, 0x7b, 0x98, 0x8a, 0xbe, 0xfb, 0x8d, 0xf4, 0x27, 0xfe,
	0x5e, 0xe6, 0x7d, 0xba, 0x04, 0x44, 0xad, 0x94, 0xe9, 0xc2, 0xfa, 0x37,
	0x8c, 0x0d, 0x45, 0x96, 0x6b, 0x6a, 0x03, 0x8b,
};

/* ECDSA_SIG TLV of ecdsa-p256.signed.bin: both integers carry a leading zero */
static const uint8_t ec_sig72[72] = {
	0x30, 0x46, 0x02, 0x21, 0x00, 0x9b, 0x1e, 0x62, 0x91, 0x70, 0x9c, 0x12,
	0x43, 0x74, 0x32, 0x9d, 0x99, 0x20, 0x6d, 0x34, 0x47, 0xac, 0xea, 0x9e,
	0xba, 0x7d, 0x65, 0x30, 0xdf, 0x99, 0x90, 0x0f, 0xdb, 0xba, 0x47, 0x19,
	0xfa, 0x02, 0x21, 0x00, 0xba, 0x05, 0xc9, 0xa9, 0x7d, 0xec, 0x70, 0xe9,
	0x3f, 0xce, 0x70, 0xb8, 0x28, 0x4c, 0x78, 0x3a, 0x72, 0x9d, 0x22, 0xa2,
	0xc9, 0x88, 0x5e, 0x5e, 0x8a, 0x10, 0x31, 0x55, 0x8c, 0x11, 0x1e, 0xd7,
};

/* image hash of protected-tlvs.signed.bin */
static const uint8_t hash_prot[SMPDFU_SHA256_DIGEST_SIZE] = {
	0xab, 0x9f, 0xba, 0x06, 0xd8, 0xbd, 0x1b, 0xf6, 0x34, 0x5b, 0x7c, 0x9a,
	0x68, 0xe9, 0xf4, 0xb9, 0x7d, 0xfc, 0xbf, 0xac, 0x60, 0x45, 0x86, 0x89,
	0xd1, 0x74, 0x65, 0x65, 0xdf, 0x67, 0x12, 0x94,
};

/* ECDSA_SIG TLV of protected-tlvs.signed.bin: no leading zeros */
static const uint8_t ec_sig70[70] = {
	0x30, 0x44, 0x02, 0x20, 0x5c, 0xac, 0x02, 0x88, 0x54, 0xa9, 0x70, 0x9a,
	0xd3, 0xfd, 0xb6, 0xda, 0x91, 0xad, 0x43, 0xaa, 0x58, 0x58, 0x10, 0x4e,
	0xe6, 0xe2, 0x56, 0xa9, 0xa4, 0x29, 0xfb, 0x42, 0xf7, 0xa1, 0xa0, 0x61,
	0x02, 0x20, 0x34, 0x1c, 0x6a, 0x27, 0x66, 0x63, 0x8a, 0x16, 0xb2, 0x4b,
	0x41, 0x19, 0x9f, 0xc7, 0xc7, 0x46, 0x7f, 0x25, 0xa5, 0x19, 0x51, 0xff,
	0xef, 0x2a, 0xc5, 0x74, 0xc5, 0x15, 0x9a, 0x1c, 0xa0, 0x03,
};

/* image hash of rom-fixed-0x10000.signed.bin */
static const uint8_t hash_rom[SMPDFU_SHA256_DIGEST_SIZE] = {
	0x6d, 0xd3, 0xbb, 0x9d, 0x59, 0xb7, 0x48, 0xfd, 0x97, 0xc2, 0x8b, 0x91,
	0x3d, 0x03, 0x8b, 0x04, 0xcc, 0xe4, 0x08, 0xb5, 0x80, 0x74, 0xbf, 0x27,
	0x43, 0xdf, 0xbe, 0xc1, 0x62, 0xd1, 0x2e, 0xee,
};

/* ECDSA_SIG TLV of rom-fixed-0x10000.signed.bin: only s carries a leading zero */
static const uint8_t ec_sig71[71] = {
	0x30, 0x45, 0x02, 0x20, 0x5a, 0x16, 0x3e, 0x81, 0xac, 0x12, 0xe2, 0xf8,
	0x68, 0xc4, 0x0a, 0xf8, 0x21, 0x91, 0x9e, 0x84, 0x7b, 0x14, 0xc6, 0xd9,
	0x92, 0x71, 0x3d, 0xe1, 0xa6, 0x8d, 0x68, 0x3a, 0x8d, 0x78, 0xa0, 0xa4,
	0x02, 0x21, 0x00, 0xe6, 0x15, 0xb6, 0x41, 0x5d, 0xf5, 0x4d, 0xbf, 0x4d,
	0xa2, 0x44, 0x0e, 0xc5, 0x31, 0x96, 0xd8, 0xe6, 0xb1, 0x8c, 0x6e, 0x85,
	0x63, 0xb5, 0xf3, 0xc6, 0x32, 0x9f, 0x17, 0x96, 0x0c, 0xf9, 0x95,
};

/* ED25519 TLV of ed25519.signed.bin */
static const uint8_t ed_sig[64] = {
	0x87, 0x70, 0x9c, 0x7b, 0xc9, 0xc5, 0xe2, 0x4e, 0x15, 0xcc, 0x76, 0x77,
	0x85, 0xca, 0xaf, 0x02, 0xff, 0x20, 0x3e, 0x18, 0x8a, 0x43, 0xe3, 0xd0,
	0x11, 0x6b, 0x8c, 0xf9, 0x2d, 0x37, 0xa2, 0xea, 0xce, 0xb5, 0xdc, 0x02,
	0xd4, 0x95, 0x84, 0x49, 0xdd, 0x23, 0x61, 0x75, 0xc4, 0x88, 0x54, 0x41,
	0xca, 0xf6, 0x3a, 0x94, 0x7d, 0x17, 0x52, 0x20, 0x53, 0x4a, 0xe8, 0x93,
	0xc9, 0xea, 0xbb, 0x02,
};



static void fill_big(void)
{
	for (uint32_t i = 0; i < BIG_SIZE; i++) {
		big[i] = (uint8_t)(i * 7u + (i >> 8));
	}
}

static void test_empty(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_empty, sizeof(digest));
}

static void test_abc(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, "abc", 3), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_abc, sizeof(digest));
}

static void test_big_in_one_piece(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	fill_big();
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, big, BIG_SIZE), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_big, sizeof(digest));
}

static void test_big_in_odd_pieces(void **state)
{
	/* Piece sizes that straddle the 64-byte block in every way, including empty updates. */
	static const size_t pieces[] = { 1, 0, 63, 64, 65, 7, 127, 500, 4093, 1, 3 };
	struct sha256_ctx ctx;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];
	size_t off = 0;
	size_t i = 0;

	(void)state;
	fill_big();
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	while (off < BIG_SIZE) {
		size_t n = pieces[i++ % (ARRAY_SIZE(pieces))];

		if (n > BIG_SIZE - off) {
			n = BIG_SIZE - off;
		}
		assert_int_equal(smpdfu_crypto_sha256_update(&ctx, big + off, n), 0);
		off += n;
	}
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_big, sizeof(digest));
}

/* Two contexts: the core may keep one by value and copy it. */
struct two_places {
	struct sha256_ctx at0;
	uint64_t pad;
	struct sha256_ctx at8;
};

static void test_context_copied_mid_hash(void **state)
{
	static struct two_places places;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	fill_big();
	assert_int_equal((uintptr_t)&places.at8 % 16, 0);

	/* The core may keep a context by value and copy it; the hash must survive that. */
	assert_int_equal(smpdfu_crypto_sha256_init(&places.at0), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&places.at0, big, 1000), 0);
	memcpy(&places.at8, &places.at0, sizeof(places.at8));
	memset(&places.at0, 0xa5, sizeof(places.at0));
	assert_int_equal(smpdfu_crypto_sha256_update(&places.at8, big + 1000, 77777), 0);
	memcpy(&places.at0, &places.at8, sizeof(places.at0));
	assert_int_equal(smpdfu_crypto_sha256_update(&places.at0, big + 78777, BIG_SIZE - 78777),
			 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&places.at0, digest), 0);
	assert_memory_equal(digest, sha_big, sizeof(digest));
}

static void test_context_reusable_after_final(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, "something else", 14), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, "a", 1), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, "bc", 2), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_abc, sizeof(digest));
}

/* One (key, digest, signature) triple from an imgtool image. */
struct ec_case {
	const uint8_t *digest;
	const uint8_t *sig;
	size_t sig_len;
};

static const struct ec_case ec_cases[] = {
	{ hash_signed, ec_sig72, sizeof(ec_sig72) },
	{ hash_prot, ec_sig70, sizeof(ec_sig70) },
	{ hash_rom, ec_sig71, sizeof(ec_sig71) },
};

#define EC_CASES (ARRAY_SIZE(ec_cases))

static bool is_rejection(int rc)
{
	return rc == -EBADMSG || rc == -EINVAL;
}

static void test_ecdsa_imgtool_signatures_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < EC_CASES; i++) {
		assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, ec_cases[i].digest,
								 ec_cases[i].sig,
								 ec_cases[i].sig_len),
				 0);
	}
}

static void test_ecdsa_zero_padded_signature_verifies(void **state)
{
	/* imgtool --pad-sig: the DER zero-padded to 72 bytes, as MCUboot < 1.5 wanted. */
	uint8_t padded[72] = { 0 };

	(void)state;
	memcpy(padded, ec_sig70, sizeof(ec_sig70));
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, padded, sizeof(padded)),
			 0);
	padded[71] = 1;
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, padded, sizeof(padded)),
			 -EINVAL);
}

static void test_ecdsa_signature_of_another_digest_fails(void **state)
{
	(void)state;
	assert_int_equal(
		smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, ec_sig72, sizeof(ec_sig72)),
		-EBADMSG);
}

static void test_ecdsa_every_flipped_digest_bit_fails(void **state)
{
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	for (size_t bit = 0; bit < 8 * sizeof(digest); bit++) {
		memcpy(digest, hash_signed, sizeof(digest));
		digest[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(
			smpdfu_crypto_ecdsa_p256_verify(ec_pub, digest, ec_sig72, sizeof(ec_sig72)),
			-EBADMSG);
	}
}

static void test_ecdsa_every_flipped_signature_bit_fails(void **state)
{
	uint8_t sig[sizeof(ec_sig71)];

	(void)state;
	for (size_t bit = 0; bit < 8 * sizeof(sig); bit++) {
		int rc;

		memcpy(sig, ec_sig71, sizeof(sig));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rc = smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_rom, sig, sizeof(sig));
		/* A flip in the DER framing is malformed, one in r or s an invalid signature. */
		if (!is_rejection(rc)) {
			fail_msg("bit %zu flipped: %d", bit, rc);
		}
		/* r is bytes 4..35; below its top byte (whose top bit is the sign) it stays DER. */
		if (bit >= 8 * 5 && bit < 8 * 36) {
			assert_int_equal(rc, -EBADMSG);
		}
	}
}

static void test_ecdsa_every_flipped_key_bit_fails(void **state)
{
	uint8_t pub[sizeof(ec_pub)];

	(void)state;
	for (size_t bit = 0; bit < 8 * sizeof(pub); bit++) {
		memcpy(pub, ec_pub, sizeof(pub));
		pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		/* Off the curve (-EINVAL) nearly always; never accepted. */
		assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(pub, hash_signed, ec_sig72,
								 sizeof(ec_sig72)),
				 -EINVAL);
	}
}

static void test_ecdsa_malformed_der_is_einval(void **state)
{
	/* Each case is ec_sig70 (30 44 02 20 r 02 20 s) damaged in one way. */
	struct der_case {
		const char *what;
		size_t at;      /* byte to replace, or SIZE_MAX for none */
		uint8_t value;
		size_t len;     /* length passed */
	};
	static const struct der_case cases[] = {
		{ "empty", SIZE_MAX, 0, 0 },
		{ "one byte", SIZE_MAX, 0, 1 },
		{ "cut in r", SIZE_MAX, 0, 20 },
		{ "cut before the end of s", SIZE_MAX, 0, sizeof(ec_sig70) - 1 },
		{ "SET instead of SEQUENCE", 0, 0x31, sizeof(ec_sig70) },
		{ "long-form length", 1, 0x81, sizeof(ec_sig70) },
		{ "SEQUENCE longer than the data", 1, 0x45, sizeof(ec_sig70) },
		{ "SEQUENCE shorter than its content", 1, 0x43, sizeof(ec_sig70) },
		{ "r not an INTEGER", 2, 0x04, sizeof(ec_sig70) },
		{ "r of length 0", 3, 0x00, sizeof(ec_sig70) },
		{ "r longer than the SEQUENCE", 3, 0x50, sizeof(ec_sig70) },
		{ "r shorter: s misparsed", 3, 0x1f, sizeof(ec_sig70) },
		{ "s not an INTEGER", 36, 0x03, sizeof(ec_sig70) },
		{ "negative r", 4, 0x80, sizeof(ec_sig70) },
		{ "trailing non-zero byte", SIZE_MAX, 0, sizeof(ec_sig70) + 1 },
	};
	uint8_t sig[sizeof(ec_sig70) + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(sig, ec_sig70, sizeof(ec_sig70));
		sig[sizeof(ec_sig70)] = 0x01;
		if (cases[i].at != SIZE_MAX) {
			sig[cases[i].at] = cases[i].value;
		}
		if (smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, sig, cases[i].len) !=
		    -EINVAL) {
			fail_msg("%s: not -EINVAL", cases[i].what);
		}
	}
}

static void test_ecdsa_non_minimal_integers_are_einval(void **state)
{
	/* r of ec_sig70 with a needless leading zero: 33 bytes, top bit of the next clear. */
	uint8_t sig[sizeof(ec_sig70) + 1];

	(void)state;
	sig[0] = 0x30;
	sig[1] = (uint8_t)(ec_sig70[1] + 1);
	sig[2] = 0x02;
	sig[3] = 0x21;
	sig[4] = 0x00;
	memcpy(sig + 5, ec_sig70 + 4, sizeof(ec_sig70) - 4);
	assert_true((ec_sig70[4] & 0x80) == 0);
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, sig, sizeof(sig)),
			 -EINVAL);

	/* s of ec_sig72 without its (needed) leading zero reads as negative. */
	uint8_t neg[sizeof(ec_sig72) - 1];

	memcpy(neg, ec_sig72, 37);
	neg[1] = (uint8_t)(ec_sig72[1] - 1);
	neg[38] = 0x20;
	memcpy(neg + 39, ec_sig72 + 40, 32);
	neg[37] = 0x02;
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_signed, neg, sizeof(neg)),
			 -EINVAL);
}

static void test_ecdsa_out_of_range_scalars_fail(void **state)
{
	/* SEQUENCE { r, s } with r = 0, r = n and s = n; the other scalar from ec_sig70. */
	static const uint8_t n[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
		0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	uint8_t sig[80];
	size_t len;

	(void)state;
	/* r = 0 */
	len = 0;
	sig[len++] = 0x30;
	sig[len++] = 3 + 34;
	sig[len++] = 0x02;
	sig[len++] = 0x01;
	sig[len++] = 0x00;
	memcpy(sig + len, ec_sig70 + 36, 34);
	len += 34;
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, sig, len), -EBADMSG);

	/* r = n (needs the leading zero: its top bit is set) */
	len = 0;
	sig[len++] = 0x30;
	sig[len++] = 35 + 34;
	sig[len++] = 0x02;
	sig[len++] = 0x21;
	sig[len++] = 0x00;
	memcpy(sig + len, n, 32);
	len += 32;
	memcpy(sig + len, ec_sig70 + 36, 34);
	len += 34;
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, sig, len), -EBADMSG);

	/* s = n */
	memcpy(sig, ec_sig70, 36);
	sig[1] = 34 + 35;
	len = 36;
	sig[len++] = 0x02;
	sig[len++] = 0x21;
	sig[len++] = 0x00;
	memcpy(sig + len, n, 32);
	len += 32;
	assert_int_equal(smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_prot, sig, len), -EBADMSG);
}

static void test_ecdsa_key_not_uncompressed_is_einval(void **state)
{
	uint8_t pub[sizeof(ec_pub)];

	(void)state;
	memcpy(pub, ec_pub, sizeof(pub));
	pub[0] = 0x02; /* a compressed point's prefix */
	assert_int_equal(
		smpdfu_crypto_ecdsa_p256_verify(pub, hash_signed, ec_sig72, sizeof(ec_sig72)),
		-EINVAL);
	memset(pub + 1, 0, sizeof(pub) - 1);
	pub[0] = 0x04; /* (0, 0) is not on the curve */
	assert_int_equal(
		smpdfu_crypto_ecdsa_p256_verify(pub, hash_signed, ec_sig72, sizeof(ec_sig72)),
		-EINVAL);
}

static void test_ed25519_imgtool_signature_verifies(void **state)
{
	(void)state;
	assert_int_equal(
		smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, sizeof(hash_signed), ed_sig), 0);
}

static void test_ed25519_every_flipped_bit_fails(void **state)
{
	uint8_t msg[sizeof(hash_signed)];
	uint8_t sig[sizeof(ed_sig)];
	uint8_t pub[sizeof(ed_pub)];

	(void)state;
	for (size_t bit = 0; bit < 8 * sizeof(msg); bit++) {
		memcpy(msg, hash_signed, sizeof(msg));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(smpdfu_crypto_ed25519_verify(ed_pub, msg, sizeof(msg), ed_sig),
				 -EBADMSG);
	}
	for (size_t bit = 0; bit < 8 * sizeof(sig); bit++) {
		memcpy(sig, ed_sig, sizeof(sig));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(
			smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, sizeof(hash_signed), sig),
			-EBADMSG);
	}
	for (size_t bit = 0; bit < 8 * sizeof(pub); bit++) {
		int rc;

		memcpy(pub, ed_pub, sizeof(pub));
		pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		/* Some flips give no point at all (-EINVAL), the others another key. */
		rc = smpdfu_crypto_ed25519_verify(pub, hash_signed, sizeof(hash_signed), ed_sig);
		if (!is_rejection(rc)) {
			fail_msg("key bit %zu flipped: %d", bit, rc);
		}
	}
}

static void test_ed25519_wrong_message_length_fails(void **state)
{
	uint8_t longer[sizeof(hash_signed) + 1] = { 0 };

	(void)state;
	memcpy(longer, hash_signed, sizeof(hash_signed));
	assert_int_equal(
		smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, sizeof(hash_signed) - 1, ed_sig),
		-EBADMSG);
	assert_int_equal(smpdfu_crypto_ed25519_verify(ed_pub, longer, sizeof(longer), ed_sig),
			 -EBADMSG);
	assert_int_equal(smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, 0, ed_sig), -EBADMSG);
}

static void test_ed25519_non_canonical_s_fails(void **state)
{
	/* S + L verifies in a lax implementation (same S mod L); RFC 8032 says reject. */
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2,
		0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	};
	uint8_t sig[sizeof(ed_sig)];
	unsigned int carry = 0;

	(void)state;
	memcpy(sig, ed_sig, sizeof(sig));
	for (size_t i = 0; i < 32; i++) {
		unsigned int sum = sig[32 + i] + order[i] + carry;

		sig[32 + i] = (uint8_t)sum;
		carry = sum >> 8;
	}
	assert_int_equal(carry, 0);
	assert_int_equal(
		smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, sizeof(hash_signed), sig),
		-EBADMSG);
}

/* --- SHA-512 and pure Ed25519 ------------------------------------------------------------- */

static const uint8_t sha512_empty[SMPDFU_SHA512_DIGEST_SIZE] = {
	0xcf, 0x83, 0xe1, 0x35, 0x7e, 0xef, 0xb8, 0xbd, 0xf1, 0x54, 0x28, 0x50, 0xd6, 0x6d, 0x80,
	0x07, 0xd6, 0x20, 0xe4, 0x05, 0x0b, 0x57, 0x15, 0xdc, 0x83, 0xf4, 0xa9, 0x21, 0xd3, 0x6c,
	0xe9, 0xce, 0x47, 0xd0, 0xd1, 0x3c, 0x5d, 0x85, 0xf2, 0xb0, 0xff, 0x83, 0x18, 0xd2, 0x87,
	0x7e, 0xec, 0x2f, 0x63, 0xb9, 0x31, 0xbd, 0x47, 0x41, 0x7a, 0x81, 0xa5, 0x38, 0x32, 0x7a,
	0xf9, 0x27, 0xda, 0x3e,
};

static const uint8_t sha512_abc[SMPDFU_SHA512_DIGEST_SIZE] = {
	0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49, 0xae, 0x20, 0x41,
	0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2, 0x0a, 0x9e, 0xee, 0xe6, 0x4b, 0x55,
	0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1, 0xa8, 0x36, 0xba, 0x3c, 0x23, 0xa3,
	0xfe, 0xeb, 0xbd, 0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e, 0x2a, 0x9a, 0xc9, 0x4f,
	0xa5, 0x4c, 0xa4, 0x9f,
};

static void sha512_of(const void *data, size_t len, size_t piece, uint8_t out[64])
{
	struct sha512_ctx ctx;
	const uint8_t *p = data;

	assert_int_equal(smpdfu_crypto_sha512_init(&ctx), 0);
	for (size_t off = 0; off < len; off += piece) {
		assert_int_equal(smpdfu_crypto_sha512_update(&ctx, p + off,
							     len - off < piece ? len - off : piece),
				 0);
	}
	assert_int_equal(smpdfu_crypto_sha512_final(&ctx, out), 0);
}

static void test_sha512_known_answers(void **state)
{
	uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE];

	(void)state;
	sha512_of("", 0, 1, digest);
	assert_memory_equal(digest, sha512_empty, sizeof(digest));
	sha512_of("abc", 3, 3, digest);
	assert_memory_equal(digest, sha512_abc, sizeof(digest));
	sha512_of("abc", 3, 1, digest);
	assert_memory_equal(digest, sha512_abc, sizeof(digest));
}

/* ed25519-pure.signed.bin: the signed part is header + payload (no protected TLVs). */
#define PURE_SIGNED_LEN 0x5020u
#define PURE_SHA512_TLV 0x5028u
#define PURE_SIG_TLV 0x50b5u

static uint8_t *load_pure_vector(void)
{
	FILE *fp = fopen(SMPDFU_VECTORS_DIR "/mcuboot/ed25519-pure.signed.bin", "rb");
	uint8_t *img = malloc(PURE_SIG_TLV + 64);

	assert_non_null(fp);
	assert_non_null(img);
	assert_int_equal(fread(img, 1, PURE_SIG_TLV + 64, fp), PURE_SIG_TLV + 64);
	fclose(fp);
	return img;
}

/* The pure signature over msg, fed in pieces of `piece` bytes: the port's verdict. */
static int verify_in_pieces(const uint8_t *msg, size_t len, size_t piece, const uint8_t sig[64])
{
	struct ed25519_verify_ctx ctx;
	int rc = smpdfu_crypto_ed25519_verify_begin(&ctx, ed_pub, sig);

	if (rc < 0) {
		return rc;
	}
	for (size_t off = 0; off < len; off += piece) {
		assert_int_equal(smpdfu_crypto_ed25519_verify_update(
					 &ctx, msg + off, len - off < piece ? len - off : piece),
				 0);
	}
	return smpdfu_crypto_ed25519_verify_end(&ctx);
}

static void test_pure_ed25519_imgtool_signature_verifies_in_pieces(void **state)
{
	static const size_t pieces[] = { 1, 7, 128, 4096, PURE_SIGNED_LEN };
	uint8_t *img = load_pure_vector();
	uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE];

	(void)state;
	/* imgtool's SHA512 TLV is the SHA-512 of the signed part. */
	sha512_of(img, PURE_SIGNED_LEN, 1000, digest);
	assert_memory_equal(digest, img + PURE_SHA512_TLV, sizeof(digest));
	for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
		assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN, pieces[i],
						  img + PURE_SIG_TLV), 0);
	}
	/* The one-shot check agrees: the message is the image, not a digest of it. */
	assert_int_equal(
		smpdfu_crypto_ed25519_verify(ed_pub, img, PURE_SIGNED_LEN, img + PURE_SIG_TLV), 0);
	assert_int_equal(
		smpdfu_crypto_ed25519_verify(ed_pub, digest, sizeof(digest), img + PURE_SIG_TLV),
		-EBADMSG);
	free(img);
}

static void test_pure_ed25519_what_must_fail(void **state)
{
	static const uint32_t flips[] = { 0, 0x1ff, 0x200, 0x3000, PURE_SIGNED_LEN - 1 };
	uint8_t *img = load_pure_vector();
	uint8_t sig[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(flips); i++) {
		img[flips[i]] ^= 0x10;
		assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN, 128, img + PURE_SIG_TLV),
				 -EBADMSG);
		img[flips[i]] ^= 0x10;
	}
	/* One byte short, one byte more. */
	assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN - 1, 128, img + PURE_SIG_TLV),
			 -EBADMSG);
	assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN + 1, 128, img + PURE_SIG_TLV),
			 -EBADMSG);
	for (size_t bit = 0; bit < 512; bit += 37) {
		memcpy(sig, img + PURE_SIG_TLV, sizeof(sig));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN, 512, sig), -EBADMSG);
	}
	/* S at or above the group order is refused before any hashing. */
	memcpy(sig, img + PURE_SIG_TLV, sizeof(sig));
	memset(sig + 32, 0xff, 32);
	assert_int_equal(verify_in_pieces(img, PURE_SIGNED_LEN, 512, sig), -EBADMSG);
	free(img);
}

static void test_signature_of_one_scheme_fails_in_the_other(void **state)
{
	uint8_t as_ed[64];

	(void)state;
	memcpy(as_ed, ec_sig72 + 8, sizeof(as_ed));
	assert_true(is_rejection(smpdfu_crypto_ed25519_verify(ed_pub, hash_signed, 32, as_ed)));
	assert_int_equal(
		smpdfu_crypto_ecdsa_p256_verify(ec_pub, hash_signed, ed_sig, sizeof(ed_sig)),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_big_in_one_piece),
		cmocka_unit_test(test_big_in_odd_pieces),
		cmocka_unit_test(test_context_copied_mid_hash),
		cmocka_unit_test(test_context_reusable_after_final),
		cmocka_unit_test(test_ecdsa_imgtool_signatures_verify),
		cmocka_unit_test(test_ecdsa_zero_padded_signature_verifies),
		cmocka_unit_test(test_ecdsa_signature_of_another_digest_fails),
		cmocka_unit_test(test_ecdsa_every_flipped_digest_bit_fails),
		cmocka_unit_test(test_ecdsa_every_flipped_signature_bit_fails),
		cmocka_unit_test(test_ecdsa_every_flipped_key_bit_fails),
		cmocka_unit_test(test_ecdsa_malformed_der_is_einval),
		cmocka_unit_test(test_ecdsa_non_minimal_integers_are_einval),
		cmocka_unit_test(test_ecdsa_out_of_range_scalars_fail),
		cmocka_unit_test(test_ecdsa_key_not_uncompressed_is_einval),
		cmocka_unit_test(test_ed25519_imgtool_signature_verifies),
		cmocka_unit_test(test_ed25519_every_flipped_bit_fails),
		cmocka_unit_test(test_ed25519_wrong_message_length_fails),
		cmocka_unit_test(test_ed25519_non_canonical_s_fails),
		cmocka_unit_test(test_sha512_known_answers),
		cmocka_unit_test(test_pure_ed25519_imgtool_signature_verifies_in_pieces),
		cmocka_unit_test(test_pure_ed25519_what_must_fail),
		cmocka_unit_test(test_signature_of_one_scheme_fails_in_the_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
