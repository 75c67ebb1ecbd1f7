/*
 * The image management group (1): its handler table, the v1 translation of its error codes, and
 * what every command needs to know about slots.
 */
#include <stddef.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>

#include "img_mgmt_priv.h"

const struct flash_area *img_slot_area(uint32_t slot)
{
	switch (slot) {
	case 0:
		return flash_area_get(FLASH_AREA_IMAGE_PRIMARY);
	case 1:
		return flash_area_get(FLASH_AREA_IMAGE_SECONDARY);
	default:
		return NULL;
	}
}

uint32_t img_active_slot(void)
{
	/* Swap modes always run from the primary slot. */
	return 0;
}

struct img_slot_flags img_slot_flags(uint32_t slot)
{
	/*
	 * Until the trailer and swap-type table exist (the MCUboot issue), nothing can be marked for
	 * the next boot: the running image is active and confirmed, the other slot just holds data.
	 */
	struct img_slot_flags f = { 0 };

	if (slot == img_active_slot()) {
		f.active = true;
		f.confirmed = true;
	}
	return f;
}

bool img_slot_in_use(uint32_t slot)
{
	struct img_slot_flags f = img_slot_flags(slot);

	return f.active || f.pending || (f.confirmed && slot != img_active_slot());
}

void img_notify(uint32_t event, void *data, size_t size)
{
	if (CONFIG_MCUMGR_GRP_IMG_STATUS_HOOKS) {
		mgmt_callback_notify(event, data, size, NULL, NULL);
	}
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

static const struct smp_handler img_handlers[] = {
	[IMG_MGMT_ID_STATE] = { .read = img_state_read, .write = img_state_write },
	[IMG_MGMT_ID_UPLOAD] = { .write = img_upload },
	[IMG_MGMT_ID_ERASE] = { .write = img_erase },
	[IMG_MGMT_ID_SLOT_INFO] = { .read = CONFIG_MCUMGR_GRP_IMG_SLOT_INFO ? img_slot_info : NULL },
};

static struct smp_group img_group = {
	.id = MGMT_GROUP_ID_IMAGE,
	.handlers = img_handlers,
	.handler_count = sizeof(img_handlers) / sizeof(img_handlers[0]),
	.translate_err = img_translate_err,
};

void img_mgmt_register(void)
{
	img_upload_init();
	smp_group_register(&img_group);
}
