/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes the whole request path: one input is one transport unit (any number of SMP packets)
 * handed to the dispatcher of a device with the OS and image groups on a RAM flash. Every
 * response must be a well-formed SMP packet that fits the buffer; nothing may crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/smp.h>

#include "fake_port.h"
#include "flash_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct flash_sim flash;
static struct smpdfu_flash_area areas[SMPDFU_FLASH_AREA_COUNT];

static int check_response(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *rsp,
			  size_t len)
{
	struct smpdfu_smp_hdr h;

	(void)tp;
	(void)peer;
	if (len < SMP_HDR_SIZE || len > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		abort();
	}
	smpdfu_smp_hdr_decode(rsp, &h);
	if (h.len != len - SMP_HDR_SIZE || (h.op != SMP_OP_READ_RSP && h.op != SMP_OP_WRITE_RSP) ||
	    rsp[SMP_HDR_SIZE] != 0xbf || rsp[len - 1] != 0xff) {
		abort();
	}
	return 0;
}

static struct smpdfu_smp_transport tp = { .name = "fuzz", .kind = SMP_TRANSPORT_BLE,
				   .send = check_response };

static void init_once(void)
{
	/*
	 * The board's layout, with slots of 16 pages instead of the simulated board's 1.5 MiB: an
	 * erase or a fresh slot then costs microseconds, not milliseconds, and every code path
	 * (trailer pages, size limits) is the same.
	 */
	static const uint32_t sizes[SMPDFU_FLASH_AREA_COUNT] = {
		CONFIG_SIM_FLASH_PAGE_SIZE, 16 * CONFIG_SIM_FLASH_PAGE_SIZE,
		16 * CONFIG_SIM_FLASH_PAGE_SIZE, 2 * CONFIG_SIM_FLASH_PAGE_SIZE,
		CONFIG_SIM_FLASH_PAGE_SIZE,
	};
	uint32_t off = 0;

	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		areas[i] = (struct smpdfu_flash_area){ .id = (enum smpdfu_flash_area_id)i,
						       .label = "area",
						       .dev = &flash.dev,
						       .off = off,
						       .size = sizes[i] };
		off += sizes[i];
	}
	if (flash_sim_open(&flash, NULL, off, CONFIG_SIM_FLASH_PAGE_SIZE,
			   CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE) < 0 ||
	    smpdfu_flash_map_init(areas, SMPDFU_FLASH_AREA_COUNT) < 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint64_t clean_ops;
	const struct smpdfu_flash_area *slot1;

	if (!ready) {
		init_once();
		ready = true;
	}
	if (size > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		return 0; /* a transport never hands over more than one buffer */
	}
	/* Each input starts from the same device: empty slot 1, no upload, no timers. */
	slot1 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	if (flash_sim_op_count(&flash) != clean_ops) {
		flash_sim_power_on(&flash);
		if (smpdfu_flash_area_erase(slot1, 0, slot1->size) < 0) {
			abort();
		}
		clean_ops = flash_sim_op_count(&flash);
	}
	fake_port_reset();
	if (smpdfu_flash_map_init(areas, SMPDFU_FLASH_AREA_COUNT) < 0) {
		abort();
	}
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(NULL);
	smpdfu_img_mgmt_register();

	smpdfu_smp_process_unit(&tp, NULL, data, size);
	if (flash.count.violations != 0 ||
	    smpdfu_smp_buf_free_count() != CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT) {
		abort();
	}
	return 0;
}
