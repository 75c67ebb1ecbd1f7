/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image maker for the simulation: the same layout the image tool writes for an unsigned image
 * (header padded to 0x200, payload, an unprotected TLV area holding the SHA-256 of header and
 * payload), built in memory so that a benchmark needs no files.
 */
#include "sim_image.h"

#include <stdlib.h>
#include <string.h>

#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

#define HDR_PAD 0x200u
#define TLV_AREA                                                                                   \
	(SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + SMPDFU_SHA256_DIGEST_SIZE)

_Static_assert(SIM_IMAGE_MIN_SIZE == HDR_PAD + 1u + TLV_AREA, "SIM_IMAGE_MIN_SIZE is stale");

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

uint8_t *sim_image_make(size_t size, uint8_t major, uint8_t minor, uint16_t rev, uint32_t seed)
{
	size_t body = size - TLV_AREA;
	uint32_t x = seed != 0 ? seed : 1u;
	struct sha256_ctx ctx;
	uint8_t *img;

	if (size < SIM_IMAGE_MIN_SIZE || size > UINT32_MAX) {
		return NULL;
	}
	img = malloc(size);
	if (img == NULL) {
		return NULL;
	}
	memset(img, 0, HDR_PAD);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_MAGIC);
	put_le16(img + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE, HDR_PAD);
	put_le32(img + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)(body - HDR_PAD));
	img[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR] = major;
	img[SMPDFU_IMAGE_HDR_OFF_VER_MINOR] = minor;
	put_le16(img + SMPDFU_IMAGE_HDR_OFF_VER_REVISION, rev);
	for (size_t i = HDR_PAD; i < body; i++) {
		/* xorshift32: cheap bytes that do not repeat within a slot. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		img[i] = (uint8_t)x;
	}
	put_le16(img + body, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put_le16(img + body + 2, TLV_AREA);
	put_le16(img + body + 4, SMPDFU_IMAGE_TLV_SHA256);
	put_le16(img + body + 6, SMPDFU_SHA256_DIGEST_SIZE);
	if (smpdfu_crypto_sha256_init(&ctx) < 0 ||
	    smpdfu_crypto_sha256_update(&ctx, img, body) < 0 ||
	    smpdfu_crypto_sha256_final(&ctx, img + body + 8) < 0) {
		free(img);
		return NULL;
	}
	return img;
}
