/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEM signing keys on the host, decoded with wolfCrypt's ASN.1 code: which formats are accepted,
 * how the public half is derived when the file only holds the private one, and the KEYHASH.
 */
#include "key_pem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/ed25519.h>

#include <smpdfu/crypto.h>

/* A key file is a few hundred bytes; anything much larger is not one. */
#define PEM_MAX 16384
#define DER_MAX 4096

/*
 * The fixed DER prefixes of SubjectPublicKeyInfo for the two key types: SEQUENCE { SEQUENCE {
 * algorithm OID [, curve OID] }, BIT STRING (no unused bits) }, followed by the raw key.
 */
static const uint8_t spki_p256_prefix[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};
static const uint8_t spki_ed25519_prefix[] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};

int key_pem_spki(enum smpdfu_image_key_type type, const uint8_t *pub, size_t pub_len, uint8_t *out,
		 size_t cap)
{
	const uint8_t *prefix = type == IMAGE_KEY_ED25519 ? spki_ed25519_prefix : spki_p256_prefix;
	size_t prefix_len = type == IMAGE_KEY_ED25519 ? sizeof(spki_ed25519_prefix)
						      : sizeof(spki_p256_prefix);
	size_t want = type == IMAGE_KEY_ED25519 ? 32 : 65;

	if (pub_len != want) {
		return -EINVAL;
	}
	if (prefix_len + pub_len > cap) {
		return -ENOSPC;
	}
	memcpy(out, prefix, prefix_len);
	memcpy(out + prefix_len, pub, pub_len);
	return (int)(prefix_len + pub_len);
}

int key_pem_keyhash(enum smpdfu_image_key_type type, const uint8_t *pub, size_t pub_len,
		    uint8_t keyhash[SMPDFU_SHA256_DIGEST_SIZE])
{
	uint8_t spki[128];
	struct sha256_ctx ctx;
	int len = key_pem_spki(type, pub, pub_len, spki, sizeof(spki));

	if (len < 0) {
		return len;
	}
	if (smpdfu_crypto_sha256_init(&ctx) < 0 ||
	    smpdfu_crypto_sha256_update(&ctx, spki, (size_t)len) < 0 ||
	    smpdfu_crypto_sha256_final(&ctx, keyhash) < 0) {
		return -EIO;
	}
	return 0;
}

void key_pem_to_image_key(const struct key_pem *key, struct smpdfu_image_key *out)
{
	out->type = key->type;
	out->pub = key->pub;
	out->pub_len = key->pub_len;
	memcpy(out->keyhash, key->keyhash, sizeof(out->keyhash));
}

const char *key_pem_type_name(enum smpdfu_image_key_type type)
{
	return type == IMAGE_KEY_ED25519 ? "ed25519" : "ecdsa-p256";
}

/* P-256 from a decoded wolfCrypt key: the point, and the scalar when there is one. */
static int take_ecc(ecc_key *ecc, struct key_pem *key)
{
	word32 len = sizeof(key->pub);

	if (ecc->dp == NULL || ecc->dp->id != ECC_SECP256R1) {
		return -ENOTSUP; /* P-384 and friends: imgtool knows them, we do not */
	}
	/* SEC1 makes the public key optional; derive it when the file left it out. */
	if (ecc->type == ECC_PRIVATEKEY_ONLY && wc_ecc_make_pub(ecc, NULL) != 0) {
		return -EINVAL;
	}
	if (wc_ecc_export_x963(ecc, key->pub, &len) != 0 || len != 65) {
		return -EINVAL;
	}
	key->pub_len = len;
	key->type = IMAGE_KEY_ECDSA_P256;
	if (ecc->type != ECC_PUBLICKEY) {
		len = sizeof(key->priv);
		if (wc_ecc_export_private_only(ecc, key->priv, &len) != 0 || len != 32) {
			return -EINVAL;
		}
		key->has_priv = true;
	}
	return 0;
}

/* Ed25519 from a decoded wolfCrypt key; PKCS#8 files usually hold only the seed. */
static int take_ed25519(ed25519_key *ed, struct key_pem *key)
{
	/* Read before make_public, which marks the key as having a public half it did not store. */
	bool had_pub = ed->pubKeySet;
	word32 len = 32;

	if (had_pub && (wc_ed25519_export_public(ed, key->pub, &len) != 0 || len != 32)) {
		return -EINVAL;
	}
	if (ed->privKeySet) {
		len = 32;
		if (wc_ed25519_export_private_only(ed, key->priv, &len) != 0 || len != 32) {
			return -EINVAL;
		}
		key->has_priv = true;
		if (!had_pub && wc_ed25519_make_public(ed, key->pub, 32) != 0) {
			return -EINVAL;
		}
	}
	if (!had_pub && !ed->privKeySet) {
		return -EINVAL;
	}
	key->pub_len = 32;
	key->type = IMAGE_KEY_ED25519;
	return 0;
}

