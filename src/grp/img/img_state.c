/*
 * Image state (command 0): read lists every slot that holds a readable MCUboot image with its
 * version, hash and boot flags; write (test / confirm) needs the bootloader's trailer layer.
 */
#include <errno.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>

#include "img_mgmt_priv.h"

static void put_flag(struct cbor_writer *w, const char *name, bool value)
{
	if (value || !CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST) {
		cbor_put_cstr(w, name);
		cbor_put_bool(w, value);
	}
}

static void put_slot(struct cbor_writer *w, uint32_t slot, const struct image_header *hdr,
		     const uint8_t hash[32])
{
	struct img_slot_flags f = img_slot_flags(slot);
	char version[IMAGE_VERSION_STR_MAX];

	image_version_str(&hdr->ver, version);
	cbor_put_map_indef(w);
	if (CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE) {
		cbor_put_cstr(w, "image");
		cbor_put_uint(w, 0);
	}
	cbor_put_cstr(w, "slot");
	cbor_put_uint(w, slot);
	cbor_put_cstr(w, "version");
	cbor_put_cstr(w, version);
	cbor_put_cstr(w, "hash");
	cbor_put_bstr(w, hash, 32);
	put_flag(w, "bootable", !(hdr->flags & IMAGE_F_NON_BOOTABLE));
	put_flag(w, "pending", f.pending);
	put_flag(w, "confirmed", f.confirmed);
	put_flag(w, "active", f.active);
	put_flag(w, "permanent", f.permanent);
	cbor_put_break(w);
}

struct smp_status img_state_read(struct smp_request *req)
{
	struct cbor_writer *w = req->rsp;

	cbor_put_cstr(w, "images");
	cbor_put_array_indef(w);
	for (uint32_t slot = 0; slot < IMG_SLOT_COUNT; slot++) {
		const struct flash_area *fa = img_slot_area(slot);
		struct image_header hdr;
		uint8_t hash[32];

		/* Empty or unreadable slots are simply not listed. */
		if (fa != NULL && image_read_hash(fa, &hdr, hash) == 0) {
			put_slot(w, slot, &hdr, hash);
		}
	}
	cbor_put_break(w);
	if (!CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST) {
		cbor_put_cstr(w, "splitStatus");
		cbor_put_uint(w, 0);
	}
	return w->overflow ? smp_err(MGMT_ERR_EMSGSIZE, "response too large") : smp_ok();
}

struct smp_status img_state_write(struct smp_request *req)
{
	/* Marking a slot for test or confirming needs the image trailer (the MCUboot issue). */
	(void)req;
	return smp_err(MGMT_ERR_ENOTSUP, "state write not supported yet");
}
