/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config-channel DFU ("dfu"), the part of nRF Desktop's module that matters for the DFU lock:
 * at boot it claims the lock and erases the dirty pages of the slot in the background, a page at a
 * time; its transfers (start, data, sync, reboot) write the slot through the streaming writer
 * while it owns the lock; after 5 s without data it lets the lock go but keeps the offset and the
 * checksum for a resume; when MCUmgr wrote the slot in between, the next start erases it first.
 */
#define MODULE dfu
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/flash.h>
#include <smpdfu/port.h>
#include <smpdfu/timer.h>

#include "app.h"
#include "dfu.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "dfu"
#define LOG_LEVEL CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_LOG_LEVEL

MODULE_ID_DEFINE(MODULE);

APP_EVENT_HANDLER_DECLARE(dfu);

/* Bytes written per background store step, and the pause between steps (and erase steps). */
#define STORE_CHUNK_SIZE 256u
#define STORE_STEP_MS 1u
#define ERASE_STEP_MS 1u

#define REBOOT_DELAY_MS CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_REBOOT_DELAY_MS

/* The option is 0 when the module is configured out; the buffer must still have a size. */
#define SYNC_BUFFER_SIZE                                                                           \
	(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE > 0 ?                                  \
		 CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE :                              \
		 1)

#define DIRECT_XIP                                                                                 \
	(CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||                                              \
	 CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT)
/*
 * Only direct-XIP without revert runs the highest valid version with nothing to confirm; with
 * revert an unconfirmed image is erased at the next boot (and the boot erase empties the other).
 */
#define NOTHING_TO_CONFIRM CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP

static void owner_changed(const struct smpdfu_dfu_lock_owner *new_owner);
static void dfu_timeout_expired(struct sys_timer *t);
static void erase_step(struct sys_timer *t);
static void store_step(struct sys_timer *t);
static void reboot_expired(struct sys_timer *t);

static const struct smpdfu_dfu_lock_owner config_channel_owner = {
	.name = "Config Channel",
	.owner_changed = owner_changed,
};

/*
 * Another owner took the lock after us, so the slot holds its data now: set in that owner's
 * context (inside the lock), read by our next start.
 */
static atomic_bool slot_used_by_other;

/* Everything else is touched only in the main context (commands, timers, events). */
struct dfu_context {
	/* The slot written: the secondary, or in direct-xip the one not running. */
	const struct smpdfu_flash_area *fa;
	bool slot_clean;             /* every page erased and nothing written since */
	bool erasing;
	uint32_t erase_off;
	bool transfer_active; /* between an accepted start and the end or the timeout */
	bool resumable;       /* the writer holds the first cur_offset bytes of img_length */
	bool storing;
	bool reboot_pending;
	uint32_t img_length;
	uint32_t img_csum;
	uint32_t cur_offset; /* bytes handed to the writer */
	uint32_t sync_len;   /* bytes in sync_buf */
	uint32_t sync_stored;
	struct stream_writer writer;
	struct sys_timer dfu_timeout;
	struct sys_timer background_erase;
	struct sys_timer background_store;
	struct sys_timer reboot_request;
	uint8_t sync_buf[SYNC_BUFFER_SIZE];
};

#define DFU_AT_POWER_ON                                                                            \
	{                                                                                          \
		.dfu_timeout = { .expiry = dfu_timeout_expired },                                  \
		.background_erase = { .expiry = erase_step },                                      \
		.background_store = { .expiry = store_step },                                      \
		.reboot_request = { .expiry = reboot_expired },                                    \
	}

static struct dfu_context dfu = DFU_AT_POWER_ON;

static const char *const state_names[] = {
	[DFU_STATE_INACTIVE] = "INACTIVE",
	[DFU_STATE_ACTIVE_CONFIG_CHANNEL] = "ACTIVE_CONFIG_CHANNEL",
	[DFU_STATE_STORING] = "STORING",
	[DFU_STATE_CLEANING] = "CLEANING",
	[DFU_STATE_ACTIVE_OTHER] = "ACTIVE_OTHER",
};

const char *smpdfu_dfu_state_name(enum dfu_state state)
{
	if ((unsigned int)state >= ARRAY_SIZE(state_names)) {
		return "?";
	}
	return state_names[state];
}

uint32_t smpdfu_dfu_crc32_update(uint32_t crc, const uint8_t *data, size_t len)
{
	/* Bitwise: no 1 KiB table in RAM or flash for a check that runs once per image. */
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

static void owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	LOG_INF("DFU lock taken by %s: the slot must be erased before the next transfer",
		new_owner->name);
	atomic_store(&slot_used_by_other, true);
}

