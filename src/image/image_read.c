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

/*
 * The header's u32 fields, which the struct keeps at their offsets in the raw header (asserted
 * below): decoded by one loop instead of a call each.
 */
static const uint8_t u32_fields[] = {
	SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR, SMPDFU_IMAGE_HDR_OFF_IMG_SIZE,
	SMPDFU_IMAGE_HDR_OFF_FLAGS, SMPDFU_IMAGE_HDR_OFF_VER_BUILD,
};

#define AT_RAW_OFFSET(field, off) (offsetof(struct smpdfu_image_header, field) == (off))
_Static_assert(AT_RAW_OFFSET(magic, SMPDFU_IMAGE_HDR_OFF_MAGIC) &&
		       AT_RAW_OFFSET(load_addr, SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR) &&
		       AT_RAW_OFFSET(img_size, SMPDFU_IMAGE_HDR_OFF_IMG_SIZE) &&
		       AT_RAW_OFFSET(flags, SMPDFU_IMAGE_HDR_OFF_FLAGS) &&
		       AT_RAW_OFFSET(ver.build_num, SMPDFU_IMAGE_HDR_OFF_VER_BUILD),
	       "the header's u32 fields are at their raw offsets");

void smpdfu_image_header_decode(const uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE],
				struct smpdfu_image_header *hdr)
{
	for (size_t k = 0; k < sizeof(u32_fields); k++) {
		uint32_t value = get_le32(raw + u32_fields[k]);

		memcpy((uint8_t *)hdr + u32_fields[k], &value, sizeof(value));
	}
	hdr->hdr_size = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE);
	hdr->protect_tlv_size = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_PROTECT_TLV_SIZE);
	hdr->ver.major = raw[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR];
	hdr->ver.minor = raw[SMPDFU_IMAGE_HDR_OFF_VER_MINOR];
	hdr->ver.revision = get_le16(raw + SMPDFU_IMAGE_HDR_OFF_VER_REVISION);
}

int smpdfu_image_read_header(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr)
{
	uint8_t raw[SMPDFU_IMAGE_HEADER_SIZE];
	uint32_t around;

	if (smpdfu_flash_area_read(fa, 0, raw, sizeof(raw)) < 0) {
		return -EIO;
	}
	smpdfu_image_header_decode(raw, hdr);
	if (hdr->magic != SMPDFU_IMAGE_MAGIC) {
		return -ENOENT;
	}
	/*
	 * What surrounds the payload is at most 2 * 0xffff + 4 bytes, and the payload is compared
	 * with the room left: a hostile header cannot wrap around into a small size.
	 */
	around = (uint32_t)hdr->hdr_size + hdr->protect_tlv_size + SMPDFU_IMAGE_TLV_INFO_SIZE;
	if (hdr->hdr_size < SMPDFU_IMAGE_HEADER_SIZE || around > fa->size ||
	    hdr->img_size > fa->size - around) {
		return -EINVAL;
	}
	return 0;
}

/*
 * Reads the two little-endian u16 that open a TLV area (magic, size) or an entry (type, length).
 * The caller has checked that they lie in the area.
 */
static int read_u16_pair(const struct smpdfu_flash_area *fa, uint32_t off, uint16_t pair[2])
{
	/* Read into pair as bytes, then decoded in place. */
	const uint8_t *b = (const uint8_t *)pair;

	if (smpdfu_flash_area_read(fa, off, pair, SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE) < 0) {
		return -EIO;
	}
	pair[0] = get_le16(b);
	pair[1] = get_le16(b + 2);
	return 0;
}

int smpdfu_image_tlv_iter_begin(struct smpdfu_image_tlv_iter *it,
				const struct smpdfu_flash_area *fa,
				const struct smpdfu_image_header *hdr)
{
	/* The header reader checked that both infos lie in the area: the payload leaves room. */
	uint32_t start = (uint32_t)hdr->hdr_size + hdr->img_size;
	uint16_t prot_size = hdr->protect_tlv_size;
	uint16_t info[2]; /* magic, total size */
	int rc = read_u16_pair(fa, start, info);

	if (rc < 0) {
		return rc;
	}
	if (prot_size != 0 ? info[0] != SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC || info[1] != prot_size ||
				     prot_size < SMPDFU_IMAGE_TLV_INFO_SIZE
			   : info[0] == SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC) {
		return -EBADMSG;
	}
	it->fa = fa;
	it->prot_end = start + prot_size;
	/* The first entry follows the first info, protected or not. */
	it->pos = start + SMPDFU_IMAGE_TLV_INFO_SIZE;
	rc = read_u16_pair(fa, it->prot_end, info);
	if (rc < 0) {
		return rc;
	}
	if (info[0] != SMPDFU_IMAGE_TLV_INFO_MAGIC || info[1] < SMPDFU_IMAGE_TLV_INFO_SIZE ||
	    info[1] > fa->size - it->prot_end) {
		return -EBADMSG;
	}
	it->tlv_end = it->prot_end + info[1];
	return 0;
}

