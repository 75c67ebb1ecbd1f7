/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the app-side boot API and the bootloader: the trailer reader and writer for
 * any SMPDFU_BOOT_MAX_ALIGN, the swap-type table, the loader context, each mode's entry point and
 * the helpers the modes share. The alignment, the status-area size and the mode are parameters here
 * (the public API fixes them from Kconfig) so that one test binary can drive every mode and every
 * alignment.
 */
#ifndef SMPDFU_BOOT_PRIV_H
#define SMPDFU_BOOT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>
#include <smpdfu/flash.h>
#include <smpdfu/image.h>
#include <smpdfu/prot/boot_trailer.h>

/* Status entries per sector (move) or region (scratch): both swap modes use 3. */
#define BOOT_STATUS_STATE_COUNT 3

/*
 * Trailer layout for SMPDFU_BOOT_MAX_ALIGN = align (8, 16 or 32) in a slot of `size` bytes. Offsets
 * are from the start of the slot; the public inline helpers of <smpdfu/prot/boot_trailer.h> are
 * these for the configured alignment. The formulas are inline, so that a caller with a constant
 * geometry (the application's, from Kconfig) has them computed at build time.
 */
static inline uint32_t smpdfu_boot_trailer_magic_align(uint32_t align)
{
	/* The magic is written in one program of A bytes when A is above 16. */
	return align > SMPDFU_BOOT_MAGIC_SZ ? align : SMPDFU_BOOT_MAGIC_SZ;
}

/* Where the magic's write starts: its 16 bytes, rounded down to A (for A = 32, 16 more). */
static inline uint32_t smpdfu_boot_trailer_magic_write_off(uint32_t size, uint32_t align)
{
	return (size - SMPDFU_BOOT_MAGIC_SZ) & ~(align - 1);
}

/* The four cells of A bytes below the magic, from the top; a field opens its cell. */
enum boot_trailer_cell {
	BOOT_CELL_IMAGE_OK,
	BOOT_CELL_COPY_DONE,
	BOOT_CELL_SWAP_INFO,
	BOOT_CELL_SWAP_SIZE,
};

/*
 * Cell k: k + 1 cells below the magic, rounded down to A, a power of two, as MCUboot's layout
 * takes it (image_ok's place, less k cells).
 */
static inline uint32_t smpdfu_boot_trailer_cell_off(uint32_t size, uint32_t align,
						    enum boot_trailer_cell cell)
{
	return (size - SMPDFU_BOOT_MAGIC_SZ - (cell + 1) * align) & ~(align - 1);
}

uint32_t smpdfu_boot_trailer_image_ok_off(uint32_t size, uint32_t align);
uint32_t smpdfu_boot_trailer_copy_done_off(uint32_t size, uint32_t align);
uint32_t smpdfu_boot_trailer_swap_info_off(uint32_t size, uint32_t align);
uint32_t smpdfu_boot_trailer_swap_size_off(uint32_t size, uint32_t align);
/* Bytes of magic and the four fields: 4·A + the magic's write size. */
static inline uint32_t smpdfu_boot_trailer_info_size(uint32_t align)
{
	return 4 * align + smpdfu_boot_trailer_magic_align(align);
}

/* The magic the bootloader built for `align` compares against (16 bytes). */
void smpdfu_boot_trailer_magic(uint32_t align, uint8_t magic[SMPDFU_BOOT_MAGIC_SZ]);

/* The status area of a swap: S sectors × 3 states × W bytes, right below the trailer fields. */
static inline uint32_t smpdfu_boot_status_size(uint32_t max_sectors, uint32_t wsz)
{
	return max_sectors * BOOT_STATUS_STATE_COUNT * wsz;
}

/* Status area + trailer fields: the bytes at the end of a slot that never hold image data. */
static inline uint32_t smpdfu_boot_trailer_size(uint32_t align, uint32_t max_sectors, uint32_t wsz)
{
	return smpdfu_boot_status_size(max_sectors, wsz) + smpdfu_boot_trailer_info_size(align);
}

