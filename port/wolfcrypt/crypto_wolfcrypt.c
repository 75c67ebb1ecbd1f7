/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crypto port on wolfCrypt: SHA-256 and SHA-512 kept inside the core's opaque contexts so the
 * core never sees a wolfSSL type, and the signature checks MCUboot images use (ECDSA P-256 over
 * the image hash; Ed25519 over the image hash, or over the image itself for a pure signature, fed
 * in pieces). The host links Debian's libwolfssl; a firmware image builds wolfCrypt from Debian's
 * source package with user_settings.h, which leaves out what its key does not need: those
 * functions then answer -EINVAL (a verifier) or -ENOTSUP (an optional one), as crypto.h allows.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The feature macros the library was built with must come first. */
#ifdef WOLFSSL_USER_SETTINGS
#include <wolfssl/wolfcrypt/settings.h>
#else
#include <wolfssl/options.h>
#endif
#ifdef HAVE_ECC
#include <wolfssl/wolfcrypt/ecc.h>
#endif
#ifdef HAVE_ED25519
#include <wolfssl/wolfcrypt/ed25519.h>
#endif
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha256.h>
#ifdef WOLFSSL_SHA512
#include <wolfssl/wolfcrypt/sha512.h>
#endif

#include <smpdfu/crypto.h>

_Static_assert(sizeof(wc_Sha256) <= sizeof(((struct sha256_ctx *)0)->opaque),
	       "wc_Sha256 must fit struct sha256_ctx: enlarge its opaque");
_Static_assert(alignof(wc_Sha256) <= alignof(struct sha256_ctx),
	       "struct sha256_ctx must be aligned as wc_Sha256 needs");
_Static_assert(SMPDFU_SHA256_DIGEST_SIZE == WC_SHA256_DIGEST_SIZE, "digest sizes disagree");

static wc_Sha256 *state_of(struct sha256_ctx *ctx)
{
	return (wc_Sha256 *)(void *)ctx->opaque;
}

int smpdfu_crypto_sha256_init(struct sha256_ctx *ctx)
{
	if (wc_InitSha256(state_of(ctx)) != 0) {
		return -EIO;
	}
	return 0;
}

int smpdfu_crypto_sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
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

int smpdfu_crypto_sha256_final(struct sha256_ctx *ctx, uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE])
{
	wc_Sha256 *sha = state_of(ctx);
	int rc = wc_Sha256Final(sha, digest);

	/* Releases nothing on this build, but is the documented end of a wolfCrypt hash. */
	wc_Sha256Free(sha);
	return rc == 0 ? 0 : -EIO;
}

#ifdef WOLFSSL_SHA512
_Static_assert(sizeof(wc_Sha512) <= sizeof(((struct sha512_ctx *)0)->opaque),
	       "wc_Sha512 must fit struct sha512_ctx: enlarge its opaque");
_Static_assert(alignof(wc_Sha512) <= alignof(struct sha512_ctx),
	       "struct sha512_ctx must be aligned as wc_Sha512 needs");
_Static_assert(SMPDFU_SHA512_DIGEST_SIZE == WC_SHA512_DIGEST_SIZE, "digest sizes disagree");

static wc_Sha512 *state512_of(struct sha512_ctx *ctx)
{
	return (wc_Sha512 *)(void *)ctx->opaque;
}

int smpdfu_crypto_sha512_init(struct sha512_ctx *ctx)
{
	return wc_InitSha512(state512_of(ctx)) == 0 ? 0 : -EIO;
}

