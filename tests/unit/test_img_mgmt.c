/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image group: the upload bytes of the protocol reference (§8.3/8.4) in smpclient and Go CLI
 * form, resume by sha, offset mismatches, completion with "match", every first-chunk rejection
 * (each leaving flash and the upload in progress untouched), hooks, erase and slot info.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>

#include "fake_port.h"
#include "test_device.h"
#include "util.h"

#define IMAGE_MAX 8192

static uint8_t image[IMAGE_MAX];
static size_t image_len;
static uint8_t seq;

/* Direct-XIP (with or without revert): no swap-type table; the higher version boots. */
static bool mode_is_direct_xip(void)
{
	return CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	       CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT;
}

static int setup(void **state)
{
	(void)state;
	test_device_init(SMP_TRANSPORT_UDP);
	smpdfu_boot_set_running_slot(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_device_deinit();
	return 0;
}

/* §8.3: the first chunk in smpclient form (v2, canonical definite map, 64 data bytes). */
static const char first_chunk_smpclient[] =
	"0a 00 00 8a 00 01 10 01 a6 63 6c 65 6e 19 12 30 63 6f 66 66 00 63 73 68 61 58 20"
	" 13f5260fd1e4739e007c95cd8b224b9a0a2c4196eafaa850458d8374da236d29"
	" 64 64 61 74 61 58 40"
	" 3d b8 f3 96 00 00 00 00 00 02 00 00 00 10 00 00"
	" 00 00 00 00 01 02 03 00 00 00 00 00 00 00 00 00"
	" 00000000000000000000000000000000 00000000000000000000000000000000"
	" 65 69 6d 61 67 65 00 67 75 70 67 72 61 64 65 f4";

/* The same first chunk as the Go CLI sends it (v1; image, off, len, sha, data). */
static const char first_chunk_go_cli[] =
	"02 00 00 81 00 01 12 01 a5 65 69 6d 61 67 65 00 63 6f 66 66 00 63 6c 65 6e 19 12 30"
	" 63 73 68 61 58 20 13f5260fd1e4739e007c95cd8b224b9a0a2c4196eafaa850458d8374da236d29"
	" 64 64 61 74 61 58 40"
	" 3d b8 f3 96 00 00 00 00 00 02 00 00 00 10 00 00"
	" 00 00 00 00 01 02 03 00 00 00 00 00 00 00 00 00"
	" 00000000000000000000000000000000 00000000000000000000000000000000";

/* Encodes an upload request (v2, definite map like a client) and sends it. */
struct upload_args {
	uint32_t off;
	const uint8_t *data;
	size_t data_len;
	int64_t len;         /* -1: leave out */
	const uint8_t *sha;  /* NULL: leave out */
	size_t sha_len;
	int64_t image;       /* -1: leave out */
	bool upgrade;
	uint8_t version;     /* SMP_VERSION_1 or _2 */
};

static size_t send_upload(const struct upload_args *a)
{
	static uint8_t req[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	struct cbor_writer w;
	size_t pairs = 2 + (a->len >= 0) + (a->sha != NULL) + (a->image >= 0) + a->upgrade;
	struct smpdfu_smp_hdr h = {
		.op = SMP_OP_WRITE, .version = a->version, .group = MGMT_GROUP_ID_IMAGE,
		.seq = seq++, .id = IMG_MGMT_ID_UPLOAD,
	};

	smpdfu_cbor_writer_init(&w, req + SMP_HDR_SIZE, sizeof(req) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, pairs);
	if (a->image >= 0) {
		smpdfu_cbor_put_cstr(&w, "image");
		smpdfu_cbor_put_uint(&w, (uint64_t)a->image);
	}
	if (a->len >= 0) {
		smpdfu_cbor_put_cstr(&w, "len");
		smpdfu_cbor_put_uint(&w, (uint64_t)a->len);
	}
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, a->off);
	if (a->sha != NULL) {
		smpdfu_cbor_put_cstr(&w, "sha");
		smpdfu_cbor_put_bstr(&w, a->sha, a->sha_len);
	}
	if (a->upgrade) {
		smpdfu_cbor_put_cstr(&w, "upgrade");
		smpdfu_cbor_put_bool(&w, true);
	}
	smpdfu_cbor_put_cstr(&w, "data");
	smpdfu_cbor_put_bstr(&w, a->data, a->data_len);
	assert_false(w.overflow);
	h.len = (uint16_t)w.len;
	smpdfu_smp_hdr_encode(&h, req);
	return test_device_send(req, SMP_HDR_SIZE + w.len);
}

/* The decoded single response: off (or -1), match (-1 absent), rc, err group/rc. */
struct upload_rsp {
	int64_t off;
	int match;
	int64_t rc;
	int64_t err_group;
	int64_t err_rc;
};

static struct upload_rsp decode_rsp(void)
{
	struct upload_rsp r = { -1, -1, -1, -1, -1 };
	const uint8_t *body = test_dev.rsp[0].data + SMP_HDR_SIZE;
	size_t len = test_dev.rsp[0].len - SMP_HDR_SIZE;
	struct cbor_reader rd;
	struct cbor_item it;

	assert_int_equal(test_dev.rsp_count, 1);
	smpdfu_cbor_reader_init(&rd, body, len);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_MAP);
	for (;;) {
		struct cbor_item key;
		struct cbor_item val;

		assert_int_equal(smpdfu_cbor_read(&rd, &key), 0);
		if (key.type == CBOR_TYPE_BREAK) {
			break;
		}
		assert_int_equal(key.type, CBOR_TYPE_TSTR);
		assert_int_equal(smpdfu_cbor_read(&rd, &val), 0);
		if (smpdfu_cbor_view_eq(key.v, "off")) {
			r.off = (int64_t)val.u;
		} else if (smpdfu_cbor_view_eq(key.v, "match")) {
			r.match = val.b;
		} else if (smpdfu_cbor_view_eq(key.v, "rc")) {
			r.rc = (int64_t)val.u;
		} else if (smpdfu_cbor_view_eq(key.v, "err")) {
			struct cbor_item k2;
			struct cbor_item v2;

			for (;;) {
				assert_int_equal(smpdfu_cbor_read(&rd, &k2), 0);
				if (k2.type == CBOR_TYPE_BREAK) {
					break;
				}
				assert_int_equal(smpdfu_cbor_read(&rd, &v2), 0);
				if (smpdfu_cbor_view_eq(k2.v, "group")) {
					r.err_group = (int64_t)v2.u;
				} else {
					r.err_rc = (int64_t)v2.u;
				}
			}
		} else if (smpdfu_cbor_view_eq(key.v, "rsn")) {
			assert_true(CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE);
		} else {
			fail_msg("unexpected key %.*s", (int)key.v.len, key.v.ptr);
		}
	}
	assert_int_equal(smpdfu_cbor_reader_remaining(&rd), 0);
	return r;
}

