/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads MCUboot images out of a flash area. Every offset is checked against the area and the TLV
 * area before it is used, so a hostile header or TLV chain can make us say "invalid" but never
 * make us read elsewhere.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/image.h>

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

void smpdfu_image_header_decode(const uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE],
				struct smpdfu_image_header *hdr)
{
	hdr->magic = get_le32(raw + SMPDFU_IMAGE_HDR_OFF_MAGIC);
	hdr->load_addr = get_le32(raw + SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR);
	hdr->hdr_size = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE);
	hdr->protect_tlv_size = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_PROTECT_TLV_SIZE);
	hdr->img_size = get_le32(raw + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE);
	hdr->flags = get_le32(raw + SMPDFU_IMAGE_HDR_OFF_FLAGS);
	hdr->ver.major = raw[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR];
	hdr->ver.minor = raw[SMPDFU_IMAGE_HDR_OFF_VER_MINOR];
	hdr->ver.revision = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_VER_REVISION);
	hdr->ver.build_num = get_le32(raw + SMPDFU_IMAGE_HDR_OFF_VER_BUILD);
}

int smpdfu_image_read_header(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr)
{
	uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE];
	uint64_t end;

	if (smpdfu_flash_area_read(fa, 0, raw, sizeof(raw)) < 0) {
		return -EIO;
	}
	smpdfu_image_header_decode(raw, hdr);
	if (hdr->magic != SMPDFU_IMAGE_MAGIC) {
		return -ENOENT;
	}
	/* 64-bit sum: a hostile header cannot wrap around into a small size. */
	end = (uint64_t)hdr->hdr_size + hdr->img_size + hdr->protect_tlv_size;
	if (hdr->hdr_size < SMPDFU_IMAGE_HEADER_SIZE ||
	    end + SMPDFU_IMAGE_TLV_INFO_SIZE > fa->size) {
		return -EINVAL;
	}
	return 0;
}

static int read_info(const struct smpdfu_flash_area *fa, uint32_t off, uint16_t *magic,
		     uint16_t *tot)
{
	uint8_t b[SMPDFU_IMAGE_TLV_INFO_SIZE];

	if ((uint64_t)off + sizeof(b) > fa->size) {
		return -EBADMSG;
	}
	if (smpdfu_flash_area_read(fa, off, b, sizeof(b)) < 0) {
		return -EIO;
	}
	*magic = get_le16(b);
	*tot = get_le16(b + 2);
	return 0;
}

int smpdfu_image_tlv_iter_begin(struct smpdfu_image_tlv_iter *it,
				const struct smpdfu_flash_area *fa,
				const struct smpdfu_image_header *hdr)
{
	uint32_t start = (uint32_t)hdr->hdr_size + hdr->img_size;
	uint16_t magic;
	uint16_t tot;
	int rc = read_info(fa, start, &magic, &tot);

	if (rc < 0) {
		return rc;
	}
	if (magic == SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC) {
		if (tot != hdr->protect_tlv_size || tot < SMPDFU_IMAGE_TLV_INFO_SIZE) {
			return -EBADMSG;
		}
	} else if (hdr->protect_tlv_size != 0) {
		return -EBADMSG;
	}
	it->fa = fa;
	it->prot_end = start + hdr->protect_tlv_size;
	rc = read_info(fa, it->prot_end, &magic, &tot);
	if (rc < 0) {
		return rc;
	}
	if (magic != SMPDFU_IMAGE_TLV_INFO_MAGIC || tot < SMPDFU_IMAGE_TLV_INFO_SIZE ||
	    (uint64_t)it->prot_end + tot > fa->size) {
		return -EBADMSG;
	}
	it->tlv_end = it->prot_end + tot;
	it->in_prot = hdr->protect_tlv_size != 0;
	it->pos = (it->in_prot ? start : it->prot_end) + SMPDFU_IMAGE_TLV_INFO_SIZE;
	return 0;
}

