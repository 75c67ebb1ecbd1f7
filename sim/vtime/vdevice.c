/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device of the link simulations. Its main context runs on its own clock, which flash
 * operations push ahead; the link simulation compares that clock with the link's to decide what
 * happens next, so a page erase delays the answers while the link keeps receiving.
 */
#include "vdevice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/smp.h>
#include <smpdfu/state_reset.h>
#include <smpdfu/timer.h>

#include "sim_image.h"
#include "vport.h"

/* The simulated board's layout: the same partitions, in the same order, as smpdfu-sim's. */
static const uint32_t area_sizes[SMPDFU_FLASH_AREA_COUNT] = {
	[SMPDFU_FLASH_AREA_BOOTLOADER] = CONFIG_SIM_BOOT_SIZE,
	[SMPDFU_FLASH_AREA_IMAGE_PRIMARY] = CONFIG_SIM_SLOT_SIZE,
	[SMPDFU_FLASH_AREA_IMAGE_SECONDARY] = CONFIG_SIM_SLOT_SIZE,
	[SMPDFU_FLASH_AREA_IMAGE_SCRATCH] = CONFIG_SIM_SCRATCH_SIZE,
	[SMPDFU_FLASH_AREA_STORAGE] = CONFIG_SIM_STORAGE_SIZE,
};

static const char *const area_labels[SMPDFU_FLASH_AREA_COUNT] = {
	[SMPDFU_FLASH_AREA_BOOTLOADER] = "mcuboot",
	[SMPDFU_FLASH_AREA_IMAGE_PRIMARY] = "image-0",
	[SMPDFU_FLASH_AREA_IMAGE_SECONDARY] = "image-1",
	[SMPDFU_FLASH_AREA_IMAGE_SCRATCH] = "image-scratch",
	[SMPDFU_FLASH_AREA_STORAGE] = "storage",
};

/* The board's trusted keys: none, images are checked by their hash (a development set-up). */
size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = NULL;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* One flash slot: the CPU that asked waits for it, and for the radio when the part shares it. */
static void device_flash_slot(void *arg, uint32_t request_us, uint64_t use_us)
{
	struct vdevice *d = arg;

	if (d->cfg.radio_slot != NULL) {
		uint64_t start = d->cfg.radio_slot(d->cfg.radio_arg, vport_now_us(), request_us,
						   use_us);

		vport_set_now_us(start + use_us);
		return;
	}
	vport_advance_us(use_us);
}

static uint32_t flash_size(void)
{
	uint32_t size = 0;

	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		size += area_sizes[i];
	}
	return size;
}

/* Writes the factory image into a blank primary slot at off (a slot holding anything is kept). */
static int factory_program(struct vdevice *d, uint32_t off, uint32_t slot_size)
{
	static const uint8_t blank[4] = { 0xff, 0xff, 0xff, 0xff };
	size_t size = d->cfg.factory_image_size;
	uint8_t *img;

	if (memcmp(&d->flash.mem[off], blank, sizeof(blank)) != 0) {
		return 0;
	}
	if (size > slot_size || size < SIM_IMAGE_MIN_SIZE) {
		fprintf(stderr, "sim: no room for a factory image of %zu bytes\n", size);
		return -EINVAL;
	}
	img = sim_image_make(size, 1, 0, 0, 0x600dcafeu);
	if (img == NULL) {
		return -ENOMEM;
	}
	memcpy(&d->flash.mem[off], img, size);
	free(img);
	return 0;
}

static int flash_open(struct vdevice *d)
{
	uint32_t off = 0;
	int rc = flash_sim_open(&d->flash, d->cfg.flash_path, flash_size(),
				CONFIG_SIM_FLASH_PAGE_SIZE, CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE);

	if (rc < 0) {
		fprintf(stderr, "sim: cannot open the flash%s%s (%s)\n",
			d->cfg.flash_path != NULL ? " file " : "",
			d->cfg.flash_path != NULL ? d->cfg.flash_path : "", strerror(-rc));
		return rc;
	}
	rc = timed_flash_init(&d->tflash, &d->flash.dev, d->cfg.flash, d->cfg.erase_mode,
			      d->cfg.partial_erase_us, device_flash_slot, d);
	if (rc < 0) {
		flash_sim_close(&d->flash);
		return rc;
	}
	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		d->areas[i] = (struct smpdfu_flash_area){
			.id = (enum smpdfu_flash_area_id)i,
			.label = area_labels[i],
			.dev = &d->tflash.dev,
			.off = off,
			.size = area_sizes[i],
		};
		/* Both happen before the simulation starts: untimed, straight into the cells. */
		if (i == SMPDFU_FLASH_AREA_IMAGE_PRIMARY && d->cfg.factory_image_size > 0) {
			rc = factory_program(d, off, area_sizes[i]);
			if (rc < 0) {
				timed_flash_deinit(&d->tflash);
				flash_sim_close(&d->flash);
				return rc;
			}
		}
		if (i == SMPDFU_FLASH_AREA_IMAGE_SECONDARY && d->cfg.slot1_dirty) {
			memset(&d->flash.mem[off], 0x5a, area_sizes[i]);
		}
		off += area_sizes[i];
	}
	return 0;
}

