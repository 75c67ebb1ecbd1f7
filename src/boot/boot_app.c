/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application's side of MCUboot (<smpdfu/boot.h>): reading trailers, the swap-type table,
 * upgrade requests and confirmation, with MCUboot's meaning and 0/-errno results. Where our write
 * order differs from MCUboot's it is so that a power cut between two writes can never turn one
 * request into another; the end states are the ones a real MCUboot writes and reads.
 */
#include <errno.h>

#include <smpdfu/boot.h>
#include <smpdfu/port.h>

#include "boot_priv.h"
#include "boot_trailer_fields.h"
#include "log.h"
#include "sys/module_reset.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_UTIL_LOG_LEVEL

/* Told by the bootloader hand-over; swap and overwrite modes always run from slot 0. */
static uint32_t running_slot;

_Static_assert(SMPDFU_FLASH_AREA_IMAGE_SECONDARY == SMPDFU_FLASH_AREA_IMAGE_PRIMARY + 1,
	       "slot n is the area IMAGE_PRIMARY + n");

const struct smpdfu_flash_area *smpdfu_boot_slot_area(uint32_t slot)
{
	return slot < 2 ? smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY + slot) : NULL;
}

static bool mode_is_direct_xip(void)
{
	return CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	       CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT;
}

/*
 * The magic for the bootloader's alignment, as smpdfu_boot_trailer_magic() builds it, made at
 * build time: for A = 8 its 16 fixed bytes, else A as u16 LE and the 14 fixed ones.
 */
#if SMPDFU_BOOT_MAX_ALIGN == 8
static const uint8_t app_magic[SMPDFU_BOOT_MAGIC_SZ] = SMPDFU_BOOT_MAGIC_A8;
#else
static const struct {
	uint8_t align[2];
	uint8_t tail[SMPDFU_BOOT_MAGIC_SZ - 2];
} app_magic_parts = { { SMPDFU_BOOT_MAX_ALIGN & 0xff, SMPDFU_BOOT_MAX_ALIGN >> 8 },
		      SMPDFU_BOOT_MAGIC_ALIGNED_TAIL };
_Static_assert(sizeof(app_magic_parts) == SMPDFU_BOOT_MAGIC_SZ, "the magic is 16 bytes");
#define app_magic ((const uint8_t *)&app_magic_parts)
#endif

/*
 * The trailer at the bootloader's alignment, the reader and writers built for it
 * (boot_trailer_fields.h). A missing area is -EINVAL.
 */
static int read_trailer(const struct smpdfu_flash_area *fa, struct smpdfu_boot_swap_state *st)
{
	return boot_trailer_read(fa, SMPDFU_BOOT_MAX_ALIGN, app_magic, st);
}

static int write_field(const struct smpdfu_flash_area *fa, enum boot_trailer_cell cell,
		       uint32_t value)
{
	return boot_trailer_write_field(fa, SMPDFU_BOOT_MAX_ALIGN, cell, value);
}

static int write_magic(const struct smpdfu_flash_area *fa)
{
	return boot_trailer_write_magic(fa, SMPDFU_BOOT_MAX_ALIGN, app_magic);
}

/* For callers outside: also no place for the state is -EINVAL. */
int smpdfu_boot_read_swap_state(const struct smpdfu_flash_area *fa,
				struct smpdfu_boot_swap_state *st)
{
	return st == NULL ? -EINVAL : read_trailer(fa, st);
}

int smpdfu_boot_swap_type(void)
{
	const struct smpdfu_flash_area *pri = smpdfu_boot_slot_area(0);
	const struct smpdfu_flash_area *sec = smpdfu_boot_slot_area(1);
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state ss;

	if (sec == NULL) {
		return SMPDFU_BOOT_SWAP_TYPE_NONE;
	}
	if (read_trailer(pri, &ps) < 0) {
		return SMPDFU_BOOT_SWAP_TYPE_PANIC;
	}
	/*
	 * MCUboot takes an unreadable secondary for an empty one (it may sit on a missing external
	 * flash); a slot we have is only unreadable for a moment, and taking a pending image for
	 * none would let it be erased: PANIC, as for the primary.
	 */
	if (read_trailer(sec, &ss) < 0) {
		return SMPDFU_BOOT_SWAP_TYPE_PANIC;
	}
	return smpdfu_boot_swap_type_decide(&ps, &ss);
}

/* swap_info is written only where it is still erased (a foreign writer may have set it). */
static int write_swap_info_if_erased(const struct smpdfu_flash_area *fa, uint8_t swap_type)
{
	if (!smpdfu_flash_area_is_erased(fa, smpdfu_boot_swap_info_off(fa->size),
					 fa->dev->write_block)) {
		return 0;
	}
	/* Image 0: the type alone, a nibble below 0xF (the byte can never read as erased). */
	return write_field(fa, BOOT_CELL_SWAP_INFO, swap_type);
}

