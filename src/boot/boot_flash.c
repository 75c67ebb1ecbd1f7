/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash operations of the boot code (the bootloader and the application's trailer writes).
 * A failure is logged with the operation, the area, the place and the errno, and returned as the
 * flash layer gave it: a bounds bug (-EINVAL) must not pass for a failing flash (-EIO).
 */
#include <smpdfu/config.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
/* Linked into the bootloader and into the application: each image logs at its own level. */
#define LOG_LEVEL (CONFIG_MCUBOOT ? CONFIG_MCUBOOT_LOG_LEVEL : CONFIG_MCUBOOT_UTIL_LOG_LEVEL)

/* The operation's result (0 or -errno, <smpdfu/flash.h>), a failure logged. */
static int checked(int rc, const char *op, const struct smpdfu_flash_area *fa, uint32_t off,
		   size_t len)
{
	if (rc < 0) {
		LOG_ERR("%s of %s at 0x%x (%u bytes) failed: %d", op, fa->label,
			(unsigned int)off, (unsigned int)len, rc);
	}
	return rc;
}

int smpdfu_boot_flash_read(const struct smpdfu_flash_area *fa, uint32_t off, void *dst, size_t len)
{
	return checked(smpdfu_flash_area_read(fa, off, dst, len), "read", fa, off, len);
}

int smpdfu_boot_flash_program(const struct smpdfu_flash_area *fa, uint32_t off, const void *src,
			      size_t len)
{
	return checked(smpdfu_flash_area_program(fa, off, src, len), "program", fa, off, len);
}

int smpdfu_boot_flash_erase(const struct smpdfu_flash_area *fa, uint32_t off, size_t len)
{
	return checked(smpdfu_flash_area_erase(fa, off, len), "erase", fa, off, len);
}

int smpdfu_boot_erase_if_needed(const struct smpdfu_flash_area *fa, uint32_t off, uint32_t len)
{
	if (len == 0) {
		return 0;
	}
	return checked(smpdfu_flash_area_erase_if_needed(fa, off, len), "erase", fa, off, len);
}
