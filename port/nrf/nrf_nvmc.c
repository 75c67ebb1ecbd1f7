/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NVMC flash driver. The CPU stalls while the NVMC programs or erases when it runs from the
 * same flash, so each operation simply waits for READY; nothing else runs meanwhile. The flash
 * layer only programs erased, word-aligned ranges and erases whole pages (its contract), which
 * is what the NVMC requires.
 *
 * In the bootloader every operation also feeds a watchdog the application left running: nothing
 * else runs during a swap, whose erases and copies take seconds (MCUboot feeds it too). The
 * application feeds its own watchdog; feeding it here would hide a hang around flash.
 */
#include "nrf_nvmc.h"

#include <errno.h>
#include <string.h>

#include <smpdfu/config.h>

#include "nrf.h"
#include "nrf_wdt.h"

#define FLASH_BYTES ((uint32_t)CONFIG_FLASH_SIZE * 1024u)
#define WORD 4u

static void wait_ready(void)
{
	while (NVMC_READY == 0) {
	}
}

static void feed_watchdog(void)
{
	if (CONFIG_MCUBOOT) {
		nrf_wdt_feed();
	}
}

static int nvmc_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	(void)dev;
	feed_watchdog(); /* a slot's hash reads it all */
	memcpy(dst, (const void *)(uintptr_t)(CONFIG_FLASH_BASE_ADDRESS + off), len);
	return 0;
}

static int nvmc_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
			size_t len)
{
	const uint8_t *p = src;

	(void)dev;
	if (off % WORD != 0 || len % WORD != 0) {
		return -EINVAL;
	}
	NVMC_CONFIG = NVMC_CONFIG_WEN;
	wait_ready();
	for (size_t i = 0; i < len; i += WORD) {
		uint32_t word;

		memcpy(&word, p + i, WORD); /* the source may be unaligned */
		*(volatile uint32_t *)(uintptr_t)(CONFIG_FLASH_BASE_ADDRESS + off + i) = word;
		wait_ready();
	}
	NVMC_CONFIG = NVMC_CONFIG_REN;
	wait_ready();
	feed_watchdog();
	return 0;
}

static int nvmc_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	(void)dev;
	if (off % CONFIG_SMPDFU_FLASH_PAGE_SIZE != 0 || len % CONFIG_SMPDFU_FLASH_PAGE_SIZE != 0) {
		return -EINVAL;
	}
	NVMC_CONFIG = NVMC_CONFIG_EEN;
	wait_ready();
	for (size_t done = 0; done < len; done += CONFIG_SMPDFU_FLASH_PAGE_SIZE) {
		NVMC_ERASEPAGE = CONFIG_FLASH_BASE_ADDRESS + off + (uint32_t)done;
		wait_ready();
		feed_watchdog(); /* a page takes up to 85 ms (nRF52) */
	}
	NVMC_CONFIG = NVMC_CONFIG_REN;
	wait_ready();
	return 0;
}

static const struct smpdfu_flash_device_ops nvmc_ops = {
	.read = nvmc_read,
	.program = nvmc_program,
	.erase = nvmc_erase,
};

const struct smpdfu_flash_device nrf_nvmc_flash = {
	.ops = &nvmc_ops,
	.ctx = NULL,
	.size = FLASH_BYTES,
	.page_size = CONFIG_SMPDFU_FLASH_PAGE_SIZE,
	.write_block = WORD,
	.erased_value = 0xFF,
};

bool nrf_nvmc_matches_part(void)
{
	uint32_t page = FICR_CODEPAGESIZE;

	return page == CONFIG_SMPDFU_FLASH_PAGE_SIZE && page * FICR_CODESIZE == FLASH_BYTES;
}
