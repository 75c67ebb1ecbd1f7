/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A file of a Zephyr or MCUboot build that also uses smpdfu (a flash or boot port, say): the
 * names of MCUboot's and Zephyr's flash-map, image, trailer and MCUmgr-hook headers first, as
 * those headers declare them, then every public smpdfu header. It must compile: a tag, macro or
 * function of the same spelling in smpdfu's headers would be redefined. Only the names are
 * those of upstream; the bodies are placeholders.
 */
#include <stdbool.h>
#include <stdint.h>

/* MCUboot bootutil/image.h */
#define IMAGE_MAGIC          0
#define IMAGE_HEADER_SIZE    0
#define IMAGE_TLV_INFO_MAGIC 0
#define IMAGE_TLV_SHA256     0
#define IMAGE_F_NON_BOOTABLE 0
#define IMAGE_F_RAM_LOAD     0
struct image_version {
	int upstream;
};
struct image_header {
	int upstream;
};
struct image_tlv_iter {
	int upstream;
};

/* MCUboot bootutil/bootutil_public.h, bootutil.h */
#define BOOT_SWAP_TYPE_NONE   0
#define BOOT_SWAP_TYPE_TEST   0
#define BOOT_SWAP_TYPE_PERM   0
#define BOOT_SWAP_TYPE_REVERT 0
#define BOOT_SWAP_TYPE_FAIL   0
#define BOOT_SWAP_TYPE_PANIC  0
#define BOOT_MAGIC_SZ         0
#define BOOT_MAX_ALIGN        0
#define BOOT_MAGIC_GOOD       0
#define BOOT_MAGIC_BAD        0
#define BOOT_MAGIC_UNSET      0
#define BOOT_FLAG_SET         0
#define BOOT_FLAG_BAD         0
#define BOOT_FLAG_UNSET       0
struct boot_swap_state {
	int upstream;
};
struct boot_rsp {
	int upstream;
};
struct flash_area;
int boot_swap_type(void);
int boot_go(struct boot_rsp *rsp);
uint32_t boot_swap_info_off(const struct flash_area *fa);
int boot_read_swap_state(const struct flash_area *fa, struct boot_swap_state *state);

/* MCUboot sysflash and Zephyr storage/flash_map.h */
#define FLASH_AREA_IMAGE_PRIMARY(x)   0
#define FLASH_AREA_IMAGE_SECONDARY(x) 0
#define FLASH_AREA_IMAGE_SCRATCH      0
struct flash_area {
	int upstream;
};
struct flash_sector {
	int upstream;
};
int flash_area_read(const struct flash_area *fa, long off, void *dst, unsigned long len);
int flash_area_erase(const struct flash_area *fa, long off, unsigned long len);

/* Zephyr mgmt/mcumgr: callbacks.h, smp.h, img_mgmt.h; NCS: dfu_lock.h */
struct mgmt_callback {
	int upstream;
};
struct mgmt_evt_op_cmd_arg {
	int upstream;
};
struct img_mgmt_upload_check {
	int upstream;
};
struct img_mgmt_upload_req {
	int upstream;
};
struct img_mgmt_upload_action {
	int upstream;
};
struct smp_hdr {
	int upstream;
};
struct smp_transport {
	int upstream;
};
void mgmt_callback_register(struct mgmt_callback *callback);
int dfu_lock_claim(const void *owner);

#include <smpdfu/app_event_manager.h>
#include <smpdfu/ble_link.h>
#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/ble_common_event.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/prot/boot_trailer.h>
#include <smpdfu/prot/image.h>
#include <smpdfu/prot/smp_bt.h>
#include <smpdfu/prot/smp_hdr.h>
#include <smpdfu/prot/smp_serial.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>
#include <smpdfu/transport/smp_bt.h>
#include <smpdfu/transport/smp_serial.h>
