/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image management group (1): its handler table, the v1 translation of its error codes, and
 * what every command needs to know about slots.
 */
#include <errno.h>
#include <stddef.h>

#include <smpdfu/boot.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/mgmt_callbacks.h>

#include "img_mgmt_priv.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "img"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_IMG_LOG_LEVEL

/* What failed, for the log and the reason: unused (and not in the image) without either. */
static const char *failure_name(uint16_t rc)
{
	switch (rc) {
	case IMG_MGMT_ERR_FLASH_READ_FAILED:
		return "flash read failed";
	case IMG_MGMT_ERR_FLASH_ERASE_FAILED:
		return "erase failed";
	default:
		return "flash write failed";
	}
}

struct smp_status smpdfu_img_errno_status(int err, uint16_t rc)
{
	const char *what = failure_name(rc);

	LOG_ERR("%s (errno %d)", what, err);
	if (err == -EBADMSG) {
		rc = IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC;
		what = "bad trailer";
	} else if (err == -EINVAL) {
		rc = IMG_MGMT_ERR_UNKNOWN;
	}
	return img_err(rc, what);
}

/* Direct-XIP: the bootloader boots the higher version; the trailer matters only with revert. */
static uint32_t direct_xip_flags(uint32_t slot)
{
	const uint32_t active = smpdfu_img_active_slot();
	uint32_t f = slot == active ? IMG_SLOT_ACTIVE : 0;
	struct smpdfu_image_header mine;
	struct smpdfu_image_header running;
	struct smpdfu_boot_swap_state st;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	/* Only a readable image (as state read lists it) can be booted: a half upload cannot. */
	int mine_rc = slot != active
			      ? smpdfu_image_read_hash(smpdfu_boot_slot_area(slot), &mine, hash)
			      : -ENOENT;
	int running_rc = mine_rc == 0
				 ? smpdfu_image_read_header(smpdfu_boot_slot_area(active), &running)
				 : 0;
	bool newer = mine_rc == 0 && running_rc == 0 &&
		     smpdfu_image_version_cmp(&mine.ver, &running.ver, false) > 0;

	if (mine_rc == -EIO || running_rc == -EIO) {
		f |= IMG_SLOT_UNKNOWN;
	}
	if (!CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		return f | (newer ? IMG_SLOT_PENDING | IMG_SLOT_PERMANENT : 0);
	}
	if (smpdfu_boot_read_swap_state(smpdfu_boot_slot_area(slot), &st) < 0) {
		return f | IMG_SLOT_UNKNOWN;
	}
	if (st.image_ok == SMPDFU_BOOT_FLAG_SET) {
		f |= IMG_SLOT_CONFIRMED;
	}
	if (newer && st.magic == SMPDFU_BOOT_MAGIC_GOOD) {
		f |= IMG_SLOT_PENDING | (f & IMG_SLOT_CONFIRMED ? IMG_SLOT_PERMANENT : 0);
	}
	return f;
}

uint32_t smpdfu_img_slot_flags(uint32_t slot)
{
	/*
	 * Swap and overwrite modes: what MCUboot's swap-type table says the next boot does, for
	 * { the other slot, the active slot }. The types start at 1 (NONE): row 0 is PANIC's, no
	 * trailer could be read, nothing is known beyond what runs.
	 */
	static const uint8_t next_boot[][2] = {
		[0] = { IMG_SLOT_UNKNOWN, IMG_SLOT_ACTIVE | IMG_SLOT_UNKNOWN | IMG_SLOT_CONFIRMED },
		[SMPDFU_BOOT_SWAP_TYPE_NONE] = { 0, IMG_SLOT_ACTIVE | IMG_SLOT_CONFIRMED },
		[SMPDFU_BOOT_SWAP_TYPE_TEST] = { IMG_SLOT_PENDING,
						 IMG_SLOT_ACTIVE | IMG_SLOT_CONFIRMED },
		[SMPDFU_BOOT_SWAP_TYPE_PERM] = { IMG_SLOT_PENDING | IMG_SLOT_PERMANENT,
						 IMG_SLOT_ACTIVE | IMG_SLOT_CONFIRMED },
		/* The running image is on trial; the other slot holds the confirmed one. */
		[SMPDFU_BOOT_SWAP_TYPE_REVERT] = { IMG_SLOT_CONFIRMED, IMG_SLOT_ACTIVE },
	};
	unsigned int type;

	if (img_mode_is_direct_xip()) {
		return direct_xip_flags(slot);
	}
	/* The boot API answers NONE to REVERT, or PANIC (<smpdfu/boot.h>), which is above them. */
	type = (unsigned int)smpdfu_boot_swap_type();
	if (type > SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		type = 0;
	}
	return next_boot[type][slot == smpdfu_img_active_slot()];
}

static uint16_t img_translate_err(uint16_t rc)
{
	switch (rc) {
	case IMG_MGMT_ERR_NO_IMAGE:
	case IMG_MGMT_ERR_NO_TLVS:
		return MGMT_ERR_ENOENT;
	case IMG_MGMT_ERR_NO_FREE_SLOT:
	case IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER:
	case IMG_MGMT_ERR_IMAGE_ALREADY_PENDING:
		return MGMT_ERR_EBADSTATE;
	case IMG_MGMT_ERR_NO_FREE_MEMORY:
		return MGMT_ERR_ENOMEM;
	case IMG_MGMT_ERR_INVALID_SLOT:
	case IMG_MGMT_ERR_INVALID_PAGE_OFFSET:
	case IMG_MGMT_ERR_INVALID_OFFSET:
	case IMG_MGMT_ERR_INVALID_LENGTH:
	case IMG_MGMT_ERR_INVALID_IMAGE_HEADER:
	case IMG_MGMT_ERR_INVALID_HASH:
	case IMG_MGMT_ERR_INVALID_FLASH_ADDRESS:
		return MGMT_ERR_EINVAL;
	default:
		return MGMT_ERR_EUNKNOWN;
	}
}

/* The commands the build has: one that is off is not listed and answers ENOTSUP. */
static const struct smp_handler img_handlers[] = {
	{ .id = IMG_MGMT_ID_STATE, .ops = SMP_OPS_READ, .fn = smpdfu_img_state_read },
	/* Direct-XIP without revert has nothing to mark: the higher version simply wins. */
#if !CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP
	{ .id = IMG_MGMT_ID_STATE, .ops = SMP_OPS_WRITE, .fn = smpdfu_img_state_write },
#endif
	{ .id = IMG_MGMT_ID_UPLOAD, .ops = SMP_OPS_WRITE, .fn = smpdfu_img_upload },
	{ .id = IMG_MGMT_ID_ERASE, .ops = SMP_OPS_WRITE, .fn = smpdfu_img_erase },
#if CONFIG_MCUMGR_GRP_IMG_SLOT_INFO
	{ .id = IMG_MGMT_ID_SLOT_INFO, .ops = SMP_OPS_READ, .fn = smpdfu_img_slot_info },
#endif
};

static struct smp_group img_group = {
	.id = MGMT_GROUP_ID_IMAGE,
	.handlers = img_handlers,
	.handler_count = ARRAY_SIZE(img_handlers),
	.translate_err = img_translate_err,
};

/* The upload state starts cleared by the one reset path (smpdfu_state_reset()), not here. */
void smpdfu_img_mgmt_register(void)
{
	smpdfu_smp_group_register(&img_group);
}
