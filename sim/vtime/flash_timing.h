/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flash timing for the virtual-time simulations (BLE, serial): a flash device that passes every
 * operation to the real (simulated) one and charges its program and erase time in virtual time,
 * so a page erase that stalls the SMP processing context delays the answers as it would on a chip.
 * The time is charged in the pieces a Bluetooth LE controller's flash driver would ask radio
 * timeslots for (nRF Connect SDK with MPSL): words programmed in slots of at most 7.5 ms, one page
 * erase per slot, or partial erases of a few milliseconds. On a part whose radio runs on the same
 * core, each piece also takes the radio away (the caller's slot callback decides when it runs).
 */
#ifndef FLASH_TIMING_H
#define FLASH_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/flash.h>

/* The flash driver's timeslot for programming (FLASH_SLOT_WRITE in Zephyr's nRF flash driver). */
#define FLASH_SLOT_WRITE_US 7500u
/* What the driver adds to each timeslot it asks for, without and with partial erase. */
#define FLASH_SLOT_SLACK_US 100u
#define FLASH_SLOT_SLACK_PARTIAL_US 1000u

/* What one flash part costs. Reads are free: they are memory-mapped on the parts modelled here. */
struct flash_timing {
	const char *name;
	uint32_t word_size;        /* bytes per timed program unit */
	uint32_t program_ns_word;  /* per word */
	uint32_t erase_us_page;    /* per page */
	uint32_t page_size;        /* bytes per timed erase unit */
	/*
	 * The radio runs on the same core (nRF52): a flash operation and a radio event cannot
	 * overlap. False where the radio has a core of its own (nRF5340's network core).
	 */
	bool radio_shared;
};

/* nRF52840: 41 µs per 32-bit word, 85 ms per 4 KiB page, radio on the same core. */
extern const struct flash_timing flash_timing_nrf52840;
/* nRF5340 application core: 43 µs per word, 87.5 ms per page; the radio is on the network core. */
extern const struct flash_timing flash_timing_nrf5340;

/* "nrf52840", "nrf5340" or "none" (NULL *out). Returns 0 or -EINVAL. */
int flash_timing_by_name(const char *name, const struct flash_timing **out);

/* How erases happen, beyond what the device's own code asks for. */
enum flash_erase_mode {
	/* Only what the device erases: smpdfu's stream writer erases a page ahead of the data
	 * and skips pages that read as erased. */
	FLASH_ERASE_AHEAD,
	/* Zephyr's stream flash writer: every page the data reaches is erased first, whether it is
	 * blank or not (charged once per page per boot). */
	FLASH_ERASE_EVERY_PAGE,
};

/*
 * Called for each piece of flash work: request_us is the timeslot the driver asks for, use_us the
 * time the work takes in it (use_us <= request_us). The callee moves the issuing CPU's clock on.
 */
typedef void (*flash_slot_fn)(void *arg, uint32_t request_us, uint64_t use_us);

struct timed_flash {
	struct smpdfu_flash_device dev;          /* what the flash map points at */
	const struct smpdfu_flash_device *inner; /* the device that holds the bytes */
	const struct flash_timing *timing; /* NULL: operations take no time */
	flash_slot_fn slot;
	void *arg;
	enum flash_erase_mode erase_mode;
	uint32_t partial_erase_us;        /* 0: a page erase in one slot; else partial erases */
	uint8_t *erased_map;              /* EVERY_PAGE: pages erased since the last reset */
	uint64_t words;     /* timed words programmed */
	uint64_t pages;     /* timed pages erased (including those EVERY_PAGE adds) */
	uint64_t busy_us;   /* program + erase time charged */
	uint64_t slots;     /* timeslots asked for */
};

/*
 * Wraps inner; the geometry is inner's. timing may be NULL. partial_erase_us (0 or >= 2000) is
 * the partial-erase step (Zephyr's CONFIG_SOC_FLASH_NRF_PARTIAL_ERASE_MS). Returns 0 or -ENOMEM.
 */
int timed_flash_init(struct timed_flash *tf, const struct smpdfu_flash_device *inner,
		     const struct flash_timing *timing, enum flash_erase_mode erase_mode,
		     uint32_t partial_erase_us, flash_slot_fn slot, void *arg);
void timed_flash_deinit(struct timed_flash *tf);

/* A new boot: EVERY_PAGE forgets which pages it erased (a new upload erases them again). */
void timed_flash_reset_erases(struct timed_flash *tf);

/* Program + erase time that `words` words and `pages` pages take on timing. */
uint64_t flash_timing_cost_us(const struct flash_timing *timing, uint64_t words, uint64_t pages);

/* Words programmed in one write timeslot on timing. */
uint32_t flash_timing_words_per_slot(const struct flash_timing *timing);

#endif /* FLASH_TIMING_H */