static bool claim_lock(void)
{
	return !CONFIG_DESKTOP_DFU_LOCK || smpdfu_dfu_lock_claim(&config_channel_owner) == 0;
}

/* Gives the lock back unless something of ours still needs the slot. Only when we hold it. */
static void release_lock_if_idle(void)
{
	if (!CONFIG_DESKTOP_DFU_LOCK || dfu.transfer_active || dfu.erasing || dfu.storing ||
	    dfu.reboot_pending) {
		return;
	}
	if (smpdfu_dfu_lock_release(&config_channel_owner) < 0) {
		LOG_DBG("lock not held: nothing to release");
	}
}

static void forget_image(void)
{
	dfu.resumable = false;
	dfu.img_length = 0;
	dfu.img_csum = 0;
	dfu.cur_offset = 0;
	dfu.sync_len = 0;
	dfu.sync_stored = 0;
}

static void start_erase(void)
{
	dfu.erasing = true;
	dfu.erase_off = 0;
	dfu.slot_clean = false;
	smpdfu_sys_timer_start(&dfu.background_erase, 0);
}

/* Ends the transfer (not the image: a resume may continue it) and lets the lock go if idle. */
static void end_transfer(void)
{
	dfu.transfer_active = false;
	dfu.storing = false;
	dfu.sync_len = 0;
	dfu.sync_stored = 0;
	smpdfu_sys_timer_stop(&dfu.dfu_timeout);
	smpdfu_sys_timer_stop(&dfu.background_store);
	release_lock_if_idle();
}

/*
 * One step of the background erase. Clean pages cost a read only, so they are skipped in one go;
 * each dirty page gets a step of its own, so the main loop (and SMP, which gets rc 11 meanwhile)
 * keeps running between erases.
 */
static void erase_step(struct sys_timer *t)
{
	uint32_t page = dfu.fa->dev->page_size;
	int rc;

	while (dfu.erase_off < dfu.fa->size &&
	       smpdfu_flash_area_is_erased(dfu.fa, dfu.erase_off, page)) {
		dfu.erase_off += page;
	}
	if (dfu.erase_off < dfu.fa->size) {
		rc = smpdfu_flash_area_erase(dfu.fa, dfu.erase_off, page);
		if (rc < 0) {
			LOG_ERR("cannot erase the slot at 0x%x (%d)", (unsigned int)dfu.erase_off,
				rc);
			dfu.erasing = false;
			release_lock_if_idle();
			return;
		}
		dfu.erase_off += page;
		smpdfu_sys_timer_start(t, ERASE_STEP_MS);
		return;
	}
	dfu.erasing = false;
	dfu.slot_clean = true;
	LOG_INF("slot %s erased", dfu.fa->label);
	release_lock_if_idle();
}

static int check_image(void)
{
	uint8_t chunk[128];
	uint32_t crc = 0;

	for (uint32_t pos = 0; pos < dfu.img_length;) {
		uint32_t n = dfu.img_length - pos < sizeof(chunk) ? dfu.img_length - pos :
								   (uint32_t)sizeof(chunk);
		int rc = smpdfu_flash_area_read(dfu.fa, pos, chunk, n);

		if (rc < 0) {
			return rc;
		}
		crc = smpdfu_dfu_crc32_update(crc, chunk, n);
		pos += n;
	}
	return crc == dfu.img_csum ? 0 : -EBADMSG;
}

/* Marks the complete image for the next boot, as MCUmgr's "image test" would. */
static int request_upgrade(void)
{
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		return smpdfu_boot_set_next_direct_xip(
			dfu.fa->id == SMPDFU_FLASH_AREA_IMAGE_PRIMARY ? 0 : 1, false);
	}
	if (DIRECT_XIP) {
		return 0; /* the bootloader runs the highest valid version by itself */
	}
	return smpdfu_boot_request_upgrade(false);
}

static void complete_image(void)
{
	int rc = smpdfu_stream_writer_flush(&dfu.writer);

	if (rc == 0) {
		rc = check_image();
	}
	dfu.resumable = false;
	if (rc < 0) {
		LOG_ERR("image of %u bytes rejected (%s, %d)", (unsigned int)dfu.img_length,
			rc == -EBADMSG ? "checksum mismatch" : "flash error", rc);
		/* sync then reports no image at all, which the host takes as the failure it is. */
		forget_image();
		end_transfer();
		return;
	}
	rc = request_upgrade();
	if (rc < 0) {
		/* Not to run: sync must not show the success (offset == length) hosts wait for. */
		LOG_ERR("image stored but cannot be marked for the next boot (%d)", rc);
		forget_image();
	} else {
		LOG_INF("image of %u bytes stored and checked (crc32 0x%08x)",
			(unsigned int)dfu.img_length, (unsigned int)dfu.img_csum);
	}
	end_transfer();
}