/* The scratch area's own trailer: one region's 3 status entries + the trailer fields. */
uint32_t smpdfu_boot_scratch_trailer_size(uint32_t align, uint32_t wsz);
/* Offset of status entry k (0-based) in a slot of `size` bytes. */
uint32_t smpdfu_boot_status_entry_off(uint32_t size, uint32_t align, uint32_t max_sectors,
				      uint32_t wsz, uint32_t k);
/* Index of the first sector of a slot that holds trailer bytes (sectors of equal size). */
static inline uint32_t smpdfu_boot_trailer_first_sector(uint32_t size, uint32_t sector_size,
							uint32_t trailer_size)
{
	return (size - trailer_size) / sector_size;
}

/*
 * The largest image (header, payload, TLVs) a mode accepts in the secondary slot, from the slot
 * geometry alone; 0 when the slots do not suit the mode. Swap-using-move keeps one primary sector
 * free below the trailer sectors; swap-using-scratch keeps the status area free and, when the
 * image shares a sector with the trailer, leaves room for the scratch's trailer next to that
 * region in the scratch (scratch_size, 0 when there is none); overwrite-only and direct-XIP keep
 * the trailer fields free.
 */
uint32_t smpdfu_boot_swap_scratch_max_image_size(uint32_t slot_size, uint32_t sec_size,
						 uint32_t scratch_size, uint32_t sector_size,
						 uint32_t align, uint32_t max_sectors,
						 uint32_t wsz);
uint32_t smpdfu_boot_fields_max_image_size(uint32_t pri_size, uint32_t sec_size, uint32_t align);

/* Swap-using-move: the primary has the secondary's sectors or one more (the move's spare). */
static inline uint32_t smpdfu_boot_swap_move_max_image_size(uint32_t pri_size, uint32_t sec_size,
							    uint32_t sector_size, uint32_t align,
							    uint32_t max_sectors, uint32_t wsz)
{
	uint32_t trailer = smpdfu_boot_trailer_size(align, max_sectors, wsz);
	uint32_t pri_first;

	if (sector_size == 0 || trailer >= sec_size || pri_size / sector_size > max_sectors ||
	    (pri_size != sec_size && pri_size != sec_size + sector_size)) {
		return 0;
	}
	/*
	 * With the secondary's sectors or one more, the primary's first trailer sector is the
	 * secondary's or the one after it: the sector below it (the spare the move phase needs)
	 * is never past the secondary's.
	 */
	pri_first = smpdfu_boot_trailer_first_sector(pri_size, sector_size, trailer);
	if (pri_first < 2) {
		return 0;
	}
	return (pri_first - 1) * sector_size;
}

/*
 * The flash operations of the boot code (boot_flash.c): smpdfu_flash_area_read/program/erase() with
 * each failure logged (operation, area, offset, errno). 0 or the flash layer's error as it is.
 */
int smpdfu_boot_flash_read(const struct smpdfu_flash_area *fa, uint32_t off, void *dst, size_t len);
int smpdfu_boot_flash_program(const struct smpdfu_flash_area *fa, uint32_t off, const void *src,
			      size_t len);
int smpdfu_boot_flash_erase(const struct smpdfu_flash_area *fa, uint32_t off, size_t len);

/*
 * Reads magic, image_ok, copy_done and swap_info of fa's trailer. 0, -EINVAL (no area, or one too
 * small for a trailer) or the flash's error.
 */
int smpdfu_boot_trailer_read(const struct smpdfu_flash_area *fa, uint32_t align,
			     struct smpdfu_boot_swap_state *st);
/* Reads swap_size (the bytes a swap moves). 0 or the flash's error. */
int smpdfu_boot_trailer_read_swap_size(const struct smpdfu_flash_area *fa, uint32_t align,
				       uint32_t *size);

/*
 * Trailer writes: each is one program of the field rounded up to the write block and padded with
 * the erased value (the magic: its write size, erased bytes first). The bytes must be erased.
 * 0, -EINVAL when the write block is larger than align (MCUboot cannot place the field), or
 * the flash's error.
 */
