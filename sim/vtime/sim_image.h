/* SPDX-License-Identifier: Apache-2.0 */
/* Unsigned MCUboot images made up on the spot, for the link simulations and their benchmarks. */
#ifndef SIM_IMAGE_H
#define SIM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* The smallest image sim_image_make() builds: header, one payload byte, the SHA-256 TLV area. */
#define SIM_IMAGE_MIN_SIZE (0x200u + 1u + 40u)

/*
 * An image of exactly `size` bytes (>= SIM_IMAGE_MIN_SIZE) with version major.minor.rev: a
 * 0x200-byte header, a pseudo-random payload from `seed`, and the SHA-256 TLV MCUboot checks.
 * Returns a malloc'd buffer, or NULL when out of memory or the hash fails.
 */
uint8_t *sim_image_make(size_t size, uint8_t major, uint8_t minor, uint16_t rev, uint32_t seed);

#endif /* SIM_IMAGE_H */