static void store_step(struct sys_timer *t)
{
	uint32_t n = dfu.sync_len - dfu.sync_stored;
	int rc;

	if (n > STORE_CHUNK_SIZE) {
		n = STORE_CHUNK_SIZE;
	}
	rc = smpdfu_stream_writer_write(&dfu.writer, dfu.sync_buf + dfu.sync_stored, n);
	if (rc < 0) {
		LOG_ERR("cannot write the slot at %u (%d): transfer abandoned",
			(unsigned int)dfu.cur_offset, rc);
		forget_image();
		end_transfer();
		return;
	}
	dfu.sync_stored += n;
	dfu.cur_offset += n;
	/* Storing is progress too: the host waits for it, so it must not time the transfer out. */
	smpdfu_sys_timer_start(&dfu.dfu_timeout, CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS);
	if (dfu.sync_stored < dfu.sync_len) {
		smpdfu_sys_timer_start(t, STORE_STEP_MS);
		return;
	}
	dfu.storing = false;
	dfu.sync_len = 0;
	dfu.sync_stored = 0;
	if (dfu.cur_offset == dfu.img_length) {
		complete_image();
	}
}

static void dfu_timeout_expired(struct sys_timer *t)
{
	(void)t;
	LOG_WRN("DFU timed out at %u of %u bytes", (unsigned int)dfu.cur_offset,
		(unsigned int)dfu.img_length);
	/* Data still in the sync buffer is dropped: the host resends from cur_offset. */
	end_transfer();
}

static void reboot_expired(struct sys_timer *t)
{
	(void)t;
	end_transfer();
	LOG_INF("rebooting");
	smpdfu_port_reboot();
	/* Reached only where a reboot returns (a simulated device, a test). */
	dfu.reboot_pending = false;
	release_lock_if_idle();
}

int smpdfu_dfu_cmd_start(uint32_t img_length, uint32_t img_csum, uint32_t offset)
{
	int rc;

	if (dfu.fa == NULL) {
		return -ENODEV; /* before main READY, or without a slot */
	}
	if (!claim_lock()) {
		LOG_WRN("start ignored: another DFU transport is active");
		return -EBUSY;
	}
	if (dfu.reboot_pending) {
		return -EBUSY;
	}
	if (atomic_exchange(&slot_used_by_other, false)) {
		LOG_INF("the slot was used by another DFU transport: erasing it first");
		forget_image();
		start_erase();
		return -EAGAIN;
	}
	if (dfu.erasing) {
		return -EAGAIN;
	}
	if (dfu.transfer_active) {
		return -EALREADY;
	}
	/* Never into the bootloader's trailer: an image that reached it could bring its own. */
	if (img_length == 0 || img_length > dfu.fa->size ||
	    img_length > smpdfu_boot_max_image_size()) {
		release_lock_if_idle();
		return -EFBIG;
	}
	if (offset == 0) {
		if (!dfu.slot_clean) {
			LOG_INF("new image: erasing the slot first");
			forget_image();
			start_erase();
			return -EAGAIN;
		}
		rc = smpdfu_stream_writer_open(&dfu.writer, dfu.fa);
		if (rc < 0) {
			release_lock_if_idle();
			return rc;
		}
		dfu.img_length = img_length;
		dfu.img_csum = img_csum;
		dfu.cur_offset = 0;
		dfu.resumable = true;
		dfu.slot_clean = false;
		LOG_INF("DFU started: %u bytes, crc32 0x%08x", (unsigned int)img_length,
			(unsigned int)img_csum);
	} else if (!dfu.resumable || offset != dfu.cur_offset || img_length != dfu.img_length ||
		   img_csum != dfu.img_csum) {
		LOG_WRN("cannot resume at %u: %u of %u bytes (crc32 0x%08x) are kept",
			(unsigned int)offset, (unsigned int)dfu.cur_offset,
			(unsigned int)dfu.img_length, (unsigned int)dfu.img_csum);
		release_lock_if_idle();
		return -EINVAL;
	} else {
		LOG_INF("DFU resumed at %u of %u bytes", (unsigned int)offset,
			(unsigned int)img_length);
	}
	dfu.transfer_active = true;
	smpdfu_sys_timer_start(&dfu.dfu_timeout, CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS);
	return 0;
}

