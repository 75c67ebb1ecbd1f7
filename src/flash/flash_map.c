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

#include <smpdfu/flash.h>

/* Chunk for erased checks: small enough for any device stack, large enough to keep reads few. */
#define ERASED_CHECK_CHUNK 64

/* One map per device image; init replaces it (tests build several maps one after another). */
static const struct flash_area *map_areas;
static size_t map_count;

static bool device_geometry_is_valid(const struct flash_device *dev)
{
	return dev != NULL && dev->ops != NULL && dev->page_size != 0 && dev->write_block != 0 &&
	       dev->page_size % dev->write_block == 0 && dev->size % dev->page_size == 0;
}

static bool area_is_valid(const struct flash_area *fa)
{
	const struct flash_device *dev = fa->dev;

	if ((unsigned int)fa->id >= FLASH_AREA_COUNT || !device_geometry_is_valid(dev)) {
		return false;
	}
	/* An empty area could not hold anything and would make every access an error. */
	if (fa->size == 0 || fa->off % dev->page_size != 0 || fa->size % dev->page_size != 0) {
		return false;
	}
	/* Written as subtractions so that off + size cannot wrap around. */
	return fa->off <= dev->size && fa->size <= dev->size - fa->off;
}

static bool areas_conflict(const struct flash_area *a, const struct flash_area *b)
{
	/* Two areas with one id would make flash_area_get() depend on the table order. */
	if (a->id == b->id) {
		return true;
	}
	if (a->dev != b->dev) {
		return false;
	}
	return a->off < b->off + b->size && b->off < a->off + a->size;
}

int flash_map_init(const struct flash_area *areas, size_t count)
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

const struct flash_area *flash_area_get(enum flash_area_id id)
{
	for (size_t i = 0; i < map_count; i++) {
		if (map_areas[i].id == id) {
			return &map_areas[i];
		}
	}
	return NULL;
}

static bool range_is_inside(const struct flash_area *fa, uint32_t off, size_t len)
{
	return fa != NULL && fa->dev != NULL && off <= fa->size && len <= fa->size - off;
}

int flash_area_read(const struct flash_area *fa, uint32_t off, void *dst, size_t len)
{
	if (!range_is_inside(fa, off, len) || (dst == NULL && len != 0)) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	return fa->dev->ops->read(fa->dev, fa->off + off, dst, len);
}

int flash_area_program(const struct flash_area *fa, uint32_t off, const void *src, size_t len)
{
	if (!range_is_inside(fa, off, len) || (src == NULL && len != 0)) {
		return -EINVAL;
	}
	/* Areas start on a page boundary, so area alignment is device alignment. */
	if (off % fa->dev->write_block != 0 || len % fa->dev->write_block != 0) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	return fa->dev->ops->program(fa->dev, fa->off + off, src, len);
}

int flash_area_erase(const struct flash_area *fa, uint32_t off, size_t len)
{
	if (!range_is_inside(fa, off, len)) {
		return -EINVAL;
	}
	if (off % fa->dev->page_size != 0 || len % fa->dev->page_size != 0) {
		return -EINVAL;
	}
	if (len == 0) {
		return 0;
	}
	return fa->dev->ops->erase(fa->dev, fa->off + off, len);
}

bool flash_area_is_erased(const struct flash_area *fa, uint32_t off, size_t len)
{
	uint8_t chunk[ERASED_CHECK_CHUNK];

	if (!range_is_inside(fa, off, len)) {
		return false;
	}
	while (len > 0) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		if (fa->dev->ops->read(fa->dev, fa->off + off, chunk, n) < 0) {
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			if (chunk[i] != fa->dev->erased_value) {
				return false;
			}
		}
		off += (uint32_t)n;
		len -= n;
	}
	return true;
}

uint32_t flash_area_align_page(const struct flash_area *fa, uint32_t len)
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
