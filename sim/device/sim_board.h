/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated board: one file-backed NOR flash and the flash map laid over it (bootloader, two
 * image slots, scratch, storage), with the power-cut switch of the flash simulator.
 */
#ifndef SIM_BOARD_H
#define SIM_BOARD_H

#include <stdint.h>

#include <smpdfu/flash.h>

#include "flash_sim.h"

struct sim_board {
	struct flash_sim flash;
	struct smpdfu_flash_area areas[SMPDFU_FLASH_AREA_COUNT];
	const char *flash_path;
};

/* The flash size the board's layout needs, in bytes. */
uint32_t sim_board_flash_size(void);

/*
 * Opens (creating if needed) the flash file at path and installs the flash map. Returns 0 or
 * -errno (-EINVAL for an existing file of another size). The board must not move while open.
 */
int sim_board_open(struct sim_board *b, const char *path);

/* Writes the flash back and closes it. */
void sim_board_close(struct sim_board *b);

/*
 * Cuts the power after `after_ops` more program/erase operations: the process logs "power cut"
 * and exits at once with status 99, leaving in the file what had been written.
 */
void sim_board_arm_power_cut(struct sim_board *b, enum flash_sim_cut_mode mode, uint64_t after_ops);

#endif /* SIM_BOARD_H */
