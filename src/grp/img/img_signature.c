/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signatures required before an image may be marked for boot (CONFIG_BOOT_SIGNATURE_TYPE_* other
 * than none): the image group checks an upload as it completes and a slot before a test or a
 * permanent request, with the same validation and keys as the bootloader, so an image it would
 * refuse is refused over SMP first, with the reason. Only compiled into configurations that
 * require signatures.
 */
#include <errno.h>

#include <smpdfu/bootloader.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/port.h>

#include "img_mgmt_priv.h"
#include "log.h"

#define LOG_MODULE "img"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_IMG_LOG_LEVEL

struct smp_status smpdfu_img_require_signature(uint32_t slot)
{
	const struct smpdfu_image_key *keys;
	size_t key_count = smpdfu_boot_trusted_keys(&keys);
	struct smpdfu_image_validation v;
	int rc = smpdfu_image_validate(smpdfu_boot_slot_area(slot), keys, key_count, &v);

	if (rc == 0) {
		return smpdfu_smp_ok();
	}
	if (rc == -EIO) {
		return smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_READ_FAILED);
	}
	LOG_WRN("the image in slot %u is refused: %s", (unsigned int)slot,
		v.problem != NULL ? v.problem : "not valid");
	/* The signature (or the hash it covers) is a TLV of the image: INVALID_TLV, with why. */
	return img_err(IMG_MGMT_ERR_INVALID_TLV,
		       v.problem != NULL ? v.problem : "no valid signature by a trusted key");
}