int smpdfu_boot_request_upgrade(bool permanent)
{
	const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(1);
	struct smpdfu_boot_swap_state st;
	uint8_t type = permanent ? SMPDFU_BOOT_SWAP_TYPE_PERM : SMPDFU_BOOT_SWAP_TYPE_TEST;
	int rc;

	if (fa == NULL) {
		return 0; /* no secondary slot: nothing can be pending (as Zephyr) */
	}
	rc = read_trailer(fa, &st);
	if (rc < 0 || st.magic == SMPDFU_BOOT_MAGIC_GOOD) {
		return rc; /* 0 when already marked: a test cannot become a permanent request */
	}
	if (st.magic == SMPDFU_BOOT_MAGIC_BAD) {
		return -EBADMSG;
	}
	/*
	 * No magic but image_ok already set: a permanent request was cut before its magic.
	 * Finishing it is right; a test magic next to it would turn a test into a permanent swap.
	 */
	if (st.image_ok == SMPDFU_BOOT_FLAG_BAD ||
	    (st.image_ok == SMPDFU_BOOT_FLAG_SET && !permanent)) {
		return -EBADMSG;
	}
	/* image_ok before the magic: a cut in between leaves no request, never a test request. */
	if (permanent && st.image_ok == SMPDFU_BOOT_FLAG_UNSET) {
		rc = write_field(fa, BOOT_CELL_IMAGE_OK, SMPDFU_BOOT_FLAG_SET_VALUE);
		if (rc < 0) {
			return rc;
		}
	}
	/*
	 * swap_info is informational (the table never reads it). Before the magic (MCUboot: after),
	 * so that the magic is the write that makes the request: a failure is never reported for a
	 * request that stands.
	 */
	rc = write_swap_info_if_erased(fa, type);
	if (rc < 0) {
		return rc;
	}
	return write_magic(fa);
}

int smpdfu_boot_write_img_confirmed(void)
{
	const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(smpdfu_boot_running_slot());
	struct smpdfu_boot_swap_state st;
	int rc;

	if (mode_is_direct_xip()) {
		return smpdfu_boot_set_next_direct_xip(smpdfu_boot_running_slot(), true);
	}
	if (fa == NULL) {
		return -EIO;
	}
	rc = read_trailer(fa, &st);
	if (rc < 0) {
		return rc;
	}
	switch (st.magic) {
	case SMPDFU_BOOT_MAGIC_UNSET:
		return 0; /* a factory image without trailer: there is nothing to confirm */
	case SMPDFU_BOOT_MAGIC_BAD:
		return -EBADMSG;
	default:
		break;
	}
	/* copy_done is not required: a padded image flashed by a programmer can be confirmed. */
	if (st.image_ok != SMPDFU_BOOT_FLAG_UNSET) {
		return 0;
	}
	rc = write_field(fa, BOOT_CELL_IMAGE_OK, SMPDFU_BOOT_FLAG_SET_VALUE);
	if (rc == 0) {
		LOG_INF("image in slot %u confirmed", (unsigned int)smpdfu_boot_running_slot());
	}
	return rc;
}

bool smpdfu_boot_is_img_confirmed(void)
{
	const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(smpdfu_boot_running_slot());
	struct smpdfu_boot_swap_state st;

	if (read_trailer(fa, &st) < 0) {
		return false;
	}
	return st.magic == SMPDFU_BOOT_MAGIC_UNSET || st.image_ok == SMPDFU_BOOT_FLAG_SET;
}

uint32_t smpdfu_boot_running_slot(void)
{
	return running_slot;
}

void smpdfu_boot_set_running_slot(uint32_t slot)
{
	running_slot = slot;
}

void smpdfu_boot_app_reset(void)
{
	running_slot = 0;
}

uint32_t smpdfu_boot_max_image_size(void)
{
	const struct smpdfu_flash_area *pri = smpdfu_boot_slot_area(0);
	const struct smpdfu_flash_area *sec = smpdfu_boot_slot_area(1);
	const struct smpdfu_flash_area *scratch = NULL;
	int mode = BOOT_MODE_SWAP_MOVE;

	if (pri == NULL || sec == NULL) {
		return 0;
	}
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		mode = BOOT_MODE_SWAP_SCRATCH;
		scratch = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SCRATCH);
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY) {
		mode = BOOT_MODE_OVERWRITE_ONLY;
	} else if (mode_is_direct_xip()) {
		mode = BOOT_MODE_DIRECT_XIP;
	}
	return smpdfu_boot_mode_max_image_size(mode, pri->size, sec->size,
					       scratch != NULL ? scratch->size : 0,
					       sec->dev->page_size, SMPDFU_BOOT_MAX_ALIGN,
					       CONFIG_BOOT_MAX_IMG_SECTORS, sec->dev->write_block);
}

int smpdfu_boot_set_next_direct_xip(uint32_t slot, bool confirm)
{
	const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(slot);
	struct smpdfu_boot_swap_state st;
	int rc;

	if (fa == NULL) {
		return -EINVAL;
	}
	rc = read_trailer(fa, &st);
	if (rc < 0) {
		return rc;
	}
	if (st.magic == SMPDFU_BOOT_MAGIC_BAD || st.image_ok == SMPDFU_BOOT_FLAG_BAD) {
		return -EBADMSG;
	}
	/* As for swaps: image_ok set under a test magic would be a silent confirm. */
	if (st.magic == SMPDFU_BOOT_MAGIC_UNSET && !confirm &&
	    st.image_ok == SMPDFU_BOOT_FLAG_SET) {
		return -EBADMSG;
	}
	/*
	 * image_ok first: the revert rules erase a slot whose copy_done is set without image_ok, so
	 * that combination must never be on flash, not even for a moment. The last write is the one
	 * that makes the request (the magic; image_ok where the magic is there), so a failure is
	 * never reported for a request that stands. Under a magic copy_done is the bootloader's: it
	 * writes it when it first selects the slot.
	 */
	if (confirm && st.image_ok == SMPDFU_BOOT_FLAG_UNSET) {
		rc = write_field(fa, BOOT_CELL_IMAGE_OK, SMPDFU_BOOT_FLAG_SET_VALUE);
		if (rc < 0) {
			return rc;
		}
	}
	if (st.magic != SMPDFU_BOOT_MAGIC_UNSET) {
		return 0;
	}
	if (confirm && st.copy_done == SMPDFU_BOOT_FLAG_UNSET) {
		rc = write_field(fa, BOOT_CELL_COPY_DONE, SMPDFU_BOOT_FLAG_SET_VALUE);
		if (rc < 0) {
			return rc;
		}
	}
	return write_magic(fa);
}
