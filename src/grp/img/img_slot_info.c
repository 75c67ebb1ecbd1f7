/* SPDX-License-Identifier: Apache-2.0 */
/* Slot info (command 6): the size of each slot and which one an upload would go to. */
#include <smpdfu/grp/img_mgmt.h>

#include "img_mgmt_priv.h"

struct smp_status smpdfu_img_slot_info(struct smp_request *req)
{
	struct cbor_writer *w = req->rsp;

	smpdfu_cbor_put_cstr(w, "images");
	smpdfu_cbor_put_array_indef(w);
	smpdfu_cbor_put_map_indef(w);
	smpdfu_smp_put_uint(w, "image", 0);
	smpdfu_cbor_put_cstr(w, "slots");
	smpdfu_cbor_put_array_indef(w);
	for (uint32_t slot = 0; slot < IMG_SLOT_COUNT; slot++) {
		const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(slot);

		smpdfu_cbor_put_map_indef(w);
		smpdfu_smp_put_uint(w, "slot", slot);
		if (fa == NULL) {
			smpdfu_smp_put_uint(w, "rc", MGMT_ERR_ENOENT);
		} else {
			smpdfu_smp_put_uint(w, "size", fa->size);
			if (slot != smpdfu_img_active_slot()) {
				smpdfu_smp_put_uint(w, "upload_image_id", 0);
			}
		}
		smpdfu_cbor_put_break(w);
	}
	smpdfu_cbor_put_break(w);
	smpdfu_cbor_put_break(w);
	smpdfu_cbor_put_break(w);
	return smpdfu_smp_ok(); /* the dispatcher refuses an answer that did not fit */
}
