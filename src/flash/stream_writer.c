/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The streaming writer behind image uploads: data arrives in pieces of any size and is programmed
 * in whole write blocks, erasing each page only when data first reaches it, so an upload never
 * starts with a long erase of the whole slot (which would stall the transport).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smpdfu/flash.h>

/*
 * The area's geometry (pages of whole write blocks, the area of whole pages) is the flash map's to
 * check, once for every area (smpdfu_flash_map_init()); the writer adds only its own limit.
 */
int smpdfu_stream_writer_open(struct stream_writer *sw, const struct smpdfu_flash_area *fa)
{
	if (sw == NULL || fa == NULL || fa->dev->write_block > sizeof(sw->buf)) {
		return -EINVAL;
	}
	/* buf's bytes are not the stream's until buf_len counts them. */
	sw->fa = fa;
	sw->written = 0;
	sw->erased_upto = 0;
	sw->buf_len = 0;
	return 0;
}

/*
 * The whole blocks of p[0, *len) from the first that holds data to the last: returns where they
 * start and leaves *len where they end (the same place when every byte is erased).
 */
static uint32_t data_span(const struct smpdfu_flash_device *dev, const uint8_t *p, uint32_t *len)
{
	uint32_t from = 0;
	uint32_t end = *len;

	while (from < end && p[from] == dev->erased_value) {
		from++;
	}
	while (end > from && p[end - 1] == dev->erased_value) {
		end--;
	}
	end += dev->write_block - 1;
	*len = end - end % dev->write_block;
	return from - from % dev->write_block;
}

/*
 * Programs len bytes (whole blocks) at off after making [erased_upto, off + len) erased, one page
 * at a time and only for pages that are not erased already. The whole page is checked, not only
 * the part about to be written: a page left half written by an earlier attempt must be erased
 * before anything is programmed into it. Every program holds the stream's data up to `written`
 * (the full or padded block from buf, or whole blocks when nothing was buffered), so once it is on
 * flash nothing waits in buf; a failure leaves buf as it was.
 */
static int program_at(struct stream_writer *sw, uint32_t off, const void *src, uint32_t len)
{
	const struct smpdfu_flash_area *fa = sw->fa;
	uint32_t page = fa->dev->page_size;
	const uint8_t *p = src;
	uint32_t from;
	int rc;

	for (; sw->erased_upto < off + len; sw->erased_upto += page) {
		rc = smpdfu_flash_area_erase_if_needed(fa, sw->erased_upto, page);
		if (rc < 0) {
			return rc;
		}
	}
	/*
	 * Blocks of the erased value at either end are left out: programming them changes no byte,
	 * yet a part counts it as a write (nRF: two writes of a word between erases), and a page
	 * that got nothing else still reads erased, so the next upload would program it again
	 * without an erase. What is left starts with data, so a torn program that wrote anything
	 * leaves its page reading not erased. A page of the erased value between data in one
	 * program is still written: a program holds one upload packet at most, shorter than a page
	 * in the shipped configurations (384, 2048 or 2475 bytes; nRF pages of 1 or 4 KiB).
	 */
	from = data_span(fa->dev, p, &len);
	if (from < len) {
		rc = smpdfu_flash_area_program(fa, off + from, p + from, len - from);
		if (rc < 0) {
			return rc;
		}
	}
	sw->buf_len = 0;
	return 0;
}

/*
 * A flash error leaves the writer where it failed (part of the piece may be programmed); the
 * caller gives up on the stream and opens it again, as an upload restarts from offset 0 anyway.
 * Normally buf_len == written % block: after a flush that padded a partial block it is 0 with a
 * partial block written, and the stream cannot continue (that block is programmed).
 */
int smpdfu_stream_writer_write(struct stream_writer *sw, const void *data, size_t len)
{
	const uint8_t *src = data;
	uint32_t block;

	if (sw == NULL || sw->fa == NULL || (data == NULL && len != 0)) {
		return -EINVAL;
	}
	block = sw->fa->dev->write_block;
	if (sw->buf_len != sw->written % block) {
		return -EINVAL;
	}
	/* Refuse the whole piece up front so that nothing of it reaches flash. */
	if (len > sw->fa->size - sw->written) {
		return -ENOSPC;
	}
	while (len > 0) {
		const uint8_t *from = src;
		uint32_t n;
		uint32_t ready;

		if (sw->buf_len == 0 && len >= block) {
			/* Whole blocks go straight from the caller's data. */
			n = (uint32_t)(len - len % block);
			ready = n;
		} else {
			/* A partial block waits in buf until it is full. */
			n = block - sw->buf_len;
			if (n > len) {
				n = (uint32_t)len;
			}
			memcpy(&sw->buf[sw->buf_len], src, n);
			sw->buf_len += n;
			ready = sw->buf_len;
			from = sw->buf;
		}
		sw->written += n;
		src += n;
		len -= n;
		/* Whole blocks only: a full buf, or the caller's (buf holds less than a block). */
		if (ready >= block) {
			int rc = program_at(sw, sw->written - ready, from, ready);

			if (rc < 0) {
				return rc;
			}
		}
	}
	return 0;
}

int smpdfu_stream_writer_flush(struct stream_writer *sw)
{
	const struct smpdfu_flash_device *dev;
	uint32_t have;

	if (sw == NULL || sw->fa == NULL) {
		return -EINVAL;
	}
	dev = sw->fa->dev;
	have = sw->buf_len;
	if (have == 0) {
		return 0;
	}
	memset(&sw->buf[have], dev->erased_value, dev->write_block - have);
	return program_at(sw, sw->written - have, sw->buf, dev->write_block);
}