static void file_sha(const uint8_t *data, size_t len, uint8_t out[32])
{
	struct sha256_ctx ctx;

	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, data, len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, out), 0);
}

static struct upload_rsp upload_chunk(uint32_t off, size_t n,
				      const uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct upload_args a = {
		.off = off, .data = image + off, .data_len = n,
		.len = off ? -1 : (int64_t)image_len, .sha = off ? NULL : sha, .sha_len = 32,
		.image = off ? -1 : 0, .version = SMP_VERSION_2,
	};

	send_upload(&a);
	return decode_rsp();
}

/* Uploads the whole image in chunks of n; returns the last response. */
static struct upload_rsp upload_all(size_t n)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r = { 0 };
	uint32_t off = 0;

	file_sha(image, image_len, sha);
	while (off < image_len) {
		size_t len = image_len - off < n ? image_len - off : n;

		r = upload_chunk(off, len, sha);
		assert_int_equal(r.rc, -1);
		assert_int_equal(r.err_rc, -1);
		assert_int_equal(r.off, off + len);
		off += (uint32_t)len;
	}
	return r;
}

static void assert_slot1_holds_image(void)
{
	static uint8_t got[IMAGE_MAX];
	const struct smpdfu_flash_area *fa =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	assert_int_equal(smpdfu_flash_area_read(fa, 0, got, image_len), 0);
	assert_memory_equal(got, image, image_len);
}

static void reference_first_chunk_resume_and_mismatch(void **state)
{
	(void)state;
	/* §8.3: 64 bytes accepted. */
	test_expect_exchange(first_chunk_smpclient,
			     "0b 00 00 08 00 01 10 01 bf 63 6f 66 66 18 40 ff");
	/* The Go CLI's first chunk with the same sha resumes: nothing written, off 64. */
	uint64_t programs = test_dev.flash.count.programs;

	test_expect_exchange(first_chunk_go_cli, "03 00 00 08 00 01 12 01 bf 63 6f 66 66 18 40 ff");
	assert_int_equal(test_dev.flash.count.programs, programs);
	/* §8.3 middle request at 1024, 64 expected: {"off": 64}, no error, nothing written. */
	static const char middle[] = "0a 00 00 4f 00 01 11 01 a2 63 6f 66 66 19 04 00 64 64 61 74"
				     " 61 58 40"
				     " 00000000000000000000000000000000"
				     " 00000000000000000000000000000000"
				     " 00000000000000000000000000000000"
				     " 00000000000000000000000000000000";

	test_expect_exchange(middle, "0b 00 00 08 00 01 11 01 bf 63 6f 66 66 18 40 ff");
	assert_int_equal(test_dev.flash.count.programs, programs);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 64);

	/* Fill 64..1024, then the same middle request is accepted: {"off": 1088}. */
	memset(image, 0, sizeof(image));
	image_len = 0x1230;
	for (uint32_t off = 64; off < 1024; off += 64) {
		assert_int_equal(upload_chunk(off, 64, NULL).off, off + 64);
	}
	test_expect_exchange(middle, "0b 00 00 09 00 01 11 01 bf 63 6f 66 66 19 04 40 ff");
}

static void reference_errors(void **state)
{
	(void)state;
	/* §8.4: a first chunk without the MCUboot magic. */
	test_expect_exchange("0a 00 00 54 00 01 13 01 a3 63 6f 66 66 00 63 6c 65 6e 19 12 30"
			     " 64 64 61 74 61 58 40"
			     " 00000000000000000000000000000000 00000000000000000000000000000000"
			     " 00000000000000000000000000000000 00000000000000000000000000000000",
			     "0b 00 00 13 00 01 13 01 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 17 ff ff");
	if (CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE) {
		/* §8.4's verbose form: {"rc":1,"rsn":"magic mismatch"} (the test device keeps the
		 * reason apart; see test_device.c). */
		test_expect_exchange(
			"02 00 00 54 00 01 13 01 a3 63 6f 66 66 00 63 6c 65 6e 19 12 30"
			" 64 64 61 74 61 58 40"
			" 00000000000000000000000000000000 00000000000000000000000000000000"
			" 00000000000000000000000000000000 00000000000000000000000000000000",
			"03 00 00 06 00 01 13 01 bf 62 72 63 01 ff");
		assert_string_equal(test_dev.reason[0], "magic mismatch");
	} else {
		test_expect_exchange(
			"02 00 00 54 00 01 13 01 a3 63 6f 66 66 00 63 6c 65 6e 19 12 30"
			" 64 64 61 74 61 58 40"
			" 00000000000000000000000000000000 00000000000000000000000000000000"
			" 00000000000000000000000000000000 00000000000000000000000000000000",
			"03 00 00 06 00 01 13 01 bf 62 72 63 01 ff");
	}
}

static void full_upload_reports_match(void **state)
{
	struct upload_rsp r;

	(void)state;
	/* The reference's image is unsigned: a build that requires signatures refuses it. */
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		skip();
	}
	/* 4656 bytes like §8.3: 0x200 header + 4104 payload + 40 bytes of TLVs. */
	image_len = test_make_image(image, sizeof(image), 1, 2, 3, 0, 4104, 0, 0);
	assert_int_equal(image_len, 4656);
	r = upload_all(700);
	assert_int_equal(r.off, 4656);
	assert_int_equal(r.match, CONFIG_IMG_ENABLE_IMAGE_CHECK ? 1 : -1);
	/* Final response bytes as in §8.3: {_ "off": 4656, "match": true } */
	if (CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		assert_int_equal(test_dev.rsp[0].len, 8 + 16);
		assert_memory_equal(test_dev.rsp[0].data + 8,
				    "\xbf\x63off\x19\x12\x30\x65match\xf5\xff", 16);
	}
	assert_slot1_holds_image();
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	/* After completion a continuation is stale: {"off": 0}. */
	assert_int_equal(upload_chunk(700, 10, NULL).off, 0);
}

static void wrong_sha_reports_no_match(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE] = { 1 };
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		skip();
	}
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 1000, 0, 0);
	r = upload_chunk(0, image_len, sha);
	assert_int_equal(r.off, image_len);
	assert_int_equal(r.match, 0);
}

/*
 * The image check hashes each chunk as it is written. Whatever happens between the first chunk
 * and the last, "match" must say whether the slot holds the image the sha names: these run the
 * paths that keep or forget a hash, each ending in a complete upload that must match.
 */
static void uploads_rest(uint32_t off, size_t n, const uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE],
			 struct upload_rsp *r)
{
	while (off < image_len) {
		size_t len = image_len - off < n ? image_len - off : n;

		*r = upload_chunk(off, len, sha);
		assert_int_equal(r->off, off + len);
		off += (uint32_t)len;
	}
}

