/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image builder: lays out an MCUboot image exactly as the bootloader reads it (header, payload,
 * optional protected TLVs, then the unprotected TLVs with the SHA-256 over everything before, and
 * the key's hash and signature), in the order imgtool writes them so images compare byte for byte.
 */
#include "image_build.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/crypto.h>

#include "image_sign.h"

#define SEC_CNT_LEN 4
#define DEPENDENCY_LEN 12

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static size_t put_tlv(uint8_t *p, uint16_t type, const void *value, uint16_t len)
{
	put_le16(p, type);
	put_le16(p + 2, len);
	memcpy(p + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE, value, len);
	return SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + len;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

/* The protected area: SEC_CNT first, then the dependencies, as imgtool orders them. */
static size_t protected_len(const struct image_build_opts *opts)
{
	size_t len = 0;

	if (opts->has_security_counter) {
		len += SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + SEC_CNT_LEN;
	}
	len += opts->dep_count * (SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + DEPENDENCY_LEN);
	return len != 0 ? SMPDFU_IMAGE_TLV_INFO_SIZE + len : 0;
}

static uint8_t *put_protected(const struct image_build_opts *opts, uint8_t *p, size_t prot_len)
{
	uint8_t v[DEPENDENCY_LEN];

	if (prot_len == 0) {
		return p;
	}
	put_le16(p, SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC);
	put_le16(p + 2, (uint16_t)prot_len);
	p += SMPDFU_IMAGE_TLV_INFO_SIZE;
	if (opts->has_security_counter) {
		put_le32(v, opts->security_counter);
		p += put_tlv(p, SMPDFU_IMAGE_TLV_SEC_CNT, v, SEC_CNT_LEN);
	}
	for (size_t i = 0; i < opts->dep_count; i++) {
		const struct image_dependency *d = &opts->deps[i];

		/* image id, three bytes of padding, then the minimum version as in the header. */
		memset(v, 0, sizeof(v));
		v[0] = d->image_id;
		v[4] = d->version.major;
		v[5] = d->version.minor;
		put_le16(v + 6, d->version.revision);
		put_le32(v + 8, d->version.build_num);
		p += put_tlv(p, SMPDFU_IMAGE_TLV_DEPENDENCY, v, DEPENDENCY_LEN);
	}
	return p;
}

static void put_header(const struct image_build_opts *opts, uint8_t *img, size_t prot_len,
		       size_t body_len)
{
	memset(img, 0, SMPDFU_IMAGE_HEADER_SIZE);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_MAGIC);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR, opts->load_addr);
	put_le16(img + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE, opts->header_size);
	put_le16(img + SMPDFU_IMAGE_HDR_OFF_PROTECT_TLV_SIZE, (uint16_t)prot_len);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)body_len);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_FLAGS, opts->flags);
	img[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR] = opts->version.major;
	img[SMPDFU_IMAGE_HDR_OFF_VER_MINOR] = opts->version.minor;
	put_le16(img + SMPDFU_IMAGE_HDR_OFF_VER_REVISION, opts->version.revision);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_VER_BUILD, opts->version.build_num);
}

/*
 * The unprotected area at p: the hash, then with a key its KEYHASH and the signature over the
 * hash. Returns the area's length, or -errno.
 */
