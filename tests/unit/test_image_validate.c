/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of smpdfu_image_validate() on the images imgtool 2.4.0 made (tests/vectors/mcuboot)
 * and on damaged copies of them. The image sits in a read-only flash device that fails the test on
 * any read outside its buffer and records how far the validator read, so "never reads past the TLV
 * area" is checked on every case, not assumed; the buffer is heap-allocated to its exact size so
 * that valgrind would see a stray access too. Last, how image versions compare and read as text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>
#include <smpdfu/image.h>

#include "util.h"

#define VECTORS SMPDFU_VECTORS_DIR "/mcuboot/"

/* root-ec-p256.pem: public point, and the KEYHASH imgtool writes for it. */
static const uint8_t ec_pub[65] = {
	0x04, 0x2a, 0xcb, 0x40, 0x3c, 0xe8, 0xfe, 0xed, 0x5b, 0xa4, 0x49, 0x95, 0xa1, 0xa9, 0x1d,
	0xae, 0xe8, 0xdb, 0xbe, 0x19, 0x37, 0xcd, 0x14, 0xfb, 0x2f, 0x24, 0x57, 0x37, 0xe5, 0x95,
	0x39, 0x88, 0xd9, 0x94, 0xb9, 0xd6, 0x5a, 0xeb, 0xd7, 0xcd, 0xd5, 0x30, 0x8a, 0xd6, 0xfe,
	0x48, 0xb2, 0x4a, 0x6a, 0x81, 0x0e, 0xe5, 0xf0, 0x7d, 0x8b, 0x68, 0x34, 0xcc, 0x3a, 0x6a,
	0xfc, 0x53, 0x8e, 0xfa, 0xc1,
};

/* root-ed25519.pem: public key. */
static const uint8_t ed_pub[32] = {
	0xd4, 0xb3, 0x1b, 0xa4, 0x9a, 0x3a, 0xdd, 0x3f, 0x82, 0x5d, 0x10, 0xca, 0x7f, 0x31, 0xb5,
	0x0b, 0x0d, 0xe8, 0x7f, 0x37, 0xcc, 0xc4, 0x9f, 0x1a, 0x40, 0x3a, 0x5c, 0x13, 0x20, 0xff,
	0xb4, 0xe0,
};

static const struct smpdfu_image_key ec_key = {
	.type = IMAGE_KEY_ECDSA_P256,
	.pub = ec_pub,
	.pub_len = sizeof(ec_pub),
	.keyhash = { 0xe3, 0x04, 0x66, 0xf6, 0xb8, 0x47, 0x0c, 0x1f, 0x29, 0x07, 0x0b,
		     0x17, 0xf1, 0xe2, 0xd3, 0xe9, 0x4d, 0x44, 0x5e, 0x3f, 0x60, 0x80,
		     0x87, 0xfd, 0xc7, 0x11, 0xe4, 0x38, 0x2b, 0xb5, 0x38, 0xb6 },
};

static const struct smpdfu_image_key ed_key = {
	.type = IMAGE_KEY_ED25519,
	.pub = ed_pub,
	.pub_len = sizeof(ed_pub),
	.keyhash = { 0xc1, 0x90, 0x7f, 0xa4, 0xea, 0xc7, 0xfa, 0xe3, 0x84, 0x0a, 0x78,
		     0x90, 0x2b, 0x6f, 0x07, 0x10, 0xb0, 0x37, 0xe9, 0x96, 0x8e, 0x5c,
		     0x62, 0x74, 0xa1, 0x2a, 0x28, 0x79, 0x0c, 0x7d, 0x4e, 0x3c },
};

/* Each vector, the key that signed it (NULL: hash only) and what imgtool put into it. */
struct vector {
	const char *name;
	const struct smpdfu_image_key *key;
	uint32_t end; /* header + payload + TLVs (the rest of a padded file is trailer) */
	uint8_t major, minor;
	uint16_t revision;
	uint32_t build;
	uint16_t hash_tlv; /* 0x10 SHA-256, 0x12 SHA-512 (pure) */
};

static const struct vector vectors[] = {
	{ "ecdsa-p256.signed.bin", &ec_key, 20664, 1, 2, 3, 4, 0x10 },
	{ "ed25519.signed.bin", &ed_key, 20656, 1, 2, 3, 4, 0x10 },
	{ "hash-only.signed.bin", NULL, 20552, 2, 0, 0, 0, 0x10 },
	{ "padded-confirmed.signed.bin", &ec_key, 20663, 3, 1, 0, 7, 0x10 },
	{ "padded-test.signed.bin", &ec_key, 20663, 3, 1, 0, 0, 0x10 },
	{ "protected-tlvs.signed.bin", &ec_key, 20690, 1, 0, 0, 0, 0x10 },
	{ "rom-fixed-0x10000.signed.bin", &ec_key, 20663, 1, 0, 1, 0, 0x10 },
	{ "align16-padded.signed.bin", &ec_key, 20663, 1, 0, 2, 0, 0x10 },
	{ "ecdsa-p256-fullkey.signed.bin", &ec_key, 20722, 1, 2, 3, 4, 0x10 },
	{ "ed25519-pure.signed.bin", &ed_key, 20725, 1, 2, 3, 4, 0x12 },
	{ "padded-confirmed-overwrite-only.signed.bin", &ec_key, 20662, 3, 1, 0, 0, 0x10 },
};

#define VECTOR_COUNT (ARRAY_SIZE(vectors))
#define PAYLOAD_OFF 0x200
#define PAYLOAD_LEN 20000
#define TLV_START (PAYLOAD_OFF + PAYLOAD_LEN)

/* --- A read-only flash that watches its reader ------------------------------------------------ */

struct spy {
	uint8_t *mem;
	uint32_t size;
	uint32_t max_end;   /* highest offset + length read */
	int fail_read_at;   /* 1-based read number that fails with -EIO, 0: none */
	int reads;
};

