/* The bootloader test device: a RAM NOR flash of any geometry, its map, images and snapshots. */
#include "boot_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

#define HDR_SIZE 0x200

void bfx_open(struct boot_fixture *f, const struct boot_geom *g)
{
	uint32_t total = g->page * (1 + g->pri_pages + g->sec_pages + g->scratch_pages);
	size_t count = g->scratch_pages > 0 ? 4 : 3;

	memset(f, 0, sizeof(*f));
	f->g = *g;
	assert_int_equal(flash_sim_open(&f->flash, NULL, total, g->page, g->write_block), 0);
	f->areas[0] = (struct flash_area){
		.id = FLASH_AREA_BOOTLOADER, .label = "mcuboot", .dev = &f->flash.dev,
		.off = 0, .size = g->page,
	};
	f->areas[1] = (struct flash_area){
		.id = FLASH_AREA_IMAGE_PRIMARY, .label = "image-0", .dev = &f->flash.dev,
		.off = g->page, .size = g->page * g->pri_pages,
	};
	f->areas[2] = (struct flash_area){
		.id = FLASH_AREA_IMAGE_SECONDARY, .label = "image-1", .dev = &f->flash.dev,
		.off = g->page * (1 + g->pri_pages), .size = g->page * g->sec_pages,
	};
	/* After the slots, as MCUboot boards lay it out. */
	f->areas[3] = (struct flash_area){
		.id = FLASH_AREA_IMAGE_SCRATCH, .label = "image-scratch", .dev = &f->flash.dev,
		.off = g->page * (1 + g->pri_pages + g->sec_pages),
		.size = g->page * g->scratch_pages,
	};
	assert_int_equal(flash_map_init(f->areas, count), 0);
	f->pri = &f->areas[1];
	f->sec = &f->areas[2];
	f->scratch = count > 3 ? &f->areas[3] : NULL;
}

void bfx_close(struct boot_fixture *f)
{
	free(f->snapshot);
	f->snapshot = NULL;
	flash_sim_close(&f->flash);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

size_t bfx_make_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor, uint16_t rev,
		      size_t payload_len, uint32_t seed, uint32_t flags, uint32_t load_addr)
{
	size_t body = HDR_SIZE + payload_len;
	size_t total = body + IMAGE_TLV_INFO_SIZE + IMAGE_TLV_ENTRY_HDR_SIZE + 32;
	struct sha256_ctx ctx;
	uint32_t x = seed * 2654435761u + 1;

	assert_true(total <= cap);
	memset(out, 0, HDR_SIZE);
	put_le32(out + IMAGE_HDR_OFF_MAGIC, IMAGE_MAGIC);
	put_le32(out + IMAGE_HDR_OFF_LOAD_ADDR, load_addr);
	put_le16(out + IMAGE_HDR_OFF_HDR_SIZE, HDR_SIZE);
	put_le32(out + IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)payload_len);
	put_le32(out + IMAGE_HDR_OFF_FLAGS, flags);
	out[IMAGE_HDR_OFF_VER_MAJOR] = major;
	out[IMAGE_HDR_OFF_VER_MINOR] = minor;
	put_le16(out + IMAGE_HDR_OFF_VER_REVISION, rev);
	for (size_t i = 0; i < payload_len; i++) {
		/* xorshift: every image differs everywhere, and 0xFF runs are rare. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[HDR_SIZE + i] = (uint8_t)x;
	}
	put_le16(out + body, IMAGE_TLV_INFO_MAGIC);
	put_le16(out + body + 2, IMAGE_TLV_INFO_SIZE + IMAGE_TLV_ENTRY_HDR_SIZE + 32);
	put_le16(out + body + 4, IMAGE_TLV_SHA256);
	put_le16(out + body + 6, 32);
	assert_int_equal(crypto_sha256_init(&ctx), 0);
	assert_int_equal(crypto_sha256_update(&ctx, out, body), 0);
	assert_int_equal(crypto_sha256_final(&ctx, out + body + 8), 0);
	return total;
}

void bfx_write(struct boot_fixture *f, const struct flash_area *fa, uint32_t off, const void *data,
	       size_t len)
{
	const uint32_t w = f->g.write_block;
	uint8_t tail[64];
	size_t whole = len - len % w;

	assert_true(w <= sizeof(tail));
	if (whole > 0) {
		assert_int_equal(flash_area_program(fa, off, data, whole), 0);
	}
	if (whole < len) {
		memset(tail, 0xff, w);
		memcpy(tail, (const uint8_t *)data + whole, len - whole);
		assert_int_equal(flash_area_program(fa, off + (uint32_t)whole, tail, w), 0);
	}
}

void bfx_load(struct boot_fixture *f, const struct flash_area *fa, const void *data, size_t len)
{
	assert_int_equal(flash_area_erase(fa, 0, fa->size), 0);
	bfx_write(f, fa, 0, data, len);
}

const uint8_t *bfx_mem(const struct boot_fixture *f, const struct flash_area *fa)
{
	return f->flash.mem + fa->off;
}

bool bfx_slot_starts_with(const struct boot_fixture *f, const struct flash_area *fa,
			  const void *data, size_t len)
{
	return memcmp(bfx_mem(f, fa), data, len) == 0;
}

void bfx_snapshot(struct boot_fixture *f)
{
	if (f->snapshot == NULL) {
		f->snapshot = malloc(flash_sim_snapshot_size(&f->flash));
		assert_non_null(f->snapshot);
	}
	flash_sim_save(&f->flash, f->snapshot);
}

void bfx_restore(struct boot_fixture *f)
{
	assert_non_null(f->snapshot);
	flash_sim_restore(&f->flash, f->snapshot);
	flash_sim_power_on(&f->flash);
	memset(&f->flash.count, 0, sizeof(f->flash.count));
}

uint64_t bfx_ops(const struct boot_fixture *f)
{
	return flash_sim_op_count(&f->flash);
}
