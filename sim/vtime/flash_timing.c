/*
 * The timed flash wrapper. Each operation is done on the inner device first; only an operation that
 * succeeded costs time, as a failed one never reached the flash controller.
 */
#include "flash_timing.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

const struct flash_timing flash_timing_nrf52840 = {
	.name = "nrf52840",
	.word_size = 4,
	.program_ns_word = 41000,
	.erase_us_page = 85000,
	.page_size = 4096,
};

const struct flash_timing flash_timing_nrf5340 = {
	.name = "nrf5340",
	.word_size = 4,
	.program_ns_word = 43000,
	.erase_us_page = 87500,
	.page_size = 4096,
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

static void charge(struct timed_flash *tf, uint64_t us)
{
	tf->busy_us += us;
	if (us > 0 && tf->busy != NULL) {
		tf->busy(tf->arg, us);
	}
}

/* The ops get the device the flash map holds, which is tf->dev: its ctx leads back to tf. */
static struct timed_flash *outer(const struct flash_device *dev)
{
	return dev->ctx;
}

static int timed_read(const struct flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct timed_flash *tf = outer(dev);

	return tf->inner->ops->read(tf->inner, off, dst, len);
}

static int timed_program(const struct flash_device *dev, uint32_t off, const void *src, size_t len)
{
	struct timed_flash *tf = outer(dev);
	int rc = tf->inner->ops->program(tf->inner, off, src, len);
	uint64_t words;

	if (rc < 0 || tf->timing == NULL) {
		return rc;
	}
	words = (len + tf->timing->word_size - 1) / tf->timing->word_size;
	tf->words += words;
	/* Whole nanoseconds add up; rounding per call would bias many small writes. */
	charge(tf, flash_timing_cost_us(tf->timing, tf->words, 0) -
			   flash_timing_cost_us(tf->timing, tf->words - words, 0));
	return 0;
}

static int timed_erase(const struct flash_device *dev, uint32_t off, size_t len)
{
	struct timed_flash *tf = outer(dev);
	int rc = tf->inner->ops->erase(tf->inner, off, len);
	uint64_t pages;

	if (rc < 0 || tf->timing == NULL) {
		return rc;
	}
	pages = (len + tf->timing->page_size - 1) / tf->timing->page_size;
	tf->pages += pages;
	charge(tf, pages * tf->timing->erase_us_page);
	return 0;
}

static const struct flash_device_ops timed_ops = {
	.read = timed_read,
	.program = timed_program,
	.erase = timed_erase,
};

void timed_flash_init(struct timed_flash *tf, const struct flash_device *inner,
		      const struct flash_timing *timing, void (*busy)(void *arg, uint64_t us),
		      void *arg)
{
	memset(tf, 0, sizeof(*tf));
	tf->dev = *inner;
	tf->dev.ops = &timed_ops;
	tf->dev.ctx = tf;
	tf->inner = inner;
	tf->timing = timing;
	tf->busy = busy;
	tf->arg = arg;
}
