/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash map of a firmware image, from the partition sizes of <smpdfu/config.h>: bootloader,
 * primary slot, secondary slot, then scratch and storage when the board has them, back to back
 * from the start of the internal flash. Both images of a board build the same map.
 */
#ifndef SMPDFU_FLASH_LAYOUT_H
#define SMPDFU_FLASH_LAYOUT_H

#include <stdint.h>

#include <smpdfu/flash.h>

/* Installs the map (smpdfu_flash_map_init()). 0, -ENODEV when the part is not the configured one.
 */
int flash_layout_init(void);

/* The CPU address of an offset in an area (its flash is memory-mapped). */
uint32_t flash_layout_address(const struct smpdfu_flash_area *fa, uint32_t off);

#endif /* SMPDFU_FLASH_LAYOUT_H */
