/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Full validation of an MCUboot image in a flash area, as the bootloader does before it boots or
 * swaps: the hash recomputed from flash, the signature by a trusted key, and the TLV rules. All
 * reads go through the TLV iterator of image_read.c, so a hostile image cannot steer them outside
 * the area or its TLV area; every buffer is a bounded stack array.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <smpdfu/crypto.h>
#include <smpdfu/image.h>

/*
 * Flash is read through this buffer, both to hash and to fetch a signature or a key: 128 bytes
 * hold any P-256 DER signature (at most 72 bytes, also in imgtool's zero-padded form), an Ed25519
 * one and a P-256 public key as a PUBKEY TLV carries it (91 bytes), as MCUboot's own buffer does,
 * and keep hashing at a few flash reads per kilobyte.
 */
#define VALIDATE_BUF_SIZE 128

#define SEC_CNT_LEN 4
#define DEPENDENCY_LEN 12
#define ED25519_SIG_LEN 64
#define ED25519_PUB_LEN 32

/* The image hash: SHA-256 (imgtool's default) or SHA-512 (imgtool --sha 512, --pure). */
struct image_digest {
	uint16_t tlv;
	uint8_t len;
	uint8_t bytes[SMPDFU_SHA512_DIGEST_SIZE];
};

/* What the walk over the TLVs found; turned into one return code at the end. */
struct validate_state {
	struct image_digest computed;
	bool hash_matches;
	const struct smpdfu_image_key *selected; /* named by the last key TLV, until a signature
						    uses it */
	bool sig_valid;                   /* the last signature by a trusted key verified */
};

/* A failed validation: the code, and in out->problem the words for it. */
static int invalid(struct smpdfu_image_validation *out, int rc, const char *problem)
{
	out->problem = problem;
	return rc;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static bool is_hash_type(uint16_t type)
{
	return type == SMPDFU_IMAGE_TLV_SHA256 || type == SMPDFU_IMAGE_TLV_SHA384 ||
	       type == SMPDFU_IMAGE_TLV_SHA512;
}

/* The key-wrapping TLVs of an encrypted image (0x30-0x34). */
static bool is_encryption_type(uint16_t type)
{
	return type >= 0x30 && type <= 0x34;
}

/*
 * The unprotected area is not covered by the hash, so only what MCUboot's allow-list names may sit
 * there: key identification, hashes, signatures and the pure-signature marker. Anything else (a
 * security counter, a dependency) would be unauthenticated and is refused.
 */
static bool unprotected_type_is_allowed(uint16_t type)
{
	switch (type) {
	case SMPDFU_IMAGE_TLV_KEYHASH:
	case SMPDFU_IMAGE_TLV_PUBKEY:
	case SMPDFU_IMAGE_TLV_SHA256:
	case SMPDFU_IMAGE_TLV_SHA384:
	case SMPDFU_IMAGE_TLV_SHA512:
	case SMPDFU_IMAGE_TLV_RSA2048_PSS:
	case SMPDFU_IMAGE_TLV_ECDSA_SIG:
	case SMPDFU_IMAGE_TLV_RSA3072_PSS:
	case SMPDFU_IMAGE_TLV_ED25519:
	case SMPDFU_IMAGE_TLV_SIG_PURE:
		return true;
	default:
		return false;
	}
}

static int read_area(const struct smpdfu_flash_area *fa, uint32_t off, void *dst, size_t len)
{
	return smpdfu_flash_area_read(fa, off, dst, len) < 0 ? -EIO : 0;
}

/* The hash of type d->tlv over [0, len) of fa, read in VALIDATE_BUF_SIZE pieces. */
static int hash_area(const struct smpdfu_flash_area *fa, uint32_t len,
		     uint8_t buf[VALIDATE_BUF_SIZE], struct image_digest *d)
{
	union { /* one of them at a time: the stack holds the larger only */
		struct sha256_ctx c256;
		struct sha512_ctx c512;
	} ctx;
	bool wide = d->tlv == SMPDFU_IMAGE_TLV_SHA512;
	uint32_t off = 0;
	int rc = wide ? smpdfu_crypto_sha512_init(&ctx.c512) : smpdfu_crypto_sha256_init(&ctx.c256);

	d->len = wide ? SMPDFU_SHA512_DIGEST_SIZE : SMPDFU_SHA256_DIGEST_SIZE;
	while (rc == 0 && off < len) {
		uint32_t n = len - off < VALIDATE_BUF_SIZE ? len - off : VALIDATE_BUF_SIZE;

		rc = read_area(fa, off, buf, n);
		if (rc == 0) {
			rc = wide ? smpdfu_crypto_sha512_update(&ctx.c512, buf, n) :
				    smpdfu_crypto_sha256_update(&ctx.c256, buf, n);
		}
		off += n;
	}
	if (rc == 0) {
		rc = wide ? smpdfu_crypto_sha512_final(&ctx.c512, d->bytes) :
			    smpdfu_crypto_sha256_final(&ctx.c256, d->bytes);
	}
	return rc;
}

/* A key as imgtool embeds it: the DER SubjectPublicKeyInfo, a fixed prefix and the raw key. */
static const uint8_t p256_spki_prefix[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};
static const uint8_t ed25519_spki_prefix[] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};

