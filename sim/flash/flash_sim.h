/*
 * A NOR flash simulator that lies on purpose: it keeps its contents in a file (so they survive a
 * device restart) or in RAM, enforces NOR physics (program only erased bytes, aligned writes,
 * page-aligned erases), counts operations, and can cut power after operation N, cleanly or in the
 * middle of the operation.
 */
#ifndef FLASH_SIM_H
#define FLASH_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/flash.h>

enum flash_sim_cut_mode {
	FLASH_SIM_CUT_NONE,
	/* Operations 1..N complete; operation N+1 and later fail with -EIO. */
	FLASH_SIM_CUT_CLEAN,
	/* Operations 1..N complete; N+1 is torn (a program writes only its first half, an erase
	 * erases only the first half of its range) and fails with -EIO, as do all after it. */
	FLASH_SIM_CUT_TORN,
};

struct flash_sim_counters {
	uint64_t reads;
	uint64_t programs;
	uint64_t erases;          /* erase calls */
	uint64_t pages_erased;    /* pages erased by them */
	uint64_t bytes_programmed;
	uint64_t violations;      /* programs over unerased bytes, misaligned or out-of-range ops */
};

struct flash_sim {
	struct flash_device dev;
	uint8_t *mem;  /* the contents: mmap of the file, or a RAM buffer */
	int fd;        /* -1 for a RAM-only device */
	enum flash_sim_cut_mode cut_mode;
	uint64_t cut_after;  /* number of program/erase operations allowed before the cut */
	bool powered_off;
	/* Called once when the cut happens (e.g. the simulated device exits the process). */
	void (*on_cut)(struct flash_sim *sim);
	struct flash_sim_counters count;
};

/*
 * Opens (creating if needed, filled with 0xFF) a flash of `size` bytes. path NULL: RAM only.
 * A file of another size is an error (-EINVAL), never silently resized. Returns 0 or -errno.
 */
int flash_sim_open(struct flash_sim *sim, const char *path, uint32_t size, uint32_t page_size,
		   uint32_t write_block);
/* Writes back and releases everything. */
void flash_sim_close(struct flash_sim *sim);
/* Arms a power cut after `after_ops` more program/erase operations (reads do not count). */
void flash_sim_cut_power(struct flash_sim *sim, enum flash_sim_cut_mode mode, uint64_t after_ops);
/* Power back on: clears the cut, keeps the contents (as after a real power cycle). */
void flash_sim_power_on(struct flash_sim *sim);
/* Program + erase operations so far (the index a cut counts in). */
uint64_t flash_sim_op_count(const struct flash_sim *sim);

#endif /* FLASH_SIM_H */