static int spy_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct spy *spy = dev->ctx;

	if ((uint64_t)off + len > spy->size) {
		fail_msg("read of %zu bytes at %u outside the %u-byte flash", len, off, spy->size);
	}
	if (++spy->reads == spy->fail_read_at) {
		return -EIO;
	}
	if (off + len > spy->max_end) {
		spy->max_end = (uint32_t)(off + len);
	}
	memcpy(dst, spy->mem + off, len);
	return 0;
}

static int spy_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
		       size_t len)
{
	(void)dev;
	(void)off;
	(void)src;
	(void)len;
	fail_msg("the validator wrote to flash");
	return -EROFS;
}

static int spy_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	(void)dev;
	(void)off;
	(void)len;
	fail_msg("the validator erased flash");
	return -EROFS;
}

static const struct smpdfu_flash_device_ops spy_ops = {
	.read = spy_read, .program = spy_program, .erase = spy_erase,
};

/* An image in a flash of exactly area_size bytes (area_size >= len; the rest reads erased). */
struct rig {
	struct spy spy;
	struct smpdfu_flash_device dev;
	struct smpdfu_flash_area fa;
};

static void rig_open(struct rig *r, const uint8_t *img, size_t len, size_t area_size)
{
	assert_true(area_size >= len);
	r->spy = (struct spy){ .mem = malloc(area_size), .size = (uint32_t)area_size };
	assert_non_null(r->spy.mem);
	memset(r->spy.mem, 0xff, area_size);
	memcpy(r->spy.mem, img, len);
	r->dev = (struct smpdfu_flash_device){
		.ops = &spy_ops, .ctx = &r->spy, .size = (uint32_t)area_size, .page_size = 1,
		.write_block = 1, .erased_value = 0xff,
	};
	r->fa = (struct smpdfu_flash_area){
		.id = SMPDFU_FLASH_AREA_IMAGE_SECONDARY, .label = "spy", .dev = &r->dev, .off = 0,
		.size = (uint32_t)area_size,
	};
}

static void rig_close(struct rig *r)
{
	free(r->spy.mem);
	r->spy.mem = NULL;
}

/*
 * Validates img (len bytes, in an area `slack` bytes larger) and checks that nothing past
 * `read_limit` was read. Returns the validator's code.
 */
static int validate_in(const uint8_t *img, size_t len, size_t slack,
		       const struct smpdfu_image_key *keys, size_t key_count, uint32_t read_limit,
		       struct smpdfu_image_validation *out)
{
	struct rig r;
	int rc;

	rig_open(&r, img, len, len + slack);
	rc = smpdfu_image_validate(&r.fa, keys, key_count, out);
	if (r.spy.max_end > read_limit) {
		fail_msg("read up to %u, beyond %u", r.spy.max_end, read_limit);
	}
	rig_close(&r);
	return rc;
}

/* --- Vector files and edits ------------------------------------------------------------------- */

struct file {
	uint8_t *data;
	size_t len;
};

static struct file load(const char *name)
{
	char path[512];
	struct file f = { 0 };
	FILE *fp;
	long size;

	snprintf(path, sizeof(path), VECTORS "%s", name);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		fail_msg("cannot open %s", path);
	}
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	assert_true(size > 0);
	rewind(fp);
	f.data = malloc((size_t)size);
	assert_non_null(f.data);
	assert_int_equal(fread(f.data, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	f.len = (size_t)size;
	return f;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Offset of the unprotected TLV info of an image without protected TLVs. */
#define UNPROT ((uint32_t)TLV_START)

/* Offset of the payload of the n-th unprotected TLV entry of type `type` (asserts it exists). */
static uint32_t find_tlv(const struct file *f, uint32_t info, uint16_t type)
{
	uint32_t end = info + le16(f->data + info + 2);

	for (uint32_t p = info + 4; p + 4 <= end; p += 4 + le16(f->data + p + 2)) {
		if (le16(f->data + p) == type) {
			return p + 4;
		}
	}
	fail_msg("no TLV 0x%x", type);
	return 0;
}

/*
 * A copy of the image with `extra` (whole TLV entries) appended to its unprotected area, and the
 * area's size adjusted. The copy ends with the image (any trailer is dropped).
 */
static struct file append_tlvs(const struct file *f, uint32_t info, const uint8_t *extra,
			       size_t extra_len)
{
	uint32_t end = info + le16(f->data + info + 2);
	struct file out = { malloc(end + extra_len), end + extra_len };

	assert_non_null(out.data);
	memcpy(out.data, f->data, end);
	memcpy(out.data + end, extra, extra_len);
	put16(out.data + info + 2, (uint16_t)(le16(f->data + info + 2) + extra_len));
	return out;
}

static size_t make_tlv(uint8_t *out, uint16_t type, const uint8_t *value, uint16_t len)
{
	put16(out, type);
	put16(out + 2, len);
	memcpy(out + 4, value, len);
	return 4u + len;
}

/* --- The vectors as imgtool made them --------------------------------------------------------- */

static void test_every_vector_validates_with_its_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &vectors[i];
		struct file f = load(v->name);
		struct smpdfu_image_validation res;
		const struct smpdfu_image_key *keys = v->key;
		int rc = validate_in(f.data, f.len, 0, keys, keys != NULL, v->end, &res);

		if (rc != 0) {
			fail_msg("%s: %d", v->name, rc);
		}
		assert_int_equal(res.size, v->end);
		assert_int_equal(res.hdr.ver.major, v->major);
		assert_int_equal(res.hdr.ver.minor, v->minor);
		assert_int_equal(res.hdr.ver.revision, v->revision);
		assert_int_equal(res.hdr.ver.build_num, v->build);
		/* The hash reported is the image's hash TLV; pure images carry SHA-512. */
		assert_int_equal(res.hash_len, v->hash_tlv == 0x12 ? 64 : 32);
		assert_int_equal(res.pure, v->hash_tlv == 0x12);
		assert_memory_equal(res.hash,
				    f.data + find_tlv(&f, TLV_START + res.hdr.protect_tlv_size,
						      v->hash_tlv),
				    res.hash_len);
		assert_null(res.problem);
		free(f.data);
	}
}