int smpdfu_image_tlv_iter_next(struct smpdfu_image_tlv_iter *it)
{
	uint16_t entry[2]; /* type, length */
	uint32_t pos = it->pos;
	uint32_t room;
	int rc;

	if (pos == it->prot_end) {
		/* Protected entries end exactly there; the unprotected area's info follows. */
		pos += SMPDFU_IMAGE_TLV_INFO_SIZE;
	}
	if (pos >= it->tlv_end) {
		return 0;
	}
	/* pos lies in its area: the room to the area's end cannot wrap. */
	room = (pos < it->prot_end ? it->prot_end : it->tlv_end) - pos;
	if (room < SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE) {
		return -EBADMSG;
	}
	rc = read_u16_pair(it->fa, pos, entry);
	if (rc < 0) {
		return rc;
	}
	it->type = entry[0];
	it->len = entry[1];
	it->off = pos + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE;
	if (it->len > room - SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE) {
		return -EBADMSG;
	}
	it->pos = it->off + it->len;
	return 1;
}

bool smpdfu_image_tlv_iter_is_protected(const struct smpdfu_image_tlv_iter *it)
{
	/* A protected entry ends by prot_end; an unprotected one after the info that follows it. */
	return it->pos <= it->prot_end;
}

uint32_t smpdfu_image_tlv_end(const struct smpdfu_image_tlv_iter *it)
{
	return it->tlv_end;
}

int smpdfu_image_read_hash(const struct smpdfu_flash_area *fa, struct smpdfu_image_header *hdr,
			   uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct smpdfu_image_tlv_iter it;
	bool found = false;
	int rc = smpdfu_image_read_header(fa, hdr);

	if (rc < 0) {
		return rc;
	}
	rc = smpdfu_image_tlv_iter_begin(&it, fa, hdr);
	if (rc < 0) {
		return rc;
	}
	while ((rc = smpdfu_image_tlv_iter_next(&it)) > 0) {
		if (it.type != SMPDFU_IMAGE_TLV_SHA256 || smpdfu_image_tlv_iter_is_protected(&it)) {
			continue;
		}
		if (it.len != SMPDFU_SHA256_DIGEST_SIZE || found) {
			return -EBADMSG;
		}
		if (smpdfu_flash_area_read(fa, it.off, hash, SMPDFU_SHA256_DIGEST_SIZE) < 0) {
			return -EIO;
		}
		found = true;
	}
	return rc < 0 ? rc : found ? 0 : -EBADMSG;
}

int smpdfu_image_version_cmp(const struct smpdfu_image_version *a,
			     const struct smpdfu_image_version *b, bool use_build)
{
	/* Field by field, the first that differs decides: its difference has the sign wanted. */
	int d = a->major - b->major;

	if (d == 0) {
		d = a->minor - b->minor;
	}
	if (d == 0) {
		d = a->revision - b->revision;
	}
	if (d == 0 && use_build) {
		/* Build numbers are u32: their difference would not fit an int. */
		d = (a->build_num > b->build_num) - (a->build_num < b->build_num);
	}
	return d;
}

void smpdfu_image_version_str(const struct smpdfu_image_version *v,
			      char out[SMPDFU_IMAGE_VERSION_STR_MAX])
{
	const uint32_t parts[] = { v->major, v->minor, v->revision, v->build_num };
	char *p = out;

	/*
	 * Written backwards, each number's last digit first and the numbers last to first, then
	 * turned around; the build number only when set.
	 */
	for (size_t k = v->build_num != 0 ? 4 : 3; k-- > 0;) {
		uint32_t x = parts[k];

		do {
			*p++ = (char)('0' + x % 10);
			x /= 10;
		} while (x != 0);
		*p++ = '.';
	}
	*--p = '\0';
	for (char *a = out; a < --p; a++) {
		char c = *a;

		*a = *p;
		*p = c;
	}
}