int smpdfu_boot_trailer_write_magic(const struct smpdfu_flash_area *fa, uint32_t align);
int smpdfu_boot_trailer_write_image_ok(const struct smpdfu_flash_area *fa, uint32_t align);
int smpdfu_boot_trailer_write_copy_done(const struct smpdfu_flash_area *fa, uint32_t align);
int smpdfu_boot_trailer_write_swap_info(const struct smpdfu_flash_area *fa, uint32_t align,
					uint8_t swap_type, uint8_t image_num);
int smpdfu_boot_trailer_write_swap_size(const struct smpdfu_flash_area *fa, uint32_t align,
					uint32_t size);
/*
 * A GOOD magic programmed to all zeros, so that the trailer reads "no magic" before its erase
 * begins: a torn erase may leave any part of the trailer, the magic included, as it was. One
 * program of the magic's 16 bytes rounded up to the write block (zeros over programmed bytes are
 * allowed, <smpdfu/flash.h>); nothing is written when the magic is not GOOD. 0, -EINVAL (a flash
 * whose erased value is not 0xFF), or the flash's error.
 */
int smpdfu_boot_trailer_invalidate_magic(const struct smpdfu_flash_area *fa, uint32_t align);

/* MCUboot's swap-type table (v2.2+): first matching row wins, NONE when no row matches. */
int smpdfu_boot_swap_type_decide(const struct smpdfu_boot_swap_state *pri,
				 const struct smpdfu_boot_swap_state *sec);
/* "none", "test", "perm", "revert", "fail", "panic": for logs. */
const char *smpdfu_boot_swap_type_name(int swap_type);

/* The bootloader's modes; smpdfu_boot_go() runs the one Kconfig chose. */
enum boot_mode {
	BOOT_MODE_SWAP_MOVE,
	BOOT_MODE_SWAP_SCRATCH,
	BOOT_MODE_OVERWRITE_ONLY,
	BOOT_MODE_DIRECT_XIP,
	BOOT_MODE_DIRECT_XIP_REVERT,
};

/* The same for a mode named at run time; a constant mode links only its own rule. */
static inline uint32_t smpdfu_boot_mode_max_image_size(int mode, uint32_t pri_size,
						       uint32_t sec_size, uint32_t scratch_size,
						       uint32_t sector_size, uint32_t align,
						       uint32_t max_sectors, uint32_t wsz)
{
	if (mode == BOOT_MODE_SWAP_SCRATCH) {
		return smpdfu_boot_swap_scratch_max_image_size(
			pri_size, sec_size, scratch_size, sector_size, align, max_sectors, wsz);
	}
	if (mode == BOOT_MODE_SWAP_MOVE) {
		return smpdfu_boot_swap_move_max_image_size(pri_size, sec_size, sector_size, align,
							    max_sectors, wsz);
	}
	return smpdfu_boot_fields_max_image_size(pri_size, sec_size, align);
}

/*
 * Everything one run of the bootloader uses. Filled by smpdfu_boot_loader_init() at every start (no
 * state survives a simulated reset); tests may change the options before calling a mode's entry.
 */
struct smpdfu_boot_loader {
	const struct smpdfu_flash_area *pri;
	const struct smpdfu_flash_area *sec;
	/* NULL when the flash map has none (only swap-using-scratch needs it). */
	const struct smpdfu_flash_area *scratch;
	const struct smpdfu_image_key *keys;
	size_t key_count;
	uint32_t align;        /* SMPDFU_BOOT_MAX_ALIGN */
	uint32_t max_sectors;  /* BOOT_MAX_IMG_SECTORS: sizes the swap status area */
	bool validate_primary; /* full validation of the primary before boot, else header only */
	bool no_downgrade;     /* refuse an upgrade whose version is lower than the primary's */
	/* Derived by smpdfu_boot_loader_init(). */
	uint32_t sector_size;
	uint32_t wsz; /* write block: status entry size and flag padding */
	uint8_t buf[CONFIG_BOOT_COPY_BUF_SIZE];
};

/*
 * Takes the primary and secondary areas from the flash map, the keys from
 * smpdfu_boot_trusted_keys(), the options from Kconfig. 0; -ENODEV when an area is missing; -EINVAL
 * when the two slots are on devices of different geometry (page size, write block, erased value).
 * The mode entries check the options against the flash (smpdfu_boot_loader_check()), so tests may
 * change them in between.
 */
