/*
 * The crypto port on the host: SHA-256 from wolfCrypt (Debian's libwolfssl), kept inside the core's
 * opaque context so the core never sees a wolfSSL type and never allocates.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include <smpdfu/crypto.h>

_Static_assert(sizeof(wc_Sha256) <= sizeof(((struct sha256_ctx *)0)->opaque),
	       "wc_Sha256 must fit struct sha256_ctx: enlarge its opaque");
_Static_assert(alignof(wc_Sha256) <= alignof(struct sha256_ctx),
	       "struct sha256_ctx must be aligned as wc_Sha256 needs");
_Static_assert(SHA256_DIGEST_SIZE == WC_SHA256_DIGEST_SIZE, "digest sizes disagree");

static wc_Sha256 *state_of(struct sha256_ctx *ctx)
{
	return (wc_Sha256 *)(void *)ctx->opaque;
}

int crypto_sha256_init(struct sha256_ctx *ctx)
{
	if (wc_InitSha256(state_of(ctx)) != 0) {
		return -EIO;
	}
	return 0;
}

int crypto_sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	wc_Sha256 *sha = state_of(ctx);
	const uint8_t *p = data;

	/* wolfCrypt takes a 32-bit length; feed larger inputs in pieces. */
	while (len > 0) {
		word32 n = len > UINT32_MAX ? UINT32_MAX : (word32)len;

		if (wc_Sha256Update(sha, p, n) != 0) {
			return -EIO;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int crypto_sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE])
{
	wc_Sha256 *sha = state_of(ctx);
	int rc = wc_Sha256Final(sha, digest);

	/* Releases nothing on this build, but is the documented end of a wolfCrypt hash. */
	wc_Sha256Free(sha);
	return rc == 0 ? 0 : -EIO;
}
