/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the streaming writer on the NOR simulator, through a spy device that records which
 * pages are erased and when: the data lands intact whatever the chunking, each page that receives
 * data is erased once and only if needed, nothing past the data is touched, and errors come back
 * as they are.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/flash.h>

#include "flash_sim.h"
#include "util.h"

#define MAX_PAGES 48
#define MAX_PAGE 4096
#define MAX_CHUNK 3000

/* Fixed seed: a failure reproduces run after run. */
#define SEED 0x5eed1234u

static uint32_t rng_state;

static uint32_t rng_next(void)
{
	/* xorshift32: enough to vary chunk sizes and data, and identical on every host. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void rng_fill(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)(rng_next() >> 24);
	}
}

/* Forwards to the simulator and records every erase, page by page. */
struct spy {
	struct smpdfu_flash_device dev;
	struct flash_sim *sim;
	unsigned int page_erases[MAX_PAGES];
	uint32_t erase_end; /* highest device offset erased so far */
	/*
	 * Programs of each write block since its erase, every one counted, 0xFF-only ones too:
	 * Nordic's NVMC counts a word written with all its bits 1 against n_WRITE (2 per word)
	 * and the nRF52832's per-block budget alike. The simulator leaves those out.
	 */
	uint8_t block_writes[MAX_PAGES * MAX_PAGE / 4];
	uint8_t max_block_writes;
};

static int spy_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	struct spy *spy = dev->ctx;

	return spy->sim->dev.ops->read(&spy->sim->dev, off, dst, len);
}

static int spy_program(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
		       size_t len)
{
	struct spy *spy = dev->ctx;
	int rc = spy->sim->dev.ops->program(&spy->sim->dev, off, src, len);

	for (uint32_t b = off / dev->write_block; rc == 0 && b < (off + len) / dev->write_block;
	     b++) {
		if (++spy->block_writes[b] > spy->max_block_writes) {
			spy->max_block_writes = spy->block_writes[b];
		}
	}
	return rc;
}

static int spy_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	struct spy *spy = dev->ctx;
	int rc = spy->sim->dev.ops->erase(&spy->sim->dev, off, len);

	if (rc == 0) {
		for (uint32_t p = off / dev->page_size; p < (off + len) / dev->page_size; p++) {
			spy->page_erases[p]++;
		}
		memset(&spy->block_writes[off / dev->write_block], 0, len / dev->write_block);
		if (off + len > spy->erase_end) {
			spy->erase_end = (uint32_t)(off + len);
		}
	}
	return rc;
}

static const struct smpdfu_flash_device_ops spy_ops = {
	.read = spy_read,
	.program = spy_program,
	.erase = spy_erase,
};

/* A device of MAX_PAGES pages behind a spy, with one area of area_pages pages at page 4. */
struct rig {
	struct flash_sim sim;
	struct spy spy;
	struct smpdfu_flash_area fa;
	uint32_t page;
};

#define AREA_FIRST_PAGE 4

static void rig_open(struct rig *rig, uint32_t page, uint32_t block, uint32_t area_pages)
{
	memset(rig, 0, sizeof(*rig));
	assert_int_equal(flash_sim_open(&rig->sim, NULL, MAX_PAGES * page, page, block), 0);
	rig->spy.dev = rig->sim.dev;
	rig->spy.dev.ops = &spy_ops;
	rig->spy.dev.ctx = &rig->spy;
	rig->spy.sim = &rig->sim;
	rig->fa.id = SMPDFU_FLASH_AREA_IMAGE_SECONDARY;
	rig->fa.label = "slot1";
	rig->fa.dev = &rig->spy.dev;
	rig->fa.off = AREA_FIRST_PAGE * page;
	rig->fa.size = area_pages * page;
	rig->page = page;
}

/* Page kinds for dirtying: erased, all written, only the last block, only the first block. */
enum page_kind { PAGE_ERASED, PAGE_FULL, PAGE_LAST_BLOCK, PAGE_FIRST_BLOCK, PAGE_KINDS };

