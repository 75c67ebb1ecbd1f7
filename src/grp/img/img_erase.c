/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image erase (command 5): erases a slot that holds nothing the device needs, after the
 * application's vetoable erase check, and forgets any upload in progress.
 */
#include <errno.h>

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
		return smp_ok();
	}

	struct img_mgmt_erase_check data = { .slot = slot };
	int32_t rc = 0;
	uint16_t group = 0;
	enum mgmt_cb_return ret = mgmt_callback_notify(MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK, &data,
						       sizeof(data), &rc, &group);

	return ret == MGMT_CB_OK ? smp_ok() : mgmt_cb_status(ret, rc, group);
}

struct smp_status img_erase(struct smp_request *req)
{
	uint64_t slot = img_other_slot(img_active_slot());
	struct cbor_field fields[] = { CBOR_FIELD_UINT("slot", &slot) };
	const struct flash_area *fa;
	struct image_header hdr;
	struct smp_status st;
	int rc;

	if (cbor_decode_map(req->payload.ptr, req->payload.len, fields, 1) < 0) {
		return smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	fa = slot < IMG_SLOT_COUNT ? img_slot_area((uint32_t)slot) : NULL;
	if (fa == NULL) {
		return img_err(IMG_MGMT_ERR_INVALID_SLOT, "invalid slot");
	}
	/* No image: whatever its trailer says, nothing is lost. Unreadable: nothing is known. */
	rc = image_read_header(fa, &hdr);
	if (rc == -EIO) {
		return img_err(IMG_MGMT_ERR_FLASH_READ_FAILED, "flash read failed");
	}
	if (rc == 0 && img_slot_in_use((uint32_t)slot)) {
		return img_err(IMG_MGMT_ERR_NO_FREE_SLOT, "slot in use");
	}
	st = check_erase((uint32_t)slot);
	if (!smp_status_is_ok(st)) {
		LOG_WRN("erase of slot %u refused by a hook", (unsigned int)slot);
		return st;
	}

	img_mgmt_reset_upload();
	if (!flash_area_is_erased(fa, 0, fa->size) && flash_area_erase(fa, 0, fa->size) < 0) {
		img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED, NULL, 0);
		return img_err(IMG_MGMT_ERR_FLASH_ERASE_FAILED, "erase failed");
	}
	LOG_INF("slot %u erased", (unsigned int)slot);
	return smp_ok();
}
