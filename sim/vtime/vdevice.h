/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A simulated device for the virtual-time link simulations (BLE, serial): flash in RAM or a file
 * with optional flash timing, the bootloader, the SMP server with its groups and the application.
 * The link simulation around it installs the transport, tells it when a request arrived whole, and
 * asks when the device's main context has work; the device's code is the real portable core.
 */
#ifndef VDEVICE_H
#define VDEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/config.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/smp.h>

#include "flash_sim.h"
#include "flash_timing.h"

struct vdevice_cfg {
	const char *flash_path;           /* NULL: the flash lives in RAM for this run only */
	const struct flash_timing *flash; /* NULL: flash operations take no time */
	enum flash_erase_mode erase_mode; /* smpdfu's erase-ahead or Zephyr's every page */
	uint32_t partial_erase_us;        /* 0: whole-page erase slots */
	/*
	 * Where the flash takes the radio (a single-core part): places one flash slot asked for at
	 * device time t (request_us long, use_us of work) on the radio's schedule and returns its
	 * start; the device's CPU waits until it ends. NULL: flash and radio run in parallel.
	 */
	uint64_t (*radio_slot)(void *arg, uint64_t t, uint32_t request_us, uint64_t use_us);
	void *radio_arg;
	bool slot1_dirty;       /* slot 1 holds an older image: every page needs an erase */
	/*
	 * A blank primary slot is first given a version 1.0.0 image of this many bytes, as a
	 * factory programmer would, so the device boots an application; 0 leaves it blank.
	 */
	size_t factory_image_size;
	/* What os info reports: the simulator as node name and platform, its model as machine. */
	const char *program;
	const char *machine;
	/*
	 * Installs the link's SMP transport once the SMP server is up, at every boot (arg is
	 * transport_arg). Returns 0 or -errno, said on stderr.
	 */
	int (*transport_init)(void *arg);
	void *transport_arg;
	/*
	 * Starts the application modules after the transport, at every boot; NULL for a device
	 * without them. Returns 0 or -errno.
	 */
	int (*app_start)(void);
	/*
	 * Returns all module state to power-on at every boot: the application's
	 * smpdfu_app_state_reset(), or NULL for the core's smpdfu_state_reset() on a device without
	 * the application.
	 */
	void (*state_reset)(void);
	/* Handles the application's queued events (main context); NULL without an application. */
	int (*app_process)(void);
	bool (*app_has_pending)(void);
};

struct vdevice {
	struct vdevice_cfg cfg;
	struct os_mgmt_identity identity;
	struct flash_sim flash;
	struct timed_flash tflash;
	struct smpdfu_flash_area areas[SMPDFU_FLASH_AREA_COUNT];
	size_t smp_queued;       /* requests handed to the SMP server, not yet processed */
	size_t smp_head;         /* the oldest of them in smp_arrival */
	/* When each queued request arrived whole: the device cannot start on it any earlier. */
	uint64_t smp_arrival[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
	uint64_t app_kick_at;    /* when the link last reported something to the application */
	uint64_t free_at;        /* the device's CPU is busy until then */
	/*
	 * The request in work keeps its pool buffer until free_at: the core frees it as soon as
	 * the handler returns, but in virtual time the handler's flash work and answer last
	 * until free_at, so the buffer is taken back from the pool for that long.
	 */
	struct smp_buf *in_work;
	bool halted;             /* the last boot failed: the device does nothing any more */
	uint32_t reboots;
};

/*
 * Opens the flash (factory image, dirty slot 1: untimed, before time starts) and boots the device
 * at the virtual time vport holds. Returns 0 or -errno (said on stderr). There is one SMP server
 * per process, so one device at a time.
 */
int vdevice_open(struct vdevice *d, const struct vdevice_cfg *cfg);
/* Writes a file-backed flash back. */
void vdevice_close(struct vdevice *d);

/*
 * A power-on at the virtual time vport holds: the bootloader, then the application with the SMP
 * server, the transport and the application modules. Returns 0 or -errno (said on stderr); the
 * device is then halted.
 */
int vdevice_boot(struct vdevice *d);

/* The transport queued one whole request at time t (at most the pool's size wait at once). */
void vdevice_request_arrived(struct vdevice *d, uint64_t t);

/* The link reported something to the application at time t: its events may need handling. */
void vdevice_kick_app(struct vdevice *d, uint64_t t);

/*
 * When the device's main context next has to run (UINT64_MAX: nothing to do, or halted): not
 * before its CPU is free, and not before the work it would do exists.
 */
uint64_t vdevice_due(const struct vdevice *d);

/*
 * One round of the device's main loop at time t: one SMP request, expired timers, application
 * events. Returns true when the device asked to reboot (the caller tears the link down and calls
 * vdevice_boot()).
 */
bool vdevice_step(struct vdevice *d, uint64_t t);

#endif /* VDEVICE_H */
