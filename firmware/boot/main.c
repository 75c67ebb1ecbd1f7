/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader firmware: the board's console and flash map, then smpdfu_boot_go() (finish or
 * start a swap, validate with the built-in key), then the chosen image. It has no SMP server and no
 * way to take an image of its own: an update reaches it only through the slots the application
 * writes. With nothing valid to boot it says so and waits for a reset; a test image it will not
 * start it resets at once, so that the next boot reverts it.
 */
#include <errno.h>
#include <stdbool.h>

#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>
#include <smpdfu/flash.h>
#include <smpdfu/port.h>
#include <smpdfu/prot/boot_trailer.h>

#include "console.h"
#include "cortex_m.h"
#include "flash_layout.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

#define SRAM_START CONFIG_SRAM_BASE_ADDRESS
#define SRAM_END (CONFIG_SRAM_BASE_ADDRESS + CONFIG_SRAM_SIZE * 1024u)

/*
 * The validated image's vector table must point into RAM and into the image itself: an image
 * linked for another slot or part is valid as a file but would jump into nowhere.
 */
static bool vector_table_is_sane(const struct smpdfu_flash_area *fa, uint32_t table)
{
	const volatile uint32_t *vt = (const volatile uint32_t *)table;
	uint32_t start = flash_layout_address(fa, 0);
	uint32_t end = flash_layout_address(fa, fa->size);
	uint32_t sp = vt[0];
	uint32_t entry = vt[1];

	return sp > SRAM_START && sp <= SRAM_END && (sp & 3u) == 0 && (entry & 1u) != 0 &&
	       entry > table && entry < end && table >= start;
}

static _Noreturn void wait_for_reset(void)
{
	for (;;) {
		__asm volatile("wfi");
	}
}

int main(void)
{
	struct smpdfu_boot_rsp rsp;
	const struct smpdfu_flash_area *fa;
	uint32_t table;
	int rc;

	console_init();
	LOG_INF("smpdfu bootloader on %s", CONFIG_BOARD);
	rc = flash_layout_init();
	if (rc < 0) {
		LOG_ERR("this part's flash is not the %s's (%d): nothing is touched", CONFIG_BOARD,
			rc);
		wait_for_reset();
	}
	rc = smpdfu_boot_go(&rsp);
	if (rc < 0) {
		LOG_ERR("no bootable image (%d): waiting for a reset", rc);
		wait_for_reset();
	}
	fa = smpdfu_flash_area_get(rsp.slot == 0 ? SMPDFU_FLASH_AREA_IMAGE_PRIMARY
						 : SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	table = flash_layout_address(fa, rsp.hdr.hdr_size);
	if (!vector_table_is_sane(fa, table)) {
		LOG_ERR("the image's vector table at 0x%08x points outside it or RAM: not started",
			(unsigned int)table);
		/*
		 * A test image, just swapped in and not confirmed, goes back out at the next boot:
		 * reset now rather than leave the revert to a button press or a power cycle.
		 */
		if (rsp.swap_type == SMPDFU_BOOT_SWAP_TYPE_TEST) {
			cortex_m_system_reset();
		}
		wait_for_reset();
	}
	LOG_INF("starting the image at 0x%08x; stack high-water %u of %u bytes",
		(unsigned int)table, (unsigned int)cortex_m_stack_high_water(),
		(unsigned int)cortex_m_stack_size());
	console_deinit();
	cortex_m_start_image(table);
}