int smpdfu_boot_loader_init(struct smpdfu_boot_loader *bl);
/* The options fit the flash: 0, or -EINVAL (write block above align, align not 8/16/32). */
int smpdfu_boot_loader_check(const struct smpdfu_boot_loader *bl);

/*
 * The mode entries: what smpdfu_boot_go() does for each mode (same return values, -EINVAL when
 * smpdfu_boot_loader_check() refuses the options).
 */
int smpdfu_boot_go_swap_move(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp);
int smpdfu_boot_go_swap_scratch(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp);
int smpdfu_boot_go_overwrite(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp);
int smpdfu_boot_go_direct_xip(struct smpdfu_boot_loader *bl, bool revert,
			      struct smpdfu_boot_rsp *rsp);
/*
 * Swap-using-move while a swap is unfinished: where the header of the incoming image (the one
 * moving into the primary) or of the outgoing one is now. 0 with *fa and *off; -ENOENT when the
 * primary trailer records no unfinished swap.
 */
int smpdfu_boot_swap_move_locate(struct smpdfu_boot_loader *bl, bool incoming,
				 const struct smpdfu_flash_area **fa, uint32_t *off);
/* The same for swap-using-scratch, where the header can also be in the scratch area. */
int smpdfu_boot_swap_scratch_locate(struct smpdfu_boot_loader *bl, bool incoming,
				    const struct smpdfu_flash_area **fa, uint32_t *off);
/*
 * Runs the given mode on a loader already initialised (and set up as a test wants it); -ENOTSUP
 * for a mode the configuration does not link (CONFIG_SMPDFU_BOOT_EVERY_MODE links them all).
 */
int smpdfu_boot_go_loader(struct smpdfu_boot_loader *bl, enum boot_mode mode,
			  struct smpdfu_boot_rsp *rsp);
/* Initialises a loader from the flash map and runs the given mode (smpdfu_boot_go_loader). */
int smpdfu_boot_go_mode(enum boot_mode mode, struct smpdfu_boot_rsp *rsp);

/* Helpers of the modes (loader.c). */

/* Erases [off, off+len) unless it already reads erased (saves wear and keeps boots op-free). */
int smpdfu_boot_erase_if_needed(const struct smpdfu_flash_area *fa, uint32_t off, uint32_t len);
/* Erases the sectors that hold fa's trailer of trailer_size bytes, its magic invalidated first. */
int smpdfu_boot_scramble_trailer(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
				 uint32_t trailer_size);
/* Copies len bytes (a multiple of the write block) through bl->buf; erased chunks are skipped. */
int smpdfu_boot_copy(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *src,
		     uint32_t src_off, const struct smpdfu_flash_area *dst, uint32_t dst_off,
		     uint32_t len);
/*
 * The header checks MCUboot makes before it considers a slot at all: magic, sizes inside the slot,
 * no encryption or compression (not supported). 0, -ENOENT for an erased header, -EINVAL; -EIO
 * when it cannot be read, whatever the flash's errno (logged): never taken for a verdict.
 */
int smpdfu_boot_read_checked_header(const struct smpdfu_flash_area *fa,
				    struct smpdfu_image_header *hdr);
/*
 * Full validation of the image in fa (hash, signature with the trusted keys) whose end must not
 * pass max_size. 0 with *v filled; -ENOENT no image; -EFBIG too large; else
 * smpdfu_image_validate()'s.
 */
int smpdfu_boot_validate_image(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
			       uint32_t max_size, struct smpdfu_image_validation *v);
/* Reads the 32-byte header at off of fa: 0, -ENOENT (no image magic there), the flash's error. */
int smpdfu_boot_read_header_at(const struct smpdfu_flash_area *fa, uint32_t off,
			       struct smpdfu_image_header *hdr);
/*
 * Downgrade prevention (when bl->no_downgrade): 1 when the primary holds a valid image of a
 * higher version than `incoming` (equal versions are accepted, as in MCUboot), logging the
 * refusal; 0 when not; -EIO when the primary could not be read.
 */
int smpdfu_boot_is_downgrade(struct smpdfu_boot_loader *bl,
			     const struct smpdfu_image_header *incoming);
