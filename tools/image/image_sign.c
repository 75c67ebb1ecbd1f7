/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signing with wolfCrypt. ECDSA signs the image hash as a pre-computed digest (imgtool has its
 * library hash the same bytes, which gives the same digest); Ed25519 signs the hash as a message.
 * Every signature goes through the device's own check before it reaches an image.
 */
#include "image_sign.h"

#include <errno.h>
#include <string.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/random.h>

#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

uint16_t image_sign_tlv_type(const struct key_pem *key)
{
	return key->type == IMAGE_KEY_ED25519 ? SMPDFU_IMAGE_TLV_ED25519
					      : SMPDFU_IMAGE_TLV_ECDSA_SIG;
}

static int sign_ecdsa(const struct key_pem *key, const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE],
		      uint8_t *sig, size_t *sig_len)
{
	ecc_key ecc;
	WC_RNG rng;
	word32 len = IMAGE_SIG_MAX;
	int rc = -EIO;

	if (wc_InitRng(&rng) != 0) {
		return -EIO;
	}
	if (wc_ecc_init(&ecc) != 0) {
		goto out_rng;
	}
	if (wc_ecc_import_private_key_ex(key->priv, sizeof(key->priv), key->pub, key->pub_len, &ecc,
					 ECC_SECP256R1) != 0) {
		goto out_key;
	}
	if (wc_ecc_sign_hash(hash, SMPDFU_SHA256_DIGEST_SIZE, sig, &len, &rng, &ecc) != 0) {
		goto out_key;
	}
	*sig_len = len;
	rc = smpdfu_crypto_ecdsa_p256_verify(key->pub, hash, sig, len) == 0 ? 0 : -EIO;

out_key:
	wc_ecc_free(&ecc);
out_rng:
	wc_FreeRng(&rng);
	return rc;
}

static int sign_ed25519(const struct key_pem *key, const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE],
			uint8_t *sig, size_t *sig_len)
{
	ed25519_key ed;
	word32 len = ED25519_SIG_SIZE;
	int rc = -EIO;

	if (wc_ed25519_init(&ed) != 0) {
		return -EIO;
	}
	if (wc_ed25519_import_private_key(key->priv, sizeof(key->priv), key->pub, key->pub_len,
					  &ed) != 0) {
		goto out_key;
	}
	if (wc_ed25519_sign_msg(hash, SMPDFU_SHA256_DIGEST_SIZE, sig, &len, &ed) != 0 ||
	    len != ED25519_SIG_SIZE) {
		goto out_key;
	}
	*sig_len = len;
	rc = smpdfu_crypto_ed25519_verify(key->pub, hash, SMPDFU_SHA256_DIGEST_SIZE, sig) == 0
		     ? 0
		     : -EIO;

out_key:
	wc_ed25519_free(&ed);
	return rc;
}

int image_sign_hash(const struct key_pem *key, const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE],
		    uint8_t sig[IMAGE_SIG_MAX], size_t *sig_len)
{
	if (!key->has_priv) {
		return -EINVAL;
	}
	if (key->type == IMAGE_KEY_ED25519) {
		return sign_ed25519(key, hash, sig, sig_len);
	}
	return sign_ecdsa(key, hash, sig, sig_len);
}
