/* SPDX-License-Identifier: Apache-2.0 */
/* A whole flash loaded as a factory programmer would, through the simulator's operations. */
#include "fuzz_flash.h"

#include <string.h>

#include "fuzz_check.h"

static bool block_is_erased(const uint8_t *p, uint32_t len, uint8_t erased)
{
	for (uint32_t i = 0; i < len; i++) {
		if (p[i] != erased) {
			return false;
		}
	}
	return true;
}

void fuzz_flash_load(struct flash_sim *sim, const uint8_t *image)
{
	const struct smpdfu_flash_device *dev = &sim->dev;
	const uint32_t wb = dev->write_block;
	uint32_t off = 0;

	flash_sim_power_on(sim);
	CHECK(dev->ops->erase(dev, 0, dev->size) == 0);
	while (off < dev->size) {
		uint32_t end = off;

		/* The next run of written blocks: programmed in one go, the erased ones skipped. */
		while (end < dev->size && !block_is_erased(image + end, wb, dev->erased_value)) {
			end += wb;
		}
		if (end > off) {
			CHECK(dev->ops->program(dev, off, image + off, end - off) == 0);
			off = end;
		} else {
			off += wb;
		}
	}
	memset(&sim->count, 0, sizeof(sim->count));
}