int smpdfu_crypto_sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	wc_Sha512 *sha = state512_of(ctx);
	const uint8_t *p = data;

	while (len > 0) {
		word32 n = len > UINT32_MAX ? UINT32_MAX : (word32)len;

		if (wc_Sha512Update(sha, p, n) != 0) {
			return -EIO;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int smpdfu_crypto_sha512_final(struct sha512_ctx *ctx, uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE])
{
	wc_Sha512 *sha = state512_of(ctx);
	int rc = wc_Sha512Final(sha, digest);

	wc_Sha512Free(sha);
	return rc == 0 ? 0 : -EIO;
}
#else
int smpdfu_crypto_sha512_init(struct sha512_ctx *ctx)
{
	(void)ctx;
	return -ENOTSUP; /* this build has no SHA-512: such images are refused with that reason */
}

int smpdfu_crypto_sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -ENOTSUP;
}

int smpdfu_crypto_sha512_final(struct sha512_ctx *ctx, uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE])
{
	(void)ctx;
	(void)digest;
	return -ENOTSUP;
}
#endif /* WOLFSSL_SHA512 */

#ifdef HAVE_ECC
/*
 * ECDSA P-256. The DER signature is parsed here, strictly, before wolfCrypt sees it: the library's
 * own decoder has been lenient in some releases, and a signature check must not depend on that.
 */
#define P256_SCALAR_SIZE 32
#define P256_POINT_SIZE (1 + 2 * P256_SCALAR_SIZE)

/* The order n of the P-256 group, big-endian: r and s must lie in [1, n-1]. */
static const uint8_t p256_order[P256_SCALAR_SIZE] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/*
 * Reads one DER INTEGER at *pos (< end) as a 32-byte big-endian scalar. Returns 0, or -EINVAL
 * when the encoding is not minimal DER, is negative, or does not fit 32 bytes.
 */
static int der_read_scalar(const uint8_t *der, size_t *pos, size_t end,
			   uint8_t out[P256_SCALAR_SIZE])
{
	size_t p = *pos;
	size_t len;

	if (end - p < 2 || der[p] != 0x02) {
		return -EINVAL;
	}
	len = der[p + 1];
	p += 2;
	/* Short-form length only: a P-256 scalar never needs more than 33 bytes. */
	if (len == 0 || len > P256_SCALAR_SIZE + 1 || end - p < len) {
		return -EINVAL;
	}
	if (der[p] & 0x80) {
		return -EINVAL; /* negative */
	}
	if (der[p] == 0x00 && len > 1) {
		/* A leading zero is only allowed (and then required) to keep the value positive. */
		if (!(der[p + 1] & 0x80)) {
			return -EINVAL;
		}
		p++;
		len--;
	}
	if (len > P256_SCALAR_SIZE) {
		return -EINVAL;
	}
	memset(out, 0, P256_SCALAR_SIZE - len);
	memcpy(out + P256_SCALAR_SIZE - len, der + p, len);
	*pos = p + len;
	return 0;
}

/* True when 0 < v < n. */
static bool p256_scalar_in_range(const uint8_t v[P256_SCALAR_SIZE])
{
	bool zero = true;

	for (size_t i = 0; i < P256_SCALAR_SIZE; i++) {
		zero = zero && v[i] == 0;
	}
	if (zero) {
		return false;
	}
	return memcmp(v, p256_order, P256_SCALAR_SIZE) < 0;
}

/*
 * Checks that sig is SEQUENCE { INTEGER r, INTEGER s } and returns the length of that SEQUENCE.
 * Bytes after it must be zero: imgtool's --pad-sig (for MCUboot < 1.5) pads with zeros, and
 * anything else after the signature is not ours to ignore. -EINVAL when malformed.
 */
static int der_check_signature(const uint8_t *sig, size_t sig_len, uint8_t r[P256_SCALAR_SIZE],
			       uint8_t s[P256_SCALAR_SIZE], size_t *seq_len)
{
	size_t pos = 2;
	size_t end;
	int rc;

	if (sig_len < 2 || sig[0] != 0x30 || (sig[1] & 0x80)) {
		return -EINVAL;
	}
	end = 2 + (size_t)sig[1];
	if (end > sig_len) {
		return -EINVAL;
	}
	rc = der_read_scalar(sig, &pos, end, r);
	if (rc == 0) {
		rc = der_read_scalar(sig, &pos, end, s);
	}
	if (rc < 0 || pos != end) {
		return -EINVAL;
	}
	for (size_t i = end; i < sig_len; i++) {
		if (sig[i] != 0) {
			return -EINVAL;
		}
	}
	*seq_len = end;
	return 0;
}

int smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
				    const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
				    const uint8_t *sig_der, size_t sig_len)
{
	uint8_t r[P256_SCALAR_SIZE];
	uint8_t s[P256_SCALAR_SIZE];
	size_t seq_len;
	ecc_key key;
	int valid = 0;
	int rc;

	rc = der_check_signature(sig_der, sig_len, r, s, &seq_len);
	if (rc < 0) {
		return rc;
	}
	if (!p256_scalar_in_range(r) || !p256_scalar_in_range(s)) {
		return -EBADMSG; /* well-formed, but no valid signature has such r or s */
	}
	if (pub[0] != 0x04) {
		return -EINVAL; /* only the uncompressed form is a trusted-key format */
	}
	if (wc_ecc_init(&key) != 0) {
		return -EIO;
	}
	/* The import does not check the point; check_key does (on the curve, right order). */
	if (wc_ecc_import_x963_ex(pub, P256_POINT_SIZE, &key, ECC_SECP256R1) != 0 ||
	    wc_ecc_check_key(&key) != 0) {
		rc = -EINVAL;
		goto out_free;
	}
	if (wc_ecc_verify_hash(sig_der, (word32)seq_len, digest, SMPDFU_SHA256_DIGEST_SIZE, &valid,
			       &key) != 0) {
		/* The inputs were checked above: what is left is the library failing. */
		rc = -EIO;
		goto out_free;
	}
	rc = valid == 1 ? 0 : -EBADMSG;

out_free:
	wc_ecc_free(&key);
	return rc;
}
#else
int smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
				    const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
				    const uint8_t *sig_der, size_t sig_len)
{
	(void)pub;
	(void)digest;
	(void)sig_der;
	(void)sig_len;
	return -EINVAL; /* this build trusts no P-256 key */
}
#endif /* HAVE_ECC */

#ifdef HAVE_ED25519
/* The group order L of Ed25519, little-endian: RFC 8032 requires S < L. */
static const uint8_t ed25519_order[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* True when the little-endian scalar v is below L. */
static bool ed25519_scalar_is_canonical(const uint8_t v[32])
{
	for (size_t i = 32; i-- > 0;) {
		if (v[i] != ed25519_order[i]) {
			return v[i] < ed25519_order[i];
		}
	}
	return false;
}

int smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
				 const uint8_t sig[64])
{
	ed25519_key key;
	int valid = 0;
	int rc;

	if (msg_len > UINT32_MAX) {
		return -EINVAL;
	}
	/* Checked here rather than trusting every library release to reject a malleable S. */
	if (!ed25519_scalar_is_canonical(sig + 32)) {
		return -EBADMSG;
	}
	if (wc_ed25519_init(&key) != 0) {
		return -EIO;
	}
	/*
	 * wc_ed25519_check_key() wants the private half on this release, so a public key that is no
	 * point at all only shows in the verification, which then fails: -EBADMSG, not -EINVAL.
	 */
	if (wc_ed25519_import_public(pub, ED25519_PUB_KEY_SIZE, &key) != 0) {
		rc = -EINVAL;
		goto out_free;
	}
	rc = wc_ed25519_verify_msg(sig, ED25519_SIG_SIZE, msg, (word32)msg_len, &valid, &key);
	if (rc == MEMORY_E) {
		rc = -EIO;
	} else {
		/* wolfCrypt reports a failed check as res 0, SIG_VERIFY_E or a decoding error. */
		rc = rc == 0 && valid == 1 ? 0 : -EBADMSG;
	}

out_free:
	wc_ed25519_free(&key);
	return rc;
}
#else
int smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
				 const uint8_t sig[64])
{
	(void)pub;
	(void)msg;
	(void)msg_len;
	(void)sig;
	return -EINVAL; /* this build trusts no Ed25519 key */
}
#endif /* HAVE_ED25519 */