static void test_every_vector_validates_by_hash_without_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct file f = load(vectors[i].name);

		assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, vectors[i].end, NULL), 0);
		free(f.data);
	}
}

static void test_either_key_of_a_set_is_found(void **state)
{
	const struct smpdfu_image_key both[2] = { ed_key, ec_key };

	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct file f = load(vectors[i].name);
		int want = vectors[i].key != NULL ? 0 : -EPERM;

		assert_int_equal(validate_in(f.data, f.len, 0, both, 2, vectors[i].end, NULL),
				 want);
		free(f.data);
	}
}

static void test_wrong_key_is_eperm(void **state)
{
	(void)state;
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		const struct vector *v = &vectors[i];
		const struct smpdfu_image_key *other = v->key == &ec_key ? &ed_key : &ec_key;
		struct file f = load(v->name);

		assert_int_equal(validate_in(f.data, f.len, 0, other, 1, v->end, NULL), -EPERM);
		free(f.data);
	}
}

static void test_hash_only_image_with_keys_is_eperm(void **state)
{
	struct file f = load("hash-only.signed.bin");

	(void)state;
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, f.len, NULL), -EPERM);
	assert_int_equal(validate_in(f.data, f.len, 0, &ed_key, 1, f.len, NULL), -EPERM);
	free(f.data);
}

static void test_protected_tlvs_are_parsed(void **state)
{
	struct file f = load("protected-tlvs.signed.bin");
	struct smpdfu_image_validation res;

	(void)state;
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, f.len, &res), 0);
	assert_true(res.has_security_counter);
	assert_int_equal(res.security_counter, 5);
	assert_int_equal(res.dependency_count, 1);
	assert_int_equal(res.hdr.protect_tlv_size, 0x1c);

	free(f.data);
	f = load("ecdsa-p256.signed.bin");
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, f.len, &res), 0);
	assert_false(res.has_security_counter);
	assert_int_equal(res.dependency_count, 0);
	free(f.data);
}

/* --- One byte changed ------------------------------------------------------------------------- */

struct flip {
	const char *what;
	const char *image;
	uint32_t off;
	int want_signed;   /* with the right key */
	int want_unsigned; /* without keys */
};

