/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading MCUboot images in a flash area: the header, the TLV areas (never read past the area or
 * the TLV area), the image hash TLV, and version comparison and formatting as MCUmgr shows them.
 */
#ifndef SMPDFU_IMAGE_H
#define SMPDFU_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/crypto.h>
#include <smpdfu/flash.h>
#include <smpdfu/prot/image.h>

struct smpdfu_image_version {
	uint8_t major;
	uint8_t minor;
	uint16_t revision;
	uint32_t build_num;
};

/* The header fields, decoded to host order. */
struct smpdfu_image_header {
	uint32_t magic;
	uint32_t load_addr;
	uint16_t hdr_size;
	uint16_t protect_tlv_size;
	uint32_t img_size;
	uint32_t flags;
	struct smpdfu_image_version ver;
};

/* Decodes 32 header bytes (no checks). */
void smpdfu_image_header_decode(const uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE],
				struct smpdfu_image_header *hdr);

/*
 * Reads and checks the header at the start of fa: -ENOENT when the magic is absent (empty or
 * foreign slot), -EINVAL when sizes overflow or do not fit the area (hdr_size < 32 too), -EIO on a
 * flash error or a NULL area, else 0.
 */
int smpdfu_image_read_header(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr);

/* Walks the TLV entries of one image: protected area first, then the unprotected one. */
struct smpdfu_image_tlv_iter {
	const struct smpdfu_flash_area *fa;
	uint32_t prot_end;  /* end of the protected area (== its start when there is none) */
	uint32_t tlv_end;   /* end of the unprotected area == end of the image */
	uint32_t pos;       /* next entry header */
	/* The entry smpdfu_image_tlv_iter_next() returned last: */
	uint16_t type;
	uint16_t len;
	uint32_t off;       /* of its payload in the area */
};

/*
 * Checks the TLV info headers of the image whose header is hdr, as smpdfu_image_read_header()
 * accepted it (the infos then lie in the area). Returns 0, -EBADMSG when the TLV area is missing
 * or malformed (bad magic, protected size mismatch, beyond the area), -EIO.
 */
int smpdfu_image_tlv_iter_begin(struct smpdfu_image_tlv_iter *it,
				const struct smpdfu_flash_area *fa,
				const struct smpdfu_image_header *hdr);
/*
 * Next entry: 1 with it->type, it->off and it->len set; 0 at the end; -EBADMSG when an entry
 * crosses the end of its area; -EIO.
 */
int smpdfu_image_tlv_iter_next(struct smpdfu_image_tlv_iter *it);
/* True when the entry smpdfu_image_tlv_iter_next() returned last lies in the protected area. */
bool smpdfu_image_tlv_iter_is_protected(const struct smpdfu_image_tlv_iter *it);
/* Offset just past the last TLV: the image's size on flash. */
uint32_t smpdfu_image_tlv_end(const struct smpdfu_image_tlv_iter *it);

/*
 * The image's SHA-256 TLV (what MCUmgr reports as "hash"): 0; -ENOENT no image; -EINVAL a header
 * smpdfu_image_read_header() refuses; -EBADMSG malformed TLVs, no hash TLV, a hash of the wrong
 * size or more than one; -EIO.
 */
int smpdfu_image_read_hash(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr,
			   uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE]);

/* A public key the bootloader trusts. */
enum smpdfu_image_key_type {
	IMAGE_KEY_ECDSA_P256, /* signature TLV 0x22 (DER) */
	IMAGE_KEY_ED25519,    /* signature TLV 0x24 (64 bytes) */
};

struct smpdfu_image_key {
	enum smpdfu_image_key_type type;
	const uint8_t *pub;  /* P-256: 65-byte uncompressed point 04||X||Y; Ed25519: 32 bytes */
	size_t pub_len;
	uint8_t keyhash[SMPDFU_SHA256_DIGEST_SIZE]; /* of the key as imgtool hashes it (KEYHASH TLV)
						     */
};

/* What a full validation found, beyond the header. */
struct smpdfu_image_validation {
	struct smpdfu_image_header hdr;
	uint8_t hash[SMPDFU_SHA512_DIGEST_SIZE]; /* the image hash TLV (== the recomputed hash) */
	uint8_t hash_len; /* SMPDFU_SHA256_DIGEST_SIZE (imgtool's default) or
			     SMPDFU_SHA512_DIGEST_SIZE */
	bool pure;                  /* signed over the image itself (SIG_PURE, imgtool --pure) */
	uint32_t size;              /* header + payload + all TLVs: the image's size on flash */
	bool has_security_counter;
	uint32_t security_counter;  /* SEC_CNT */
	uint8_t dependency_count;   /* DEPENDENCY TLVs seen (parsed, not enforced: one image) */
	const char *problem;        /* why it is not valid, in a few words; NULL when it is */
};

/*
 * Fully validates the image in fa like MCUboot: the hash over header, payload and protected TLVs
 * (SHA-256, or SHA-512 when the image's one hash TLV is SHA512) recomputed from flash equals that
 * TLV; with key_count > 0, a key TLV names one of `keys` (a KEYHASH of the image's hash length,
 * or a PUBKEY holding the key itself) and the signature that follows it verifies with that key,
 * over the image hash, or over the hashed bytes themselves when a SIG_PURE TLV says so (Ed25519);
 * the last verified signature decides. Only allowed TLV types in the unprotected area. Never reads
 * outside fa or the TLV area. Returns 0; -ENOENT no image; -EBADMSG malformed or hash mismatch;
 * -EPERM no valid signature by a trusted key; -ENOTSUP a format this validator does not check
 * (SHA-384, encryption, or what the crypto port lacks); -EIO flash error. out->problem says which.
 */
int smpdfu_image_validate(const struct smpdfu_flash_area *fa, const struct smpdfu_image_key *keys,
			  size_t key_count, struct smpdfu_image_validation *out);

/* <0, 0, >0 like memcmp, on major.minor.revision (and build number when use_build). */
int smpdfu_image_version_cmp(const struct smpdfu_image_version *a,
			     const struct smpdfu_image_version *b, bool use_build);

/* "1.2.3", or "1.2.3.4" when the build number is not 0. Longest: 24 chars + NUL. */
#define SMPDFU_IMAGE_VERSION_STR_MAX 25
void smpdfu_image_version_str(const struct smpdfu_image_version *v,
			      char out[SMPDFU_IMAGE_VERSION_STR_MAX]);

#endif /* SMPDFU_IMAGE_H */