/*
 * Tries the DER as each supported key kind in turn; the ASN.1 decoders check the OIDs. -ENOTSUP
 * when it is no key of ours.
 */
static int decode_der(const uint8_t *der, word32 der_len, bool is_public, struct key_pem *key)
{
	ecc_key ecc;
	ed25519_key ed;
	word32 idx = 0;
	int rc;

	if (wc_ecc_init(&ecc) != 0) {
		return -EIO;
	}
	rc = is_public ? wc_EccPublicKeyDecode(der, &idx, &ecc, der_len)
		       : wc_EccPrivateKeyDecode(der, &idx, &ecc, der_len);
	rc = rc == 0 ? take_ecc(&ecc, key) : -EINVAL;
	wc_ecc_free(&ecc);
	if (rc != -EINVAL) {
		return rc;
	}

	if (wc_ed25519_init(&ed) != 0) {
		return -EIO;
	}
	idx = 0;
	rc = is_public ? wc_Ed25519PublicKeyDecode(der, &idx, &ed, der_len)
		       : wc_Ed25519PrivateKeyDecode(der, &idx, &ed, der_len);
	/* Armour that decodes to neither: most likely RSA or another algorithm imgtool knows. */
	rc = rc == 0 ? take_ed25519(&ed, key) : -ENOTSUP;
	wc_ed25519_free(&ed);
	return rc;
}

/*
 * True when der is exactly one DER SEQUENCE: what every key encoding is. Tells text that only
 * looks like PEM (the base64 decoder is lenient) from a key of an algorithm we do not take.
 */
static bool is_der_sequence(const uint8_t *der, size_t len)
{
	size_t content;
	size_t hdr = 2;

	if (len < 2 || der[0] != 0x30) {
		return false;
	}
	if (der[1] < 0x80) {
		content = der[1];
	} else {
		size_t n = der[1] & 0x7f;

		if (n == 0 || n > 2 || len < 2 + n) {
			return false;
		}
		content = 0;
		for (size_t i = 0; i < n; i++) {
			content = content << 8 | der[2 + i];
		}
		hdr += n;
	}
	return hdr + content == len;
}

int key_pem_parse(const char *pem, size_t len, struct key_pem *key)
{
	static const char begin_public[] = "-----BEGIN PUBLIC KEY-----";
	static const char begin_encrypted[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
	static const char begin_rsa[] = "-----BEGIN RSA PRIVATE KEY-----";
	/* A copy with a terminating NUL for the string searches; pem may be any bytes. */
	char text[PEM_MAX + 1];
	uint8_t der[DER_MAX];
	bool is_public;
	int der_len;
	int rc;

	memset(key, 0, sizeof(*key));
	if (len > PEM_MAX) {
		return -EINVAL;
	}
	memcpy(text, pem, len);
	text[len] = '\0';
	if (strstr(text, begin_encrypted) != NULL || strstr(text, begin_rsa) != NULL) {
		return -ENOTSUP;
	}
	is_public = strstr(text, begin_public) != NULL;
	if (is_public) {
		der_len = wc_PubKeyPemToDer((const unsigned char *)text, (int)len, der,
					    sizeof(der));
	} else {
		der_len = wc_KeyPemToDer((const unsigned char *)text, (int)len, der, sizeof(der),
					 NULL);
	}
	if (der_len <= 0 || !is_der_sequence(der, (size_t)der_len)) {
		return -EINVAL;
	}
	rc = decode_der(der, (word32)der_len, is_public, key);
	if (rc == 0) {
		rc = key_pem_keyhash(key->type, key->pub, key->pub_len, key->keyhash);
	}
	/* The DER copy held the private key: do not leave it on the stack. */
	memset(der, 0, sizeof(der));
	memset(text, 0, sizeof(text));
	if (rc < 0) {
		memset(key, 0, sizeof(*key));
	}
	return rc;
}

int key_pem_load(const char *path, struct key_pem *key, const char **why)
{
	char *buf = malloc(PEM_MAX + 1);
	const char *reason = NULL;
	FILE *f;
	size_t n;
	int rc;

	if (buf == NULL) {
		return -ENOMEM;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = -errno;
		reason = strerror(errno);
		goto out;
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc == 0 && n > PEM_MAX) {
		rc = -EINVAL;
		reason = "too large for a key file";
	}
	if (rc == 0) {
		rc = key_pem_parse(buf, n, key);
		if (rc == -ENOTSUP) {
			reason = "not an EC P-256 or Ed25519 key (or an encrypted one)";
		} else if (rc < 0) {
			reason = "not a PEM key (EC PRIVATE KEY, PRIVATE KEY or PUBLIC KEY)";
		}
	} else if (reason == NULL) {
		reason = "read error";
	}
out:
	memset(buf, 0, PEM_MAX + 1);
	free(buf);
	if (why != NULL) {
		*why = reason;
	}
	return rc;
}
