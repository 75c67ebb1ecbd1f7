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
static struct flash_area areas[FLASH_AREA_COUNT];

static int check_response(struct smp_transport *tp, const uint8_t *peer, const uint8_t *rsp,
			  size_t len)
{
	struct smp_hdr h;

	(void)tp;
	(void)peer;
	if (len < SMP_HDR_SIZE || len > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		abort();
	}
	smp_hdr_decode(rsp, &h);
	if (h.len != len - SMP_HDR_SIZE || (h.op != SMP_OP_READ_RSP && h.op != SMP_OP_WRITE_RSP) ||
	    rsp[SMP_HDR_SIZE] != 0xbf || rsp[len - 1] != 0xff) {
		abort();
	}
	return 0;
}

static struct smp_transport tp = { .name = "fuzz", .kind = SMP_TRANSPORT_BLE,
				   .send = check_response };

static void init_once(void)
{
	/*
	 * The board's layout, with slots of 16 pages instead of the simulated board's 1.5 MiB: an
	 * erase or a fresh slot then costs microseconds, not milliseconds, and every code path
	 * (trailer pages, size limits) is the same.
	 */
	static const uint32_t sizes[FLASH_AREA_COUNT] = {
		CONFIG_SIM_FLASH_PAGE_SIZE, 16 * CONFIG_SIM_FLASH_PAGE_SIZE,
		16 * CONFIG_SIM_FLASH_PAGE_SIZE, 2 * CONFIG_SIM_FLASH_PAGE_SIZE,
		CONFIG_SIM_FLASH_PAGE_SIZE,
	};
	uint32_t off = 0;

	for (size_t i = 0; i < FLASH_AREA_COUNT; i++) {
		areas[i] = (struct flash_area){ .id = (enum flash_area_id)i, .label = "area",
						.dev = &flash.dev, .off = off, .size = sizes[i] };
		off += sizes[i];
	}
	if (flash_sim_open(&flash, NULL, off, CONFIG_SIM_FLASH_PAGE_SIZE,
			   CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE) < 0 ||
	    flash_map_init(areas, FLASH_AREA_COUNT) < 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint64_t clean_ops;
	const struct flash_area *slot1;

	if (!ready) {
		init_once();
		ready = true;
	}
	if (size > CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE) {
		return 0; /* a transport never hands over more than one buffer */
	}
	/* Each input starts from the same device: empty slot 1, no upload, no timers. */
	slot1 = flash_area_get(FLASH_AREA_IMAGE_SECONDARY);
	if (flash_sim_op_count(&flash) != clean_ops) {
		flash_sim_power_on(&flash);
		if (flash_area_erase(slot1, 0, slot1->size) < 0) {
			abort();
		}
		clean_ops = flash_sim_op_count(&flash);
	}
	fake_port_reset();
	if (flash_map_init(areas, FLASH_AREA_COUNT) < 0) {
		abort();
	}
	smp_server_init();
	os_mgmt_register(NULL);
	img_mgmt_register();

	smp_process_unit(&tp, NULL, data, size);
	if (flash.count.violations != 0 ||
	    smp_buf_free_count() != CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT) {
		abort();
	}
	return 0;
}