static int power_on(struct vdevice *d)
{
	struct smpdfu_boot_rsp rsp;
	int rc;

	/* Whatever the last run held is gone with the pool that smpdfu_smp_server_init() makes
	 * anew. */
	d->in_work = NULL;
	d->smp_queued = 0;
	d->smp_head = 0;
	/* RAM as a reboot leaves it; then what a board's main does, as firmware/app/main.c. */
	if (d->cfg.state_reset != NULL) {
		d->cfg.state_reset();
	} else {
		smpdfu_state_reset();
	}
	timed_flash_reset_erases(&d->tflash);
	rc = smpdfu_flash_map_init(d->areas, SMPDFU_FLASH_AREA_COUNT);
	if (rc < 0) {
		fprintf(stderr, "sim: flash map rejected (%d)\n", rc);
		return rc;
	}
	rc = smpdfu_boot_go(&rsp);
	if (rc == -ENOENT) {
		/* Nothing valid to boot: serve SMP anyway (recovery), as smpdfu-sim does. */
		smpdfu_boot_set_running_slot(0);
	} else if (rc < 0) {
		fprintf(stderr, "sim: the bootloader failed (%d)\n", rc);
		return rc;
	} else {
		smpdfu_boot_set_running_slot(rsp.slot);
	}
	smpdfu_smp_server_init();
	if (CONFIG_MCUMGR_GRP_OS) {
		smpdfu_os_mgmt_register(&d->identity);
	}
	if (CONFIG_MCUMGR_GRP_IMG) {
		smpdfu_img_mgmt_register();
	}
	rc = d->cfg.transport_init(d->cfg.transport_arg);
	if (rc < 0) {
		return rc;
	}
	if (d->cfg.app_start != NULL) {
		rc = d->cfg.app_start();
		if (rc < 0) {
			fprintf(stderr, "sim: the application did not start (%d)\n", rc);
			return rc;
		}
	}
	d->free_at = vport_now_us();
	return 0;
}

int vdevice_boot(struct vdevice *d)
{
	int rc = power_on(d);

	d->halted = rc < 0;
	return rc;
}

int vdevice_open(struct vdevice *d, const struct vdevice_cfg *cfg)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->identity = (struct os_mgmt_identity){
		.kernel_name = "smpdfu",
		.node_name = cfg->program,
		.release = "0.1.0",
		.version = "0.1.0",
		.machine = cfg->machine,
		.processor = cfg->machine,
		.platform = cfg->program,
		.os = "smpdfu",
	};
	rc = flash_open(d);
	if (rc < 0) {
		return rc;
	}
	rc = vdevice_boot(d);
	if (rc < 0) {
		vdevice_close(d);
	}
	return rc;
}

void vdevice_close(struct vdevice *d)
{
	timed_flash_deinit(&d->tflash);
	flash_sim_close(&d->flash);
}

void vdevice_request_arrived(struct vdevice *d, uint64_t t)
{
	/* A transport queues at most what the pool holds, so the ring cannot overflow. */
	size_t tail = (d->smp_head + d->smp_queued) % CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT;

	d->smp_arrival[tail] = t;
	d->smp_queued++;
}

void vdevice_kick_app(struct vdevice *d, uint64_t t)
{
	d->app_kick_at = t;
}

static bool app_has_pending(const struct vdevice *d)
{
	return d->cfg.app_has_pending != NULL && d->cfg.app_has_pending();
}

uint64_t vdevice_due(const struct vdevice *d)
{
	uint64_t due = UINT64_MAX;
	int32_t next_ms;

	if (d->halted) {
		return UINT64_MAX;
	}
	if (d->in_work != NULL) {
		due = d->free_at;
	}
	if (d->smp_queued > 0) {
		due = min_u64(due, max_u64(d->free_at, d->smp_arrival[d->smp_head]));
	}
	if (app_has_pending(d)) {
		due = min_u64(due, max_u64(d->free_at, d->app_kick_at));
	}
	/* Timers count in the port's milliseconds: ask on the device's own clock. */
	vport_set_now_us(d->free_at);
	next_ms = smpdfu_sys_timers_next_ms();
	if (next_ms >= 0) {
		uint64_t at = ((uint64_t)smpdfu_port_uptime_ms() + (uint64_t)next_ms) * 1000u;

		due = min_u64(due, max_u64(at, d->free_at));
	}
	return due;
}

bool vdevice_step(struct vdevice *d, uint64_t t)
{
	bool handled = false;

	vport_set_now_us(t);
	if (d->in_work != NULL && d->free_at <= t) {
		smpdfu_smp_buf_free(d->in_work);
		d->in_work = NULL;
	}
	if (d->smp_queued > 0 && d->smp_arrival[d->smp_head] <= t) {
		d->smp_head = (d->smp_head + 1) % CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT;
		d->smp_queued--;
		handled = smpdfu_smp_rx_process_one();
	}
	smpdfu_sys_timers_process();
	if (d->cfg.app_process != NULL) {
		d->cfg.app_process();
	}
	d->free_at = vport_now_us();
	if (handled && d->free_at > t) {
		/* The buffer the core just freed is the one it hands out next. */
		d->in_work = smpdfu_smp_buf_alloc();
	}
	if (vport_take_reboot()) {
		d->reboots++;
		return true;
	}
	return false;
}
