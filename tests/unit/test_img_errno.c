/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the image group's errno edge (smpdfu_img_errno_status): a failed operation's errno
 * becomes the group error that names the operation, except -EBADMSG (a trailer not MCUboot's)
 * and -EINVAL (a bug, not the flash); the errno itself reaches the log.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/smp.h>

#include "../../src/grp/img/img_mgmt_priv.h"
#include "fake_port.h"
#include "util.h"

static int setup(void **state)
{
	(void)state;
	fake_log_clear();
	return 0;
}

static void assert_img_err(struct smp_status st, uint16_t rc)
{
	assert_true(smpdfu_smp_status_is_group_err(st));
	assert_int_equal(smpdfu_smp_status_group(st), MGMT_GROUP_ID_IMAGE);
	assert_int_equal(smpdfu_smp_status_rc(st), rc);
}

static void flash_failure_names_the_operation(void **state)
{
	static const int port_errors[] = { -EIO, -ETIMEDOUT, -EACCES, -ENOMEM };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(port_errors); i++) {
		assert_img_err(
			smpdfu_img_errno_status(port_errors[i], IMG_MGMT_ERR_FLASH_WRITE_FAILED),
			IMG_MGMT_ERR_FLASH_WRITE_FAILED);
		assert_img_err(
			smpdfu_img_errno_status(port_errors[i], IMG_MGMT_ERR_FLASH_ERASE_FAILED),
			IMG_MGMT_ERR_FLASH_ERASE_FAILED);
	}
}

static void foreign_trailer_is_bad_magic(void **state)
{
	(void)state;
	assert_img_err(smpdfu_img_errno_status(-EBADMSG, IMG_MGMT_ERR_FLASH_WRITE_FAILED),
		       IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC);
}

static void out_of_bounds_is_no_flash_failure(void **state)
{
	(void)state;
	assert_img_err(smpdfu_img_errno_status(-EINVAL, IMG_MGMT_ERR_FLASH_WRITE_FAILED),
		       IMG_MGMT_ERR_UNKNOWN);
}

static void the_errno_reaches_the_log(void **state)
{
	char line[64];

	(void)state;
	smpdfu_img_errno_status(-ETIMEDOUT, IMG_MGMT_ERR_FLASH_ERASE_FAILED);
	snprintf(line, sizeof(line), "ERR img: erase failed (errno %d)", -ETIMEDOUT);
	assert_int_equal(fake_log_count(line), 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(flash_failure_names_the_operation),
		T(foreign_trailer_is_bad_magic),
		T(out_of_bounds_is_no_flash_failure),
		T(the_errno_reaches_the_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
