/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NOR flash simulator: a flash_device whose contents live in an mmap'ed file (so a simulated
 * reboot finds them again) or in RAM, which refuses everything a real NOR part would not do, and
 * which can lose power after a chosen operation so that power-loss handling is an ordinary test.
 *
 * Choices made here (tests rely on them):
 * - A program clears bits (the result is old AND new), as NOR does. It is allowed over erased
 *   bytes, and with all-zero data over anything: every NOR controller takes that (nRF NVMC writes a
 *   word twice between erases; ECC parts such as STM32's accept all-zero data over a programmed
 *   double word). Each write block may be programmed FLASH_SIM_WRITES_PER_BLOCK times between
 *   erases, torn programs included (the blocks they reached), and a program of 0xFF only too (nRF
 *   NVMC counts every word written): a block that reads erased may have used its writes.
 * - Violations (misaligned or out-of-range operations, programming non-zero data over bytes that
 *   are not erased, a block programmed too often) are counted in count.violations, change
 *   nothing, and fail: -EINVAL for a misaligned or out-of-range request, -EIO for the others (a
 *   real part fails to verify). Their check comes before the power-cut check and they do not
 *   consume the cut budget.
 * - Only operations that complete are counted in programs/erases (and so in flash_sim_op_count());
 *   the operation hit by the cut is not.
 * - A torn operation takes the shape in sim->tear. The defaults: a program writes the first half
 *   of its bytes rounded down to the write block (when that is nothing, the first half of that
 *   block's bytes, the way a word whose programming was interrupted holds part of its value); an
 *   erase of several pages erases the first half of them rounded down, of a single page the first
 *   half of the page. The other shapes: an erase of the last part, of scattered write blocks, or of
 *   some bits of every byte; a program of scattered bits, or of stray bits only (its data not
 *   written, bits cleared beside it in its write blocks).
 * - A fault fails one operation and leaves the power on. It is checked after the violations and
 *   before the power cut, whose budget the failed operation does not use; like the cut's, the
 *   operation it fails is not counted in reads/programs/erases (count.faults counts it).
 * - Only an erase gives a block its writes back: a completed one, or a torn one for the blocks its
 *   shape erased whole (first part, last part, scattered words); a block a torn erase left half
 *   erased keeps its count, even if it reads erased (bits half set).
 */
#define _POSIX_C_SOURCE 200809L

#include "flash_sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLASH_SIM_ERASED 0xFF

static struct flash_sim *sim_of(const struct smpdfu_flash_device *dev)
{
	return dev->ctx;
}

static bool range_is_inside(const struct flash_sim *sim, uint32_t off, size_t len)
{
	return off <= sim->dev.size && len <= sim->dev.size - off;
}

/* By memcmp(), as wide as the C library compares: every program of every upload checks this. */
static bool bytes_are_erased(const uint8_t *p, size_t len)
{
	return len == 0 || (p[0] == FLASH_SIM_ERASED && memcmp(p, p + 1, len - 1) == 0);
}

static bool bytes_are_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

/* A fixed pseudo-random byte per (seed, position): the pattern of a scattered tear. */
static uint8_t scatter(uint32_t seed, uint32_t pos)
{
	uint32_t x = seed * 0x9e3779b9u ^ pos * 0x85ebca6bu;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return (uint8_t)x;
}

static void trace_op(struct flash_sim *sim, char kind)
{
	uint64_t n = flash_sim_op_count(sim);

	if (sim->trace != NULL && n < sim->trace_len) {
		sim->trace[n] = kind;
	}
}

/* The write blocks wholly inside [start, end) are erased: their writes start again. */
static void forget_writes(struct flash_sim *sim, size_t start, size_t end)
{
	uint32_t block = sim->dev.write_block;
	size_t first = (start + block - 1) / block;
	size_t last = end / block;

	if (last > first) {
		memset(&sim->writes[first], 0, last - first);
	}
}

static int violation(struct flash_sim *sim, int rc)
{
	sim->count.violations++;
	return rc;
}

/*
 * Decides whether the operation about to reach the medium is the one the power dies in. Returns
 * true when it is: the caller then applies its torn part (TORN mode) and fails with -EIO.
 */
static bool op_hits_cut(struct flash_sim *sim)
{
	if (sim->cut_mode == FLASH_SIM_CUT_NONE) {
		return false;
	}
	if (sim->cut_after > 0) {
		sim->cut_after--;
		return false;
	}
	return true;
}

/*
 * Decides whether this operation of `kind` is the one an armed fault fails: true when it is (the
 * fault is then spent, and counted).
 */
static bool op_hits_fault(struct flash_sim *sim, enum flash_sim_op kind, uint32_t off)
{
	if ((sim->fault.ops & kind) == 0) {
		return false;
	}
	if (sim->fault.after > 0) {
		sim->fault.after--;
		return false;
	}
	sim->fault.ops = 0;
	sim->fault_off = off;
	sim->count.faults++;
	return true;
}

static int fault_error(const struct flash_sim *sim)
{
	return sim->fault.error != 0 ? sim->fault.error : -EIO;
}

/* Called after the torn part is in place, so that an on_cut that exits leaves it on file. */
static int power_dies(struct flash_sim *sim)
{
	/* Set first: every later operation, one from inside the callback too, fails before it can
	 * reach here again, so the callback runs once per cut and stays set for the next one. */
	sim->powered_off = true;
	if (sim->on_cut != NULL) {
		sim->on_cut(sim);
	}
	return -EIO;
}

static int sim_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct flash_sim *sim = sim_of(dev);

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len)) {
		return violation(sim, -EINVAL);
	}
	if (op_hits_fault(sim, FLASH_SIM_OP_READ, off)) {
		/* Whatever the bus returned: noise, never the bytes (nor the erased value). */
		for (size_t i = 0; i < len; i++) {
			((uint8_t *)dst)[i] = scatter(sim->tear.seed, off + (uint32_t)i) & 0x7e;
		}
		return fault_error(sim);
	}
	memcpy(dst, &sim->mem[off], len);
	sim->count.reads++;
	return 0;
}

