/* SPDX-License-Identifier: Apache-2.0 */
/* Slot info (command 6): the size of each slot and which one an upload would go to. */
#include <smpdfu/grp/img_mgmt.h>

#include "img_mgmt_priv.h"

struct smp_status img_slot_info(struct smp_request *req)
{
	struct cbor_writer *w = req->rsp;

	cbor_put_cstr(w, "images");
	cbor_put_array_indef(w);
	cbor_put_map_indef(w);
	cbor_put_cstr(w, "image");
	cbor_put_uint(w, 0);
	cbor_put_cstr(w, "slots");
	cbor_put_array_indef(w);
	for (uint32_t slot = 0; slot < IMG_SLOT_COUNT; slot++) {
		const struct flash_area *fa = img_slot_area(slot);

		cbor_put_map_indef(w);
		cbor_put_cstr(w, "slot");
		cbor_put_uint(w, slot);
		if (fa == NULL) {
			cbor_put_cstr(w, "rc");
			cbor_put_uint(w, MGMT_ERR_ENOENT);
		} else {
			cbor_put_cstr(w, "size");
			cbor_put_uint(w, fa->size);
			if (slot != img_active_slot()) {
				cbor_put_cstr(w, "upload_image_id");
				cbor_put_uint(w, 0);
			}
		}
		cbor_put_break(w);
	}
	cbor_put_break(w);
	cbor_put_break(w);
	cbor_put_break(w);
	return w->overflow ? smp_err(MGMT_ERR_EMSGSIZE, "response too large") : smp_ok();
}
