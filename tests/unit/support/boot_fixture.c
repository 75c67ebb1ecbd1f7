/* SPDX-License-Identifier: Apache-2.0 */
/* The bootloader test device: a RAM NOR flash of any geometry, its map, images and snapshots. */
#include "boot_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ed25519.h>

#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

#define HDR_SIZE BFX_HEADER_SIZE

void bfx_open(struct boot_fixture *f, const struct boot_geom *g)
{
	uint32_t total = g->page * (1 + g->pri_pages + g->sec_pages + g->scratch_pages);
	size_t count = g->scratch_pages > 0 ? 4 : 3;

	memset(f, 0, sizeof(*f));
	f->g = *g;
	assert_int_equal(flash_sim_open(&f->flash, NULL, total, g->page, g->write_block), 0);
	f->areas[0] = (struct smpdfu_flash_area){
		.id = SMPDFU_FLASH_AREA_BOOTLOADER, .label = "mcuboot", .dev = &f->flash.dev,
		.off = 0, .size = g->page,
	};
	f->areas[1] = (struct smpdfu_flash_area){
		.id = SMPDFU_FLASH_AREA_IMAGE_PRIMARY, .label = "image-0", .dev = &f->flash.dev,
		.off = g->page, .size = g->page * g->pri_pages,
	};
	f->areas[2] = (struct smpdfu_flash_area){
		.id = SMPDFU_FLASH_AREA_IMAGE_SECONDARY, .label = "image-1", .dev = &f->flash.dev,
		.off = g->page * (1 + g->pri_pages), .size = g->page * g->sec_pages,
	};
	/* After the slots, as MCUboot boards lay it out. */
	f->areas[3] = (struct smpdfu_flash_area){
		.id = SMPDFU_FLASH_AREA_IMAGE_SCRATCH,
		.label = "image-scratch",
		.dev = &f->flash.dev,
		.off = g->page * (1 + g->pri_pages + g->sec_pages),
		.size = g->page * g->scratch_pages,
	};
	assert_int_equal(smpdfu_flash_map_init(f->areas, count), 0);
	f->pri = &f->areas[1];
	f->sec = &f->areas[2];
	f->scratch = count > 3 ? &f->areas[3] : NULL;
}

void bfx_close(struct boot_fixture *f)
{
	free(f->snapshot);
	f->snapshot = NULL;
	flash_sim_close(&f->flash);
}

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

/* Header and payload: the bytes the hash covers. Returns their size. */
static size_t make_body(uint8_t *out, size_t cap, size_t tlv_size, uint8_t major, uint8_t minor,
			uint16_t rev, size_t payload_len, uint32_t seed, uint32_t flags,
			uint32_t load_addr)
{
	size_t body = HDR_SIZE + payload_len;
	uint32_t x = seed * 2654435761u + 1;

	assert_true(body + tlv_size <= cap);
	memset(out, 0, HDR_SIZE);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_MAGIC);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR, load_addr);
	put_le16(out + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE, HDR_SIZE);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)payload_len);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_FLAGS, flags);
	out[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR] = major;
	out[SMPDFU_IMAGE_HDR_OFF_VER_MINOR] = minor;
	put_le16(out + SMPDFU_IMAGE_HDR_OFF_VER_REVISION, rev);
	for (size_t i = 0; i < payload_len; i++) {
		/* xorshift: every image differs everywhere, and 0xFF runs are rare. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[HDR_SIZE + i] = (uint8_t)x;
	}
	return body;
}

/* One TLV entry at p: type, length, value. Returns the bytes it took. */
static size_t put_tlv(uint8_t *p, uint16_t type, const uint8_t *value, uint16_t len)
{
	put_le16(p, type);
	put_le16(p + 2, len);
	memcpy(p + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE, value, len);
	return SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + len;
}

static void sha256(const uint8_t *p, size_t len, uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, p, len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
}

/* The TLV area of a bfx_make_image() image: its info header and one SHA-256 entry. */
#define HASH_TLVS (SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + 32)

size_t bfx_make_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor, uint16_t rev,
		      size_t payload_len, uint32_t seed, uint32_t flags, uint32_t load_addr)
{
	const size_t tlvs = HASH_TLVS;
	size_t body = make_body(out, cap, tlvs, major, minor, rev, payload_len, seed, flags,
				load_addr);
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];

	sha256(out, body, hash);
	put_le16(out + body, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put_le16(out + body + 2, (uint16_t)tlvs);
	put_tlv(out + body + SMPDFU_IMAGE_TLV_INFO_SIZE, SMPDFU_IMAGE_TLV_SHA256, hash,
		SMPDFU_SHA256_DIGEST_SIZE);
	return body + tlvs;
}

void bfx_rehash_image(uint8_t *img, size_t len)
{
	assert_true(len > HASH_TLVS);
	sha256(img, len - HASH_TLVS, img + len - SMPDFU_SHA256_DIGEST_SIZE);
}