int smpdfu_image_tlv_iter_next(struct smpdfu_image_tlv_iter *it, uint16_t *type, uint32_t *off,
			       uint16_t *len)
{
	uint8_t b[SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE];

	if (it->in_prot && it->pos >= it->prot_end) {
		/* Protected entries end exactly at prot_end; the unprotected info follows. */
		it->in_prot = false;
		it->pos = it->prot_end + SMPDFU_IMAGE_TLV_INFO_SIZE;
	}
	if (it->pos >= it->tlv_end) {
		return 0;
	}

	uint32_t section_end = it->in_prot ? it->prot_end : it->tlv_end;

	if ((uint64_t)it->pos + sizeof(b) > section_end) {
		return -EBADMSG;
	}
	if (smpdfu_flash_area_read(it->fa, it->pos, b, sizeof(b)) < 0) {
		return -EIO;
	}
	*type = get_le16(b);
	*len = get_le16(b + 2);
	*off = it->pos + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE;
	if ((uint64_t)*off + *len > section_end) {
		return -EBADMSG;
	}
	it->pos = *off + *len;
	return 1;
}

bool smpdfu_image_tlv_iter_is_protected(const struct smpdfu_image_tlv_iter *it)
{
	/* next() leaves the protected area before reading an entry: this is the entry's area. */
	return it->in_prot;
}

uint32_t smpdfu_image_tlv_end(const struct smpdfu_image_tlv_iter *it)
{
	return it->tlv_end;
}

int smpdfu_image_read_hash(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr,
			   uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct smpdfu_image_tlv_iter it;
	uint16_t type;
	uint16_t len;
	uint32_t off;
	int found = 0;
	int rc = smpdfu_image_read_header(fa, hdr);

	if (rc < 0) {
		return rc == -EINVAL ? -EBADMSG : rc;
	}
	rc = smpdfu_image_tlv_iter_begin(&it, fa, hdr);
	if (rc < 0) {
		return rc;
	}
	while ((rc = smpdfu_image_tlv_iter_next(&it, &type, &off, &len)) > 0) {
		if (type != SMPDFU_IMAGE_TLV_SHA256 || smpdfu_image_tlv_iter_is_protected(&it)) {
			continue;
		}
		if (len != SMPDFU_SHA256_DIGEST_SIZE || found) {
			return -EBADMSG;
		}
		if (smpdfu_flash_area_read(fa, off, hash, SMPDFU_SHA256_DIGEST_SIZE) < 0) {
			return -EIO;
		}
		found = 1;
	}
	if (rc < 0) {
		return rc;
	}
	return found ? 0 : -EBADMSG;
}

int smpdfu_image_version_cmp(const struct smpdfu_image_version *a,
			     const struct smpdfu_image_version *b, bool use_build)
{
	if (a->major != b->major) {
		return a->major < b->major ? -1 : 1;
	}
	if (a->minor != b->minor) {
		return a->minor < b->minor ? -1 : 1;
	}
	if (a->revision != b->revision) {
		return a->revision < b->revision ? -1 : 1;
	}
	if (use_build && a->build_num != b->build_num) {
		return a->build_num < b->build_num ? -1 : 1;
	}
	return 0;
}

/* Writes v in decimal at out, returns the characters written. */
static size_t put_dec(char *out, uint32_t v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++) {
		out[i] = tmp[n - 1 - i];
	}
	return n;
}

void smpdfu_image_version_str(const struct smpdfu_image_version *v,
			      char out[SMPDFU_IMAGE_VERSION_STR_MAX])
{
	size_t n = put_dec(out, v->major);

	out[n++] = '.';
	n += put_dec(out + n, v->minor);
	out[n++] = '.';
	n += put_dec(out + n, v->revision);
	if (v->build_num != 0) {
		out[n++] = '.';
		n += put_dec(out + n, v->build_num);
	}
	out[n] = '\0';
}