static void test_one_flipped_byte(void **state)
{
	/* Offsets from the dumpinfo of each image. */
	static const struct flip flips[] = {
		{ "header: version", "ecdsa-p256.signed.bin", 21, -EBADMSG, -EBADMSG },
		{ "header: flags", "ed25519.signed.bin", 16, -EBADMSG, -EBADMSG },
		{ "header: padding", "ecdsa-p256.signed.bin", 0x100, -EBADMSG, -EBADMSG },
		{ "header: magic", "ecdsa-p256.signed.bin", 0, -ENOENT, -ENOENT },
		{ "payload: first byte", "ecdsa-p256.signed.bin", 0x200, -EBADMSG, -EBADMSG },
		{ "payload: last byte", "ed25519.signed.bin", 0x501f, -EBADMSG, -EBADMSG },
		{ "protected: SEC_CNT value", "protected-tlvs.signed.bin", 0x5028, -EBADMSG,
		  -EBADMSG },
		{ "protected: DEPENDENCY value", "protected-tlvs.signed.bin", 0x5034, -EBADMSG,
		  -EBADMSG },
		{ "hash TLV value", "ecdsa-p256.signed.bin", 0x5028, -EBADMSG, -EBADMSG },
		{ "hash TLV value, protected image", "protected-tlvs.signed.bin", 0x5050, -EBADMSG,
		  -EBADMSG },
		{ "KEYHASH value: unknown key", "ecdsa-p256.signed.bin", 0x504c, -EPERM, 0 },
		{ "ECDSA signature: inside r", "ecdsa-p256.signed.bin", 0x5080, -EPERM, 0 },
		{ "ECDSA signature: DER framing", "ecdsa-p256.signed.bin", 0x5071, -EPERM, 0 },
		{ "signature TLV retyped (RSA-3072)", "ecdsa-p256.signed.bin", 0x506c, -EPERM, 0 },
		{ "ECDSA signature: last byte of s", "ecdsa-p256.signed.bin", 0x50b7, -EPERM, 0 },
		{ "Ed25519 signature: R", "ed25519.signed.bin", 0x5070, -EPERM, 0 },
		{ "Ed25519 signature: S", "ed25519.signed.bin", 0x50a0, -EPERM, 0 },
		{ "pure: payload", "ed25519-pure.signed.bin", 0x300, -EBADMSG, -EBADMSG },
		{ "pure: SHA-512 TLV value", "ed25519-pure.signed.bin", 0x5028, -EBADMSG,
		  -EBADMSG },
		{ "pure: SIG_PURE value", "ed25519-pure.signed.bin", 0x506c, -EBADMSG, -EBADMSG },
		{ "pure: 64-byte KEYHASH", "ed25519-pure.signed.bin", 0x5071, -EPERM, 0 },
		{ "pure: signature R", "ed25519-pure.signed.bin", 0x50b5, -EPERM, 0 },
		{ "pure: signature S", "ed25519-pure.signed.bin", 0x50e0, -EPERM, 0 },
		{ "full key: the point in PUBKEY", "ecdsa-p256-fullkey.signed.bin", 0x5070, -EPERM,
		  0 },
		{ "full key: the algorithm in PUBKEY", "ecdsa-p256-fullkey.signed.bin", 0x5052,
		  -EPERM, 0 },
		{ "full key: signature", "ecdsa-p256-fullkey.signed.bin", 0x50c0, -EPERM, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(flips); i++) {
		const struct flip *fl = &flips[i];
		struct file f = load(fl->image);
		const struct smpdfu_image_key *key =
			strstr(fl->image, "ed25519") ? &ed_key : &ec_key;
		int rc;

		assert_true(fl->off < f.len);
		f.data[fl->off] ^= 0x01;
		rc = validate_in(f.data, f.len, 64, key, 1, (uint32_t)f.len, NULL);
		if (rc != fl->want_signed) {
			fail_msg("%s, with key: %d, want %d", fl->what, rc, fl->want_signed);
		}
		rc = validate_in(f.data, f.len, 64, NULL, 0, (uint32_t)f.len, NULL);
		if (rc != fl->want_unsigned) {
			fail_msg("%s, no key: %d, want %d", fl->what, rc, fl->want_unsigned);
		}
		free(f.data);
	}
}

/* --- Broken TLV areas ------------------------------------------------------------------------- */

static void test_every_truncation_is_ebadmsg(void **state)
{
	static const char *const names[] = { "ecdsa-p256.signed.bin", "protected-tlvs.signed.bin",
					      "ed25519.signed.bin" };

	(void)state;
	for (size_t n = 0; n < ARRAY_SIZE(names); n++) {
		struct file f = load(names[n]);

		/* Every cut from just after the payload to one byte short of the end. */
		for (size_t cut = TLV_START; cut < f.len; cut++) {
			int rc = validate_in(f.data, cut, 0, &ec_key, 1, (uint32_t)cut, NULL);

			if (rc != -EBADMSG) {
				fail_msg("%s cut at %zu: %d", names[n], cut, rc);
			}
		}
		free(f.data);
	}
}

static void test_tlv_lengths_past_the_end_are_ebadmsg(void **state)
{
	struct {
		const char *what;
		uint32_t off; /* of a u16 to overwrite */
		uint16_t value;
	} const edits[] = {
		/* ecdsa-p256: info 0x5020 (tot 0x98), SHA256 0x5024, KEYHASH 0x5048, sig 0x506c */
		{ "unprotected tot past the area", 0x5022, 0x98 + 0x40 + 1 },
		{ "unprotected tot 0xffff", 0x5022, 0xffff },
		{ "unprotected tot cuts the signature", 0x5022, 0x97 },
		{ "unprotected tot below its own header", 0x5022, 3 },
		{ "signature length past the area end", 0x506e, 0x49 },
		{ "signature length 0xffff", 0x506e, 0xffff },
		{ "KEYHASH length runs into the next entry", 0x504a, 0x21 },
		{ "hash length past everything", 0x5026, 0xfff0 },
		{ "unprotected magic", 0x5020, 0x6906 },
		{ "protected magic where none is declared", 0x5020, 0x6908 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		struct file f = load("ecdsa-p256.signed.bin");
		int rc;

		put16(f.data + edits[i].off, edits[i].value);
		/* 0x40 bytes of erased slack after the image: reading it would be a bug too. */
		rc = validate_in(f.data, f.len, 0x40, &ec_key, 1, (uint32_t)f.len, NULL);
		if (rc != -EBADMSG) {
			fail_msg("%s: %d", edits[i].what, rc);
		}
		rc = validate_in(f.data, f.len, 0x40, NULL, 0, (uint32_t)f.len, NULL);
		if (rc != -EBADMSG) {
			fail_msg("%s, no key: %d", edits[i].what, rc);
		}
		free(f.data);
	}
}

/*
 * An area whose end leaves 1 to 3 bytes after its last entry has no room for another entry's
 * header: the walk refuses it rather than read the header across the end (the hash lookup too).
 */
static void test_entry_header_across_the_end_is_ebadmsg(void **state)
{
	struct smpdfu_image_header hdr;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	for (uint16_t extra = 0; extra <= 4; extra++) {
		struct file f = load("ecdsa-p256.signed.bin");
		struct rig r;

		/* ecdsa-p256: the unprotected info at 0x5020 (tot 0x98) ends the image */
		put16(f.data + 0x5022, (uint16_t)(0x98 + extra));
		rig_open(&r, f.data, f.len, f.len + 0x40);
		if (smpdfu_image_read_hash(&r.fa, &hdr, hash) != (extra == 0 ? 0 : -EBADMSG)) {
			fail_msg("%u bytes after the last entry", (unsigned int)extra);
		}
		rig_close(&r);
		free(f.data);
	}
}

static void test_protected_size_mismatch_is_ebadmsg(void **state)
{
	struct {
		const char *what;
		const char *image;
		uint32_t off;
		uint16_t value;
	} const edits[] = {
		{ "header says more", "protected-tlvs.signed.bin", 10, 0x20 },
		{ "header says less", "protected-tlvs.signed.bin", 10, 0x18 },
		{ "header says none", "protected-tlvs.signed.bin", 10, 0 },
		{ "area says more", "protected-tlvs.signed.bin", 0x5022, 0x20 },
		{ "area says less", "protected-tlvs.signed.bin", 0x5022, 0x18 },
		{ "entry crosses the protected end", "protected-tlvs.signed.bin", 0x502e, 0x10 },
		{ "header declares an area that is not there", "ecdsa-p256.signed.bin", 10, 0x24 },
		{ "header declares 4 bytes", "ecdsa-p256.signed.bin", 10, 4 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		struct file f = load(edits[i].image);
		int rc;

		put16(f.data + edits[i].off, edits[i].value);
		rc = validate_in(f.data, f.len, 0x40, &ec_key, 1, (uint32_t)f.len, NULL);
		if (rc != -EBADMSG) {
			fail_msg("%s: %d", edits[i].what, rc);
		}
		free(f.data);
	}
}

/* Recomputes the image hash of f into its SHA-256 TLV, so that an edit tests what it means to. */
static void rehash(struct file *f)
{
	uint16_t prot = le16(f->data + 10);
	struct sha256_ctx ctx;

	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, f->data, TLV_START + prot), 0);
	assert_int_equal(
		smpdfu_crypto_sha256_final(&ctx, f->data + find_tlv(f, TLV_START + prot, 0x10)), 0);
}

/* The protected area's own size disagreeing with the header is malformed, even rehashed. */
static void test_protected_size_mismatch_rehashed_is_ebadmsg(void **state)
{
	static const uint16_t sizes[] = { 0x18, 0x20 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct file f = load("protected-tlvs.signed.bin");

		put16(f.data + 0x5022, sizes[i]);
		rehash(&f);
		assert_int_equal(validate_in(f.data, f.len, 0x40, NULL, 0, (uint32_t)f.len, NULL),
				 -EBADMSG);
		free(f.data);
	}
}

static void test_protected_area_contents(void **state)
{
	/*
	 * protected-tlvs has a 0x1c-byte protected area: info + SEC_CNT(4) + DEPENDENCY(12). Each
	 * case puts other entries of the same total size there and fixes the hash, so only the
	 * entries decide. Hash only: the edits void imgtool's signature.
	 */
	static const struct {
		const char *what;
		uint8_t area[24];
		int want;
		uint32_t counter;
	} cases[] = {
		{ "counter and two vendor TLVs",
		  { 0x50, 0, 4, 0, 7, 0, 0, 0, 0xa0, 0, 4, 0, 1, 2, 3, 4,
		    0xa1, 0, 4, 0, 5, 6, 7, 8 },
		  0, 7 },
		{ "two security counters",
		  { 0x50, 0, 4, 0, 7, 0, 0, 0, 0x50, 0, 4, 0, 8, 0, 0, 0,
		    0xa1, 0, 4, 0, 5, 6, 7, 8 },
		  -EBADMSG, 0 },
		{ "security counter of 8 bytes",
		  { 0x50, 0, 8, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0xa1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		  -EBADMSG, 0 },
		{ "dependency of 16 bytes",
		  { 0x40, 0, 16, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		  -EBADMSG, 0 },
		{ "empty entries only",
		  { 0xa0, 0, 0, 0, 0xa1, 0, 0, 0, 0xa2, 0, 0, 0, 0xa3, 0, 0, 0, 0xa4, 0, 0, 0,
		    0xa5, 0, 0, 0 },
		  0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct file f = load("protected-tlvs.signed.bin");
		struct smpdfu_image_validation res;
		int rc;

		memcpy(f.data + TLV_START + 4, cases[i].area, sizeof(cases[i].area));
		rehash(&f);
		rc = validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, &res);
		if (rc != cases[i].want) {
			fail_msg("%s: %d", cases[i].what, rc);
		}
		if (rc == 0) {
			assert_int_equal(res.has_security_counter, cases[i].counter != 0);
			assert_int_equal(res.security_counter, cases[i].counter);
		}
		free(f.data);
	}
}

static void test_second_hash_tlv_is_ebadmsg(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	uint8_t extra[36];
	size_t n = make_tlv(extra, 0x10, f.data + 0x5028, 32);
	struct file g = append_tlvs(&f, UNPROT, extra, n);

	(void)state;
	/* Identical copy: still refused, "exactly one" is a structural rule. */
	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL),
			 -EBADMSG);
	assert_int_equal(validate_in(g.data, g.len, 0, NULL, 0, (uint32_t)g.len, NULL), -EBADMSG);
	free(g.data);
	free(f.data);
}

static void test_hash_tlv_of_wrong_size_or_missing_is_ebadmsg(void **state)
{
	struct file f = load("hash-only.signed.bin");
	struct smpdfu_image_validation res;

	(void)state;
	/* The only TLV is the hash: shorten it to 31 bytes (area size follows). */
	put16(f.data + 0x5026, 31);
	put16(f.data + 0x5022, 4 + 4 + 31);
	assert_int_equal(validate_in(f.data, f.len - 1, 0, NULL, 0, (uint32_t)f.len - 1, NULL),
			 -EBADMSG);
	/* Retyped as SHA-512: a hash TLV of the wrong size for it. */
	put16(f.data + 0x5026, 32);
	put16(f.data + 0x5022, 4 + 4 + 32);
	put16(f.data + 0x5024, 0x12);
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, NULL), -EBADMSG);
	/* An empty unprotected area. */
	put16(f.data + 0x5022, 4);
	assert_int_equal(validate_in(f.data, 0x5024, 0, NULL, 0, 0x5024, &res), -EBADMSG);
	assert_string_equal(res.problem, "no image hash TLV");
	free(f.data);
}

