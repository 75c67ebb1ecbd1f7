/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces between the files of the image management group. */
#ifndef IMG_MGMT_PRIV_H
#define IMG_MGMT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/boot.h>
#include <smpdfu/flash.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/smp.h>

#define IMG_SLOT_COUNT 2

/*
 * What the bootloader will do with a slot: smpdfu_img_slot_flags() answers these bits, in the
 * order a state read lists them.
 */
enum img_slot_flag {
	IMG_SLOT_PENDING = 1u << 0,
	IMG_SLOT_CONFIRMED = 1u << 1,
	IMG_SLOT_ACTIVE = 1u << 2,
	IMG_SLOT_PERMANENT = 1u << 3,
	/* A trailer or header could not be read: the others are a guess. */
	IMG_SLOT_UNKNOWN = 1u << 4,
};

static inline struct smp_status img_err(uint16_t rc, const char *rsn)
{
	return smpdfu_smp_group_err(MGMT_GROUP_ID_IMAGE, rc, rsn);
}

/*
 * For checks that answer a bare group error code (0: passed), which the handler makes a status
 * in one place (img_status): a refusal is then a small constant, not a status word each.
 */
static inline uint16_t img_refuse(uint16_t rc, const char *rsn)
{
	smpdfu_smp_verbose_reason(rsn);
	return rc;
}

static inline struct smp_status img_status(uint16_t rc)
{
	return smpdfu_smp_group_status(MGMT_GROUP_ID_IMAGE, rc);
}

/*
 * The status of a flash or boot-state operation that failed with `err` (a negative errno): the
 * group error `rc` that names the operation (FLASH_READ_FAILED, FLASH_WRITE_FAILED or
 * FLASH_ERASE_FAILED); but -EBADMSG (a trailer not in MCUboot's format) is
 * INVALID_IMAGE_HEADER_MAGIC and -EINVAL (out of bounds: a bug, not the flash) UNKNOWN. The
 * errno goes to the log, since the response cannot carry it.
 */
struct smp_status smpdfu_img_errno_status(int err, uint16_t rc);

/* The slot the running application executes from. */
static inline uint32_t smpdfu_img_active_slot(void)
{
	return smpdfu_boot_running_slot();
}
/* The other slot of image 0. */
static inline uint32_t smpdfu_img_other_slot(uint32_t slot)
{
	return slot == 0 ? 1 : 0;
}

static inline bool img_mode_is_direct_xip(void)
{
	return CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	       CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT;
}
/* What the bootloader will do with each slot (active, confirmed, pending, permanent). */
uint32_t smpdfu_img_slot_flags(uint32_t slot);
/*
 * True when erasing or overwriting the slot would destroy an image the device needs: the running
 * one, one marked for the next boot, or the confirmed image a revert will restore; and when that
 * cannot be told (a read failed), since a wrong "no" destroys it.
 */
static inline bool smpdfu_img_slot_in_use(uint32_t slot)
{
	return (smpdfu_img_slot_flags(slot) & (IMG_SLOT_UNKNOWN | IMG_SLOT_ACTIVE |
					       IMG_SLOT_PENDING | IMG_SLOT_CONFIRMED)) != 0;
}

/*
 * With required signatures (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED): the image in the slot is
 * valid as the bootloader checks it, signed by a key the device trusts. Else INVALID_TLV with
 * the reason (or FLASH_READ_FAILED). Callers test the option first, so that without it this is
 * not linked.
 */
struct smp_status smpdfu_img_require_signature(uint32_t slot);

/*
 * Fires a notification whose answer does not matter (status events); inline, so that without
 * CONFIG_MCUMGR_GRP_IMG_STATUS_HOOKS no call (nor its event data) is left in the handlers.
 */
static inline void img_notify(uint32_t event, void *data, size_t size)
{
	if (CONFIG_MCUMGR_GRP_IMG_STATUS_HOOKS) {
		smpdfu_mgmt_callback_notify(event, data, size, NULL, NULL);
	}
}

struct smp_status smpdfu_img_state_read(struct smp_request *req);
struct smp_status smpdfu_img_state_write(struct smp_request *req);
struct smp_status smpdfu_img_upload(struct smp_request *req);
struct smp_status smpdfu_img_erase(struct smp_request *req);
struct smp_status smpdfu_img_slot_info(struct smp_request *req);

void smpdfu_img_upload_init(void);

#endif