/*
 * All n counts zero: blocks fresh from an erase, the usual case, found by one library compare, so
 * that an upload costs the simulator no work per block: it stays out of the upload benchmark's
 * figures (docs/performance.md).
 */
static bool counts_are_zero(const uint8_t *w, size_t n)
{
	return n > 0 && w[0] == 0 && memcmp(w, w + 1, n - 1) == 0;
}

/* Whether a block of [off, off+len) has had its FLASH_SIM_WRITES_PER_BLOCK programs. */
static bool writes_are_used_up(const struct flash_sim *sim, uint32_t off, size_t len)
{
	const uint8_t *w = &sim->writes[off / sim->dev.write_block];
	size_t n = len / sim->dev.write_block;

	if (counts_are_zero(w, n)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (w[i] >= FLASH_SIM_WRITES_PER_BLOCK) {
			return true;
		}
	}
	return false;
}

/*
 * Every block of [off, off+len) takes one more write, whatever its data: nRF's NVMC counts a word
 * written with 0xFFFFFFFF like any other. Called after writes_are_used_up().
 */
static void count_writes(struct flash_sim *sim, uint32_t off, size_t len)
{
	uint8_t *w = &sim->writes[off / sim->dev.write_block];
	size_t n = len / sim->dev.write_block;

	if (counts_are_zero(w, n)) {
		memset(w, 1, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		w[i]++;
	}
}

/* NOR programming only clears bits: what the cells hold is the old value AND the new one. */
static void clear_bits(struct flash_sim *sim, uint32_t off, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		sim->mem[off + i] &= src[i];
	}
}

/*
 * Stray bits: the data not written, and in each block it has data for, some bits cleared (at
 * least one per byte) in the bytes the data leaves erased. Only such blocks count as written: a
 * block of erased data, or one without erased bytes, is left as it was, as if never reached.
 */
static void tear_program_stray(struct flash_sim *sim, uint32_t off, const uint8_t *src, size_t len)
{
	uint32_t block = sim->dev.write_block;

	for (uint32_t b = 0; b < len; b += block) {
		bool strayed = false;

		for (uint32_t i = b; i < b + block && !bytes_are_erased(&src[b], block); i++) {
			if (src[i] == FLASH_SIM_ERASED) {
				sim->mem[off + i] &= scatter(sim->tear.seed, off + i) & 0xfe;
				strayed = true;
			}
		}
		sim->writes[(off + b) / block] += strayed ? 1 : 0;
	}
}

/*
 * The torn part of a program, counted as a write of every block it reached, whatever its data:
 * all of them for scattered bits, those up to the tear for a prefix, those left with stray bits.
 */
