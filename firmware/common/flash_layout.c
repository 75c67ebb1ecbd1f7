/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The board's partitions as smpdfu flash areas on the internal flash. Sizes are checked at build
 * time: a layout that does not fit the part, or cuts a page, fails the build.
 */
#include "flash_layout.h"

#include <errno.h>

#include <smpdfu/config.h>

#include "nrf_nvmc.h"

#define FLASH_BYTES ((uint32_t)CONFIG_FLASH_SIZE * 1024u)
#define LAYOUT_BYTES                                                                               \
	(CONFIG_SMPDFU_PARTITION_BOOT_SIZE + 2u * CONFIG_SMPDFU_PARTITION_SLOT_SIZE +              \
	 CONFIG_SMPDFU_PARTITION_SCRATCH_SIZE + CONFIG_SMPDFU_PARTITION_STORAGE_SIZE)

_Static_assert(LAYOUT_BYTES <= FLASH_BYTES, "the partitions do not fit CONFIG_FLASH_SIZE");
_Static_assert(CONFIG_SMPDFU_PARTITION_BOOT_SIZE % CONFIG_SMPDFU_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SMPDFU_PARTITION_SLOT_SIZE % CONFIG_SMPDFU_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SMPDFU_PARTITION_SCRATCH_SIZE % CONFIG_SMPDFU_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SMPDFU_PARTITION_STORAGE_SIZE % CONFIG_SMPDFU_FLASH_PAGE_SIZE == 0,
	       "every partition must be a whole number of flash pages");

static struct smpdfu_flash_area areas[SMPDFU_FLASH_AREA_COUNT];

static void add(size_t *n, uint32_t *off, enum smpdfu_flash_area_id id, const char *label,
		uint32_t size)
{
	if (size == 0) {
		return;
	}
	areas[*n] = (struct smpdfu_flash_area){
		.id = id,
		.label = label,
		.dev = &nrf_nvmc_flash,
		.off = *off,
		.size = size,
	};
	*off += size;
	(*n)++;
}

int flash_layout_init(void)
{
	uint32_t off = 0;
	size_t n = 0;

	if (!nrf_nvmc_matches_part()) {
		return -ENODEV;
	}
	add(&n, &off, SMPDFU_FLASH_AREA_BOOTLOADER, "mcuboot", CONFIG_SMPDFU_PARTITION_BOOT_SIZE);
	add(&n, &off, SMPDFU_FLASH_AREA_IMAGE_PRIMARY, "image-0",
	    CONFIG_SMPDFU_PARTITION_SLOT_SIZE);
	add(&n, &off, SMPDFU_FLASH_AREA_IMAGE_SECONDARY, "image-1",
	    CONFIG_SMPDFU_PARTITION_SLOT_SIZE);
	add(&n, &off, SMPDFU_FLASH_AREA_IMAGE_SCRATCH, "image-scratch",
	    CONFIG_SMPDFU_PARTITION_SCRATCH_SIZE);
	add(&n, &off, SMPDFU_FLASH_AREA_STORAGE, "storage", CONFIG_SMPDFU_PARTITION_STORAGE_SIZE);
	return smpdfu_flash_map_init(areas, n);
}

uint32_t flash_layout_address(const struct smpdfu_flash_area *fa, uint32_t off)
{
	return CONFIG_FLASH_BASE_ADDRESS + fa->off + off;
}
