/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CAF's Simple Management Protocol module ("smp"): DFU over Bluetooth LE through MCUmgr. It only
 * signals upload activity with ble_smp_transfer_event (so ble_latency keeps the link fast) and
 * reports READY once ble_state is; it rejects nothing, takes no DFU lock, runs no timer and
 * confirms nothing.
 */
#define MODULE smp
#include <stdatomic.h>
#include <stddef.h>

#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>

#include "app.h"
#include "ble_smp.h"
#include "log.h"

#define LOG_MODULE "smp"
#define LOG_LEVEL CONFIG_CAF_BLE_SMP_LOG_LEVEL

MODULE_ID_DEFINE(MODULE);

APP_EVENT_HANDLER_DECLARE(smp);

/* One of our transfer events is queued. Set in the SMP context, cleared in the main context. */
static atomic_bool transfer_event_active;
/* READY was reported (ble_state READY is expected once; a repeat changes nothing). */
static bool initialized;

/* The upload check hook: called for every upload chunk MCUmgr is about to write. */
static enum mgmt_cb_return upload_confirm_cb(uint32_t event, enum mgmt_cb_return prev_status,
					     int32_t *rc, uint16_t *group, bool *abort_more,
					     void *data, size_t data_size)
{
	struct ble_smp_transfer_event *transfer;
	bool idle = false;

	(void)event;
	(void)prev_status;
	(void)rc;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)data_size;

	if (atomic_compare_exchange_strong(&transfer_event_active, &idle, true)) {
		transfer = smpdfu_new_ble_smp_transfer_event();
		if (transfer != NULL) {
			APP_EVENT_SUBMIT(transfer);
		} else {
			/* The pool is full (counted and logged): the next chunk tries again. */
			atomic_store(&transfer_event_active, false);
		}
	}
	return MGMT_CB_OK;
}

static struct smpdfu_mgmt_callback upload_callback = {
	.callback = upload_confirm_cb,
	.event_id = MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK,
};

static void handle_module_state_event(const struct module_state_event *event)
{
	char version[32];

	if (smpdfu_check_state(event, MODULE_ID(main), MODULE_STATE_READY)) {
		initialized = false;
		atomic_store(&transfer_event_active, false);
		smpdfu_mgmt_callback_register(&upload_callback);
		return;
	}
	if (smpdfu_check_state(event, MODULE_ID(ble_state), MODULE_STATE_READY)) {
		if (initialized) {
			LOG_DBG("ble_state READY again: already initialized");
			return;
		}
		initialized = true;
		LOG_INF("SMP over Bluetooth LE initialized");
		LOG_INF("MCUboot image version: %s",
			smpdfu_app_running_image_version(version, sizeof(version)));
		smpdfu_module_set_state(MODULE_STATE_READY);
	}
}

bool smpdfu_smp_app_event_handler(const struct app_event_header *aeh)
{
	if (smpdfu_is_ble_smp_transfer_event(aeh)) {
		bool active = true;
		bool ours = atomic_compare_exchange_strong(&transfer_event_active, &active, false);

		/* We are its only producer and its FINAL subscriber: anything else is a bug. */
		PORT_ASSERT(ours);
		return false;
	}
	if (smpdfu_is_module_state_event(aeh)) {
		handle_module_state_event(smpdfu_cast_module_state_event(aeh));
		return false;
	}
	PORT_ASSERT(false);
	return false;
}

void smpdfu_ble_smp_reset(void)
{
	/* The upload hook was unlinked by the core's reset, which runs first. */
	initialized = false;
	atomic_store(&transfer_event_active, false);
}

bool smpdfu_ble_smp_transfer_event_pending(void)
{
	return atomic_load(&transfer_event_active);
}
