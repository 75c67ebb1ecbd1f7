/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image erase (command 5): erases a slot that holds nothing the device needs, after the
 * application's vetoable erase check, and forgets any upload in progress.
 */
#include <errno.h>
#include <stdint.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>

#include "img_mgmt_priv.h"
#include "log.h"

#define LOG_MODULE "img"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_IMG_LOG_LEVEL

static struct smp_status check_erase(uint32_t slot)
{
	if (!CONFIG_SMPDFU_IMG_WRITE_CHECK_HOOK) {
		return smpdfu_smp_ok();
	}

	struct img_mgmt_erase_check data = { .slot = slot };

	return smpdfu_mgmt_callback_check(MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK, &data, sizeof(data));
}

struct smp_status smpdfu_img_erase(struct smp_request *req)
{
	union cbor_value slot_value = { .u = smpdfu_img_other_slot(smpdfu_img_active_slot()) };
	uint64_t slot;
	const struct smpdfu_flash_area *fa;
	struct smpdfu_image_header hdr;
	struct smp_status st;
	int rc;

	if (smpdfu_cbor_decode_map(&req->payload, CBOR_FIELD_UINT("slot"), &slot_value) < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	slot = slot_value.u;
	/* The boot API has no area for a slot it lacks; one beyond 32 bits must not wrap to one. */
	fa = slot <= UINT32_MAX ? smpdfu_boot_slot_area((uint32_t)slot) : NULL;
	if (fa == NULL) {
		return img_err(IMG_MGMT_ERR_INVALID_SLOT, "invalid slot");
	}
	/* No image: whatever its trailer says, nothing is lost. Unreadable: nothing is known. */
	rc = smpdfu_image_read_header(fa, &hdr);
	if (rc == -EIO) {
		return img_err(IMG_MGMT_ERR_FLASH_READ_FAILED, "flash read failed");
	}
	if (rc == 0 && smpdfu_img_slot_in_use((uint32_t)slot)) {
		return img_err(IMG_MGMT_ERR_NO_FREE_SLOT, "slot in use");
	}
	st = check_erase((uint32_t)slot);
	if (!smpdfu_smp_status_is_ok(st)) {
		LOG_WRN("erase of slot %u refused by a hook", (unsigned int)slot);
		return st;
	}

	smpdfu_img_mgmt_reset_upload();
	rc = smpdfu_flash_area_erase_if_needed(fa, 0, fa->size);
	if (rc < 0) {
		img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED, NULL, 0);
		return smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_ERASE_FAILED);
	}
	LOG_INF("slot %u erased", (unsigned int)slot);
	return smpdfu_smp_ok();
}