static void image_check_continues_over_a_resume(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		skip();
	}
	image_len = test_make_image(image, sizeof(image), 3, 1, 0, 0, 5000, 0, 0);
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 700, sha).off, 700);
	assert_int_equal(upload_chunk(700, 700, sha).off, 1400);
	/* A chunk sent twice and one from the past are answered, not written nor hashed. */
	assert_int_equal(upload_chunk(700, 700, sha).off, 1400);
	assert_int_equal(upload_chunk(1400, 300, sha).off, 1700);
	assert_int_equal(upload_chunk(1400, 300, sha).off, 1700);
	/* The same image's first chunk again (another client, or after a reconnect) resumes. */
	test_device_set_client(9);
	assert_int_equal(upload_chunk(0, 700, sha).off, 1700);
	uploads_rest(1700, 650, sha, &r);
	assert_int_equal(r.match, 1);
	assert_slot1_holds_image();
}

static void image_check_starts_again_with_another_image(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	uint8_t other_sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		skip();
	}
	/* Half of one image, then another from its start: the first's bytes are not in the hash. */
	image_len = test_make_image(image, sizeof(image), 3, 2, 0, 0, 5000, 0, 0);
	file_sha(image, image_len, other_sha);
	assert_int_equal(upload_chunk(0, 1000, other_sha).off, 1000);
	assert_int_equal(upload_chunk(1000, 1000, other_sha).off, 2000);
	image_len = test_make_image(image, sizeof(image), 3, 3, 0, 0, 4000, 0, 0);
	file_sha(image, image_len, sha);
	uploads_rest(0, 900, sha, &r);
	assert_int_equal(r.match, 1);
	assert_slot1_holds_image();
}

static void image_check_forgotten_with_the_upload(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		skip();
	}
	image_len = test_make_image(image, sizeof(image), 3, 4, 0, 0, 5000, 0, 0);
	file_sha(image, image_len, sha);
	/* An erase forgets the upload and its hash: the same image again starts at 0. */
	assert_int_equal(upload_chunk(0, 1500, sha).off, 1500);
	test_expect_exchange("0a 00 00 01 00 01 46 05 a0", "0b 00 00 02 00 01 46 05 bf ff");
	uploads_rest(0, 1100, sha, &r);
	assert_int_equal(r.match, 1);
	/* So does another DFU transport taking the lock (dfu_mcumgr resets the upload). */
	test_expect_exchange("0a 00 00 01 00 01 47 05 a0", "0b 00 00 02 00 01 47 05 bf ff");
	assert_int_equal(upload_chunk(0, 1500, sha).off, 1500);
	smpdfu_img_mgmt_reset_upload();
	assert_int_equal(upload_chunk(1500, 1000, sha).off, 0);
	uploads_rest(0, 1300, sha, &r);
	assert_int_equal(r.match, 1);
	assert_slot1_holds_image();
}

static void image_check_sees_a_changed_chunk(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		skip();
	}
	image_len = test_make_image(image, sizeof(image), 3, 5, 0, 0, 5000, 0, 0);
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 1500, sha).off, 1500);
	/* One byte of the middle differs from the image the sha names. */
	image[2500] ^= 0x40;
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		/* Its signature no longer holds either: the last chunk is refused for that. */
		for (uint32_t off = 1500; off + 100 < image_len; off += 1000) {
			size_t len = image_len - 100 - off < 1000 ? image_len - 100 - off : 1000;

			assert_int_equal(upload_chunk(off, len, sha).off, off + len);
		}
		r = upload_chunk((uint32_t)image_len - 100, 100, sha);
		assert_int_equal(r.err_rc, IMG_MGMT_ERR_INVALID_TLV);
		return;
	}
	uploads_rest(1500, 1000, sha, &r);
	assert_int_equal(r.match, 0);
}

static void chunk_sizes_and_unaligned_tails(void **state)
{
	static const size_t sizes[] = { 33, 64, 333, 1021, 1700 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		image_len = test_make_image(image, sizeof(image), 2, 0, (uint16_t)i, 0,
					    5000 + i * 3, 0, 0);
		assert_int_equal(upload_all(sizes[i]).match,
				 CONFIG_IMG_ENABLE_IMAGE_CHECK ? 1 : -1);
		assert_slot1_holds_image();
	}
}

static void first_request_does_not_erase_the_slot(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	uint64_t pages;

	(void)state;
	/* Dirty the whole secondary slot, like an old image would. */
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 6000, 0, 0);
	test_program_slot(1, image, image_len);
	const struct smpdfu_flash_area *fa =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	static const uint8_t junk[16] = { 0 };

	assert_int_equal(smpdfu_flash_area_program(fa, fa->size - 16, junk, 16), 0);
	pages = test_dev.flash.count.pages_erased;
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 512, sha).off, 512);
	/* Only the first data page and the old trailer's page: no long erase up front. */
	assert_int_equal(test_dev.flash.count.pages_erased - pages, 2);
	assert_true(smpdfu_flash_area_is_erased(fa, fa->size - CONFIG_SIM_FLASH_PAGE_SIZE,
						CONFIG_SIM_FLASH_PAGE_SIZE));
}

/* A rejected request must change nothing: the flash and the upload in progress. */
static void expect_rejected(const struct upload_args *a, int64_t rc, int64_t group_rc)
{
	uint64_t ops = flash_sim_op_count(&test_dev.flash);
	uint32_t off = smpdfu_img_mgmt_upload_offset();
	struct upload_rsp r;

	send_upload(a);
	r = decode_rsp();
	assert_int_equal(r.rc, rc);
	assert_int_equal(r.err_rc, group_rc);
	assert_int_equal(r.err_group, group_rc >= 0 ? MGMT_GROUP_ID_IMAGE : -1);
	assert_int_equal(r.off, -1);
	assert_int_equal(flash_sim_op_count(&test_dev.flash), ops);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), off);
}

/*
 * Bounds of an upload on both sides: a resume needs the whole sha (a prefix of it starts again);
 * the last chunk may end at the image's length but not one byte past it.
 */
static void resume_and_overrun_bounds(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;
	struct upload_args a = { .off = 0, .data = image, .data_len = 256, .sha = sha,
				 .sha_len = 16, .image = 0, .version = SMP_VERSION_2 };

	(void)state;
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 1000, 0, 0);
	a.len = (int64_t)image_len;
	file_sha(image, image_len, sha);
	r = upload_chunk(0, 512, sha);
	assert_int_equal(r.off, 512);
	/* The first 16 bytes of the same sha: a new upload, not a resume at 512. */
	send_upload(&a);
	r = decode_rsp();
	assert_int_equal(r.off, 256);
	assert_int_equal(upload_chunk(0, 512, sha).off, 512);
	assert_int_equal(upload_chunk(0, 512, sha).off, 512); /* the same sha resumes */

	a = (struct upload_args){ .off = 512, .data = image + 512, .data_len = image_len - 512 + 1,
				  .len = -1, .image = -1, .version = SMP_VERSION_2 };
	send_upload(&a);
	r = decode_rsp();
	assert_int_equal(r.err_rc, IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN);
	a.data_len--;
	send_upload(&a);
	r = decode_rsp();
	assert_int_equal(r.err_rc, -1);
	assert_int_equal(r.off, image_len);
	assert_slot1_holds_image();
}

