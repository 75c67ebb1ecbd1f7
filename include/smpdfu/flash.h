/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash layer: a device interface with NOR semantics (program erased bytes, or zeros over any,
 * erase whole pages, erased value 0xFF), named areas of a flash map, and a streaming writer that
 * erases ahead page by page and buffers data to the device's write-block size.
 */
#ifndef SMPDFU_FLASH_H
#define SMPDFU_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/config.h>

struct smpdfu_flash_device;

/* Operations of one flash device. Each returns 0 or -errno; offsets are device offsets. */
struct smpdfu_flash_device_ops {
	int (*read)(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len);
	/*
	 * off and len are multiples of write_block; the bytes must be erased, or the data all zeros
	 * (the bootloader invalidates a trailer's magic so before erasing it). A write block is
	 * written at most twice between erases: NOR only clears bits, nRF NVMC allows two writes
	 * of a word, ECC flashes accept an all-zero overwrite.
	 */
	int (*program)(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
		       size_t len);
	/* off and len are multiples of page_size. */
	int (*erase)(const struct smpdfu_flash_device *dev, uint32_t off, size_t len);
};

struct smpdfu_flash_device {
	const struct smpdfu_flash_device_ops *ops;
	void *ctx;            /* the driver's own state */
	uint32_t size;        /* bytes */
	uint32_t page_size;   /* erase unit */
	uint32_t write_block; /* program unit, at most CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK */
	uint8_t erased_value; /* 0xFF for NOR */
};

/* Area ids of the flash map (MCUboot's names). */
enum smpdfu_flash_area_id {
	SMPDFU_FLASH_AREA_BOOTLOADER,
	SMPDFU_FLASH_AREA_IMAGE_PRIMARY,   /* slot 0 */
	SMPDFU_FLASH_AREA_IMAGE_SECONDARY, /* slot 1 */
	SMPDFU_FLASH_AREA_IMAGE_SCRATCH,
	SMPDFU_FLASH_AREA_STORAGE,
	SMPDFU_FLASH_AREA_COUNT
};

/* A named, page-aligned region of a device. */
struct smpdfu_flash_area {
	enum smpdfu_flash_area_id id;
	const char *label;
	const struct smpdfu_flash_device *dev;
	uint32_t off;  /* on the device */
	uint32_t size;
};

/*
 * Installs the map: `areas` (owned by the caller, alive while the map is used) replaces the
 * previous one. Returns 0, or -EINVAL if an area is not page-aligned or lies outside its device.
 */
int smpdfu_flash_map_init(const struct smpdfu_flash_area *areas, size_t count);
/* The area with that id, or NULL. */
const struct smpdfu_flash_area *smpdfu_flash_area_get(enum smpdfu_flash_area_id id);

/* Area-relative access; each checks bounds (-EINVAL, a NULL area too) and returns 0 or -errno. */
int smpdfu_flash_area_read(const struct smpdfu_flash_area *fa, uint32_t off, void *dst, size_t len);
int smpdfu_flash_area_program(const struct smpdfu_flash_area *fa, uint32_t off, const void *src,
			      size_t len);
int smpdfu_flash_area_erase(const struct smpdfu_flash_area *fa, uint32_t off, size_t len);
/* True when [off, off+len) of the area reads as erased; a read error counts as "not erased". */
bool smpdfu_flash_area_is_erased(const struct smpdfu_flash_area *fa, uint32_t off, size_t len);
/* Erases [off, off+len) unless it reads as erased already (an erase spared wears nothing). */
int smpdfu_flash_area_erase_if_needed(const struct smpdfu_flash_area *fa, uint32_t off,
				      size_t len);
/* Rounds len up to the area's page size. */
uint32_t smpdfu_flash_area_align_page(const struct smpdfu_flash_area *fa, uint32_t len);

/*
 * Streaming writer: accepts data of any length in order, programs it in write-block units and
 * erases each page just before the first byte is written into it (so no long erase up front).
 * Pages are erased only when they are not erased already.
 */
struct stream_writer {
	const struct smpdfu_flash_area *fa;
	uint32_t written;     /* bytes accepted so far (including those still buffered) */
	uint32_t erased_upto; /* area offset up to which pages are known erased */
	uint8_t buf[CONFIG_SMPDFU_FLASH_MAX_WRITE_BLOCK];
	uint32_t buf_len;
};

/*
 * Starts writing at offset 0 of fa, an area of the map (whose geometry the map checked). Returns 0,
 * or -EINVAL if the write block is too large.
 */
int smpdfu_stream_writer_open(struct stream_writer *sw, const struct smpdfu_flash_area *fa);
/* Appends data; returns 0, -ENOSPC past the end of the area, or the flash error. */
int smpdfu_stream_writer_write(struct stream_writer *sw, const void *data, size_t len);
/* Programs a partial last block padded with the erased value. Returns 0 or -errno. */
int smpdfu_stream_writer_flush(struct stream_writer *sw);

#endif /* SMPDFU_FLASH_H */