static enum page_kind kind_of(uint32_t page_index)
{
	return (enum page_kind)(page_index % PAGE_KINDS);
}

/*
 * Writes something into most pages of the whole device, in and around the area. A page written
 * only in its last block is the trap: it looks erased where the data starts.
 */
static void rig_dirty(struct rig *rig)
{
	static uint8_t junk[MAX_PAGE];
	const struct smpdfu_flash_device *dev = &rig->sim.dev;
	uint32_t block = dev->write_block;

	for (uint32_t p = 0; p < MAX_PAGES; p++) {
		uint32_t off = p * rig->page;
		uint32_t len = 0;

		rng_fill(junk, rig->page);
		/* Not all 0xFF, or the "dirty" block could read as erased. */
		junk[0] = 0;
		junk[rig->page - block] = 0;
		switch (kind_of(p)) {
		case PAGE_ERASED:
			break;
		case PAGE_FULL:
			len = rig->page;
			break;
		case PAGE_LAST_BLOCK:
			off += rig->page - block;
			len = block;
			break;
		case PAGE_FIRST_BLOCK:
			len = block;
			break;
		default:
			break;
		}
		if (len > 0) {
			const uint8_t *src = junk;

			if (kind_of(p) == PAGE_LAST_BLOCK) {
				src = &junk[rig->page - block];
			}
			assert_int_equal(dev->ops->program(dev, off, src, len), 0);
		}
	}
	memset(&rig->sim.count, 0, sizeof(rig->sim.count));
}

static uint32_t round_up(uint32_t x, uint32_t to)
{
	return (x + to - 1) / to * to;
}

/* No page may be erased before the writer has data for it. */
static void assert_no_erase_ahead_of_data(const struct rig *rig, const struct stream_writer *sw)
{
	uint32_t programmed = sw->written - sw->buf_len;

	if (rig->spy.erase_end == 0) {
		return;
	}
	assert_true(rig->spy.erase_end <= rig->fa.off + round_up(programmed, rig->page));
}

/*
 * Streams len bytes of data in random chunks of 1..MAX_CHUNK and flushes. Returns the number of
 * write calls made.
 */
static unsigned int stream_all(struct rig *rig, const uint8_t *data, uint32_t len)
{
	struct stream_writer sw;
	unsigned int calls = 0;
	uint32_t done = 0;

	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig->fa), 0);
	while (done < len) {
		uint32_t n = 1 + rng_next() % MAX_CHUNK;

		if (n > len - done) {
			n = len - done;
		}
		assert_int_equal(smpdfu_stream_writer_write(&sw, &data[done], n), 0);
		done += n;
		calls++;
		assert_int_equal(sw.written, done);
		assert_int_equal(sw.buf_len, done % rig->sim.dev.write_block);
		assert_no_erase_ahead_of_data(rig, &sw);
	}
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
	assert_int_equal(sw.buf_len, 0);
	assert_int_equal(sw.written, len);
	return calls;
}

static void assert_data_landed(struct rig *rig, const uint8_t *data, uint32_t len)
{
	static uint8_t got[MAX_PAGES * MAX_PAGE];
	uint32_t last_page_end = round_up(len, rig->page);

	assert_int_equal(smpdfu_flash_area_read(&rig->fa, 0, got, last_page_end), 0);
	assert_memory_equal(got, data, len);
	/* The padding of the last block and the rest of its page are erased. */
	for (uint32_t i = len; i < last_page_end; i++) {
		assert_int_equal(got[i], 0xFF);
	}
}

static const struct {
	uint32_t page;
	uint32_t block;
} geometries[] = {
	{ 4096, 4 }, { 4096, 8 }, { 4096, 16 }, { 1024, 4 }, { 1024, 8 }, { 1024, 16 },
};

#define AREA_PAGES 40