/*
 * Two chunks of an upload started with `sha` (NULL: none), then its first chunk again: with no
 * sha to resume by, a new upload starts (off 256 again), where a resume (off 512) would have the
 * client send its image's tail after the other image's head.
 */
static void first_chunk_again_restarts(const uint8_t *sha)
{
	struct upload_args first = { .off = 0, .data = image, .data_len = 256, .sha = sha,
				     .sha_len = 0, .image = -1, .version = SMP_VERSION_2 };
	struct upload_args next = { .off = 256, .data = image + 256, .data_len = 256, .len = -1,
				    .image = -1, .version = SMP_VERSION_2 };

	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 1000, 0, 0);
	first.len = (int64_t)image_len;
	send_upload(&first);
	assert_int_equal(decode_rsp().off, 256);
	send_upload(&next);
	assert_int_equal(decode_rsp().off, 512);
	send_upload(&first);
	assert_int_equal(decode_rsp().off, 256);
}

/* Without a sha there is nothing to resume by. */
static void no_sha_never_resumes(void **state)
{
	(void)state;
	first_chunk_again_restarts(NULL);
}

/* An empty sha (h'') is no sha either: MCUmgr resumes only by a sha of at least one byte. */
static void empty_sha_never_resumes(void **state)
{
	(void)state;
	first_chunk_again_restarts(image);
}

static void first_chunk_rejections(void **state)
{
	uint8_t sha[33] = { 0 };
	uint8_t bad_magic[64] = { 0 };
	struct upload_args a;

	(void)state;
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 4000, 0, 0);
	file_sha(image, image_len, sha);
	/* An upload in progress that none of the rejections may disturb. */
	assert_int_equal(upload_chunk(0, 100, sha).off, 100);

	a = (struct upload_args){ .off = 0, .data = image, .data_len = 31, .len = 4000,
				  .version = SMP_VERSION_2 };
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_HEADER);
	a.data_len = 64;
	a.len = -1;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_LENGTH);
	a.len = 4000;
	a.data = bad_magic;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC);
	a.data = image;
	a.sha = sha;
	a.sha_len = 33;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_HASH);
	a.sha = NULL;
	a.image = 0x100000000; /* does not decode as Zephyr's uint32 */
	expect_rejected(&a, MGMT_ERR_EINVAL, -1);
	a.image = 0;
	a.len = CONFIG_SIM_SLOT_SIZE + 1;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE);
	a.len = 10;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN);
	/* No running image: "upgrade" cannot compare versions. */
	a.len = 4000;
	a.upgrade = true;
	expect_rejected(&a, -1, IMG_MGMT_ERR_VERSION_GET_FAILED);
	/* v1: the same group errors translated to rc. */
	a.upgrade = false;
	a.version = SMP_VERSION_1;
	a.data = bad_magic;
	expect_rejected(&a, MGMT_ERR_EUNKNOWN, -1);
	a.data = image;
	a.data_len = 31;
	expect_rejected(&a, MGMT_ERR_EINVAL, -1);

	/* Missing "off"; "data" of the wrong type; the upload still continues afterwards. */
	test_expect_exchange("0a 00 00 0a 00 01 70 01 a1 64 64 61 74 61 43 01 02 03",
			     "0b 00 00 13 00 01 70 01 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 14 ff ff");
	test_expect_exchange("0a 00 00 0f 00 01 71 01 a2 63 6f 66 66 00 64 64 61 74 61 63 61 62 63",
			     "0b 00 00 06 00 01 71 01 bf 62 72 63 03 ff");
	assert_int_equal(upload_chunk(100, 100, NULL).off, 200);
	/* An overrun at the right offset is refused too, and the upload survives it. */
	for (uint32_t off = 200; off < 4200; off += 1000) {
		assert_int_equal(upload_chunk(off, 1000, NULL).off, off + 1000);
	}
	a = (struct upload_args){ .off = 4200, .data = image, .data_len = 1000, .len = -1,
				  .version = SMP_VERSION_2 };
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 4200);
	assert_int_equal(upload_chunk(4200, image_len - 4200, NULL).off, image_len);
}

/*
 * An upload ends before the bootloader's trailer (the mode's limit, smpdfu_boot_max_image_size()):
 * a whole slot, as imgtool --pad makes it, carries a trailer of its own and is refused as too
 * large, as Zephyr does with its TOO_LARGE checks; the limit itself is accepted.
 */
static void uploads_stop_short_of_the_trailer(void **state)
{
	const struct smpdfu_flash_area *slot1 =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	const uint32_t max = smpdfu_boot_max_image_size();
	struct upload_args a;
	struct upload_rsp r;

	(void)state;
	assert_true(max > 0 && max <= smpdfu_boot_swap_info_off(slot1->size));
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 4000, 0, 0);
	a = (struct upload_args){ .off = 0, .data = image, .data_len = 64,
				  .len = slot1->size, .image = 0, .version = SMP_VERSION_2 };
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE);
	a.len = max + 1;
	expect_rejected(&a, -1, IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE);
	a.version = SMP_VERSION_1;
	expect_rejected(&a, MGMT_ERR_EUNKNOWN, -1);
	a.version = SMP_VERSION_2;
	a.len = max;
	send_upload(&a);
	r = decode_rsp();
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err_rc, -1);
	assert_int_equal(r.off, 64);
	smpdfu_img_mgmt_reset_upload();
}

/*
 * A trailer an older image left on the slot's last page must not describe the new one: the first
 * chunk erases that page when the image ends at or before the page's start (the bound itself
 * is reached in the modes whose largest image ends at it: overwrite-only, direct-XIP); an image
 * reaching into the page erases it as its data arrives.
 */
static void first_chunk_erases_a_stale_last_page(void **state)
{
	static const uint8_t stale[16] = { 0 };
	const struct smpdfu_flash_area *slot1 =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	const uint32_t last_page = slot1->size - slot1->dev->page_size;
	const uint32_t max = smpdfu_boot_max_image_size();
	struct upload_args a;

	(void)state;
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 4000, 0, 0);
	assert_int_equal(smpdfu_flash_area_program(
				 slot1, smpdfu_boot_swap_info_off(slot1->size) - 16, stale, 16),
			 0);
	a = (struct upload_args){ .off = 0, .data = image, .data_len = 64,
				  .len = max < last_page ? max : last_page, .image = 0,
				  .version = SMP_VERSION_2 };
	send_upload(&a);
	assert_int_equal(decode_rsp().off, 64);
	assert_true(smpdfu_flash_area_is_erased(slot1, last_page, slot1->dev->page_size));
	smpdfu_img_mgmt_reset_upload();
}