static void test_unknown_tlv_in_unprotected_area_is_ebadmsg(void **state)
{
	/*
	 * A security counter, a dependency, a vendor TLV, a SIG_PURE that is not 1: none may sit
	 * there. An encryption key is no malformation but what this bootloader cannot decrypt.
	 */
	static const struct {
		uint16_t type;
		int want;
	} cases[] = {
		{ 0x50, -EBADMSG }, { 0x40, -EBADMSG }, { 0x60, -EBADMSG }, { 0xa0, -EBADMSG },
		{ 0x25, -EBADMSG }, { 0x7fff, -EBADMSG }, { 0x30, -ENOTSUP }, { 0x31, -ENOTSUP },
		{ 0x34, -ENOTSUP },
	};
	struct file f = load("ecdsa-p256.signed.bin");
	static const uint8_t value[12] = { 9 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t extra[16];
		size_t n = make_tlv(extra, cases[i].type, value, cases[i].type == 0x50 ? 4 : 12);
		struct file g = append_tlvs(&f, UNPROT, extra, n);
		struct smpdfu_image_validation res;
		int rc;

		rc = validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, &res);
		if (rc != cases[i].want) {
			fail_msg("type 0x%x: %d", cases[i].type, rc);
		}
		assert_non_null(res.problem);
		if (cases[i].want == -ENOTSUP) {
			assert_non_null(strstr(res.problem, "encrypted"));
		}
		rc = validate_in(g.data, g.len, 0, NULL, 0, (uint32_t)g.len, NULL);
		if (rc != cases[i].want) {
			fail_msg("type 0x%x, no key: %d", cases[i].type, rc);
		}
		free(g.data);
	}
	free(f.data);
}

/* --- Signatures and keys ---------------------------------------------------------------------- */

