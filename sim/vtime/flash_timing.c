/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The timed flash wrapper. Each operation is done on the inner device first; only an operation that
 * succeeded costs time, as a failed one never reached the flash controller. Its time is handed to
 * the slot callback in the pieces the nRF flash driver asks radio timeslots for.
 */
#include "flash_timing.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const struct flash_timing flash_timing_nrf52840 = {
	.name = "nrf52840",
	.word_size = 4,
	.program_ns_word = 41000,
	.erase_us_page = 85000,
	.page_size = 4096,
	.radio_shared = true,
};

const struct flash_timing flash_timing_nrf5340 = {
	.name = "nrf5340",
	.word_size = 4,
	.program_ns_word = 43000,
	.erase_us_page = 87500,
	.page_size = 4096,
	.radio_shared = false,
};

int flash_timing_by_name(const char *name, const struct flash_timing **out)
{
	if (strcmp(name, "none") == 0) {
		*out = NULL;
	} else if (strcmp(name, flash_timing_nrf52840.name) == 0) {
		*out = &flash_timing_nrf52840;
	} else if (strcmp(name, flash_timing_nrf5340.name) == 0) {
		*out = &flash_timing_nrf5340;
	} else {
		return -EINVAL;
	}
	return 0;
}

uint64_t flash_timing_cost_us(const struct flash_timing *timing, uint64_t words, uint64_t pages)
{
	if (timing == NULL) {
		return 0;
	}
	return (words * timing->program_ns_word + 999u) / 1000u + pages * timing->erase_us_page;
}

uint32_t flash_timing_words_per_slot(const struct flash_timing *timing)
{
	uint32_t n = (uint32_t)((uint64_t)FLASH_SLOT_WRITE_US * 1000u / timing->program_ns_word);

	return n > 0 ? n : 1;
}

static void charge(struct timed_flash *tf, uint32_t request_us, uint64_t use_us)
{
	tf->busy_us += use_us;
	tf->slots++;
	if (use_us > 0 && tf->slot != NULL) {
		tf->slot(tf->arg, request_us, use_us);
	}
}

/* One page erase: one slot of the page's erase time, or slots of partial erases. */
static void charge_page_erase(struct timed_flash *tf)
{
	const struct flash_timing *t = tf->timing;
	uint32_t step = tf->partial_erase_us;
	uint32_t slot_us;
	uint32_t per_slot;
	uint32_t steps;

	tf->pages++;
	if (step == 0) {
		charge(tf, t->erase_us_page + FLASH_SLOT_SLACK_US, t->erase_us_page);
		return;
	}
	/* The partial erases add up to the page's erase time; the driver fits as many into a
	 * slot as leave room for one more, the way it checks its time limit. */
	slot_us = step > FLASH_SLOT_WRITE_US ? step : FLASH_SLOT_WRITE_US;
	per_slot = (slot_us + step - 1) / step - 1;
	if (per_slot == 0) {
		per_slot = 1;
	}
	steps = (t->erase_us_page + step - 1) / step;
	while (steps > 0) {
		uint32_t n = steps < per_slot ? steps : per_slot;

		charge(tf, slot_us + FLASH_SLOT_SLACK_PARTIAL_US, (uint64_t)n * step);
		steps -= n;
	}
}

/* The ops get the device the flash map holds, which is tf->dev: its ctx leads back to tf. */
static struct timed_flash *outer(const struct smpdfu_flash_device *dev)
{
	return dev->ctx;
}

static int timed_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct timed_flash *tf = outer(dev);

	return tf->inner->ops->read(tf->inner, off, dst, len);
}

static void mark_erased(struct timed_flash *tf, uint32_t first, uint32_t count)
{
	for (uint32_t p = first; p < first + count && tf->erased_map != NULL; p++) {
		tf->erased_map[p / 8u] |= (uint8_t)(1u << (p % 8u));
	}
}

/* EVERY_PAGE: the pages [off, off+len) reaches that were not erased yet are erased now. */
static void erase_reached_pages(struct timed_flash *tf, uint32_t off, size_t len)
{
	uint32_t page = tf->timing->page_size;

	for (uint32_t p = off / page; p <= (uint32_t)((off + len - 1) / page); p++) {
		if ((tf->erased_map[p / 8u] & (1u << (p % 8u))) == 0) {
			mark_erased(tf, p, 1);
			charge_page_erase(tf);
		}
	}
}

static int timed_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
			 size_t len)
{
	struct timed_flash *tf = outer(dev);
	int rc = tf->inner->ops->program(tf->inner, off, src, len);
	uint64_t words;
	uint64_t first;
	uint32_t per_slot;

	if (rc < 0 || tf->timing == NULL || len == 0) {
		return rc;
	}
	if (tf->erase_mode == FLASH_ERASE_EVERY_PAGE && tf->erased_map != NULL) {
		erase_reached_pages(tf, off, len);
	}
	words = (len + tf->timing->word_size - 1) / tf->timing->word_size;
	first = tf->words;
	tf->words += words;
	per_slot = flash_timing_words_per_slot(tf->timing);
	/* Whole nanoseconds add up; rounding per call would bias many small writes. */
	for (uint64_t done = 0; done < words; done += per_slot) {
		uint64_t n = words - done < per_slot ? words - done : per_slot;

		charge(tf, FLASH_SLOT_WRITE_US + FLASH_SLOT_SLACK_US,
		       flash_timing_cost_us(tf->timing, first + done + n, 0) -
			       flash_timing_cost_us(tf->timing, first + done, 0));
	}
	return 0;
}

static int timed_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	struct timed_flash *tf = outer(dev);
	int rc = tf->inner->ops->erase(tf->inner, off, len);
	uint32_t pages;

	if (rc < 0 || tf->timing == NULL) {
		return rc;
	}
	pages = (uint32_t)((len + tf->timing->page_size - 1) / tf->timing->page_size);
	mark_erased(tf, off / tf->timing->page_size, pages);
	for (uint32_t i = 0; i < pages; i++) {
		charge_page_erase(tf);
	}
	return 0;
}

static const struct smpdfu_flash_device_ops timed_ops = {
	.read = timed_read,
	.program = timed_program,
	.erase = timed_erase,
};

int timed_flash_init(struct timed_flash *tf, const struct smpdfu_flash_device *inner,
		     const struct flash_timing *timing, enum flash_erase_mode erase_mode,
		     uint32_t partial_erase_us, flash_slot_fn slot, void *arg)
{
	memset(tf, 0, sizeof(*tf));
	tf->dev = *inner;
	tf->dev.ops = &timed_ops;
	tf->dev.ctx = tf;
	tf->inner = inner;
	tf->timing = timing;
	tf->erase_mode = erase_mode;
	tf->partial_erase_us = partial_erase_us;
	tf->slot = slot;
	tf->arg = arg;
	if (timing != NULL && erase_mode == FLASH_ERASE_EVERY_PAGE) {
		size_t pages = inner->size / timing->page_size + 1u;

		tf->erased_map = calloc((pages + 7u) / 8u, 1);
		if (tf->erased_map == NULL) {
			return -ENOMEM;
		}
	}
	return 0;
}

void timed_flash_deinit(struct timed_flash *tf)
{
	free(tf->erased_map);
	tf->erased_map = NULL;
}

void timed_flash_reset_erases(struct timed_flash *tf)
{
	if (tf->erased_map != NULL && tf->timing != NULL) {
		size_t pages = tf->inner->size / tf->timing->page_size + 1u;

		memset(tf->erased_map, 0, (pages + 7u) / 8u);
	}
}