static const uint8_t *spki_prefix(const struct smpdfu_image_key *key, size_t *len)
{
	if (key->type == IMAGE_KEY_ED25519) {
		*len = sizeof(ed25519_spki_prefix);
		return ed25519_spki_prefix;
	}
	*len = sizeof(p256_spki_prefix);
	return p256_spki_prefix;
}

/* A PUBKEY TLV names the trusted key whose SubjectPublicKeyInfo it holds, byte for byte. */
static bool pubkey_is(const struct smpdfu_image_key *key, const uint8_t *der, size_t der_len)
{
	size_t prefix_len;
	const uint8_t *prefix = spki_prefix(key, &prefix_len);

	return der_len == prefix_len + key->pub_len && memcmp(der, prefix, prefix_len) == 0 &&
	       memcmp(der + prefix_len, key->pub, key->pub_len) == 0;
}

/* A 64-byte KEYHASH is the SHA-512 of the key's SubjectPublicKeyInfo. */
static int keyhash512_is(const struct smpdfu_image_key *key,
			 const uint8_t keyhash[SMPDFU_SHA512_DIGEST_SIZE], bool *same)
{
	struct sha512_ctx ctx;
	uint8_t digest[SMPDFU_SHA512_DIGEST_SIZE];
	size_t prefix_len;
	const uint8_t *prefix = spki_prefix(key, &prefix_len);
	int rc = smpdfu_crypto_sha512_init(&ctx);

	if (rc == 0) {
		rc = smpdfu_crypto_sha512_update(&ctx, prefix, prefix_len);
	}
	if (rc == 0) {
		rc = smpdfu_crypto_sha512_update(&ctx, key->pub, key->pub_len);
	}
	if (rc == 0) {
		rc = smpdfu_crypto_sha512_final(&ctx, digest);
	}
	*same = rc == 0 && memcmp(digest, keyhash, SMPDFU_SHA512_DIGEST_SIZE) == 0;
	return rc;
}

/*
 * The trusted key a key TLV names, or NULL: a KEYHASH of the image's hash length, or a PUBKEY.
 * A key we do not know only means the next signature is not for us.
 */
static int find_key(const struct smpdfu_image_key *keys, size_t key_count, uint16_t type,
		    const uint8_t *tlv, uint16_t len, uint8_t hash_len,
		    const struct smpdfu_image_key **found)
{
	*found = NULL;
	for (size_t i = 0; i < key_count; i++) {
		bool same = false;
		int rc = 0;

		if (type == SMPDFU_IMAGE_TLV_PUBKEY) {
			same = pubkey_is(&keys[i], tlv, len);
		} else if (len != hash_len) {
			return 0;
		} else if (len == SMPDFU_SHA256_DIGEST_SIZE) {
			same = memcmp(keys[i].keyhash, tlv, SMPDFU_SHA256_DIGEST_SIZE) == 0;
		} else {
			rc = keyhash512_is(&keys[i], tlv, &same);
		}
		if (rc < 0) {
			return rc;
		}
		if (same) {
			*found = &keys[i];
			return 0;
		}
	}
	return 0;
}

/*
 * Ed25519 over the hashed bytes themselves (a pure signature), fed from flash through buf; sig is
 * kept by the port at begin, so buf may be reused. 0 valid, -EBADMSG, -ENOTSUP, -EIO.
 */
static int verify_pure(const struct smpdfu_flash_area *fa, uint32_t hashed_len,
		       const struct smpdfu_image_key *key, uint8_t buf[VALIDATE_BUF_SIZE])
{
	struct ed25519_verify_ctx ctx;
	uint32_t off = 0;
	int rc = smpdfu_crypto_ed25519_verify_begin(&ctx, key->pub, buf);
	int end;

	if (rc < 0) {
		return rc;
	}
	while (rc == 0 && off < hashed_len) {
		uint32_t n = hashed_len - off < VALIDATE_BUF_SIZE ? hashed_len - off :
								     VALIDATE_BUF_SIZE;

		rc = read_area(fa, off, buf, n);
		if (rc == 0) {
			rc = smpdfu_crypto_ed25519_verify_update(&ctx, buf, n);
		}
		off += n;
	}
	end = smpdfu_crypto_ed25519_verify_end(&ctx);
	return rc < 0 ? rc : end;
}

