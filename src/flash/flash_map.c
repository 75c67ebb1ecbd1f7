/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash map: named areas of flash devices and area-relative access to them. Every access is
 * checked against its area here, so a wrong offset from an upper layer fails with -EINVAL before
 * the device is touched instead of corrupting a neighbouring area.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <smpdfu/flash.h>

#include "sys/module_reset.h"

/* Chunk for erased checks: small enough for any device stack, large enough to keep reads few. */
#define ERASED_CHECK_CHUNK 256

/* One map per device image; init replaces it (tests build several maps one after another). */
static const struct smpdfu_flash_area *map_areas;
static size_t map_count;

static bool device_geometry_is_valid(const struct smpdfu_flash_device *dev)
{
	return dev != NULL && dev->ops != NULL && dev->page_size != 0 && dev->write_block != 0 &&
	       dev->page_size % dev->write_block == 0 && dev->size % dev->page_size == 0;
}

static bool area_is_valid(const struct smpdfu_flash_area *fa)
{
	const struct smpdfu_flash_device *dev = fa->dev;

	if ((unsigned int)fa->id >= SMPDFU_FLASH_AREA_COUNT || !device_geometry_is_valid(dev)) {
		return false;
	}
	/* An empty area could not hold anything and would make every access an error. */
	if (fa->size == 0 || fa->off % dev->page_size != 0 || fa->size % dev->page_size != 0) {
		return false;
	}
	/* Written as subtractions so that off + size cannot wrap around. */
	return fa->off <= dev->size && fa->size <= dev->size - fa->off;
}

static bool areas_conflict(const struct smpdfu_flash_area *a, const struct smpdfu_flash_area *b)
{
	/* Two areas with one id would make smpdfu_flash_area_get() depend on the table order. */
	if (a->id == b->id) {
		return true;
	}
	if (a->dev != b->dev) {
		return false;
	}
	return a->off < b->off + b->size && b->off < a->off + a->size;
}

int smpdfu_flash_map_init(const struct smpdfu_flash_area *areas, size_t count)
{
	if (areas == NULL && count != 0) {
		return -EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		if (!area_is_valid(&areas[i])) {
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (areas_conflict(&areas[i], &areas[j])) {
				return -EINVAL;
			}
		}
	}
	/* Only a fully valid table replaces the old one, so a failed init leaves a working map. */
	map_areas = areas;
	map_count = count;
	return 0;
}

void smpdfu_flash_map_reset(void)
{
	map_areas = NULL;
	map_count = 0;
}

const struct smpdfu_flash_area *smpdfu_flash_area_get(enum smpdfu_flash_area_id id)
{
	for (size_t i = 0; i < map_count; i++) {
		if (map_areas[i].id == id) {
			return &map_areas[i];
		}
	}
	return NULL;
}

/* The unit both ends of an access must be multiples of. */
enum access_unit { UNIT_BYTE, UNIT_WRITE_BLOCK, UNIT_PAGE };

/* [off, off + len) lies inside the area and both its ends are multiples of the unit. */
static bool range_is_valid(const struct smpdfu_flash_area *fa, uint32_t off, size_t len,
			   enum access_unit unit)
{
	uint32_t align;

	if (fa == NULL || fa->dev == NULL || off > fa->size || len > fa->size - off) {
		return false;
	}
	/* Areas start on a page boundary, so area alignment is device alignment. */
	align = unit == UNIT_PAGE ? fa->dev->page_size :
		unit == UNIT_WRITE_BLOCK ? fa->dev->write_block : 1;
	return off % align == 0 && len % align == 0;
}

/* One checked access: read into buf, program from it, or erase (buf unused). */
static int area_access(const struct smpdfu_flash_area *fa, uint32_t off, const void *buf,
		       size_t len, enum access_unit unit)
{
	const struct smpdfu_flash_device *dev;

	if (!range_is_valid(fa, off, len, unit) || (buf == NULL && len != 0 && unit != UNIT_PAGE)) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	dev = fa->dev;
	off += fa->off;
	if (unit == UNIT_BYTE) {
		return dev->ops->read(dev, off, (void *)buf, len);
	}
	return unit == UNIT_WRITE_BLOCK ? dev->ops->program(dev, off, buf, len)
					: dev->ops->erase(dev, off, len);
}

int smpdfu_flash_area_read(const struct smpdfu_flash_area *fa, uint32_t off, void *dst, size_t len)
{
	return area_access(fa, off, dst, len, UNIT_BYTE);
}

int smpdfu_flash_area_program(const struct smpdfu_flash_area *fa, uint32_t off, const void *src,
			      size_t len)
{
	return area_access(fa, off, src, len, UNIT_WRITE_BLOCK);
}

int smpdfu_flash_area_erase(const struct smpdfu_flash_area *fa, uint32_t off, size_t len)
{
	return area_access(fa, off, NULL, len, UNIT_PAGE);
}

/*
 * Read a chunk at a time and compared as a whole, the way memcmp() compares (by words, vector
 * registers where the C library has them): every page an upload reaches is checked before it is
 * written. A chunk is erased when its first byte is and every byte equals the next one.
 */
bool smpdfu_flash_area_is_erased(const struct smpdfu_flash_area *fa, uint32_t off, size_t len)
{
	uint8_t chunk[ERASED_CHECK_CHUNK];

	if (!range_is_valid(fa, off, len, UNIT_BYTE)) {
		return false;
	}
	while (len > 0) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		if (fa->dev->ops->read(fa->dev, fa->off + off, chunk, n) < 0 ||
		    chunk[0] != fa->dev->erased_value || memcmp(chunk, chunk + 1, n - 1) != 0) {
			return false;
		}
		off += (uint32_t)n;
		len -= n;
	}
	return true;
}

int smpdfu_flash_area_erase_if_needed(const struct smpdfu_flash_area *fa, uint32_t off,
				      size_t len)
{
	if (smpdfu_flash_area_is_erased(fa, off, len)) {
		return 0;
	}
	return smpdfu_flash_area_erase(fa, off, len);
}

uint32_t smpdfu_flash_area_align_page(const struct smpdfu_flash_area *fa, uint32_t len)
{
	uint32_t page = fa->dev->page_size;
	uint32_t rem = len % page;

	if (rem == 0) {
		return len;
	}
	/* Saturate instead of wrapping to a small value that would look like it fits an area. */
	if (len > UINT32_MAX - (page - rem)) {
		return UINT32_MAX;
	}
	return len + (page - rem);
}