#if defined(HAVE_ED25519) && defined(WOLFSSL_ED25519_STREAMING_VERIFY)
/* A pure Ed25519 check in progress: wolfCrypt keeps the running SHA-512 inside the key. */
struct ed25519_stream {
	ed25519_key key;
	uint8_t sig[ED25519_SIG_SIZE];
};

_Static_assert(sizeof(struct ed25519_stream) <= sizeof(((struct ed25519_verify_ctx *)0)->opaque),
	       "the Ed25519 stream state must fit struct ed25519_verify_ctx: enlarge its opaque");
_Static_assert(alignof(struct ed25519_stream) <= alignof(struct ed25519_verify_ctx),
	       "struct ed25519_verify_ctx must be aligned as the stream state needs");

static struct ed25519_stream *stream_of(struct ed25519_verify_ctx *ctx)
{
	return (struct ed25519_stream *)(void *)ctx->opaque;
}

int smpdfu_crypto_ed25519_verify_begin(struct ed25519_verify_ctx *ctx, const uint8_t pub[32],
				       const uint8_t sig[64])
{
	struct ed25519_stream *s = stream_of(ctx);

	if (!ed25519_scalar_is_canonical(sig + 32)) {
		return -EBADMSG;
	}
	if (wc_ed25519_init(&s->key) != 0) {
		return -EIO;
	}
	if (wc_ed25519_import_public(pub, ED25519_PUB_KEY_SIZE, &s->key) != 0) {
		wc_ed25519_free(&s->key);
		return -EINVAL;
	}
	memcpy(s->sig, sig, sizeof(s->sig));
	/* Plain Ed25519 (no context, no prehash), as MCUboot verifies a pure signature. */
	if (wc_ed25519_verify_msg_init(s->sig, ED25519_SIG_SIZE, &s->key, (byte)Ed25519, NULL, 0) !=
	    0) {
		wc_ed25519_free(&s->key);
		return -EIO;
	}
	return 0;
}

int smpdfu_crypto_ed25519_verify_update(struct ed25519_verify_ctx *ctx, const void *data,
					size_t len)
{
	struct ed25519_stream *s = stream_of(ctx);
	const uint8_t *p = data;

	while (len > 0) {
		word32 n = len > UINT32_MAX ? UINT32_MAX : (word32)len;

		if (wc_ed25519_verify_msg_update(p, n, &s->key) != 0) {
			return -EIO;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int smpdfu_crypto_ed25519_verify_end(struct ed25519_verify_ctx *ctx)
{
	struct ed25519_stream *s = stream_of(ctx);
	int valid = 0;
	int rc = wc_ed25519_verify_msg_final(s->sig, ED25519_SIG_SIZE, &valid, &s->key);

	wc_ed25519_free(&s->key);
	if (rc == MEMORY_E) {
		return -EIO;
	}
	return rc == 0 && valid == 1 ? 0 : -EBADMSG;
}
#else
int smpdfu_crypto_ed25519_verify_begin(struct ed25519_verify_ctx *ctx, const uint8_t pub[32],
				       const uint8_t sig[64])
{
	(void)ctx;
	(void)pub;
	(void)sig;
	return -ENOTSUP; /* no streaming Ed25519 in this build: pure images are refused */
}

int smpdfu_crypto_ed25519_verify_update(struct ed25519_verify_ctx *ctx, const void *data,
					size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -ENOTSUP;
}

int smpdfu_crypto_ed25519_verify_end(struct ed25519_verify_ctx *ctx)
{
	(void)ctx;
	return -ENOTSUP;
}
#endif
