/*
 * Unit tests of the crypto port (wolfCrypt on the host) against digests computed independently
 * with Python's hashlib: the empty string, "abc", and 1 MiB fed in odd-sized pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>

#define BIG_SIZE (1024u * 1024u)

/* hashlib.sha256(b"").digest() */
static const uint8_t sha_empty[SHA256_DIGEST_SIZE] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

/* hashlib.sha256(b"abc").digest() */
static const uint8_t sha_abc[SHA256_DIGEST_SIZE] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

/* hashlib.sha256(bytes(((i * 7 + (i >> 8)) & 0xff) for i in range(1 << 20))).digest() */
static const uint8_t sha_big[SHA256_DIGEST_SIZE] = {
	0x1f, 0x86, 0x47, 0xd4, 0xcd, 0x2f, 0x75, 0x94,
	0xc3, 0x5c, 0x41, 0x3e, 0x58, 0x2e, 0x01, 0x08,
	0x9c, 0x00, 0x92, 0x9d, 0xd4, 0x23, 0x9e, 0xdd,
	0xd5, 0xde, 0xd3, 0xd4, 0x0f, 0x32, 0x5d, 0x53,
};

static uint8_t big[BIG_SIZE];

static void fill_big(void)
{
	for (uint32_t i = 0; i < BIG_SIZE; i++) {
		big[i] = (uint8_t)(i * 7u + (i >> 8));
	}
}

static void test_empty(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_empty, sizeof(digest));
}

static void test_abc(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_update(&ctx, "abc", 3), 0);
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_abc, sizeof(digest));
}

static void test_big_in_one_piece(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	(void)state;
	fill_big();
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_update(&ctx, big, BIG_SIZE), 0);
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_big, sizeof(digest));
}

static void test_big_in_odd_pieces(void **state)
{
	/* Piece sizes that straddle the 64-byte block in every way, including empty updates. */
	static const size_t pieces[] = { 1, 0, 63, 64, 65, 7, 127, 500, 4093, 1, 3 };
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	size_t off = 0;
	size_t i = 0;

	(void)state;
	fill_big();
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	while (off < BIG_SIZE) {
		size_t n = pieces[i++ % (sizeof(pieces) / sizeof(pieces[0]))];

		if (n > BIG_SIZE - off) {
			n = BIG_SIZE - off;
		}
		assert_int_equal(crypto_sha256_update(&ctx, big + off, n), 0);
		off += n;
	}
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
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
	uint8_t digest[SHA256_DIGEST_SIZE];

	(void)state;
	fill_big();
	assert_int_equal((uintptr_t)&places.at8 % 16, 0);

	/* The core may keep a context by value and copy it; the hash must survive that. */
	assert_int_equal(crypto_sha256_init(&places.at0), 0);
	assert_int_equal(crypto_sha256_update(&places.at0, big, 1000), 0);
	memcpy(&places.at8, &places.at0, sizeof(places.at8));
	memset(&places.at0, 0xa5, sizeof(places.at0));
	assert_int_equal(crypto_sha256_update(&places.at8, big + 1000, 77777), 0);
	memcpy(&places.at0, &places.at8, sizeof(places.at0));
	assert_int_equal(crypto_sha256_update(&places.at0, big + 78777, BIG_SIZE - 78777), 0);
	assert_int_equal(crypto_sha256_final(&places.at0, digest), 0);
	assert_memory_equal(digest, sha_big, sizeof(digest));
}

static void test_context_reusable_after_final(void **state)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_update(&ctx, "something else", 14), 0);
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_update(&ctx, "a", 1), 0);
	assert_int_equal(crypto_sha256_update(&ctx, "bc", 2), 0);
	assert_int_equal(crypto_sha256_final(&ctx, digest), 0);
	assert_memory_equal(digest, sha_abc, sizeof(digest));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