static void test_last_verified_signature_decides(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	uint8_t bad_sig[72];
	uint8_t extra[4 * (4 + 72)];
	size_t n = 0;

	(void)state;
	memcpy(bad_sig, f.data + 0x5070, sizeof(bad_sig));
	bad_sig[10] ^= 0x01;

	/* good (from imgtool), then KEYHASH + a bad signature: the bad one is last. */
	n = make_tlv(extra, 0x01, ec_key.keyhash, SMPDFU_SHA256_DIGEST_SIZE);
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	struct file g = append_tlvs(&f, UNPROT, extra, n);

	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), -EPERM);
	free(g.data);

	/* ...then a good one again after it: valid. */
	n += make_tlv(extra + n, 0x01, ec_key.keyhash, SMPDFU_SHA256_DIGEST_SIZE);
	n += make_tlv(extra + n, 0x22, f.data + 0x5070, 72);
	g = append_tlvs(&f, UNPROT, extra, n);
	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), 0);
	free(g.data);

	/* A signature by an unknown key after the good one does not count at all. */
	uint8_t unknown[32] = { 1 };

	n = make_tlv(extra, 0x01, unknown, 32);
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	g = append_tlvs(&f, UNPROT, extra, n);
	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), 0);
	free(g.data);
	free(f.data);
}

/* A key TLV names the key of the one signature after it: the next signature needs its own. */
static void test_key_is_spent_by_its_signature(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	uint8_t bad_sig[72];
	uint8_t extra[2 * (4 + 72) + 4 + 32];
	size_t n;

	(void)state;
	memcpy(bad_sig, f.data + 0x5070, sizeof(bad_sig));
	bad_sig[10] ^= 0x01;
	n = make_tlv(extra, 0x01, ec_key.keyhash, 32);
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	n += make_tlv(extra + n, 0x22, f.data + 0x5070, 72);
	struct file g = append_tlvs(&f, UNPROT, extra, n);

	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), -EPERM);
	free(g.data);
	free(f.data);
}

static void test_signature_without_keyhash_does_not_count(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");

	(void)state;
	/* Retype the KEYHASH (0x5048) as an RSA-2048 signature: allowed there, not a key. */
	put16(f.data + 0x5048, 0x20);
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, (uint32_t)f.len, NULL), -EPERM);
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, NULL), 0);
	free(f.data);
}

static void test_signature_of_the_other_kind_does_not_count(void **state)
{
	struct file f = load("ed25519.signed.bin");

	(void)state;
	/* The Ed25519 signature retyped as ECDSA, which the Ed25519 key cannot have made. */
	put16(f.data + 0x506c, 0x22);
	assert_int_equal(validate_in(f.data, f.len, 0, &ed_key, 1, (uint32_t)f.len, NULL), -EPERM);
	free(f.data);
}

static void test_signature_of_wrong_length_is_eperm(void **state)
{
	struct file f = load("ed25519.signed.bin");
	struct file e = load("ecdsa-p256.signed.bin");
	uint8_t big[4 + 32 + 4 + 129];
	uint8_t zeros[129] = { 0 };
	size_t n;

	(void)state;
	/* Ed25519 TLV of 63 bytes (the area shrinks with it). */
	put16(f.data + 0x506e, 63);
	put16(f.data + 0x5022, (uint16_t)(le16(f.data + 0x5022) - 1));
	assert_int_equal(validate_in(f.data, f.len - 1, 0, &ed_key, 1, (uint32_t)f.len - 1, NULL),
			 -EPERM);

	/* An ECDSA TLV larger than any DER signature: refused without reading it. */
	n = make_tlv(big, 0x01, ec_key.keyhash, SMPDFU_SHA256_DIGEST_SIZE);
	memcpy(zeros, e.data + 0x5070, 72);
	n += make_tlv(big + n, 0x22, zeros, sizeof(zeros));
	struct file g = append_tlvs(&e, UNPROT, big, n);

	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), -EPERM);
	free(g.data);
	free(e.data);
	free(f.data);
}

static void test_bad_trusted_key_is_eperm(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	uint8_t off_curve[65];
	struct smpdfu_image_key k = ec_key;

	(void)state;
	memcpy(off_curve, ec_pub, sizeof(off_curve));
	off_curve[64] ^= 1;
	k.pub = off_curve;
	assert_int_equal(validate_in(f.data, f.len, 0, &k, 1, (uint32_t)f.len, NULL), -EPERM);
	k.pub = ec_pub;
	k.pub_len = 64;
	assert_int_equal(validate_in(f.data, f.len, 0, &k, 1, (uint32_t)f.len, NULL), -EPERM);
	free(f.data);
}

/* SHA-512 of the hashed part of f into its SHA512 TLV, so that an edit reaches the signature. */
static void rehash512(struct file *f)
{
	struct sha512_ctx ctx;

	assert_int_equal(smpdfu_crypto_sha512_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha512_update(&ctx, f->data, TLV_START), 0);
	assert_int_equal(smpdfu_crypto_sha512_final(&ctx, f->data + find_tlv(f, TLV_START, 0x12)),
			 0);
}

/*
 * A pure signature is checked over the image itself: a payload change with a SHA-512 TLV made to
 * match still fails, by the signature; without SIG_PURE the same signature is read as one over
 * the SHA-512 digest, which it is not.
 */
static void test_pure_signature_covers_the_image(void **state)
{
	struct file f = load("ed25519-pure.signed.bin");
	struct smpdfu_image_validation res;
	uint32_t pure_tlv = find_tlv(&f, UNPROT, 0x25) - 4;

	(void)state;
	f.data[0x4000] ^= 0x80;
	rehash512(&f);
	assert_int_equal(validate_in(f.data, f.len, 0, &ed_key, 1, (uint32_t)f.len, &res), -EPERM);
	assert_string_equal(res.problem, "no valid signature by a trusted key");
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, NULL), 0);
	f.data[0x4000] ^= 0x80;
	rehash512(&f);
	assert_int_equal(validate_in(f.data, f.len, 0, &ed_key, 1, (uint32_t)f.len, &res), 0);
	assert_true(res.pure);

	/* SIG_PURE (5 bytes) taken out, the area shrinks with it. */
	memmove(f.data + pure_tlv, f.data + pure_tlv + 5, f.len - pure_tlv - 5);
	put16(f.data + UNPROT + 2, (uint16_t)(le16(f.data + UNPROT + 2) - 5));
	assert_int_equal(validate_in(f.data, f.len - 5, 0, &ed_key, 1, (uint32_t)f.len - 5, &res),
			 -EPERM);
	assert_false(res.pure);
	assert_int_equal(validate_in(f.data, f.len - 5, 0, NULL, 0, (uint32_t)f.len - 5, NULL), 0);
	free(f.data);
}

