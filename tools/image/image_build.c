/*
 * The image builder: lays out an MCUboot image exactly as the bootloader reads it (header, payload,
 * optional protected TLVs, then the unprotected TLVs with the SHA-256 over everything before).
 */
#include "image_build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/crypto.h>

/* Room left for the smallest trailer (magic and flags) when a slot size is given. */
#define MIN_TRAILER 40

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
	memcpy(p + IMAGE_TLV_ENTRY_HDR_SIZE, value, len);
	return IMAGE_TLV_ENTRY_HDR_SIZE + len;
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

int image_build(const struct image_build_opts *opts, const uint8_t *payload, size_t payload_len,
		uint8_t **out, size_t *out_len)
{
	size_t hdr = opts->header_size;
	size_t body_len = opts->pad_header ? payload_len : payload_len - hdr;
	size_t prot_len = opts->has_security_counter
				  ? IMAGE_TLV_INFO_SIZE + IMAGE_TLV_ENTRY_HDR_SIZE + 4
				  : 0;
	size_t unprot_len = IMAGE_TLV_INFO_SIZE + IMAGE_TLV_ENTRY_HDR_SIZE + SHA256_DIGEST_SIZE;
	size_t total;
	struct sha256_ctx ctx;
	uint8_t *img;
	uint8_t *p;

	if (hdr < IMAGE_HEADER_SIZE || (!opts->pad_header && payload_len < hdr) ||
	    body_len > UINT32_MAX - hdr) {
		return -EINVAL;
	}
	if (!opts->pad_header && !all_zero(payload, hdr)) {
		/* imgtool's rule: without --pad-header the build reserved (zeroed) the header. */
		return -EINVAL;
	}
	total = hdr + body_len + prot_len + unprot_len;
	if (opts->slot_size && total + MIN_TRAILER > opts->slot_size) {
		return -EINVAL;
	}
	img = malloc(total);
	if (img == NULL) {
		return -ENOMEM;
	}
	if (opts->pad_header) {
		memset(img, 0xff, hdr);
		memcpy(img + hdr, payload, payload_len);
	} else {
		memcpy(img, payload, payload_len);
	}
	memset(img, 0, IMAGE_HEADER_SIZE);
	put_le32(img + IMAGE_HDR_OFF_MAGIC, IMAGE_MAGIC);
	put_le32(img + IMAGE_HDR_OFF_LOAD_ADDR, opts->load_addr);
	put_le16(img + IMAGE_HDR_OFF_HDR_SIZE, (uint16_t)hdr);
	put_le16(img + IMAGE_HDR_OFF_PROTECT_TLV_SIZE, (uint16_t)prot_len);
	put_le32(img + IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)body_len);
	put_le32(img + IMAGE_HDR_OFF_FLAGS, opts->flags);
	img[IMAGE_HDR_OFF_VER_MAJOR] = opts->version.major;
	img[IMAGE_HDR_OFF_VER_MINOR] = opts->version.minor;
	put_le16(img + IMAGE_HDR_OFF_VER_REVISION, opts->version.revision);
	put_le32(img + IMAGE_HDR_OFF_VER_BUILD, opts->version.build_num);

	p = img + hdr + body_len;
	if (prot_len) {
		uint8_t cnt[4];

		put_le16(p, IMAGE_TLV_PROT_INFO_MAGIC);
		put_le16(p + 2, (uint16_t)prot_len);
		put_le32(cnt, opts->security_counter);
		p += IMAGE_TLV_INFO_SIZE;
		p += put_tlv(p, IMAGE_TLV_SEC_CNT, cnt, sizeof(cnt));
	}

	/* The hash covers the header, the payload and the protected TLVs. */
	uint8_t hash[SHA256_DIGEST_SIZE];

	if (crypto_sha256_init(&ctx) < 0 || crypto_sha256_update(&ctx, img, (size_t)(p - img)) < 0 ||
	    crypto_sha256_final(&ctx, hash) < 0) {
		free(img);
		return -EIO;
	}
	put_le16(p, IMAGE_TLV_INFO_MAGIC);
	put_le16(p + 2, (uint16_t)unprot_len);
	p += IMAGE_TLV_INFO_SIZE;
	p += put_tlv(p, IMAGE_TLV_SHA256, hash, SHA256_DIGEST_SIZE);

	*out = img;
	*out_len = total;
	return 0;
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

int image_parse_version(const char *s, struct image_version *v)
{
	static const unsigned long max[3] = { 0xff, 0xff, 0xffff };
	unsigned long parts[3] = { 0 };
	unsigned long build = 0;
	int i = 0;

	if (parse_part(&s, max[0], &parts[0]) < 0) {
		return -EINVAL;
	}
	while (*s == '.' && ++i < 3) {
		s++;
		if (parse_part(&s, max[i], &parts[i]) < 0) {
			return -EINVAL;
		}
	}
	if (*s == '+') {
		s++;
		if (parse_part(&s, 0xffffffffUL, &build) < 0) {
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