static void upgrade_requires_a_newer_version(void **state)
{
	static uint8_t running[IMAGE_MAX];
	size_t running_len = test_make_image(running, sizeof(running), 1, 2, 3, 9, 100, 0, 0);
	struct upload_args a = { .off = 0, .data = image, .data_len = 64, .len = 0,
				 .upgrade = true, .version = SMP_VERSION_2 };

	(void)state;
	test_program_slot(0, running, running_len);
	/* Equal (build numbers are not compared by default) and older: refused. */
	image_len = test_make_image(image, sizeof(image), 1, 2, 3, 10, 1000, 0, 0);
	a.len = (int64_t)image_len;
	expect_rejected(&a, -1, CONFIG_MCUMGR_GRP_IMG_VERSION_CMP_USE_BUILD_NUMBER ?
				       -1 : IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER);
	image_len = test_make_image(image, sizeof(image), 1, 1, 9, 0, 1000, 0, 0);
	expect_rejected(&a, -1, IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER);
	/* Newer: accepted. */
	image_len = test_make_image(image, sizeof(image), 1, 2, 4, 0, 1000, 0, 0);
	send_upload(&a);
	assert_int_equal(decode_rsp().off, 64);
}

/* ---- Hooks ----------------------------------------------------------------------------------- */

static uint32_t events[64];
static size_t event_count;
static enum mgmt_cb_return chunk_answer;
static enum smp_transport_kind chunk_transport;
static uint32_t chunk_image;

static enum mgmt_cb_return record_event(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
					uint16_t *group, bool *abort_more, void *data,
					size_t size)
{
	(void)prev;
	(void)abort_more;
	if (event_count < 64) {
		events[event_count++] = event;
	}
	if (event == MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK) {
		const struct smpdfu_img_mgmt_upload_check *c = data;

		assert_int_equal(size, sizeof(*c));
		chunk_transport = c->transport;
		chunk_image = c->req->image;
		if (chunk_answer == MGMT_CB_ERROR_RC) {
			*rc = MGMT_ERR_EACCESSDENIED;
		} else if (chunk_answer == MGMT_CB_ERROR_ERR) {
			*group = MGMT_GROUP_ID_IMAGE;
			*rc = IMG_MGMT_ERR_UNKNOWN;
		}
		return chunk_answer;
	}
	return MGMT_CB_OK;
}

static struct smpdfu_mgmt_callback recorder = {
	.callback = record_event, .event_id = MGMT_EVT_OP_IMG_MGMT_ALL,
};

static size_t count_events(uint32_t event)
{
	size_t n = 0;

	for (size_t i = 0; i < event_count; i++) {
		n += events[i] == event;
	}
	return n;
}

static void status_hooks_in_order(void **state)
{
	(void)state;
	if (!CONFIG_MCUMGR_GRP_IMG_STATUS_HOOKS || !CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
		skip();
	}
	event_count = 0;
	chunk_answer = MGMT_CB_OK;
	smpdfu_mgmt_callback_register(&recorder);
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 2000, 0, 0);
	upload_all(1000);
	/* 3 chunks: CHUNK, STARTED, WRITE_COMPLETE, CHUNK, WRITE_COMPLETE, CHUNK, PENDING */
	const uint32_t want[] = {
		MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK, MGMT_EVT_OP_IMG_MGMT_DFU_STARTED,
		MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK_WRITE_COMPLETE, MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK,
		MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK_WRITE_COMPLETE, MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK,
		MGMT_EVT_OP_IMG_MGMT_DFU_PENDING,
	};

	assert_int_equal(event_count, ARRAY_SIZE(want));
	assert_memory_equal(events, want, sizeof(want));
	assert_int_equal(chunk_transport, SMP_TRANSPORT_UDP);
	/* Offset mismatches and resumes do not call the chunk hook. */
	event_count = 0;
	assert_int_equal(upload_chunk(500, 10, NULL).off, 0);
	assert_int_equal(event_count, 0);
}

static void chunk_veto(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	if (!CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
		skip();
	}
	event_count = 0;
	smpdfu_mgmt_callback_register(&recorder);
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 3000, 0, 0);
	file_sha(image, image_len, sha);
	chunk_answer = MGMT_CB_OK;
	assert_int_equal(upload_chunk(0, 1000, sha).off, 1000);

	/* ERROR_RC: the SMP rc, the upload forgotten, DFU_STOPPED. */
	chunk_answer = MGMT_CB_ERROR_RC;
	uint64_t ops = flash_sim_op_count(&test_dev.flash);

	r = upload_chunk(1000, 1000, NULL);
	assert_int_equal(r.rc, MGMT_ERR_EACCESSDENIED);
	assert_int_equal(r.off, -1);
	assert_int_equal(flash_sim_op_count(&test_dev.flash), ops);
	assert_int_equal(count_events(MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED), 1);
	chunk_answer = MGMT_CB_OK;
	assert_int_equal(upload_chunk(1000, 1000, NULL).off, 0);

	/* ERROR_ERR: an err map and no "off" (unlike the stored Zephyr code). */
	chunk_answer = MGMT_CB_ERROR_ERR;
	r = upload_chunk(0, 1000, sha);
	assert_int_equal(r.err_group, MGMT_GROUP_ID_IMAGE);
	assert_int_equal(r.err_rc, IMG_MGMT_ERR_UNKNOWN);
	assert_int_equal(r.off, -1);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
}

static void transport_kind_reaches_the_hook(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	if (!CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
		skip();
	}
	test_dev.tp.kind = SMP_TRANSPORT_BLE;
	chunk_answer = MGMT_CB_OK;
	smpdfu_mgmt_callback_register(&recorder);
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 3000, 0, 0);
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 1000, sha).off, 1000);
	assert_int_equal(chunk_transport, SMP_TRANSPORT_BLE);
}

/*
 * A single-image build ignores "image", as Zephyr does: clients name the slot they upload to
 * ("smpmgr upgrade --slot 1" sends 1 in the first chunk, the Go mcumgr's "image upload -n 1" in
 * every chunk), and the upload goes where it always goes, the slot not running. The hook still
 * sees what the client sent.
 */
