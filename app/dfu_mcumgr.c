/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nRF Desktop's DFU MCUmgr module: makes MCUmgr one of the device's DFU transports. It claims the
 * DFU lock (owner "MCUmgr") on every MCUmgr hook call that writes DFU flash or reboots, rejects
 * those commands with MGMT_ERR_EACCESSDENIED while another transport owns the lock, gives the lock
 * back after 5 s without a DFU command, forgets MCUmgr's partial upload when another owner took
 * over, confirms the running image at boot and signals Bluetooth LE uploads with
 * ble_smp_transfer_event.
 */
#define MODULE dfu_mcumgr
#include <stdatomic.h>
#include <stddef.h>

#include <smpdfu/boot.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>

#include "app.h"
#include "dfu_mcumgr.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "dfu_mcumgr"
#define LOG_LEVEL CONFIG_DESKTOP_DFU_MCUMGR_LOG_LEVEL

_Static_assert(!(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE && CONFIG_CAF_BLE_SMP),
	       "dfu_mcumgr and CAF ble_smp are mutually exclusive: both are the FINAL subscriber "
	       "of ble_smp_transfer_event and ble_smp takes no DFU lock");

MODULE_ID_DEFINE(MODULE);

APP_EVENT_HANDLER_DECLARE(dfu_mcumgr);

static void dfu_timeout_expired(struct sys_timer *t);
static void mcumgr_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner);

static const struct smpdfu_dfu_lock_owner mcumgr_owner = {
	.name = "MCUmgr",
	.owner_changed = mcumgr_owner_changed,
};

/*
 * The DFU session timer: restarted by every DFU hook call, in the SMP processing context, and run
 * in the main context. On our ports both are the main loop (timers are not thread-safe); a port
 * that processes SMP elsewhere must hand the restart over to the main context.
 */
static struct sys_timer dfu_timeout = { .expiry = dfu_timeout_expired };

/*
 * A ble_smp_transfer_event of ours is queued and has not reached our FINAL subscriber yet. Set
 * from the SMP context, cleared from the main context.
 */
static atomic_bool transfer_event_active;

/*
 * One DFU hook event the module knows: its name for the logs, the size of its data, and whether
 * it asks before a command acts (a check the module can refuse) or tells what already happened.
 */
struct hook_event {
	uint32_t id;
	const char *name;
	size_t data_size;
	bool is_check;
};

static const struct hook_event hook_events[] = {
	{ MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK, "upload chunk",
	  sizeof(struct smpdfu_img_mgmt_upload_check), true },
	{ MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED, "DFU stopped", 0, false },
	{ MGMT_EVT_OP_IMG_MGMT_DFU_STARTED, "DFU started", 0, false },
	{ MGMT_EVT_OP_IMG_MGMT_DFU_PENDING, "DFU pending", 0, false },
	{ MGMT_EVT_OP_IMG_MGMT_DFU_CONFIRMED, "image confirmed",
	  sizeof(struct smpdfu_img_mgmt_image_confirmed), false },
	{ MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK_WRITE_COMPLETE, "chunk written", 0, false },
	{ MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK, "image erase", sizeof(struct img_mgmt_erase_check),
	  true },
	{ MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK, "image state write",
	  sizeof(struct img_mgmt_state_write_check), true },
	{ MGMT_EVT_OP_OS_MGMT_RESET, "OS reset", sizeof(struct smpdfu_os_mgmt_reset_data), true },
};

static const struct hook_event *find_hook_event(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_events); i++) {
		if (hook_events[i].id == id) {
			return &hook_events[i];
		}
	}
	return NULL;
}

/* Submits a transfer event unless one of ours is still queued. Any context. */
static void submit_transfer_event(void)
{
	struct ble_smp_transfer_event *event;
	bool idle = false;

	if (!atomic_compare_exchange_strong(&transfer_event_active, &idle, true)) {
		return;
	}
	event = smpdfu_new_ble_smp_transfer_event();
	if (event == NULL) {
		/* The pool is full (counted and logged): the next chunk tries again. */
		atomic_store(&transfer_event_active, false);
		return;
	}
	APP_EVENT_SUBMIT(event);
}

static bool is_upload_over_ble(uint32_t event, const void *data)
{
	const struct smpdfu_img_mgmt_upload_check *check = data;

	return event == MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK && check->transport == SMP_TRANSPORT_BLE;
}

/*
 * Every image group hook (upload check, status events, our erase and state-write checks) and the
 * OS reset hook: the DFU session goes on, so the timer restarts and MCUmgr (re)claims the lock. A
 * refused claim vetoes the checks; for the status events the answer is ignored by img_mgmt, but
 * nothing of theirs can write flash that a check did not let through first.
 */