/* A PUBKEY names a trusted key only by holding its SubjectPublicKeyInfo exactly. */
static void test_full_key_names_the_trusted_key(void **state)
{
	struct file f = load("ecdsa-p256-fullkey.signed.bin");
	uint32_t pubkey = find_tlv(&f, UNPROT, 0x02);
	const struct smpdfu_image_key both[2] = { ed_key, ec_key };
	struct smpdfu_image_validation res;

	(void)state;
	assert_int_equal(le16(f.data + pubkey - 2), 91);
	assert_memory_equal(f.data + pubkey + 26, ec_pub, sizeof(ec_pub));
	assert_int_equal(validate_in(f.data, f.len, 0, both, 2, (uint32_t)f.len, &res), 0);
	assert_int_equal(validate_in(f.data, f.len, 0, &ed_key, 1, (uint32_t)f.len, &res), -EPERM);
	assert_string_equal(res.problem, "no valid signature by a trusted key");
	/* The key retyped as a KEYHASH of 91 bytes: no hash of ours is that long. */
	put16(f.data + pubkey - 4, 0x01);
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, (uint32_t)f.len, NULL), -EPERM);
	free(f.data);
}

/*
 * A key TLV names a trusted key only exactly: a PUBKEY with one byte more, or a KEYHASH of the
 * other hash's length (the SHA-512 of the key in a SHA-256 image), names none, so the bad
 * signature after it does not count and the image stays valid by imgtool's own pair.
 */
static void test_key_tlvs_name_keys_exactly(void **state)
{
	struct file full = load("ecdsa-p256-fullkey.signed.bin");
	struct file f = load("ecdsa-p256.signed.bin");
	uint32_t pubkey = find_tlv(&full, UNPROT, 0x02);
	uint8_t der[92];
	uint8_t hash512[SMPDFU_SHA512_DIGEST_SIZE];
	uint8_t bad_sig[72];
	uint8_t extra[2 * (4 + 92) + 2 * (4 + 72)];
	struct sha512_ctx ctx;
	size_t n;

	(void)state;
	memcpy(der, full.data + pubkey, 91);
	der[91] = 0x00;
	assert_int_equal(smpdfu_crypto_sha512_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha512_update(&ctx, der, 91), 0);
	assert_int_equal(smpdfu_crypto_sha512_final(&ctx, hash512), 0);
	memcpy(bad_sig, f.data + 0x5070, sizeof(bad_sig));
	bad_sig[10] ^= 0x01;

	n = make_tlv(extra, 0x02, der, 92);
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	struct file g = append_tlvs(&f, UNPROT, extra, n);

	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), 0);
	free(g.data);
	n = make_tlv(extra, 0x02, der, 91);
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	g = append_tlvs(&f, UNPROT, extra, n);
	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), -EPERM);
	free(g.data);

	n = make_tlv(extra, 0x01, hash512, sizeof(hash512));
	n += make_tlv(extra + n, 0x22, bad_sig, sizeof(bad_sig));
	g = append_tlvs(&f, UNPROT, extra, n);
	assert_int_equal(validate_in(g.data, g.len, 0, &ec_key, 1, (uint32_t)g.len, NULL), 0);
	free(g.data);
	free(f.data);
	free(full.data);
}

static void test_problems_are_named(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	struct smpdfu_image_validation res;

	(void)state;
	f.data[0x300] ^= 1;
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, (uint32_t)f.len, &res),
			 -EBADMSG);
	assert_string_equal(res.problem, "image hash mismatch (damaged or altered)");
	f.data[0x300] ^= 1;
	/* The hash TLV retyped as SHA-384 (48 bytes would follow): not something we check. */
	put16(f.data + 0x5024, 0x11);
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, &res), -ENOTSUP);
	assert_string_equal(res.problem, "SHA-384 image hash (not supported)");
	put16(f.data + 0x5024, 0x10);
	f.data[0] ^= 1;
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, (uint32_t)f.len, &res), -ENOENT);
	assert_string_equal(res.problem, "no image (no header magic)");
	free(f.data);
}

/* --- Header and flash ------------------------------------------------------------------------- */

static void test_header_problems(void **state)
{
	struct file f = load("ecdsa-p256.signed.bin");
	struct smpdfu_image_validation res;
	uint8_t erased[64];

	(void)state;
	memset(erased, 0xff, sizeof(erased));
	assert_int_equal(validate_in(erased, sizeof(erased), 0, &ec_key, 1, 32, NULL), -ENOENT);

	/* The header leaves no room for the TLV info (4 bytes): both sides of the bound. */
	assert_int_equal(validate_in(f.data, UNPROT + 3, 0, NULL, 0, UNPROT + 3, &res), -EBADMSG);
	assert_string_equal(res.problem, "malformed header");
	assert_int_equal(validate_in(f.data, UNPROT + 4, 0, NULL, 0, UNPROT + 4, &res), -EBADMSG);
	assert_string_equal(res.problem, "malformed TLV area");
	put16(f.data + 8, 31); /* hdr_size one byte short of the header itself */
	assert_int_equal(validate_in(f.data, f.len, 0, NULL, 0, 32, &res), -EBADMSG);
	assert_string_equal(res.problem, "malformed header");
	put16(f.data + 8, 16); /* hdr_size below the header itself */
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, 32, NULL), -EBADMSG);
	put16(f.data + 8, 0x200);
	f.data[15] = 0x80; /* img_size beyond the area */
	assert_int_equal(validate_in(f.data, f.len, 0, &ec_key, 1, 32, NULL), -EBADMSG);
	free(f.data);
}