static void image_number_is_ignored_on_a_single_image_build(void **state)
{
	static const int64_t numbers[] = { 1, 2, 0xffffffff };
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];

	(void)state;
	if (CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
		chunk_answer = MGMT_CB_OK;
		smpdfu_mgmt_callback_register(&recorder);
	}
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		image_len = test_make_image(image, sizeof(image), 1, 0, (uint16_t)i, 0, 3000, 0,
					    0);
		file_sha(image, image_len, sha);
		for (uint32_t off = 0; off < image_len; off += 1000) {
			size_t n = image_len - off < 1000 ? image_len - off : 1000;
			struct upload_args a = {
				.off = off, .data = image + off, .data_len = n,
				.len = off ? -1 : (int64_t)image_len, .sha = off ? NULL : sha,
				.sha_len = 32, .image = numbers[i], .version = SMP_VERSION_1,
			};

			send_upload(&a);
			assert_int_equal(decode_rsp().off, off + n);
			if (CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
				assert_int_equal(chunk_image, (uint32_t)numbers[i]);
			}
		}
		assert_slot1_holds_image();
	}
}

static void flash_failure_stops_the_upload(void **state)
{
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_rsp r;

	(void)state;
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 6000, 0, 0);
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 1000, sha).off, 1000);
	flash_sim_cut_power(&test_dev.flash, FLASH_SIM_CUT_CLEAN, 0);
	r = upload_chunk(1000, 1000, NULL);
	assert_int_equal(r.err_rc, IMG_MGMT_ERR_FLASH_WRITE_FAILED);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	flash_sim_power_on(&test_dev.flash);
}

/* ---- Erase, slot info, state ----------------------------------------------------------------- */

static void erase(void **state)
{
	const struct smpdfu_flash_area *fa =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	(void)state;
	/* An empty slot: success, nothing erased. */
	uint64_t erases = test_dev.flash.count.erases;

	test_expect_exchange("0a 00 00 07 00 01 43 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 02 00 01 43 05 bf ff");
	assert_int_equal(test_dev.flash.count.erases, erases);
	/* Slot 2 does not exist; slot 0 holds the running image. */
	test_expect_exchange("0a 00 00 07 00 01 44 05 a1 64 73 6c 6f 74 02",
			     "0b 00 00 13 00 01 44 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 0e ff ff");
	/* Nor does 2^32 + 1, which must not wrap to slot 1. */
	test_expect_exchange("0a 00 00 0f 00 01 48 05 a1 64 73 6c 6f 74 1b 00 00 00 01 00 00 00 01",
			     "0b 00 00 13 00 01 48 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 0e ff ff");
	assert_int_equal(test_dev.flash.count.erases, erases);
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 100, 0, 0);
	test_program_slot(0, image, image_len);
	test_expect_exchange("0a 00 00 07 00 01 45 05 a1 64 73 6c 6f 74 00",
			     "0b 00 00 13 00 01 45 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");
	/* A partial upload is forgotten by an erase (Zephyr issue 51798). */
	image_len = test_make_image(image, sizeof(image), 1, 1, 0, 0, 3000, 0, 0);
	assert_int_equal(upload_chunk(0, 1000, NULL).off, 1000);
	test_expect_exchange("0a 00 00 01 00 01 46 05 a0", "0b 00 00 02 00 01 46 05 bf ff");
	assert_true(smpdfu_flash_area_is_erased(fa, 0, fa->size));
	assert_int_equal(upload_chunk(1000, 1000, NULL).off, 0);
}

static enum mgmt_cb_return refuse(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				  uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event;
	(void)prev;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)size;
	*rc = MGMT_ERR_EACCESSDENIED;
	return MGMT_CB_ERROR_RC;
}

static void erase_check_hook_can_refuse(void **state)
{
	static struct smpdfu_mgmt_callback cb = {
		.callback = refuse, .event_id = MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK
	};
	const struct smpdfu_flash_area *fa =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	(void)state;
	if (!CONFIG_SMPDFU_IMG_WRITE_CHECK_HOOK) {
		skip();
	}
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 100, 0, 0);
	test_program_slot(1, image, image_len);
	smpdfu_mgmt_callback_register(&cb);
	test_expect_exchange("0a 00 00 01 00 01 47 05 a0",
			     "0b 00 00 06 00 01 47 05 bf 62 72 63 0b ff");
	assert_false(smpdfu_flash_area_is_erased(fa, 0, 32));
}

static void slot_info(void **state)
{
	static const uint8_t req[] = { 0x08, 0, 0, 1, 0, 1, 0x50, 0x06, 0xa0 };
	uint8_t want[128];
	size_t n = test_hex("09 00 00 00 00 01 50 06 bf 66 69 6d 61 67 65 73 9f bf 65 69 6d 61 67"
			    " 65 00 65 73 6c 6f 74 73 9f bf 64 73 6c 6f 74 00 64 73 69 7a 65 1a"
			    " 00 00 00 00 ff bf 64 73 6c 6f 74 01 64 73 69 7a 65 1a 00 00 00 00"
			    " 6f 75 70 6c 6f 61 64 5f 69 6d 61 67 65 5f 69 64 00 ff ff ff ff ff",
			    want, sizeof(want));

	(void)state;
	want[3] = (uint8_t)(n - 8);
	for (size_t i = 0; i + 5 < n; i++) {
		if (memcmp(want + i, "\x1a\x00\x00\x00\x00", 5) == 0) {
			want[i + 1] = (uint8_t)(CONFIG_SIM_SLOT_SIZE >> 24);
			want[i + 2] = (uint8_t)(CONFIG_SIM_SLOT_SIZE >> 16);
			want[i + 3] = (uint8_t)(CONFIG_SIM_SLOT_SIZE >> 8);
			want[i + 4] = (uint8_t)CONFIG_SIM_SLOT_SIZE;
		}
	}
	assert_int_equal(test_device_send(req, sizeof(req)), 1);
	assert_int_equal(test_dev.rsp[0].len, n);
	assert_memory_equal(test_dev.rsp[0].data, want, n);
}

static void state_read(void **state)
{
	static const char empty[] = "09 00 00 18 00 01 20 00 bf 66 69 6d 61 67 65 73 9f ff 6b 73 70"
				    " 6c 69 74 53 74 61 74 75 73 00 ff";
	static char want[512];
	uint8_t h0[32];

	(void)state;
	if (CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST || !CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE) {
		skip();
	}
	test_expect_exchange("08 00 00 01 00 01 20 00 a0", empty);

	/* §8.2's slot 0: version 1.2.3, hash H0 (the TLV's value is what is reported). */
	test_hex("4c4b4a1f341a258db6343a420e19828162acc54084240949aca5a919c9100378", h0, 32);
	image_len = test_make_image(image, sizeof(image), 1, 2, 3, 0, 100, 0, 0);
	memcpy(image + test_image_hash_off(image), h0, 32);
	test_program_slot(0, image, image_len);
	/*
	 * The running slot is "confirmed" where the flags come from MCUboot's swap-type table (swap
	 * and overwrite modes: swap type none); in direct-XIP only "active" (reference §4.1).
	 */
	snprintf(want, sizeof(want),
		 "09 00 00 8d 00 01 20 00 bf 66 69 6d 61 67 65 73 9f"
		 " bf 65 69 6d 61 67 65 00 64 73 6c 6f 74 00"
		 " 67 76 65 72 73 69 6f 6e 65 31 2e 32 2e 33"
		 " 64 68 61 73 68 58 20"
		 " 4c4b4a1f341a258db6343a420e19828162acc54084240949aca5a919c9100378"
		 " 68 62 6f 6f 74 61 62 6c 65 f5 67 70 65 6e 64 69 6e 67 f4"
		 " 69 63 6f 6e 66 69 72 6d 65 64 %s 66 61 63 74 69 76 65 f5"
		 " 69 70 65 72 6d 61 6e 65 6e 74 f4 ff ff"
		 " 6b 73 70 6c 69 74 53 74 61 74 75 73 00 ff",
		 mode_is_direct_xip() ? "f4" : "f5");
	test_expect_exchange("08 00 00 01 00 01 20 00 a0", want);

	/* A slot whose TLV area is corrupt is not listed. */
	image[test_image_hash_off(image) - SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE -
	      SMPDFU_IMAGE_TLV_INFO_SIZE] ^= 0xff;
	test_program_slot(0, image, image_len);
	test_expect_exchange("08 00 00 01 00 01 20 00 a0", empty);
}