static int put_unprotected(const struct image_build_opts *opts, uint8_t *p,
			   const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	uint8_t sig[IMAGE_SIG_MAX];
	size_t sig_len;
	size_t len = SMPDFU_IMAGE_TLV_INFO_SIZE;
	int rc;

	len += put_tlv(p + len, SMPDFU_IMAGE_TLV_SHA256, hash, SMPDFU_SHA256_DIGEST_SIZE);
	if (opts->key != NULL) {
		rc = image_sign_hash(opts->key, hash, sig, &sig_len);
		if (rc < 0) {
			return rc;
		}
		len += put_tlv(p + len, SMPDFU_IMAGE_TLV_KEYHASH, opts->key->keyhash,
			       sizeof(opts->key->keyhash));
		len += put_tlv(p + len, image_sign_tlv_type(opts->key), sig, (uint16_t)sig_len);
	}
	put_le16(p, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put_le16(p + 2, (uint16_t)len);
	return (int)len;
}

int image_build(const struct image_build_opts *opts, const uint8_t *payload, size_t payload_len,
		uint8_t **out, size_t *out_len)
{
	size_t hdr = opts->header_size;
	size_t body_len = opts->pad_header ? payload_len : payload_len - hdr;
	size_t prot_len = protected_len(opts);
	/* The largest unprotected area: hash, KEYHASH, the longest signature. */
	size_t unprot_max = SMPDFU_IMAGE_TLV_INFO_SIZE + 3 * SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE +
			    2 * SMPDFU_SHA256_DIGEST_SIZE + IMAGE_SIG_MAX;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t total;
	uint8_t *img;
	uint8_t *p;
	int rc;

	if (hdr < SMPDFU_IMAGE_HEADER_SIZE || (!opts->pad_header && payload_len < hdr) ||
	    body_len > UINT32_MAX - hdr - prot_len || opts->dep_count > IMAGE_BUILD_MAX_DEPS) {
		return -EINVAL;
	}
	if (!opts->pad_header && !all_zero(payload, hdr)) {
		/* imgtool's rule: without --pad-header the build reserved (zeroed) the header. */
		return -EINVAL;
	}
	img = malloc(hdr + body_len + prot_len + unprot_max);
	if (img == NULL) {
		return -ENOMEM;
	}
	if (opts->pad_header) {
		memset(img, 0xff, hdr);
		memcpy(img + hdr, payload, payload_len);
	} else {
		memcpy(img, payload, payload_len);
	}
	put_header(opts, img, prot_len, body_len);
	p = put_protected(opts, img + hdr + body_len, prot_len);

	/* The hash covers the header, the payload and the protected TLVs. */
	if (smpdfu_crypto_sha256_init(&ctx) < 0 ||
	    smpdfu_crypto_sha256_update(&ctx, img, (size_t)(p - img)) < 0 ||
	    smpdfu_crypto_sha256_final(&ctx, hash) < 0) {
		rc = -EIO;
		goto out_free;
	}
	rc = put_unprotected(opts, p, hash);
	if (rc < 0) {
		goto out_free;
	}
	total = (size_t)(p - img) + (size_t)rc;
	if (opts->slot_size && total + image_trailer_size(&opts->trailer) > opts->slot_size) {
		rc = -EINVAL;
		goto out_free;
	}
	*out = img;
	*out_len = total;
	return 0;

out_free:
	free(img);
	return rc;
}

static int parse_part(const char **s, unsigned long max, unsigned long *v)
{
	char *end;

	if (**s < '0' || **s > '9') {
		return -EINVAL;
	}
	*v = strtoul(*s, &end, 10);
	if (*v > max) {
		return -EINVAL;
	}
	*s = end;
	return 0;
}

/* A part of a version, which imgtool takes without leading zeros ("01" and "+00" are errors). */
static int parse_version_part(const char **s, unsigned long max, unsigned long *v)
{
	if ((*s)[0] == '0' && (*s)[1] >= '0' && (*s)[1] <= '9') {
		return -EINVAL;
	}
	return parse_part(s, max, v);
}

int image_parse_version(const char *s, struct smpdfu_image_version *v)
{
	static const unsigned long max[3] = { 0xff, 0xff, 0xffff };
	unsigned long parts[3] = { 0 };
	unsigned long build = 0;
	int i = 0;

	if (parse_version_part(&s, max[0], &parts[0]) < 0) {
		return -EINVAL;
	}
	while (*s == '.' && ++i < 3) {
		s++;
		if (parse_version_part(&s, max[i], &parts[i]) < 0) {
			return -EINVAL;
		}
	}
	/* imgtool takes a build number only after the revision (i == 2): "1.2+5" is an error. */
	if (*s == '+' && i == 2) {
		s++;
		if (parse_version_part(&s, 0xffffffffUL, &build) < 0) {
			return -EINVAL;
		}
	}
	if (*s != '\0') {
		return -EINVAL;
	}
	v->major = (uint8_t)parts[0];
	v->minor = (uint8_t)parts[1];
	v->revision = (uint16_t)parts[2];
	v->build_num = (uint32_t)build;
	return 0;
}

static void skip_blanks(const char **s)
{
	while (isspace((unsigned char)**s)) {
		(*s)++;
	}
}

int image_parse_dependencies(const char *s, struct image_build_opts *opts)
{
	char version[48];

	opts->dep_count = 0;
	for (;;) {
		struct image_dependency d;
		unsigned long id;
		const char *end;
		size_t n;

		/* Separators between entries: blanks and commas. */
		while (isspace((unsigned char)*s) || *s == ',') {
			s++;
		}
		if (*s == '\0') {
			break;
		}
		if (*s++ != '(') {
			return -EINVAL;
		}
		skip_blanks(&s);
		if (parse_part(&s, 0xff, &id) < 0) {
			return -EINVAL;
		}
		skip_blanks(&s);
		if (*s++ != ',') {
			return -EINVAL;
		}
		skip_blanks(&s);
		end = strchr(s, ')');
		if (end == NULL) {
			return -EINVAL;
		}
		n = (size_t)(end - s);
		while (n > 0 && isspace((unsigned char)s[n - 1])) {
			n--;
		}
		if (n >= sizeof(version)) {
			return -EINVAL;
		}
		memcpy(version, s, n);
		version[n] = '\0';
		if (image_parse_version(version, &d.version) < 0 ||
		    opts->dep_count == IMAGE_BUILD_MAX_DEPS) {
			return -EINVAL;
		}
		d.image_id = (uint8_t)id;
		opts->deps[opts->dep_count++] = d;
		s = end + 1;
	}
	return opts->dep_count > 0 ? 0 : -EINVAL;
}