static void test_flash_errors_are_eio(void **state)
{
	struct file f = load("protected-tlvs.signed.bin");
	struct rig r;
	int reads;

	(void)state;
	/* Count the reads of a clean run, then fail each one in turn. */
	rig_open(&r, f.data, f.len, f.len);
	assert_int_equal(smpdfu_image_validate(&r.fa, &ec_key, 1, NULL), 0);
	reads = r.spy.reads;
	rig_close(&r);
	assert_true(reads > 5);
	for (int n = 1; n <= reads; n++) {
		rig_open(&r, f.data, f.len, f.len);
		r.spy.fail_read_at = n;
		if (smpdfu_image_validate(&r.fa, &ec_key, 1, NULL) != -EIO) {
			fail_msg("read %d of %d failing was not -EIO", n, reads);
		}
		rig_close(&r);
	}
	free(f.data);
}

/* A slot the map lacks (a NULL area) reads as a flash error, never as an image. */
static void test_no_area_is_eio(void **state)
{
	struct smpdfu_image_header hdr;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	assert_int_equal(smpdfu_image_read_header(NULL, &hdr), -EIO);
	assert_int_equal(smpdfu_image_read_hash(NULL, &hdr, hash), -EIO);
}

/* ---- version order and text, as MCUmgr compares and shows them ------------------------------- */

static void test_version_text(void **state)
{
	static const struct {
		struct smpdfu_image_version v;
		const char *text;
	} cases[] = {
		{ { 0, 0, 0, 0 }, "0.0.0" },
		{ { 1, 2, 3, 0 }, "1.2.3" },
		{ { 1, 2, 3, 4 }, "1.2.3.4" },
		{ { 10, 99, 1000, 12345 }, "10.99.1000.12345" },
		/* The longest there is: 24 characters and the NUL. */
		{ { 255, 255, 65535, UINT32_MAX }, "255.255.65535.4294967295" },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		char out[SMPDFU_IMAGE_VERSION_STR_MAX];

		memset(out, 'x', sizeof(out));
		smpdfu_image_version_str(&cases[k].v, out);
		assert_string_equal(out, cases[k].text);
	}
}

static void test_version_order(void **state)
{
	static const struct smpdfu_image_version base = { 1, 2, 3, 4 };
	/* Each field decides when the ones before it are equal, whatever the ones after it hold. */
	static const struct smpdfu_image_version above[] = {
		{ 2, 0, 0, 0 }, { 1, 3, 0, 0 }, { 1, 2, 4, 0 }, { 1, 2, 0x100, 0 }, { 1, 2, 3, 5 },
	};
	static const struct smpdfu_image_version below[] = {
		{ 0, 255, 65535, UINT32_MAX }, { 1, 1, 65535, UINT32_MAX }, { 1, 2, 2, UINT32_MAX },
		{ 1, 2, 3, 3 },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(above); k++) {
		assert_true(smpdfu_image_version_cmp(&above[k], &base, true) > 0);
		assert_true(smpdfu_image_version_cmp(&base, &above[k], true) < 0);
	}
	for (size_t k = 0; k < ARRAY_SIZE(below); k++) {
		assert_true(smpdfu_image_version_cmp(&below[k], &base, true) < 0);
		assert_true(smpdfu_image_version_cmp(&base, &below[k], true) > 0);
	}
	/* The build number counts only when asked to. */
	assert_int_equal(smpdfu_image_version_cmp(&above[4], &base, false), 0);
	assert_int_equal(smpdfu_image_version_cmp(&below[3], &base, false), 0);
	assert_int_equal(smpdfu_image_version_cmp(&base, &base, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_vector_validates_with_its_key),
		cmocka_unit_test(test_every_vector_validates_by_hash_without_keys),
		cmocka_unit_test(test_either_key_of_a_set_is_found),
		cmocka_unit_test(test_wrong_key_is_eperm),
		cmocka_unit_test(test_hash_only_image_with_keys_is_eperm),
		cmocka_unit_test(test_protected_tlvs_are_parsed),
		cmocka_unit_test(test_one_flipped_byte),
		cmocka_unit_test(test_every_truncation_is_ebadmsg),
		cmocka_unit_test(test_tlv_lengths_past_the_end_are_ebadmsg),
		cmocka_unit_test(test_entry_header_across_the_end_is_ebadmsg),
		cmocka_unit_test(test_protected_size_mismatch_is_ebadmsg),
		cmocka_unit_test(test_protected_size_mismatch_rehashed_is_ebadmsg),
		cmocka_unit_test(test_protected_area_contents),
		cmocka_unit_test(test_second_hash_tlv_is_ebadmsg),
		cmocka_unit_test(test_hash_tlv_of_wrong_size_or_missing_is_ebadmsg),
		cmocka_unit_test(test_unknown_tlv_in_unprotected_area_is_ebadmsg),
		cmocka_unit_test(test_last_verified_signature_decides),
		cmocka_unit_test(test_key_is_spent_by_its_signature),
		cmocka_unit_test(test_signature_without_keyhash_does_not_count),
		cmocka_unit_test(test_signature_of_the_other_kind_does_not_count),
		cmocka_unit_test(test_signature_of_wrong_length_is_eperm),
		cmocka_unit_test(test_bad_trusted_key_is_eperm),
		cmocka_unit_test(test_pure_signature_covers_the_image),
		cmocka_unit_test(test_full_key_names_the_trusted_key),
		cmocka_unit_test(test_key_tlvs_name_keys_exactly),
		cmocka_unit_test(test_problems_are_named),
		cmocka_unit_test(test_header_problems),
		cmocka_unit_test(test_flash_errors_are_eio),
		cmocka_unit_test(test_no_area_is_eio),
		cmocka_unit_test(test_version_text),
		cmocka_unit_test(test_version_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
