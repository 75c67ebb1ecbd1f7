/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One upload at a time, written by one client: a second client's chunks are refused with EBUSY
 * however well their offsets fit, until it takes the upload over with a first chunk of its own
 * (a new image, or the same one: resume by sha, as a client restarted after a crash does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>

#include "test_device.h"

#define CLIENT_A 1
#define CLIENT_B 2

static uint8_t image[8192];
static size_t image_len;
static uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];

static int setup(void **state)
{
	struct sha256_ctx ctx;

	(void)state;
	test_device_init(SMP_TRANSPORT_UDP);
	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 6000, 0, 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, image, image_len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, sha), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_device_deinit();
	return 0;
}

/* Sends one upload chunk as `client`; returns "off" (>= 0) or -rc for an SMP-level error. */
static int64_t chunk(uint8_t client, uint32_t off, size_t n)
{
	static uint8_t req[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	struct cbor_writer w;
	struct smpdfu_smp_hdr h = {
		.op = SMP_OP_WRITE, .version = SMP_VERSION_2, .group = 1, .id = 1
	};
	struct cbor_reader rd;
	struct cbor_item it;

	smpdfu_cbor_writer_init(&w, req + 8, sizeof(req) - 8);
	smpdfu_cbor_put_map(&w, off == 0 ? 4 : 2);
	if (off == 0) {
		smpdfu_cbor_put_cstr(&w, "len");
		smpdfu_cbor_put_uint(&w, image_len);
		smpdfu_cbor_put_cstr(&w, "sha");
		smpdfu_cbor_put_bstr(&w, sha, sizeof(sha));
	}
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, off);
	smpdfu_cbor_put_cstr(&w, "data");
	smpdfu_cbor_put_bstr(&w, image + off, n);
	h.len = (uint16_t)w.len;
	smpdfu_smp_hdr_encode(&h, req);
	assert_int_equal(test_device_send_as(client, req, 8 + w.len), 1);

	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + 8, test_dev.rsp[0].len - 8);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	bool is_rc = smpdfu_cbor_view_eq(it.v, "rc");

	assert_true(is_rc || smpdfu_cbor_view_eq(it.v, "off"));
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	return is_rc ? -(int64_t)it.u : (int64_t)it.u;
}

static void a_second_client_cannot_write_into_the_upload(void **state)
{
	uint64_t programs;

	(void)state;
	assert_int_equal(chunk(CLIENT_A, 0, 1000), 1000);
	/* B's chunk carries exactly the offset the device expects, and still must not land. */
	programs = test_dev.flash.count.programs;
	assert_int_equal(chunk(CLIENT_B, 1000, 1000), -MGMT_ERR_EBUSY);
	assert_int_equal(test_dev.flash.count.programs, programs);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 1000);
	/* A goes on undisturbed and finishes with the right bytes. */
	for (uint32_t off = 1000; off < image_len; off += 1000) {
		size_t n = image_len - off < 1000 ? image_len - off : 1000;

		assert_int_equal(chunk(CLIENT_A, off, n), off + n);
	}
	static uint8_t got[sizeof(image)];

	assert_int_equal(
		smpdfu_flash_area_read(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY), 0,
				       got, image_len),
		0);
	assert_memory_equal(got, image, image_len);
}

static void a_first_chunk_takes_the_upload_over(void **state)
{
	(void)state;
	assert_int_equal(chunk(CLIENT_A, 0, 1000), 1000);
	assert_int_equal(chunk(CLIENT_A, 1000, 1000), 2000);
	/* A restarted client (a new peer) resumes by sha, and from then on it owns the upload. */
	assert_int_equal(chunk(CLIENT_B, 0, 1000), 2000);
	assert_int_equal(chunk(CLIENT_A, 2000, 1000), -MGMT_ERR_EBUSY);
	assert_int_equal(chunk(CLIENT_B, 2000, 1000), 3000);
	/* With nothing in progress any client hears {"off": 0} and may start. */
	smpdfu_img_mgmt_reset_upload();
	assert_int_equal(chunk(CLIENT_A, 3000, 1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_second_client_cannot_write_into_the_upload, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_first_chunk_takes_the_upload_over, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