static enum mgmt_cb_return dfu_hook(uint32_t event, enum mgmt_cb_return prev_status, int32_t *rc,
				    uint16_t *group, bool *abort_more, void *data, size_t data_size)
{
	const struct hook_event *known = find_hook_event(event);

	(void)prev_status;
	(void)group;
	(void)abort_more;

	if (known == NULL || known->data_size != data_size || (data_size != 0 && data == NULL)) {
		LOG_ERR("unexpected hook call: event 0x%08x with %u bytes of data",
			(unsigned int)event, (unsigned int)data_size);
		*rc = MGMT_ERR_EUNKNOWN;
		return MGMT_CB_ERROR_RC;
	}
	if (event == MGMT_EVT_OP_OS_MGMT_RESET) {
		LOG_INF("OS reset requested");
	} else {
		LOG_DBG("%s", known->name);
	}

	smpdfu_sys_timer_start(&dfu_timeout, CONFIG_DESKTOP_DFU_MCUMGR_TIMEOUT_MS);
	if (CONFIG_DESKTOP_DFU_LOCK && smpdfu_dfu_lock_claim(&mcumgr_owner) < 0) {
		const struct smpdfu_dfu_lock_owner *holder = smpdfu_dfu_lock_owner();

		smpdfu_sys_timer_stop(&dfu_timeout);
		/*
		 * Only a check refuses anything. A notification that follows a refusal (DFU
		 * stopped, after a refused chunk) is no command of its own: the refusal was logged.
		 */
		if (known->is_check) {
			LOG_WRN("%s rejected: the DFU lock is held by %s", known->name,
				holder != NULL ? holder->name : "another transport");
		}
		*rc = MGMT_ERR_EACCESSDENIED;
		return MGMT_CB_ERROR_RC;
	}

	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS && is_upload_over_ble(event, data)) {
		submit_transfer_event();
	}
	return MGMT_CB_OK;
}

static struct smpdfu_mgmt_callback img_callback = {
	.callback = dfu_hook,
	.event_id = MGMT_EVT_OP_IMG_MGMT_ALL,
};

static struct smpdfu_mgmt_callback os_reset_callback = {
	.callback = dfu_hook,
	.event_id = MGMT_EVT_OP_OS_MGMT_RESET,
};

static void dfu_timeout_expired(struct sys_timer *t)
{
	(void)t;
	LOG_WRN("MCUmgr DFU timed out");
	if (CONFIG_DESKTOP_DFU_LOCK) {
		int rc = smpdfu_dfu_lock_release(&mcumgr_owner);

		/* The timer runs only while MCUmgr holds the lock: a failed claim stops it. */
		PORT_ASSERT(rc == 0);
	}
}

/* Another transport took the lock MCUmgr released: its partial upload is no longer in the slot. */
static void mcumgr_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	LOG_INF("DFU lock taken by %s: MCUmgr upload progress reset", new_owner->name);
	smpdfu_img_mgmt_reset_upload();
}

/* The running image is confirmed at start (not in direct-xip builds): say how it went. */
static void confirm_running_image(void)
{
	int rc = smpdfu_app_confirm_running_image();

	if (rc < 0) {
		LOG_ERR("cannot confirm the running image (%d)", rc);
	} else if (rc > 0) {
		LOG_INF("running image confirmed");
	}
}

static void init(void)
{
	char version[32];

	/* In direct-xip the bootloader runs the highest valid version: nothing to confirm. */
	if (!CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP) {
		confirm_running_image();
	}
	smpdfu_sys_timer_stop(&dfu_timeout);
	atomic_store(&transfer_event_active, false);
	smpdfu_mgmt_callback_register(&img_callback);
	smpdfu_mgmt_callback_register(&os_reset_callback);
	LOG_INF("MCUboot image version: %s",
		smpdfu_app_running_image_version(version, sizeof(version)));
}

bool smpdfu_dfu_mcumgr_app_event_handler(const struct app_event_header *aeh)
{
	if (smpdfu_is_ble_smp_transfer_event(aeh)) {
		bool active = true;
		bool ours = atomic_compare_exchange_strong(&transfer_event_active, &active, false);

		/* We are its only producer and its FINAL subscriber: anything else is a bug. */
		PORT_ASSERT(ours);
		return false;
	}
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

void smpdfu_dfu_mcumgr_reset(void)
{
	/* The hooks were unlinked by the core's reset, which runs first. */
	smpdfu_sys_timer_stop(&dfu_timeout);
	atomic_store(&transfer_event_active, false);
}

bool smpdfu_dfu_mcumgr_transfer_event_pending(void)
{
	return atomic_load(&transfer_event_active);
}

bool smpdfu_dfu_mcumgr_dfu_in_progress(void)
{
	return smpdfu_sys_timer_is_armed(&dfu_timeout);
}