static void test_random_chunks_dirty_area(void **state)
{
	static uint8_t data[AREA_PAGES * MAX_PAGE];
	static uint8_t before[MAX_PAGES * MAX_PAGE];

	(void)state;
	rng_state = SEED;
	for (size_t g = 0; g < ARRAY_SIZE(geometries); g++) {
		static struct rig rig;
		uint32_t page = geometries[g].page;
		uint32_t len = 29 * page + 1237; /* ends inside a page and inside a block */
		uint32_t data_pages = round_up(len, page) / page;
		unsigned int expected_erases = 0;
		unsigned int calls;

		rig_open(&rig, page, geometries[g].block, AREA_PAGES);
		rig_dirty(&rig);
		memcpy(before, rig.sim.mem, MAX_PAGES * page);
		rng_fill(data, len);

		calls = stream_all(&rig, data, len);
		assert_int_equal(rig.sim.count.violations, 0);
		assert_data_landed(&rig, data, len);

		for (uint32_t p = 0; p < MAX_PAGES; p++) {
			uint32_t area_page = p - AREA_FIRST_PAGE;
			bool gets_data = p >= AREA_FIRST_PAGE && area_page < data_pages;
			unsigned int want = gets_data && kind_of(p) != PAGE_ERASED ? 1 : 0;

			assert_int_equal(rig.spy.page_erases[p], want);
			expected_erases += want;
			if (!gets_data) {
				/* Before the area, after the data, after the area: as it was. */
				assert_memory_equal(&rig.sim.mem[p * page], &before[p * page],
						    page);
			}
		}
		assert_int_equal(rig.sim.count.pages_erased, expected_erases);
		/* Whole blocks go out in one program per write call, not block by block. */
		assert_true(rig.sim.count.programs <= 2 * calls + 1);
		flash_sim_close(&rig.sim);
	}
}

static void test_erased_area_is_not_erased_again(void **state)
{
	static uint8_t data[AREA_PAGES * MAX_PAGE];

	(void)state;
	rng_state = SEED ^ 1;
	for (size_t g = 0; g < ARRAY_SIZE(geometries); g++) {
		static struct rig rig;
		uint32_t page = geometries[g].page;
		uint32_t len = 17 * page + 3;

		rig_open(&rig, page, geometries[g].block, AREA_PAGES);
		rng_fill(data, len);
		stream_all(&rig, data, len);
		assert_int_equal(rig.sim.count.erases, 0);
		assert_data_landed(&rig, data, len);

		/* A second upload over the first erases exactly the pages it writes, once each. */
		rng_fill(data, len);
		stream_all(&rig, data, len - page);
		assert_int_equal(rig.sim.count.violations, 0);
		assert_int_equal(rig.sim.count.pages_erased, 17);
		for (uint32_t p = 0; p < MAX_PAGES; p++) {
			bool gets_data = p >= AREA_FIRST_PAGE && p < AREA_FIRST_PAGE + 17;

			assert_int_equal(rig.spy.page_erases[p], gets_data ? 1 : 0);
		}
		assert_data_landed(&rig, data, len - page);
		flash_sim_close(&rig.sim);
	}
}

static void test_small_writes_fill_whole_blocks(void **state)
{
	static struct rig rig;
	struct stream_writer sw;
	uint8_t data[64];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)i;
	}
	rig_open(&rig, 1024, 16, 4);
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig.fa), 0);
	/* Byte by byte: a program only when a block is complete. */
	for (size_t i = 0; i < 40; i++) {
		assert_int_equal(smpdfu_stream_writer_write(&sw, &data[i], 1), 0);
		assert_int_equal(rig.sim.count.programs, (i + 1) / 16);
	}
	assert_int_equal(smpdfu_stream_writer_write(&sw, NULL, 0), 0);
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
	assert_int_equal(rig.sim.count.programs, 3);
	assert_int_equal(rig.sim.count.bytes_programmed, 48);
	/* A second flush has nothing to do; a write after a padded flush is refused. */
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
	assert_int_equal(rig.sim.count.programs, 3);
	assert_int_equal(smpdfu_stream_writer_write(&sw, data, 1), -EINVAL);
	assert_data_landed(&rig, data, 40);
	assert_int_equal(rig.sim.count.violations, 0);
	flash_sim_close(&rig.sim);
}