static void tear_program(struct flash_sim *sim, uint32_t off, const uint8_t *src, size_t len)
{
	uint32_t block = sim->dev.write_block;
	size_t torn;

	if (sim->tear.program == FLASH_SIM_PROGRAM_BITS) {
		count_writes(sim, off, len);
		for (size_t i = 0; i < len; i++) {
			sim->mem[off + i] &= src[i] | scatter(sim->tear.seed, off + (uint32_t)i);
		}
		return;
	}
	if (sim->tear.program == FLASH_SIM_PROGRAM_STRAY) {
		tear_program_stray(sim, off, src, len);
		return;
	}
	torn = len / 2 - (len / 2) % block;
	if (torn == 0) {
		torn = len / 2;
	}
	/* The blocks after the tear were never reached; the one torn inside was. */
	count_writes(sim, off, (torn + block - 1) / block * block);
	clear_bits(sim, off, src, torn);
}

static int sim_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
		       size_t len)
{
	struct flash_sim *sim = sim_of(dev);
	uint32_t block = dev->write_block;
	bool over = false;

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len) || off % block != 0 || len % block != 0) {
		return violation(sim, -EINVAL);
	}
	if (!bytes_are_erased(&sim->mem[off], len)) {
		if (!bytes_are_zero(src, len)) {
			return violation(sim, -EIO);
		}
		over = true;
	}
	/* Cells that read erased may have been programmed (0xFF, or a tear that set no bit). */
	if (writes_are_used_up(sim, off, len)) {
		return violation(sim, -EIO);
	}
	if (op_hits_fault(sim, FLASH_SIM_OP_PROGRAM, off)) {
		if (sim->fault.torn) {
			tear_program(sim, off, src, len);
		}
		return fault_error(sim);
	}
	if (op_hits_cut(sim)) {
		if (sim->cut_mode == FLASH_SIM_CUT_TORN) {
			tear_program(sim, off, src, len);
		}
		return power_dies(sim);
	}
	count_writes(sim, off, len);
	if (over) {
		clear_bits(sim, off, src, len);
	} else {
		/* Over erased cells, the AND of clear_bits() is the data itself. */
		memcpy(&sim->mem[off], src, len);
	}
	trace_op(sim, 'p');
	sim->count.programs++;
	sim->count.bytes_programmed += len;
	sim->count.overwrites += over ? 1 : 0;
	return 0;
}

/* Bytes a half-done erase reaches by default: half of the pages, or half of a single page. */
static size_t default_tear_len(size_t len, uint32_t page)
{
	size_t pages = len / page;

	return pages > 1 ? pages / 2 * page : page / 2;
}

static void tear_erase(struct flash_sim *sim, uint32_t off, size_t len)
{
	const struct flash_sim_tear *t = &sim->tear;
	uint32_t block = sim->dev.write_block;
	size_t spare = (t->spare + block - 1) / block * block;
	size_t n = t->spare == 0 ? default_tear_len(len, sim->dev.page_size)
				 : (spare < len ? len - spare : 0);

	/* Only the blocks the shape erased whole start their writes again; a block half erased
	 * (BITS) keeps its count even if it reads erased, as a part would not promise more. */
	switch (t->erase) {
	case FLASH_SIM_ERASE_LAST_PART:
		memset(&sim->mem[off + len - n], FLASH_SIM_ERASED, n);
		forget_writes(sim, off + len - n, off + len);
		break;
	case FLASH_SIM_ERASE_WORDS:
		for (uint32_t b = off; b < off + len; b += block) {
			if (scatter(t->seed, b / block) & 1) {
				memset(&sim->mem[b], FLASH_SIM_ERASED, block);
				forget_writes(sim, b, b + block);
			}
		}
		break;
	case FLASH_SIM_ERASE_BITS:
		for (uint32_t i = off; i < off + len; i++) {
			sim->mem[i] |= scatter(t->seed, i);
		}
		break;
	default:
		memset(&sim->mem[off], FLASH_SIM_ERASED, n);
		forget_writes(sim, off, off + n);
		break;
	}
}

static int sim_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	struct flash_sim *sim = sim_of(dev);
	uint32_t page = dev->page_size;

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len) || off % page != 0 || len % page != 0) {
		return violation(sim, -EINVAL);
	}
	if (op_hits_fault(sim, FLASH_SIM_OP_ERASE, off)) {
		if (sim->fault.torn) {
			tear_erase(sim, off, len);
		}
		return fault_error(sim);
	}
	if (op_hits_cut(sim)) {
		if (sim->cut_mode == FLASH_SIM_CUT_TORN) {
			tear_erase(sim, off, len);
		}
		return power_dies(sim);
	}
	memset(&sim->mem[off], FLASH_SIM_ERASED, len);
	memset(&sim->writes[off / dev->write_block], 0, len / dev->write_block);
	trace_op(sim, 'e');
	sim->count.erases++;
	sim->count.pages_erased += len / page;
	return 0;
}