int smpdfu_dfu_cmd_data(const uint8_t *data, size_t len, uint32_t *received)
{
	bool held;

	if (!dfu.transfer_active) {
		return -EPERM;
	}
	held = claim_lock();

	/* An open transfer holds the lock: nobody can have taken it. */
	PORT_ASSERT(held);
	if (dfu.storing) {
		return -EBUSY;
	}
	if (len == 0 || dfu.cur_offset + dfu.sync_len + len > dfu.img_length) {
		return -EINVAL;
	}
	if (len > SYNC_BUFFER_SIZE - dfu.sync_len) {
		return -ENOBUFS;
	}
	memcpy(dfu.sync_buf + dfu.sync_len, data, len);
	dfu.sync_len += (uint32_t)len;
	smpdfu_sys_timer_start(&dfu.dfu_timeout, CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS);
	if (dfu.sync_len == SYNC_BUFFER_SIZE || dfu.cur_offset + dfu.sync_len == dfu.img_length) {
		dfu.storing = true;
		dfu.sync_stored = 0;
		smpdfu_sys_timer_start(&dfu.background_store, 0);
	}
	if (received != NULL) {
		*received = dfu.cur_offset + dfu.sync_len;
	}
	return 0;
}

void smpdfu_dfu_cmd_sync(struct dfu_sync_info *info)
{
	bool access = claim_lock();

	if (!access) {
		info->state = DFU_STATE_ACTIVE_OTHER;
	} else if (dfu.erasing) {
		info->state = DFU_STATE_CLEANING;
	} else if (dfu.storing) {
		info->state = DFU_STATE_STORING;
	} else if (dfu.transfer_active) {
		info->state = DFU_STATE_ACTIVE_CONFIG_CHANNEL;
	} else {
		info->state = DFU_STATE_INACTIVE;
	}
	info->img_length = dfu.img_length;
	info->img_csum = dfu.img_csum;
	info->offset = dfu.cur_offset;
	info->sync_buffer_size = SYNC_BUFFER_SIZE;
	if (access) {
		release_lock_if_idle();
	}
}

int smpdfu_dfu_cmd_reboot(void)
{
	if (!claim_lock()) {
		LOG_WRN("reboot refused: another DFU transport is active");
		return -EBUSY;
	}
	if (!dfu.reboot_pending) {
		dfu.reboot_pending = true;
		smpdfu_sys_timer_start(&dfu.reboot_request, REBOOT_DELAY_MS);
		LOG_INF("reboot in %u ms", (unsigned int)REBOOT_DELAY_MS);
	}
	return 0;
}

static const struct smpdfu_flash_area *target_slot(void)
{
	if (DIRECT_XIP && smpdfu_boot_running_slot() == 1) {
		return smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	}
	return smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
}

/* The running image is confirmed at start (not in direct-xip without revert): say how it went. */
static void confirm_running_image(void)
{
	int rc = smpdfu_app_confirm_running_image();

	if (rc < 0) {
		LOG_ERR("cannot confirm the running image (%d)", rc);
	} else if (rc > 0) {
		LOG_INF("running image confirmed");
	}
}

void smpdfu_dfu_reset(void)
{
	smpdfu_sys_timer_stop(&dfu.dfu_timeout);
	smpdfu_sys_timer_stop(&dfu.background_erase);
	smpdfu_sys_timer_stop(&dfu.background_store);
	smpdfu_sys_timer_stop(&dfu.reboot_request);
	dfu = (struct dfu_context)DFU_AT_POWER_ON;
	atomic_store(&slot_used_by_other, false);
}

static void init(void)
{
	smpdfu_sys_timer_stop(&dfu.dfu_timeout);
	smpdfu_sys_timer_stop(&dfu.background_erase);
	smpdfu_sys_timer_stop(&dfu.background_store);
	smpdfu_sys_timer_stop(&dfu.reboot_request);
	dfu.transfer_active = false;
	dfu.storing = false;
	dfu.erasing = false;
	dfu.reboot_pending = false;
	dfu.slot_clean = false;
	forget_image();
	atomic_store(&slot_used_by_other, false);

	if (!NOTHING_TO_CONFIRM) {
		confirm_running_image();
	}
	dfu.fa = target_slot();
	if (dfu.fa == NULL) {
		LOG_ERR("no slot to write: the config-channel DFU is off");
		smpdfu_module_set_state(MODULE_STATE_ERROR);
		return;
	}
	/* Nobody else runs a DFU before main READY is handled: the lock must be free. */
	if (!claim_lock()) {
		LOG_ERR("DFU lock already taken at boot: no background erase");
		return;
	}
	start_erase();
}

bool smpdfu_dfu_app_event_handler(const struct app_event_header *aeh)
{
	if (smpdfu_is_module_state_event(aeh)) {
		if (smpdfu_check_state(smpdfu_cast_module_state_event(aeh), MODULE_ID(main),
				       MODULE_STATE_READY)) {
			init();
		}
		return false;
	}
	PORT_ASSERT(false);
	return false;
}
