/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keys the simulated device's bootloader trusts: the public halves of the PEM files given with
 * --key, loaded once at start-up. Without any, images are checked by hash only.
 */
#ifndef SIM_KEYS_H
#define SIM_KEYS_H

#include <stddef.h>

/* How many --key options the device takes: a few, as a real key table would hold. */
#define SIM_KEYS_MAX 4

/*
 * Loads the keys in paths (count <= SIM_KEYS_MAX) and makes them the trusted set, replacing any
 * loaded before. Returns 0, or the first failure's -errno after printing which file and why on
 * stderr (the device then refuses to start rather than run with fewer keys than asked for).
 */
int sim_keys_load(const char *const *paths, size_t count);

#endif /* SIM_KEYS_H */