/*
 * Verifies the signature at [off, off+len) with key: over the image hash, or over the hashed bytes
 * when the image is pure. Returns 1 valid, 0 not (including a signature of impossible length or
 * encoding, a key of the wrong kind for it, or an ECDSA signature over anything but SHA-256),
 * -ENOTSUP when the crypto port cannot check it, -EIO.
 */
static int check_signature(const struct smpdfu_flash_area *fa, uint16_t type, uint32_t off,
			   uint16_t len, const struct smpdfu_image_key *key,
			   const struct smpdfu_image_validation *out,
			   const struct validate_state *st, uint8_t buf[VALIDATE_BUF_SIZE])
{
	uint32_t hashed_len = (uint32_t)out->hdr.hdr_size + out->hdr.img_size +
			      out->hdr.protect_tlv_size;
	int rc;

	if (type == SMPDFU_IMAGE_TLV_ED25519) {
		if (key->type != IMAGE_KEY_ED25519 || len != ED25519_SIG_LEN ||
		    key->pub_len != ED25519_PUB_LEN) {
			return 0;
		}
	} else if (key->type != IMAGE_KEY_ECDSA_P256 || out->pure || len > VALIDATE_BUF_SIZE ||
		   key->pub_len != 65 || st->computed.len != SMPDFU_SHA256_DIGEST_SIZE) {
		return 0;
	}
	rc = read_area(fa, off, buf, len);
	if (rc < 0) {
		return rc;
	}
	if (type == SMPDFU_IMAGE_TLV_ED25519 && out->pure) {
		rc = verify_pure(fa, hashed_len, key, buf);
	} else if (type == SMPDFU_IMAGE_TLV_ED25519) {
		rc = smpdfu_crypto_ed25519_verify(key->pub, st->computed.bytes, st->computed.len,
						  buf);
	} else {
		rc = smpdfu_crypto_ecdsa_p256_verify(key->pub, st->computed.bytes, buf, len);
	}
	if (rc == -EIO || rc == -ENOTSUP) {
		return rc;
	}
	return rc == 0 ? 1 : 0;
}

/* One entry of the protected area: parse what we know, the rest is covered by the hash anyway. */
static int take_protected(const struct smpdfu_flash_area *fa, uint16_t type, uint32_t off,
			  uint16_t len, struct smpdfu_image_validation *out)
{
	uint8_t v[SEC_CNT_LEN];
	int rc;

	switch (type) {
	case SMPDFU_IMAGE_TLV_SEC_CNT:
		/* Two counters would leave the rollback check to guess which one counts. */
		if (len != SEC_CNT_LEN || out->has_security_counter) {
			return invalid(out, -EBADMSG, "malformed or second security counter");
		}
		rc = read_area(fa, off, v, sizeof(v));
		if (rc < 0) {
			return rc;
		}
		out->security_counter = get_le32(v);
		out->has_security_counter = true;
		return 0;
	case SMPDFU_IMAGE_TLV_DEPENDENCY:
		if (len != DEPENDENCY_LEN) {
			return invalid(out, -EBADMSG, "malformed dependency");
		}
		if (out->dependency_count < UINT8_MAX) {
			out->dependency_count++;
		}
		return 0;
	default:
		return 0;
	}
}

/* One entry of the unprotected area. */
static int take_unprotected(const struct smpdfu_flash_area *fa, uint16_t type, uint32_t off,
			    uint16_t len, const struct smpdfu_image_key *keys, size_t key_count,
			    struct validate_state *st, uint8_t buf[VALIDATE_BUF_SIZE],
			    struct smpdfu_image_validation *out)
{
	int rc;

	if (is_encryption_type(type)) {
		return invalid(out, -ENOTSUP, "encrypted image (not supported)");
	}
	if (!unprotected_type_is_allowed(type)) {
		return invalid(out, -EBADMSG, "a TLV that must be protected sits outside the hash");
	}
	switch (type) {
	case SMPDFU_IMAGE_TLV_SHA256:
	case SMPDFU_IMAGE_TLV_SHA512:
		/* The one hash TLV (the scan made sure): its size is the digest's. */
		if (len != st->computed.len) {
			return invalid(out, -EBADMSG, "image hash TLV of the wrong size");
		}
		rc = read_area(fa, off, out->hash, len);
		if (rc < 0) {
			return rc;
		}
		out->hash_len = (uint8_t)len;
		st->hash_matches = memcmp(out->hash, st->computed.bytes, len) == 0;
		return 0;
	case SMPDFU_IMAGE_TLV_KEYHASH:
	case SMPDFU_IMAGE_TLV_PUBKEY:
		/* Several signatures may be present, each after the key TLV that names its key. */
		st->selected = NULL;
		if (len > VALIDATE_BUF_SIZE) {
			return 0;
		}
		rc = read_area(fa, off, buf, len);
		if (rc < 0) {
			return rc;
		}
		return find_key(keys, key_count, type, buf, len, st->computed.len, &st->selected);
	case SMPDFU_IMAGE_TLV_ECDSA_SIG:
	case SMPDFU_IMAGE_TLV_ED25519:
		/* A signature counts only right after the key TLV of a trusted key of its kind. */
		if (st->selected == NULL) {
			return 0;
		}
		rc = check_signature(fa, type, off, len, st->selected, out, st, buf);
		if (rc == -ENOTSUP) {
			return invalid(out, rc,
				       "pure Ed25519 signature: not supported by the crypto port");
		}
		if (rc < 0) {
			return rc;
		}
		st->sig_valid = rc == 1;
		st->selected = NULL;
		return 0;
	default:
		return 0;
	}
}

