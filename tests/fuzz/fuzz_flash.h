/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading a whole flash the way a factory programmer does, through the simulator's own operations:
 * one erase, then a program of each run of written blocks. A harness that starts every input from
 * a saved state uses it, or the simulator's snapshots (flash_sim_save()), rather than copying into
 * the simulator's memory, so that what the simulator keeps about each block (how often it was
 * programmed since its erase) is right too.
 */
#ifndef FUZZ_FLASH_H
#define FUZZ_FLASH_H

#include <stdint.h>

#include "flash_sim.h"

/* Makes the flash hold image[0..size of the flash); clears the operation counters. */
void fuzz_flash_load(struct flash_sim *sim, const uint8_t *image);

#endif