static void test_no_space_past_end(void **state)
{
	static struct rig rig;
	static uint8_t data[4 * 1024 + 1];
	static uint8_t before[MAX_PAGES * 1024];
	struct stream_writer sw;
	const uint32_t size = 4 * 1024;
	const uint32_t after = (AREA_FIRST_PAGE + 4) * 1024;
	uint64_t ops;

	(void)state;
	rng_state = SEED ^ 2;
	rng_fill(data, sizeof(data));
	rig_open(&rig, 1024, 8, 4);
	rig_dirty(&rig);
	memcpy(before, rig.sim.mem, sizeof(before));

	/* Too big as a whole: refused before anything is erased or programmed. */
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig.fa), 0);
	assert_int_equal(smpdfu_stream_writer_write(&sw, data, size + 1), -ENOSPC);
	assert_int_equal(sw.written, 0);
	assert_int_equal(flash_sim_op_count(&rig.sim), 0);

	assert_int_equal(smpdfu_stream_writer_write(&sw, data, 1000), 0);
	assert_int_equal(smpdfu_stream_writer_write(&sw, &data[1000], size - 1000 - 10), 0);
	ops = flash_sim_op_count(&rig.sim);
	assert_int_equal(smpdfu_stream_writer_write(&sw, &data[size - 10], 11), -ENOSPC);
	assert_int_equal(sw.written, size - 10);
	assert_int_equal(flash_sim_op_count(&rig.sim), ops);
	assert_int_equal(smpdfu_stream_writer_write(&sw, &data[size - 10], 10), 0);
	assert_int_equal(smpdfu_stream_writer_write(&sw, &data[size], 1), -ENOSPC);
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
	assert_int_equal(rig.sim.count.violations, 0);
	assert_data_landed(&rig, data, size);
	/* Everything after the area is as it was. */
	for (uint32_t p = AREA_FIRST_PAGE + 4; p < MAX_PAGES; p++) {
		assert_int_equal(rig.spy.page_erases[p], 0);
	}
	assert_memory_equal(&rig.sim.mem[after], &before[after], sizeof(before) - after);
	flash_sim_close(&rig.sim);
}

static void test_open_rejects_bad_geometry(void **state)
{
	static struct rig rig;
	struct stream_writer sw;

	(void)state;
	rig_open(&rig, 4096, 2 * CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK, 4);
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig.fa), -EINVAL);
	flash_sim_close(&rig.sim);

	rig_open(&rig, 4096, CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK, 4);
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig.fa), 0);
	assert_int_equal(smpdfu_stream_writer_open(NULL, &rig.fa), -EINVAL);
	assert_int_equal(smpdfu_stream_writer_open(&sw, NULL), -EINVAL);
	flash_sim_close(&rig.sim);
}

/*
 * Runs one upload over a dirty area, with a clean power cut after `cut` flash ops when `arm`, and
 * stops at the first error like an upload would. Returns that error, or 0.
 */
static int upload_with_cut(struct rig *rig, const uint8_t *data, uint32_t len, uint64_t cut,
			   bool arm)
{
	struct stream_writer sw;
	uint32_t done = 0;
	int rc = 0;

	rng_state = SEED ^ 3;
	rig_open(rig, 1024, 8, 8);
	rig_dirty(rig);
	if (arm) {
		flash_sim_cut_power(&rig->sim, FLASH_SIM_CUT_CLEAN, cut);
	}
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig->fa), 0);
	while (done < len && rc == 0) {
		uint32_t n = 1 + rng_next() % MAX_CHUNK;

		if (n > len - done) {
			n = len - done;
		}
		rc = smpdfu_stream_writer_write(&sw, &data[done], n);
		done += n;
	}
	if (rc == 0) {
		rc = smpdfu_stream_writer_flush(&sw);
	}
	return rc;
}

