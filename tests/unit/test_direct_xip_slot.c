/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT as seed 002 asks for it in direct-XIP
 * builds (configs/variants/nrf_desktop_direct_xip.conf): an upload of an image linked for the
 * slot the device runs from (its ROM-fixed load address) is rejected; one linked for the slot it
 * would be written to is accepted. Skipped in builds without the option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/prot/image.h>

#include "app_fixture.h"
#include "test_device.h"

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

static struct smp_answer upload_first_chunk(uint32_t load_addr)
{
	static uint8_t img[8192];
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t len = test_make_image(img, sizeof(img), 3, 0, 0, 0, 4000, SMPDFU_IMAGE_F_ROM_FIXED,
				     load_addr);

	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, img, len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, sha), 0);
	return app_smp_upload_of(img, len, sha, 0, 1024);
}

static void image_for_the_running_slot_is_rejected(void **state)
{
	struct smp_answer a;

	(void)state;
	if (!CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT) {
		skip();
	}
	app_fixture_device(SMP_TRANSPORT_UDP);
	/* Running from slot 0, the upload goes to slot 1: an image linked for slot 0 cannot. */
	a = upload_first_chunk(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY)->off);
	assert_true(a.err_rc == IMG_MGMT_ERR_INVALID_FLASH_ADDRESS || a.rc == MGMT_ERR_EINVAL);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	assert_true(smpdfu_flash_area_is_erased(
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY), 0, 4096));
}

static void image_for_the_target_slot_is_accepted(void **state)
{
	(void)state;
	if (!CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT) {
		skip();
	}
	app_fixture_device(SMP_TRANSPORT_UDP);
	assert_int_equal(
		upload_first_chunk(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY)->off)
			.off,
		1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(image_for_the_running_slot_is_rejected, teardown),
		cmocka_unit_test_teardown(image_for_the_target_slot_is_accepted, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
