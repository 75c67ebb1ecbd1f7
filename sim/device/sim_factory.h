/* SPDX-License-Identifier: Apache-2.0 */
/* Factory programming of the simulated device: what a flash programmer does before first boot. */
#ifndef SIM_FACTORY_H
#define SIM_FACTORY_H

/*
 * Erases the whole primary slot and writes the file at path into it from offset 0, through the
 * flash map (which must be installed). Returns 0; -EFBIG when the file does not fit the slot;
 * -ENODEV without a primary slot; or the file's or the flash's -errno.
 */
int sim_factory_program_slot0(const char *path);

#endif /* SIM_FACTORY_H */