static void test_flash_error_is_returned(void **state)
{
	static struct rig rig;
	static uint8_t data[8 * 1024];
	const uint32_t len = 6 * 1024 + 517;
	uint64_t total;

	(void)state;
	rng_state = SEED ^ 4;
	rng_fill(data, len);

	assert_int_equal(upload_with_cut(&rig, data, len, 0, false), 0);
	total = flash_sim_op_count(&rig.sim);
	assert_data_landed(&rig, data, len);
	flash_sim_close(&rig.sim);
	/* Enough ops for the sweep to mean something: erases of dirty pages and programs. */
	assert_true(total > 8);

	for (uint64_t cut = 0; cut <= total; cut++) {
		int rc = upload_with_cut(&rig, data, len, cut, true);

		if (cut < total) {
			assert_int_equal(rc, -EIO);
			assert_true(rig.sim.powered_off);
		} else {
			assert_int_equal(rc, 0);
			assert_data_landed(&rig, data, len);
		}
		assert_int_equal(flash_sim_op_count(&rig.sim), cut);
		assert_int_equal(rig.sim.count.violations, 0);
		flash_sim_close(&rig.sim);
	}
}

/*
 * An upload started again (a dropped link, a client that retries) must not write a word a third
 * time between erases. A page of the image that holds only 0xFF reads erased, so the writer does
 * not erase it; before the fix it programmed its 0xFF words anyway, once per upload, so the third
 * upload wrote them a third time (and the data of another image there would be a fourth write).
 * The simulator did not count programs of 0xFF only then (it does now); the spy counts them too.
 */
static void test_restarted_uploads_do_not_rewrite_erased_words(void **state)
{
	static struct rig rig;
	static uint8_t data[4 * 1024 + 100];
	const uint32_t len = sizeof(data);

	(void)state;
	rng_state = SEED ^ 6;
	rng_fill(data, len);
	/* Page 1 all 0xFF (the padding between an image's sections), and 0xFF blocks elsewhere. */
	memset(&data[1024], 0xFF, 1024);
	memset(&data[2048 + 8], 0xFF, 16);
	memset(&data[len - 20], 0xFF, 20);
	rig_open(&rig, 1024, 4, 8);
	for (int upload = 0; upload < 3; upload++) {
		rig.spy.erase_end = 0; /* each upload erases ahead of its own data only */
		stream_all(&rig, data, len);
		assert_data_landed(&rig, data, len);
		assert_int_equal(rig.sim.count.violations, 0);
	}
	assert_true(rig.spy.max_block_writes <= FLASH_SIM_WRITES_PER_BLOCK);
	flash_sim_close(&rig.sim);
}

/* A flush whose program fails keeps its bytes: the same flush again puts them in place. */
static void test_failed_flush_keeps_its_data(void **state)
{
	static struct rig rig;
	struct stream_writer sw;
	uint8_t data[13];
	uint8_t back[sizeof(data)];

	(void)state;
	rng_state = SEED ^ 5;
	rng_fill(data, sizeof(data));
	rig_open(&rig, 256, 8, 4);
	assert_int_equal(smpdfu_stream_writer_open(&sw, &rig.fa), 0);
	assert_int_equal(smpdfu_stream_writer_write(&sw, data, sizeof(data)), 0);
	flash_sim_fail(&rig.sim, &(struct flash_sim_fault){ .ops = FLASH_SIM_OP_PROGRAM });
	assert_int_equal(smpdfu_stream_writer_flush(&sw), -EIO);
	assert_int_equal(rig.sim.count.faults, 1);
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
	assert_int_equal(smpdfu_flash_area_read(&rig.fa, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	flash_sim_close(&rig.sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_chunks_dirty_area),
		cmocka_unit_test(test_erased_area_is_not_erased_again),
		cmocka_unit_test(test_small_writes_fill_whole_blocks),
		cmocka_unit_test(test_no_space_past_end),
		cmocka_unit_test(test_open_rejects_bad_geometry),
		cmocka_unit_test(test_flash_error_is_returned),
		cmocka_unit_test(test_failed_flush_keeps_its_data),
		cmocka_unit_test(test_restarted_uploads_do_not_rewrite_erased_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
