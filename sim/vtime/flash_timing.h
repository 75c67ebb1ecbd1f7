/*
 * Flash timing for the virtual-time simulations (BLE, serial): a flash device that passes every
 * operation to the real (simulated) one and charges its program and erase time to the device's CPU
 * in virtual time, so a page erase that stalls the SMP processing context delays the answers as it
 * would on a chip.
 */
#ifndef FLASH_TIMING_H
#define FLASH_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/flash.h>

/* What one flash part costs. Reads are free: they are memory-mapped on the parts modelled here. */
struct flash_timing {
	const char *name;
	uint32_t word_size;        /* bytes per timed program unit */
	uint32_t program_ns_word;  /* per word */
	uint32_t erase_us_page;    /* per page */
	uint32_t page_size;        /* bytes per timed erase unit */
};

/* nRF52840: 41 µs per 32-bit word, 85 ms per 4 KiB page (sources: docs/ble_model.md). */
extern const struct flash_timing flash_timing_nrf52840;
/* nRF5340 application core: 43 µs per word, 87.5 ms per page. */
extern const struct flash_timing flash_timing_nrf5340;

/* "nrf52840", "nrf5340" or "none" (NULL *out). Returns 0 or -EINVAL. */
int flash_timing_by_name(const char *name, const struct flash_timing **out);

struct timed_flash {
	struct flash_device dev;          /* what the flash map points at */
	const struct flash_device *inner; /* the device that holds the bytes */
	const struct flash_timing *timing; /* NULL: operations take no time */
	/* Charges `us` of busy time to the CPU that issued the operation. */
	void (*busy)(void *arg, uint64_t us);
	void *arg;
	uint64_t words;     /* timed words programmed */
	uint64_t pages;     /* timed pages erased */
	uint64_t busy_us;   /* program + erase time charged */
};

/* Wraps inner; the geometry is inner's. timing may be NULL. */
void timed_flash_init(struct timed_flash *tf, const struct flash_device *inner,
		      const struct flash_timing *timing, void (*busy)(void *arg, uint64_t us),
		      void *arg);

/* Program + erase time that `words` words and `pages` pages take on timing. */
uint64_t flash_timing_cost_us(const struct flash_timing *timing, uint64_t words, uint64_t pages);

#endif /* FLASH_TIMING_H */