/*
 * Erases the whole slot (an invalid image is never tried again): all of it but the last sector
 * first, then the last sector, its trailer magic invalidated first. So the image goes before the
 * request that has it checked: a torn erase leaves the request, and the next boot checks again.
 */
int smpdfu_boot_scrub_slot(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa);
/* Fills rsp and logs "booting slot N version X". */
void smpdfu_boot_report(struct smpdfu_boot_rsp *rsp, uint32_t slot,
			const struct smpdfu_image_header *hdr, int swap_type);
/* Slot index (0 primary, 1 secondary) of an area of the loader. */
uint32_t smpdfu_boot_slot_of(const struct smpdfu_boot_loader *bl,
			     const struct smpdfu_flash_area *fa);
/*
 * The last step of the modes that boot the primary: the image there, fully validated
 * (bl->validate_primary) or by its header only, ending before max_size, goes into rsp with the
 * swap type this run carried out. 0; -ENOENT no bootable image (logged); -EIO (unreadable).
 */
int smpdfu_boot_from_primary(struct smpdfu_boot_loader *bl, uint32_t max_size, int swap_type,
			     struct smpdfu_boot_rsp *rsp);

/* Shared by the two swap modes (swap_common.c). */

/* Programs status entry `value` (its state) as one write block at off of fa. 0 or the flash's. */
int smpdfu_boot_status_write(const struct smpdfu_boot_loader *bl,
			     const struct smpdfu_flash_area *fa, uint32_t off, uint8_t value);
/*
 * Entries recorded among the `count` entries at off of fa: one past the highest one that is not
 * erased (0 when none is). A torn entry counts as written: it is programmed only after its step's
 * copy is complete. 0 or the flash's error.
 */
int smpdfu_boot_status_progress(struct smpdfu_boot_loader *bl, const struct smpdfu_flash_area *fa,
				uint32_t off, uint32_t count, uint32_t *done);
/*
 * The trailer fields that describe a swap, into an erased trailer of fa: swap_info, image_ok (when
 * asked), swap_size, and the magic last, so that a GOOD magic means the others are in place.
 */
int smpdfu_boot_swap_write_fields(const struct smpdfu_boot_loader *bl,
				  const struct smpdfu_flash_area *fa, int swap_type, bool image_ok,
				  uint32_t swap_size);
/* After the data: image_ok for a permanent swap, a revert or a failure, then copy_done. */
int smpdfu_boot_swap_finish(struct smpdfu_boot_loader *bl, int swap_type);

/* What smpdfu_boot_swap_plan() takes from the mode. */
struct boot_swap_limits {
	uint32_t max_image_size; /* the largest image it can swap: smpdfu_boot_mode_max_image_size()
				  */
	uint32_t trailer_size;   /* the slot trailer: status area + fields */
	/* It marks the secondary REVERT before a revert rewrites the primary trailer (move). */
	bool revert_fixup;
};

/*
 * Whether a swap starts, from both trailers: the swap-type table (a secondary marked by the
 * revert fixup turns PERM into REVERT when lim->revert_fixup and the primary backs the mark: it
 * asks for a revert, records one, or is being rewritten for one), then the secondary validated
 * within the mode's limit, then the swap's size, the larger of the two images, which must fit
 * the limit too. 0: swap (*type, *swap_size); 1: no swap (the secondary, or its stale trailer,
 * was scrubbed as MCUboot does; a revert with nothing to go back to also clears the primary
 * trailer); -EIO (unreadable) or the flash's error.
 */
int smpdfu_boot_swap_plan(struct smpdfu_boot_loader *bl, const struct boot_swap_limits *lim,
			  const struct smpdfu_boot_swap_state *ps,
			  const struct smpdfu_boot_swap_state *ss, int *type, uint32_t *swap_size);
/*
 * A swap recorded but not begun (cut after its status was initialised): the secondary is checked
 * again. 0: still valid; 1: invalid, and scrubbed (the swap is abandoned); -EIO (unreadable) or
 * the flash's error.
 */
int smpdfu_boot_swap_recheck_secondary(struct smpdfu_boot_loader *bl, uint32_t max_size);

#endif /* SMPDFU_BOOT_PRIV_H */