/* A fixed Ed25519 key of the tests (RFC 8032's first test key): never a product key. */
static const uint8_t test_priv[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
static uint8_t test_pub[32];
static struct smpdfu_image_key test_key;

const struct smpdfu_image_key *bfx_test_key(void)
{
	/* DER SubjectPublicKeyInfo prefix of an Ed25519 key: imgtool's KEYHASH covers all of it. */
	static const uint8_t spki_prefix[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
						 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
	uint8_t spki[sizeof(spki_prefix) + 32];
	ed25519_key ed;

	if (test_key.pub != NULL) {
		return &test_key;
	}
	assert_int_equal(wc_ed25519_init(&ed), 0);
	assert_int_equal(wc_ed25519_import_private_only(test_priv, sizeof(test_priv), &ed), 0);
	assert_int_equal(wc_ed25519_make_public(&ed, test_pub, sizeof(test_pub)), 0);
	wc_ed25519_free(&ed);
	memcpy(spki, spki_prefix, sizeof(spki_prefix));
	memcpy(spki + sizeof(spki_prefix), test_pub, 32);
	test_key.type = IMAGE_KEY_ED25519;
	test_key.pub = test_pub;
	test_key.pub_len = sizeof(test_pub);
	sha256(spki, sizeof(spki), test_key.keyhash);
	return &test_key;
}

size_t bfx_make_signed_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor,
			     uint16_t rev, size_t payload_len, uint32_t seed, uint32_t flags,
			     uint32_t load_addr)
{
	const size_t tlvs = BFX_SIGNED_OVERHEAD - HDR_SIZE;
	const struct smpdfu_image_key *key = bfx_test_key();
	size_t body = make_body(out, cap, tlvs, major, minor, rev, payload_len, seed, flags,
				load_addr);
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	uint8_t sig[ED25519_SIG_SIZE];
	word32 sig_len = sizeof(sig);
	ed25519_key ed;
	size_t p = body + SMPDFU_IMAGE_TLV_INFO_SIZE;

	sha256(out, body, hash);
	assert_int_equal(wc_ed25519_init(&ed), 0);
	assert_int_equal(wc_ed25519_import_private_key(test_priv, sizeof(test_priv), test_pub,
						       sizeof(test_pub), &ed),
			 0);
	assert_int_equal(wc_ed25519_sign_msg(hash, sizeof(hash), sig, &sig_len, &ed), 0);
	wc_ed25519_free(&ed);
	put_le16(out + body, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put_le16(out + body + 2, (uint16_t)tlvs);
	p += put_tlv(out + p, SMPDFU_IMAGE_TLV_SHA256, hash, SMPDFU_SHA256_DIGEST_SIZE);
	p += put_tlv(out + p, SMPDFU_IMAGE_TLV_KEYHASH, key->keyhash, SMPDFU_SHA256_DIGEST_SIZE);
	p += put_tlv(out + p, SMPDFU_IMAGE_TLV_ED25519, sig, (uint16_t)sig_len);
	assert_int_equal(p, body + tlvs);
	return p;
}

void bfx_write(struct boot_fixture *f, const struct smpdfu_flash_area *fa, uint32_t off,
	       const void *data, size_t len)
{
	const uint32_t w = f->g.write_block;
	uint8_t tail[64];
	size_t whole = len - len % w;

	assert_true(w <= sizeof(tail));
	if (whole > 0) {
		assert_int_equal(smpdfu_flash_area_program(fa, off, data, whole), 0);
	}
	if (whole < len) {
		memset(tail, 0xff, w);
		memcpy(tail, (const uint8_t *)data + whole, len - whole);
		assert_int_equal(smpdfu_flash_area_program(fa, off + (uint32_t)whole, tail, w), 0);
	}
}

void bfx_load(struct boot_fixture *f, const struct smpdfu_flash_area *fa, const void *data,
	      size_t len)
{
	assert_int_equal(smpdfu_flash_area_erase(fa, 0, fa->size), 0);
	bfx_write(f, fa, 0, data, len);
}

const uint8_t *bfx_mem(const struct boot_fixture *f, const struct smpdfu_flash_area *fa)
{
	return f->flash.mem + fa->off;
}

bool bfx_slot_starts_with(const struct boot_fixture *f, const struct smpdfu_flash_area *fa,
			  const void *data, size_t len)
{
	return memcmp(bfx_mem(f, fa), data, len) == 0;
}

void bfx_snapshot(struct boot_fixture *f)
{
	if (f->snapshot == NULL) {
		f->snapshot = malloc(flash_sim_snapshot_size(&f->flash));
		assert_non_null(f->snapshot);
	}
	flash_sim_save(&f->flash, f->snapshot);
}

void bfx_restore(struct boot_fixture *f)
{
	assert_non_null(f->snapshot);
	flash_sim_restore(&f->flash, f->snapshot);
	flash_sim_power_on(&f->flash);
	memset(&f->flash.count, 0, sizeof(f->flash.count));
}

uint64_t bfx_ops(const struct boot_fixture *f)
{
	return flash_sim_op_count(&f->flash);
}