/* ---- What the bootloader mode changes (reference §4.1, §4.2, §4.6) ------------------------ */

struct slot_state {
	bool listed;
	bool pending;
	bool confirmed;
	bool active;
	bool permanent;
};

/* A state read, decoded per slot (flags left out by a frugal list read as false). */
static void read_state(struct slot_state out[2])
{
	static const uint8_t req[] = { 0x08, 0, 0, 1, 0, 1, 0x60, 0, 0xa0 };
	struct cbor_reader rd;
	struct cbor_item it;
	int slot = -1;

	memset(out, 0, 2 * sizeof(*out));
	assert_int_equal(test_device_send(req, sizeof(req)), 1);
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + SMP_HDR_SIZE,
				test_dev.rsp[0].len - SMP_HDR_SIZE);
	while (smpdfu_cbor_read(&rd, &it) == 0) {
		struct cbor_item v;
		bool *flag = NULL;

		if (it.type != CBOR_TYPE_TSTR) {
			continue;
		}
		if (smpdfu_cbor_view_eq(it.v, "slot")) {
			assert_int_equal(smpdfu_cbor_read(&rd, &v), 0);
			assert_true(v.u < 2);
			slot = (int)v.u;
			out[slot].listed = true;
			continue;
		}
		if (slot < 0) {
			continue;
		}
		if (smpdfu_cbor_view_eq(it.v, "pending")) {
			flag = &out[slot].pending;
		} else if (smpdfu_cbor_view_eq(it.v, "confirmed")) {
			flag = &out[slot].confirmed;
		} else if (smpdfu_cbor_view_eq(it.v, "active")) {
			flag = &out[slot].active;
		} else if (smpdfu_cbor_view_eq(it.v, "permanent")) {
			flag = &out[slot].permanent;
		}
		if (flag != NULL) {
			assert_int_equal(smpdfu_cbor_read(&rd, &v), 0);
			assert_int_equal(v.type, CBOR_TYPE_BOOL);
			*flag = v.b;
		}
	}
}

static void assert_state(const struct slot_state *s, bool pending, bool confirmed, bool active,
			 bool permanent)
{
	assert_true(s->listed);
	assert_int_equal(s->pending, pending);
	assert_int_equal(s->confirmed, confirmed);
	assert_int_equal(s->active, active);
	assert_int_equal(s->permanent, permanent);
}

/* A state write; returns 0 on success, the group rc of an err map, or -rc of an SMP error. */
static int state_write(const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE], bool confirm)
{
	static uint8_t req[128];
	struct cbor_writer w;
	struct smpdfu_smp_hdr h = { .op = SMP_OP_WRITE, .version = SMP_VERSION_2,
			     .group = MGMT_GROUP_ID_IMAGE, .seq = seq++, .id = IMG_MGMT_ID_STATE };
	struct cbor_reader rd;
	struct cbor_item it;

	smpdfu_cbor_writer_init(&w, req + SMP_HDR_SIZE, sizeof(req) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, 2);
	smpdfu_cbor_put_cstr(&w, "hash");
	smpdfu_cbor_put_bstr(&w, hash, SMPDFU_SHA256_DIGEST_SIZE);
	smpdfu_cbor_put_cstr(&w, "confirm");
	smpdfu_cbor_put_bool(&w, confirm);
	h.len = (uint16_t)w.len;
	smpdfu_smp_hdr_encode(&h, req);
	assert_int_equal(test_device_send(req, SMP_HDR_SIZE + w.len), 1);
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + SMP_HDR_SIZE,
				test_dev.rsp[0].len - SMP_HDR_SIZE);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* the map */
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* its first key */
	if (smpdfu_cbor_view_eq(it.v, "rc")) {
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
		return -(int)it.u;
	}
	if (smpdfu_cbor_view_eq(it.v, "err")) {
		int64_t group = -1;
		int64_t rc = -1;

		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* the err map */
		for (int i = 0; i < 2; i++) {
			struct cbor_item k;
			struct cbor_item v;

			assert_int_equal(smpdfu_cbor_read(&rd, &k), 0);
			assert_int_equal(smpdfu_cbor_read(&rd, &v), 0);
			if (smpdfu_cbor_view_eq(k.v, "group")) {
				group = (int64_t)v.u;
			} else {
				rc = (int64_t)v.u;
			}
		}
		assert_int_equal(group, MGMT_GROUP_ID_IMAGE);
		return (int)rc;
	}
	assert_true(smpdfu_cbor_view_eq(it.v, "images"));
	return 0;
}

/* The SHA-256 TLV value of an image test_make_image() built: what state read reports. */
static const uint8_t *tlv_hash(const uint8_t *img, size_t len)
{
	(void)len;
	return img + test_image_hash_off(img);
}

/* A first chunk of another image (its own sha); returns the decoded response. */
static struct upload_rsp start_other_upload(void)
{
	static uint8_t other[IMAGE_MAX];
	size_t n = test_make_image(other, sizeof(other), 9, 0, 0, 0, 1000, 0, 0);
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct upload_args a = { .off = 0, .data = other, .data_len = 512, .len = (int64_t)n,
				 .sha = sha, .sha_len = 32, .image = 0,
				 .version = SMP_VERSION_2 };

	file_sha(other, n, sha);
	send_upload(&a);
	return decode_rsp();
}

static void assert_slot_holds(uint32_t slot, const uint8_t *data, size_t len)
{
	static uint8_t got[IMAGE_MAX];
	const struct smpdfu_flash_area *fa = smpdfu_flash_area_get(
		slot ? SMPDFU_FLASH_AREA_IMAGE_SECONDARY : SMPDFU_FLASH_AREA_IMAGE_PRIMARY);

	assert_int_equal(smpdfu_flash_area_read(fa, 0, got, len), 0);
	assert_memory_equal(got, data, len);
}

