/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated board's flash: geometry and partition layout from Kconfig (CONFIG_SIM_*), in the
 * order MCUboot boards lay them out, and what a power cut does to the simulated device.
 */
#include "sim_board.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <smpdfu/config.h>
#include <smpdfu/port.h>
#include "log.h"
#include "util.h"

#define LOG_MODULE "board"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* The exit status of a process whose power was cut: tests tell it from a crash or a clean exit. */
#define SIM_POWER_CUT_EXIT_STATUS 99

struct partition {
	enum smpdfu_flash_area_id id;
	const char *label;
	uint32_t size;
};

/* Back to back from offset 0, in this order. */
static const struct partition layout[] = {
	{ SMPDFU_FLASH_AREA_BOOTLOADER, "mcuboot", CONFIG_SIM_BOOT_SIZE },
	{ SMPDFU_FLASH_AREA_IMAGE_PRIMARY, "image-0", CONFIG_SIM_SLOT_SIZE },
	{ SMPDFU_FLASH_AREA_IMAGE_SECONDARY, "image-1", CONFIG_SIM_SLOT_SIZE },
	{ SMPDFU_FLASH_AREA_IMAGE_SCRATCH, "image-scratch", CONFIG_SIM_SCRATCH_SIZE },
	{ SMPDFU_FLASH_AREA_STORAGE, "storage", CONFIG_SIM_STORAGE_SIZE },
};

_Static_assert(ARRAY_SIZE(layout) == SMPDFU_FLASH_AREA_COUNT,
	       "every flash area id needs a partition in the simulated board's layout");
_Static_assert(CONFIG_SIM_BOOT_SIZE % CONFIG_SIM_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SIM_SLOT_SIZE % CONFIG_SIM_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SIM_SCRATCH_SIZE % CONFIG_SIM_FLASH_PAGE_SIZE == 0 &&
		       CONFIG_SIM_STORAGE_SIZE % CONFIG_SIM_FLASH_PAGE_SIZE == 0,
	       "CONFIG_SIM_*_SIZE must be multiples of CONFIG_SIM_FLASH_PAGE_SIZE: areas are "
	       "erased by page");
_Static_assert(CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE <= CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK,
	       "CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE exceeds CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK, "
	       "which sizes the stream writer's buffer");

uint32_t sim_board_flash_size(void)
{
	return CONFIG_SIM_BOOT_SIZE + 2u * CONFIG_SIM_SLOT_SIZE + CONFIG_SIM_SCRATCH_SIZE +
	       CONFIG_SIM_STORAGE_SIZE;
}

/* Power is gone: no clean-up, no flushing; the file keeps what the mapping already holds. */
static void power_cut(struct flash_sim *sim)
{
	LOG_ERR("power cut (flash operation count %llu)",
		(unsigned long long)flash_sim_op_count(sim));
	_exit(SIM_POWER_CUT_EXIT_STATUS);
}

int sim_board_open(struct sim_board *b, const char *path)
{
	uint32_t off = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	b->flash_path = path;
	rc = flash_sim_open(&b->flash, path, sim_board_flash_size(), CONFIG_SIM_FLASH_PAGE_SIZE,
			    CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE);
	if (rc < 0) {
		LOG_ERR("cannot open flash file %s (%d): a file of another size is never resized",
			path, rc);
		return rc;
	}
	b->flash.on_cut = power_cut;

	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		b->areas[i] = (struct smpdfu_flash_area){
			.id = layout[i].id,
			.label = layout[i].label,
			.dev = &b->flash.dev,
			.off = off,
			.size = layout[i].size,
		};
		off += layout[i].size;
	}
	rc = smpdfu_flash_map_init(b->areas, SMPDFU_FLASH_AREA_COUNT);
	if (rc < 0) {
		LOG_ERR("flash map rejected (%d)", rc);
		goto out_close;
	}
	return 0;

out_close:
	flash_sim_close(&b->flash);
	return rc;
}

void sim_board_close(struct sim_board *b)
{
	flash_sim_close(&b->flash);
}

void sim_board_arm_power_cut(struct sim_board *b, enum flash_sim_cut_mode mode, uint64_t after_ops)
{
	flash_sim_cut_power(&b->flash, mode, after_ops);
	LOG_INF("power cut armed after %llu flash operations (%s)", (unsigned long long)after_ops,
		mode == FLASH_SIM_CUT_TORN ? "torn" : "clean");
}
