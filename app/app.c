/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application's start and the helpers its modules share. `main` is a module like the others:
 * it reports READY, and that is every module's signal to initialise.
 */
#include <stdio.h>

#include <smpdfu/boot.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/flash.h>
#include <smpdfu/image.h>
#include <smpdfu/port.h>

#include "app.h"
#include "app_event_table.h"

MODULE_ID_DEFINE(main);

int smpdfu_app_start(void)
{
	int rc;

	if (CONFIG_DESKTOP_DFU_LOCK) {
		smpdfu_dfu_lock_init();
	}
	rc = smpdfu_app_event_manager_init(&smpdfu_app_event_table);
	if (rc < 0) {
		return rc;
	}
	return smpdfu_module_state_submit(MODULE_ID(main), MODULE_STATE_READY);
}

const char *smpdfu_app_running_image_version(char *buf, size_t size)
{
	const struct smpdfu_flash_area *fa = smpdfu_flash_area_get(
		smpdfu_boot_running_slot() == 0 ? SMPDFU_FLASH_AREA_IMAGE_PRIMARY
						: SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	struct smpdfu_image_header hdr;

	if (fa == NULL || smpdfu_image_read_header(fa, &hdr) < 0) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	snprintf(buf, size, "%u.%u.%u+%u", (unsigned int)hdr.ver.major,
		 (unsigned int)hdr.ver.minor, (unsigned int)hdr.ver.revision,
		 (unsigned int)hdr.ver.build_num);
	return buf;
}

int smpdfu_app_confirm_running_image(void)
{
	int rc;

	if (smpdfu_boot_is_img_confirmed()) {
		return 0;
	}
	rc = smpdfu_boot_write_img_confirmed();
	return rc < 0 ? rc : 1;
}