/*
 * Swap and overwrite modes: the flags come from MCUboot's swap-type table. An upload is listed
 * with no flag; a test makes it "pending" (a confirm "pending" and "permanent": overwrite-only
 * copies it over on the next boot either way), and then it is in use: no erase, no upload.
 */
static void swap_table_modes(const uint8_t *running, size_t running_len)
{
	struct slot_state st[2];
	struct upload_rsp r;

	read_state(st);
	assert_state(&st[0], false, true, true, false);
	assert_state(&st[1], false, false, false, false);
	assert_int_equal(state_write(tlv_hash(image, image_len), false), 0);
	read_state(st);
	assert_state(&st[0], false, true, true, false);
	assert_state(&st[1], true, false, false, false);
	/* Testing the running image is refused, whatever the mode. */
	assert_int_equal(state_write(tlv_hash(running, running_len), false),
			 IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);
	test_expect_exchange("0a 00 00 07 00 01 61 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 13 00 01 61 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");
	r = start_other_upload();
	assert_int_equal(r.err_rc, IMG_MGMT_ERR_NO_FREE_SLOT);
	assert_slot1_holds_image();
}

/*
 * Direct-XIP without revert: no state write handler (rc 8); the running slot is only "active";
 * the other slot is "pending" and "permanent" while its version is higher, and then in use. Uploads
 * go to the slot that is not running, whichever that is.
 */
static void direct_xip_mode(const uint8_t *running, size_t running_len)
{
	static uint8_t v3[IMAGE_MAX];
	size_t v3_len;
	struct slot_state st[2];
	struct upload_rsp r;

	read_state(st);
	assert_state(&st[0], false, false, true, false);
	assert_state(&st[1], true, false, false, true);
	/* {"rc": 8} for test and confirm alike, and nothing written. */
	uint64_t programs = test_dev.flash.count.programs;

	assert_int_equal(state_write(tlv_hash(image, image_len), false), -MGMT_ERR_ENOTSUP);
	assert_int_equal(state_write(tlv_hash(image, image_len), true), -MGMT_ERR_ENOTSUP);
	assert_int_equal(state_write(tlv_hash(running, running_len), true), -MGMT_ERR_ENOTSUP);
	assert_int_equal(test_dev.flash.count.programs, programs);
	/* The higher version in slot 1 boots next: it can be neither erased nor uploaded over. */
	test_expect_exchange("0a 00 00 07 00 01 61 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 13 00 01 61 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");
	r = start_other_upload();
	assert_int_equal(r.err_rc, IMG_MGMT_ERR_NO_FREE_SLOT);
	assert_slot1_holds_image();

	/* After the reset the bootloader runs 2.0.0 from slot 1: slot 0 (1.0.0) is free now. */
	smpdfu_boot_set_running_slot(1);
	read_state(st);
	assert_state(&st[0], false, false, false, false);
	assert_state(&st[1], false, false, true, false);
	v3_len = test_make_image(v3, sizeof(v3), 3, 0, 0, 0, 2500, 0, 0);
	memcpy(image, v3, v3_len);
	image_len = v3_len;
	upload_all(900);
	assert_slot_holds(0, v3, v3_len);
	read_state(st);
	assert_state(&st[0], true, false, false, true);
	assert_state(&st[1], false, false, true, false);
	/* The running slot is never a target: erasing it is refused. */
	test_expect_exchange("0a 00 00 07 00 01 62 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 13 00 01 62 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");
}

static void slot_flags_follow_the_mode(void **state)
{
	static uint8_t running[IMAGE_MAX];
	size_t running_len = test_make_image(running, sizeof(running), 1, 0, 0, 0, 1500, 0, 0);

	(void)state;
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		print_message("direct-XIP with revert: the reference gives no flags to compare\n");
		skip();
	}
	test_program_slot(0, running, running_len);
	image_len = test_make_image(image, sizeof(image), 2, 0, 0, 0, 3000, 0, 0);
	upload_all(1000);
	assert_slot1_holds_image();
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		direct_xip_mode(running, running_len);
	} else {
		swap_table_modes(running, running_len);
	}
}

/*
 * An upload that stopped half way leaves no image (no TLV area): state read does not list it, and
 * it holds no slot in any mode, however high the version in its header (reference §4.1 "which
 * slots appear", §4.3 "in use", §4.4 "holds a valid image").
 */
static void interrupted_upload_holds_no_slot(void **state)
{
	static uint8_t running[IMAGE_MAX];
	size_t running_len = test_make_image(running, sizeof(running), 1, 0, 0, 0, 1500, 0, 0);
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct slot_state st[2];
	struct upload_rsp r;

	(void)state;
	test_program_slot(0, running, running_len);
	image_len = test_make_image(image, sizeof(image), 2, 0, 0, 0, 6000, 0, 0);
	file_sha(image, image_len, sha);
	assert_int_equal(upload_chunk(0, 1000, sha).off, 1000);
	assert_int_equal(upload_chunk(1000, 1000, NULL).off, 2000);
	read_state(st);
	assert_true(st[0].listed);
	assert_false(st[1].listed);
	/* Another image may start over it... */
	r = start_other_upload();
	assert_int_equal(r.err_rc, -1);
	assert_int_equal(r.off, 512);
	/* ...and the rest can be erased. */
	assert_int_equal(upload_chunk(0, 1000, sha).off, 1000);
	test_expect_exchange("0a 00 00 01 00 01 63 05 a0", "0b 00 00 02 00 01 63 05 bf ff");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(reference_first_chunk_resume_and_mismatch),
		T(reference_errors),
		T(full_upload_reports_match),
		T(wrong_sha_reports_no_match),
		T(image_check_continues_over_a_resume),
		T(image_check_starts_again_with_another_image),
		T(image_check_forgotten_with_the_upload),
		T(image_check_sees_a_changed_chunk),
		T(chunk_sizes_and_unaligned_tails),
		T(first_request_does_not_erase_the_slot),
		T(first_chunk_rejections),
		T(resume_and_overrun_bounds),
		T(no_sha_never_resumes),
		T(empty_sha_never_resumes),
		T(first_chunk_erases_a_stale_last_page),
		T(uploads_stop_short_of_the_trailer),
		T(upgrade_requires_a_newer_version),
		T(status_hooks_in_order),
		T(chunk_veto),
		T(transport_kind_reaches_the_hook),
		T(image_number_is_ignored_on_a_single_image_build),
		T(flash_failure_stops_the_upload),
		T(erase),
		T(erase_check_hook_can_refuse),
		T(slot_info),
		T(state_read),
		T(slot_flags_follow_the_mode),
		T(interrupted_upload_holds_no_slot),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
