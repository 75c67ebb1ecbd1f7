/*
 * The NOR flash simulator: a flash_device whose contents live in an mmap'ed file (so a simulated
 * reboot finds them again) or in RAM, which refuses everything a real NOR part would not do, and
 * which can lose power after a chosen operation so that power-loss handling is an ordinary test.
 *
 * Choices made here (tests rely on them):
 * - Violations (misaligned or out-of-range operations, programming a byte that is not erased) are
 *   counted in count.violations, change nothing, and fail: -EINVAL for a misaligned or
 *   out-of-range request, -EIO for a program over non-erased bytes (a real part fails to verify).
 *   Their check comes before the power-cut check and they do not consume the cut budget.
 * - Only operations that complete are counted in programs/erases (and so in flash_sim_op_count());
 *   the operation hit by the cut is not.
 * - A torn program writes the first half of its bytes rounded down to the write block; when that is
 *   nothing (a single-block program) it writes the first half of that block's bytes instead, the
 *   way a word whose programming was interrupted holds only part of its new value.
 * - A torn erase of several pages erases the first half of them rounded down (at least one page);
 *   a torn single-page erase sets the first half of the page to the erased value and leaves the
 *   second half as it was, one possible look of a page whose erase was interrupted.
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

static struct flash_sim *sim_of(const struct flash_device *dev)
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

static int sim_read(const struct flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct flash_sim *sim = sim_of(dev);

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len)) {
		return violation(sim, -EINVAL);
	}
	memcpy(dst, &sim->mem[off], len);
	sim->count.reads++;
	return 0;
}

static int sim_program(const struct flash_device *dev, uint32_t off, const void *src, size_t len)
{
	struct flash_sim *sim = sim_of(dev);
	uint32_t block = dev->write_block;

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len) || off % block != 0 || len % block != 0) {
		return violation(sim, -EINVAL);
	}
	if (!bytes_are_erased(&sim->mem[off], len)) {
		return violation(sim, -EIO);
	}
	if (op_hits_cut(sim)) {
		if (sim->cut_mode == FLASH_SIM_CUT_TORN) {
			size_t torn = len / 2 - (len / 2) % block;

			if (torn == 0) {
				torn = len / 2;
			}
			memcpy(&sim->mem[off], src, torn);
		}
		return power_dies(sim);
	}
	memcpy(&sim->mem[off], src, len);
	sim->count.programs++;
	sim->count.bytes_programmed += len;
	return 0;
}

static int sim_erase(const struct flash_device *dev, uint32_t off, size_t len)
{
	struct flash_sim *sim = sim_of(dev);
	uint32_t page = dev->page_size;

	if (sim->powered_off) {
		return -EIO;
	}
	if (!range_is_inside(sim, off, len) || off % page != 0 || len % page != 0) {
		return violation(sim, -EINVAL);
	}
	if (op_hits_cut(sim)) {
		if (sim->cut_mode == FLASH_SIM_CUT_TORN) {
			size_t pages = len / page;
			size_t torn = pages > 1 ? pages / 2 * page : page / 2;

			memset(&sim->mem[off], FLASH_SIM_ERASED, torn);
		}
		return power_dies(sim);
	}
	memset(&sim->mem[off], FLASH_SIM_ERASED, len);
	sim->count.erases++;
	sim->count.pages_erased += len / page;
	return 0;
}

static const struct flash_device_ops flash_sim_ops = {
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
}

void flash_sim_cut_power(struct flash_sim *sim, enum flash_sim_cut_mode mode, uint64_t after_ops)
{
	sim->cut_mode = mode;
	sim->cut_after = after_ops;
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
