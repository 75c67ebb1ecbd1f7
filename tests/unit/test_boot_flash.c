/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the boot code's flash errors: a failed operation returns the flash port's own
 * error (not -EIO for all), a bounds error stays -EINVAL, the log names the operation, the area,
 * the place and the errno, and where a result is also a verdict on the content (a header that is
 * not an image) a failed read stays -EIO, never taken for that verdict.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"
#include "fake_port.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = NULL;
	return 0;
}

enum op { OP_READ, OP_PROGRAM, OP_ERASE };

/* The simulator's operations, with one failure armed: the `skip`+1-th call of `op` fails. */
static const struct smpdfu_flash_device_ops *sim_ops;
static struct {
	bool armed;
	enum op op;
	unsigned int skip;
	int err;
} failure;

static int fails(enum op op)
{
	if (!failure.armed || failure.op != op) {
		return 0;
	}
	if (failure.skip > 0) {
		failure.skip--;
		return 0;
	}
	failure.armed = false;
	return failure.err;
}

static int failing_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	int rc = fails(OP_READ);

	return rc < 0 ? rc : sim_ops->read(dev, off, dst, len);
}

static int failing_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
			   size_t len)
{
	int rc = fails(OP_PROGRAM);

	return rc < 0 ? rc : sim_ops->program(dev, off, src, len);
}

static int failing_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	int rc = fails(OP_ERASE);

	return rc < 0 ? rc : sim_ops->erase(dev, off, len);
}

static const struct smpdfu_flash_device_ops failing_ops = {
	.read = failing_read, .program = failing_program, .erase = failing_erase
};

static struct boot_fixture f;

static void arm(enum op op, unsigned int skip, int err)
{
	failure.armed = true;
	failure.op = op;
	failure.skip = skip;
	failure.err = err;
}

static int setup(void **state)
{
	static const struct boot_geom g = {
		.page = 4096, .write_block = 8, .pri_pages = 4, .sec_pages = 4
	};

	(void)state;
	bfx_open(&f, &g);
	sim_ops = f.flash.dev.ops;
	f.flash.dev.ops = &failing_ops;
	failure.armed = false;
	fake_log_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	f.flash.dev.ops = sim_ops;
	bfx_close(&f);
	return 0;
}

static void the_port_error_reaches_the_caller(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	arm(OP_PROGRAM, 0, -ETIMEDOUT);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, 8), -ETIMEDOUT);
	arm(OP_READ, 0, -EACCES);
	assert_int_equal(smpdfu_boot_trailer_read(f.pri, 8, &st), -EACCES);

	uint8_t data[8] = { 1 };

	bfx_write(&f, f.pri, 0, data, sizeof(data));
	arm(OP_ERASE, 0, -ETIMEDOUT);
	assert_int_equal(smpdfu_boot_erase_if_needed(f.pri, 0, 4096), -ETIMEDOUT);
}

static void the_log_names_operation_area_place_and_errno(void **state)
{
	char line[96];

	(void)state;
	arm(OP_PROGRAM, 0, -ETIMEDOUT);
	smpdfu_boot_trailer_write_magic(f.sec, 8);
	snprintf(line, sizeof(line), "ERR boot: program of image-1 at 0x%x (16 bytes) failed: %d",
		 (unsigned int)(f.sec->size - 16), -ETIMEDOUT);
	assert_int_equal(fake_log_count(line), 1);
}

static void a_bounds_error_stays_einval(void **state)
{
	struct smpdfu_boot_loader bl;
	struct smpdfu_boot_swap_state st;
	struct smpdfu_flash_area tiny = *f.pri;
	char line[96];

	(void)state;
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	/* A copy that starts past the end of its source: the flash map's bounds check. */
	assert_int_equal(smpdfu_boot_copy(&bl, f.pri, f.pri->size, f.sec, 0, 8), -EINVAL);
	snprintf(line, sizeof(line), "ERR boot: read of image-0 at 0x%x (8 bytes) failed: %d",
		 (unsigned int)f.pri->size, -EINVAL);
	assert_int_equal(fake_log_count(line), 1);
	/* An area too small for a trailer is no flash failure either. */
	tiny.size = 16;
	assert_int_equal(smpdfu_boot_trailer_read(&tiny, 8, &st), -EINVAL);
}

static void an_unreadable_header_is_no_verdict(void **state)
{
	static const uint8_t foreign[32] = { 0x12, 0x34, 0x56, 0x78 };
	struct smpdfu_image_header hdr;

	(void)state;
	bfx_write(&f, f.sec, 0, foreign, sizeof(foreign));
	assert_int_equal(smpdfu_boot_read_checked_header(f.sec, &hdr), -EINVAL); /* foreign content
										  */
	/* The header reads as "no image magic", then the look at its first bytes fails. */
	arm(OP_READ, 1, -EINVAL);
	assert_int_equal(smpdfu_boot_read_checked_header(f.sec, &hdr), -EIO);
	arm(OP_READ, 1, -ETIMEDOUT);
	assert_int_equal(smpdfu_boot_read_checked_header(f.sec, &hdr), -EIO);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(the_port_error_reaches_the_caller),
		T(the_log_names_operation_area_place_and_errno),
		T(a_bounds_error_stays_einval),
		T(an_unreadable_header_is_no_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