static const struct smpdfu_flash_device_ops flash_sim_ops = {
	.read = sim_read,
	.program = sim_program,
	.erase = sim_erase,
};

/*
 * Maps the backing file, creating it erased when it is new or empty. A file of another size is
 * refused rather than resized: it is the flash of some other configuration.
 */
static int map_file(struct flash_sim *sim, const char *path, uint32_t size)
{
	struct stat st;
	bool fresh;
	void *mem;
	int rc;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		return -errno;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_close;
	}
	fresh = st.st_size == 0;
	if (!fresh && st.st_size != (off_t)size) {
		rc = -EINVAL;
		goto out_close;
	}
	if (fresh && ftruncate(fd, (off_t)size) < 0) {
		rc = -errno;
		goto out_close;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		rc = -errno;
		goto out_close;
	}
	if (fresh) {
		memset(mem, FLASH_SIM_ERASED, size);
		msync(mem, size, MS_SYNC);
	}
	sim->mem = mem;
	sim->fd = fd;
	return 0;

out_close:
	close(fd);
	return rc;
}

int flash_sim_open(struct flash_sim *sim, const char *path, uint32_t size, uint32_t page_size,
		   uint32_t write_block)
{
	int rc;

	if (sim == NULL || size == 0 || page_size == 0 || write_block == 0 ||
	    size % page_size != 0 || page_size % write_block != 0) {
		return -EINVAL;
	}
	memset(sim, 0, sizeof(*sim));
	sim->fd = -1;
	if (path != NULL) {
		rc = map_file(sim, path, size);
		if (rc < 0) {
			return rc;
		}
	} else {
		sim->mem = malloc(size);
		if (sim->mem == NULL) {
			return -ENOMEM;
		}
		memset(sim->mem, FLASH_SIM_ERASED, size);
	}
	sim->dev.ops = &flash_sim_ops;
	sim->dev.ctx = sim;
	sim->dev.size = size;
	sim->dev.page_size = page_size;
	sim->dev.write_block = write_block;
	sim->dev.erased_value = FLASH_SIM_ERASED;
	sim->cut_mode = FLASH_SIM_CUT_NONE;
	sim->writes = calloc(size / write_block, 1);
	if (sim->writes == NULL) {
		flash_sim_close(sim);
		return -ENOMEM;
	}
	/* What a file holds was programmed once (at least) before this run. */
	for (uint32_t off = 0; off < size; off += write_block) {
		sim->writes[off / write_block] = !bytes_are_erased(&sim->mem[off], write_block);
	}
	return 0;
}

void flash_sim_close(struct flash_sim *sim)
{
	if (sim == NULL || sim->mem == NULL) {
		return;
	}
	if (sim->fd >= 0) {
		msync(sim->mem, sim->dev.size, MS_SYNC);
		munmap(sim->mem, sim->dev.size);
		close(sim->fd);
	} else {
		free(sim->mem);
	}
	sim->mem = NULL;
	sim->fd = -1;
	free(sim->writes);
	sim->writes = NULL;
}

void flash_sim_cut_power(struct flash_sim *sim, enum flash_sim_cut_mode mode, uint64_t after_ops)
{
	sim->cut_mode = mode;
	sim->cut_after = after_ops;
}

void flash_sim_fail(struct flash_sim *sim, const struct flash_sim_fault *fault)
{
	sim->fault = *fault;
}

void flash_sim_power_on(struct flash_sim *sim)
{
	sim->powered_off = false;
	sim->cut_mode = FLASH_SIM_CUT_NONE;
	sim->cut_after = 0;
}

uint64_t flash_sim_op_count(const struct flash_sim *sim)
{
	return sim->count.programs + sim->count.erases;
}

size_t flash_sim_snapshot_size(const struct flash_sim *sim)
{
	return sim->dev.size + sim->dev.size / sim->dev.write_block;
}

void flash_sim_save(const struct flash_sim *sim, uint8_t *buf)
{
	memcpy(buf, sim->mem, sim->dev.size);
	memcpy(buf + sim->dev.size, sim->writes, sim->dev.size / sim->dev.write_block);
}

void flash_sim_restore(struct flash_sim *sim, const uint8_t *buf)
{
	memcpy(sim->mem, buf, sim->dev.size);
	memcpy(sim->writes, buf + sim->dev.size, sim->dev.size / sim->dev.write_block);
}