/*
 * A first walk over the unprotected area for what decides how the image is checked: which hash it
 * carries (exactly one hash TLV) and whether it is signed pure (a SIG_PURE TLV of value 1).
 */
static int scan_unprotected(const struct smpdfu_flash_area *fa,
			    const struct smpdfu_image_header *hdr, struct validate_state *st,
			    struct smpdfu_image_validation *out)
{
	struct smpdfu_image_tlv_iter it;
	uint8_t value;
	int rc = smpdfu_image_tlv_iter_begin(&it, fa, hdr);

	while (rc == 0 && (rc = smpdfu_image_tlv_iter_next(&it)) > 0) {
		rc = 0;
		if (smpdfu_image_tlv_iter_is_protected(&it)) {
			continue;
		}
		if (is_hash_type(it.type)) {
			if (st->computed.tlv != 0) {
				return invalid(out, -EBADMSG, "more than one image hash TLV");
			}
			st->computed.tlv = it.type;
		} else if (it.type == SMPDFU_IMAGE_TLV_SIG_PURE) {
			rc = it.len == 1 ? read_area(fa, it.off, &value, 1) : -EBADMSG;
			if (rc == 0 && value != 1) {
				rc = -EBADMSG;
			}
			if (rc == -EBADMSG) {
				return invalid(out, rc, "malformed SIG_PURE TLV");
			}
			out->pure = true;
		}
	}
	if (rc < 0) {
		return rc == -EIO ? rc : invalid(out, rc, "malformed TLV area");
	}
	if (st->computed.tlv == 0) {
		return invalid(out, -EBADMSG, "no image hash TLV");
	}
	if (st->computed.tlv == SMPDFU_IMAGE_TLV_SHA384) {
		return invalid(out, -ENOTSUP, "SHA-384 image hash (not supported)");
	}
	return 0;
}

int smpdfu_image_validate(const struct smpdfu_flash_area *fa, const struct smpdfu_image_key *keys,
			  size_t key_count, struct smpdfu_image_validation *out)
{
	struct smpdfu_image_validation local;
	struct validate_state st = { 0 };
	struct smpdfu_image_tlv_iter it;
	uint8_t buf[VALIDATE_BUF_SIZE];
	uint32_t hashed_len; /* header, payload, protected TLVs: checked to fit fa by the reader */
	int rc;

	if (out == NULL) {
		out = &local;
	}
	memset(out, 0, sizeof(*out));
	rc = smpdfu_image_read_header(fa, &out->hdr);
	if (rc == -ENOENT) {
		return invalid(out, rc, "no image (no header magic)");
	}
	if (rc < 0) {
		return rc == -EINVAL ? invalid(out, -EBADMSG, "malformed header") : rc;
	}
	rc = scan_unprotected(fa, &out->hdr, &st, out);
	if (rc < 0) {
		return rc;
	}
	/* The hash first, from flash: the TLV's copy is only ever compared with it. */
	hashed_len = (uint32_t)out->hdr.hdr_size + out->hdr.img_size + out->hdr.protect_tlv_size;
	rc = hash_area(fa, hashed_len, buf, &st.computed);
	if (rc == -ENOTSUP) {
		return invalid(out, rc, "SHA-512 image hash: not supported by the crypto port");
	}
	if (rc < 0) {
		return rc;
	}
	rc = smpdfu_image_tlv_iter_begin(&it, fa, &out->hdr);
	while (rc == 0 && (rc = smpdfu_image_tlv_iter_next(&it)) > 0) {
		if (smpdfu_image_tlv_iter_is_protected(&it)) {
			rc = take_protected(fa, it.type, it.off, it.len, out);
		} else {
			rc = take_unprotected(fa, it.type, it.off, it.len, keys, key_count, &st,
					      buf, out);
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (!st.hash_matches) {
		return invalid(out, -EBADMSG, "image hash mismatch (damaged or altered)");
	}
	out->size = smpdfu_image_tlv_end(&it);
	if (key_count > 0 && !st.sig_valid) {
		return invalid(out, -EPERM, "no valid signature by a trusted key");
	}
	return 0;
}
