/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small device for bootloader tests: a RAM NOR flash of any geometry with a bootloader page, the
 * two image slots and optionally a scratch area in the flash map, images made to order (hash-only,
 * distinct contents and sizes), and snapshots so that a power-cut sweep restarts each run from the
 * same flash.
 */
#ifndef BOOT_FIXTURE_H
#define BOOT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/flash.h>
#include <smpdfu/image.h>

#include "flash_sim.h"

struct boot_geom {
	uint32_t page;        /* sector (erase page) size */
	uint32_t write_block; /* W */
	uint32_t pri_pages;
	uint32_t sec_pages;
	uint32_t scratch_pages; /* 0: no scratch area in the map */
};

struct boot_fixture {
	struct flash_sim flash;
	struct smpdfu_flash_area areas[4];
	struct boot_geom g;
	const struct smpdfu_flash_area *pri;
	const struct smpdfu_flash_area *sec;
	const struct smpdfu_flash_area *scratch; /* NULL without one */
	uint8_t *snapshot;
};

/* Opens a fresh erased flash with that geometry and installs its map (replaces the global one). */
void bfx_open(struct boot_fixture *f, const struct boot_geom *g);
void bfx_close(struct boot_fixture *f);

/*
 * Builds a hash-only MCUboot image (header 0x200 bytes, payload from seed, SHA-256 TLV) into out;
 * returns its total size.
 */
size_t bfx_make_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor, uint16_t rev,
		      size_t payload_len, uint32_t seed, uint32_t flags, uint32_t load_addr);
/* The hash of a bfx_make_image() image of len bytes made again, after a test changed its bytes. */
void bfx_rehash_image(uint8_t *img, size_t len);
/* The same, signed: KEYHASH and Ed25519 TLVs after the hash, with the key of bfx_test_key(). */
size_t bfx_make_signed_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor,
			     uint16_t rev, size_t payload_len, uint32_t seed, uint32_t flags,
			     uint32_t load_addr);
/* Header and TLV bytes around the payload: hash-only and signed images. */
#define BFX_HEADER_SIZE 0x200
#define BFX_OVERHEAD (BFX_HEADER_SIZE + 40)
#define BFX_SIGNED_OVERHEAD (BFX_OVERHEAD + 36 + 68)
/* The public half of the fixture's Ed25519 key, as a bootloader's trusted key. */
const struct smpdfu_image_key *bfx_test_key(void);

/* Programs len bytes at off (padded to the write block with 0xFF); the bytes must be erased. */
void bfx_write(struct boot_fixture *f, const struct smpdfu_flash_area *fa, uint32_t off,
	       const void *data, size_t len);
/* Erases the whole slot and programs data at its start (a factory programmer). */
void bfx_load(struct boot_fixture *f, const struct smpdfu_flash_area *fa, const void *data,
	      size_t len);

/* The flash contents, for direct comparisons. */
const uint8_t *bfx_mem(const struct boot_fixture *f, const struct smpdfu_flash_area *fa);
bool bfx_slot_starts_with(const struct boot_fixture *f, const struct smpdfu_flash_area *fa,
			  const void *data, size_t len);

/* Saves / restores the whole flash (and clears counters, cut and power state on restore). */
void bfx_snapshot(struct boot_fixture *f);
void bfx_restore(struct boot_fixture *f);

/* Program + erase operations since the flash was opened or restored. */
uint64_t bfx_ops(const struct boot_fixture *f);

#endif
