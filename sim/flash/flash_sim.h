/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A NOR flash simulator that lies on purpose: it keeps its contents in a file (so they survive a
 * device restart) or in RAM, enforces NOR physics (program only erased bytes or clear bits to
 * zero, at most twice per write block between erases; aligned writes, page-aligned erases), counts
 * operations, and can cut power after operation N, cleanly or in the middle of the operation,
 * leaving it torn in one of several shapes the test chooses. It can also fail one operation with an
 * error while the power stays on (a flash fault), so that every error path above is an ordinary
 * test too.
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
	/* Operations 1..N complete; N+1 is torn in the shape of flash_sim.tear and fails with
	 * -EIO, as do all after it. */
	FLASH_SIM_CUT_TORN,
};

/* What a torn erase leaves of its range. */
enum flash_sim_erase_tear {
	/* Erased from the start up to the tear point, the rest as it was (the default). */
	FLASH_SIM_ERASE_FIRST_PART,
	/* Erased from the tear point to the end, the start as it was (an erase that ends first). */
	FLASH_SIM_ERASE_LAST_PART,
	/* Scattered write blocks erased, the others as they were. */
	FLASH_SIM_ERASE_WORDS,
	/* Every byte half way: some of its bits set to 1, the others as they were. */
	FLASH_SIM_ERASE_BITS,
};

/* What a torn program leaves of its data. */
enum flash_sim_program_tear {
	/* The first part of the bytes written, the rest still erased (the default). */
	FLASH_SIM_PROGRAM_PREFIX,
	/* Scattered bits of the new value cleared, the others still 1. */
	FLASH_SIM_PROGRAM_BITS,
	/*
	 * The data's own bytes not yet written, stray bits cleared in the bytes of its blocks that
	 * the data leaves erased (a part that programs a block in passes, or whose ECC is written
	 * first): a field that still reads erased in a block that is not.
	 */
	FLASH_SIM_PROGRAM_STRAY,
};

/* The shape of a torn operation; all zero is the default (the first half of either kind). */
struct flash_sim_tear {
	enum flash_sim_erase_tear erase;
	enum flash_sim_program_tear program;
	/*
	 * FIRST_PART: bytes at the end of the range left as they were; LAST_PART: bytes at its
	 * start. Rounded up to the write block; 0: the half point (half of the pages, or half of a
	 * single page).
	 */
	uint32_t spare;
	/* WORDS, BITS (both kinds) and STRAY: which blocks or bits; each seed another pattern. */
	uint32_t seed;
};

/* The kinds of operation a fault counts (any combination). */
enum flash_sim_op {
	FLASH_SIM_OP_READ = 1,
	FLASH_SIM_OP_PROGRAM = 2,
	FLASH_SIM_OP_ERASE = 4,
};

/*
 * A flash fault: the operation after `after` operations of the kinds in `ops` fails with `error`,
 * once; the power stays on and every later operation works again. A failed read leaves noise in
 * the destination (code that uses it anyway is caught); a failed program or erase changes nothing,
 * or, when `torn`, leaves its range in the shape of flash_sim.tear, as a part that stops part-way
 * and reports the failure. Violations come first and do not count, as for a cut.
 */
struct flash_sim_fault {
	unsigned int ops; /* enum flash_sim_op bits; 0: no fault armed */
	uint64_t after;
	int error; /* what the failing operation returns; 0 means -EIO */
	bool torn;
};

/* How many times a write block may be programmed between two erases (NOR parts allow few). */
#define FLASH_SIM_WRITES_PER_BLOCK 2

struct flash_sim_counters {
	uint64_t reads;
	uint64_t programs;
	uint64_t erases;          /* erase calls */
	uint64_t pages_erased;    /* pages erased by them */
	uint64_t bytes_programmed;
	uint64_t overwrites;      /* programs of zeros over bytes already programmed */
	/* programs over unerased bytes (but zeros), blocks programmed too often, misaligned or
	 * out-of-range ops */
	uint64_t violations;
	uint64_t faults; /* operations failed by a fault */
};

struct flash_sim {
	struct smpdfu_flash_device dev;
	uint8_t *mem;  /* the contents: mmap of the file, or a RAM buffer */
	int fd;        /* -1 for a RAM-only device */
	/*
	 * Programs of each write block since its last erase, 0xFF data included (RAM only: a file
	 * opened again starts at one for a block that holds data, none for one that reads erased).
	 * Changing mem directly changes no count.
	 */
	uint8_t *writes;
	enum flash_sim_cut_mode cut_mode;
	struct flash_sim_tear tear; /* the shape of a TORN cut; the test sets it */
	uint64_t cut_after;  /* number of program/erase operations allowed before the cut */
	bool powered_off;
	struct flash_sim_fault fault; /* armed by flash_sim_fail(), cleared when it fires */
	uint32_t fault_off;           /* the device offset of the last operation a fault failed */
	/* Called once when the cut happens (e.g. the simulated device exits the process). */
	void (*on_cut)(struct flash_sim *sim);
	struct flash_sim_counters count;
	/* When set, the kind of each completed operation: trace[n] = 'p' or 'e' for op n. */
	char *trace;
	size_t trace_len;
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
/* Arms a fault (replacing any armed one); a fault with ops 0 disarms. */
void flash_sim_fail(struct flash_sim *sim, const struct flash_sim_fault *fault);
/* Power back on: clears the cut, keeps the contents (as after a real power cycle). */
void flash_sim_power_on(struct flash_sim *sim);
/* Program + erase operations so far (the index a cut counts in). */
uint64_t flash_sim_op_count(const struct flash_sim *sim);
/*
 * Snapshots for tests that restart a run from the same flash: the contents and the write counts
 * (flash_sim_snapshot_size() bytes). Restoring does not touch power, cut, tear or counters.
 */
size_t flash_sim_snapshot_size(const struct flash_sim *sim);
void flash_sim_save(const struct flash_sim *sim, uint8_t *buf);
void flash_sim_restore(struct flash_sim *sim, const uint8_t *buf);

#endif /* FLASH_SIM_H */
