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
 * Flash is read through this buffer, both to hash and to fetch a signature: 128 bytes hold any
 * P-256 DER signature (at most 72 bytes, also in imgtool's zero-padded form) and an Ed25519 one,
 * as MCUboot's own buffer does, and keep hashing at a few flash reads per kilobyte.
 */
#define VALIDATE_BUF_SIZE 128

#define SEC_CNT_LEN 4
#define DEPENDENCY_LEN 12
#define ED25519_SIG_LEN 64

/* What the walk over the TLVs found; turned into one return code at the end. */
struct validate_state {
	bool hash_seen;
	bool hash_matches;
	const struct image_key *selected; /* named by the last KEYHASH, until a signature uses it */
	bool sig_valid;                   /* the last signature by a trusted key verified */
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/*
 * The unprotected area is not covered by the hash, so only what MCUboot's allow-list names may sit
 * there: key identification, hashes and signatures. Anything else (a security counter, a
 * dependency) would be unauthenticated and is refused. Encryption TLVs are refused too: this
 * bootloader does not decrypt.
 */
static bool unprotected_type_is_allowed(uint16_t type)
{
	switch (type) {
	case IMAGE_TLV_KEYHASH:
	case IMAGE_TLV_PUBKEY:
	case IMAGE_TLV_SHA256:
	case IMAGE_TLV_SHA384:
	case IMAGE_TLV_SHA512:
	case IMAGE_TLV_RSA2048_PSS:
	case IMAGE_TLV_ECDSA_SIG:
	case IMAGE_TLV_RSA3072_PSS:
	case IMAGE_TLV_ED25519:
		return true;
	default:
		return false;
	}
}

static int read_area(const struct flash_area *fa, uint32_t off, void *dst, size_t len)
{
	return flash_area_read(fa, off, dst, len) < 0 ? -EIO : 0;
}

/* SHA-256 over [0, len) of fa, read in VALIDATE_BUF_SIZE pieces. */
static int hash_area(const struct flash_area *fa, uint32_t len, uint8_t buf[VALIDATE_BUF_SIZE],
		     uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;
	uint32_t off = 0;
	int rc = crypto_sha256_init(&ctx);

	while (rc == 0 && off < len) {
		uint32_t n = len - off < VALIDATE_BUF_SIZE ? len - off : VALIDATE_BUF_SIZE;

		rc = read_area(fa, off, buf, n);
		if (rc == 0) {
			rc = crypto_sha256_update(&ctx, buf, n);
		}
		off += n;
	}
	if (rc == 0) {
		rc = crypto_sha256_final(&ctx, digest);
	}
	return rc;
}

static const struct image_key *find_key(const struct image_key *keys, size_t key_count,
					const uint8_t keyhash[32])
{
	for (size_t i = 0; i < key_count; i++) {
		if (memcmp(keys[i].keyhash, keyhash, 32) == 0) {
			return &keys[i];
		}
	}
	return NULL;
}

/* The signature TLV type that goes with a key, as imgtool writes it. */
static uint16_t sig_type_of(const struct image_key *key)
{
	return key->type == IMAGE_KEY_ED25519 ? IMAGE_TLV_ED25519 : IMAGE_TLV_ECDSA_SIG;
}

/*
 * Verifies the signature at [off, off+len) with key over digest. Returns 1 valid, 0 invalid
 * (including a signature of impossible length or encoding, or an unusable key), -EIO.
 */
static int check_signature(const struct flash_area *fa, uint32_t off, uint16_t len,
			   const struct image_key *key, const uint8_t digest[SHA256_DIGEST_SIZE],
			   uint8_t buf[VALIDATE_BUF_SIZE])
{
	int rc;

	if (key->type == IMAGE_KEY_ED25519) {
		if (len != ED25519_SIG_LEN || key->pub_len != 32) {
			return 0;
		}
	} else if (len > VALIDATE_BUF_SIZE || key->pub_len != 65) {
		return 0;
	}
	rc = read_area(fa, off, buf, len);
	if (rc < 0) {
		return rc;
	}
	if (key->type == IMAGE_KEY_ED25519) {
		rc = crypto_ed25519_verify(key->pub, digest, SHA256_DIGEST_SIZE, buf);
	} else {
		rc = crypto_ecdsa_p256_verify(key->pub, digest, buf, len);
	}
	if (rc == -EIO) {
		return rc;
	}
	return rc == 0 ? 1 : 0;
}

/* One entry of the protected area: parse what we know, the rest is covered by the hash anyway. */
static int take_protected(const struct flash_area *fa, uint16_t type, uint32_t off, uint16_t len,
			  struct image_validation *out)
{
	uint8_t v[SEC_CNT_LEN];
	int rc;

	switch (type) {
	case IMAGE_TLV_SEC_CNT:
		/* Two counters would leave the rollback check to guess which one counts. */
		if (len != SEC_CNT_LEN || out->has_security_counter) {
			return -EBADMSG;
		}
		rc = read_area(fa, off, v, sizeof(v));
		if (rc < 0) {
			return rc;
		}
		out->security_counter = get_le32(v);
		out->has_security_counter = true;
		return 0;
	case IMAGE_TLV_DEPENDENCY:
		if (len != DEPENDENCY_LEN) {
			return -EBADMSG;
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
static int take_unprotected(const struct flash_area *fa, uint16_t type, uint32_t off, uint16_t len,
			    const struct image_key *keys, size_t key_count,
			    const uint8_t computed[SHA256_DIGEST_SIZE], struct validate_state *st,
			    uint8_t buf[VALIDATE_BUF_SIZE], struct image_validation *out)
{
	int rc;

	if (!unprotected_type_is_allowed(type)) {
		return -EBADMSG;
	}
	switch (type) {
	case IMAGE_TLV_SHA256:
		if (len != SHA256_DIGEST_SIZE || st->hash_seen) {
			return -EBADMSG;
		}
		rc = read_area(fa, off, out->hash, SHA256_DIGEST_SIZE);
		if (rc < 0) {
			return rc;
		}
		st->hash_seen = true;
		st->hash_matches = memcmp(out->hash, computed, SHA256_DIGEST_SIZE) == 0;
		return 0;
	case IMAGE_TLV_KEYHASH:
		/*
		 * Several signatures may be present; a key we do not know (or a hash of another
		 * length, e.g. SHA-384) only means the next signature is not for us.
		 */
		st->selected = NULL;
		if (len != 32) {
			return 0;
		}
		rc = read_area(fa, off, buf, 32);
		if (rc < 0) {
			return rc;
		}
		st->selected = find_key(keys, key_count, buf);
		return 0;
	case IMAGE_TLV_ECDSA_SIG:
	case IMAGE_TLV_ED25519:
		/* A signature counts only right after the KEYHASH of a trusted key of its kind. */
		if (st->selected == NULL || sig_type_of(st->selected) != type) {
			return 0;
		}
		rc = check_signature(fa, off, len, st->selected, computed, buf);
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

int image_validate(const struct flash_area *fa, const struct image_key *keys, size_t key_count,
		   struct image_validation *out)
{
	struct image_validation local;
	struct validate_state st = { 0 };
	struct image_tlv_iter it;
	uint8_t buf[VALIDATE_BUF_SIZE];
	uint8_t computed[SHA256_DIGEST_SIZE];
	uint32_t hashed_len; /* header, payload, protected TLVs: checked to fit fa by the reader */
	uint16_t type;
	uint16_t len;
	uint32_t off;
	int rc;

	if (out == NULL) {
		out = &local;
	}
	memset(out, 0, sizeof(*out));
	rc = image_read_header(fa, &out->hdr);
	if (rc < 0) {
		return rc == -EINVAL ? -EBADMSG : rc;
	}
	rc = image_tlv_iter_begin(&it, fa, &out->hdr);
	if (rc < 0) {
		return rc;
	}
	/* The hash first, from flash: the TLV's copy is only ever compared with it. */
	hashed_len = (uint32_t)out->hdr.hdr_size + out->hdr.img_size + out->hdr.protect_tlv_size;
	rc = hash_area(fa, hashed_len, buf, computed);
	if (rc < 0) {
		return rc;
	}
	while ((rc = image_tlv_iter_next(&it, &type, &off, &len)) > 0) {
		if (image_tlv_iter_is_protected(&it)) {
			rc = take_protected(fa, type, off, len, out);
		} else {
			rc = take_unprotected(fa, type, off, len, keys, key_count, computed, &st,
					      buf, out);
		}
		if (rc < 0) {
			return rc;
		}
	}
	if (rc < 0) {
		return rc;
	}
	if (!st.hash_seen || !st.hash_matches) {
		return -EBADMSG;
	}
	out->size = image_tlv_end(&it);
	if (key_count > 0 && !st.sig_valid) {
		return -EPERM;
	}
	return 0;
}
