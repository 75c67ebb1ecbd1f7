/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The notification hook registry: an intrusive list of caller-owned callbacks, called in
 * registration order. The first non-OK answer decides; later callbacks still see it as prev_status.
 */
#include <stddef.h>

#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>

static struct smpdfu_mgmt_callback *callbacks;

void smpdfu_mgmt_callback_register(struct smpdfu_mgmt_callback *cb)
{
	struct smpdfu_mgmt_callback **it = &callbacks;

	while (*it != NULL) {
		if (*it == cb) {
			return;
		}
		it = &(*it)->next;
	}
	cb->next = NULL;
	*it = cb; /* appended: registration order is call order */
}

void smpdfu_mgmt_callback_unregister(struct smpdfu_mgmt_callback *cb)
{
	for (struct smpdfu_mgmt_callback **it = &callbacks; *it != NULL; it = &(*it)->next) {
		if (*it == cb) {
			*it = cb->next;
			cb->next = NULL;
			return;
		}
	}
}

void smpdfu_mgmt_callbacks_reset(void)
{
	/* The callbacks are their modules' statics: unlinked, they are as a reboot leaves them. */
	while (callbacks != NULL) {
		struct smpdfu_mgmt_callback *cb = callbacks;

		callbacks = cb->next;
		cb->next = NULL;
	}
}

/* Does a registration for `mask` cover `event`? Same group and a shared event bit. */
static bool mask_covers(uint32_t mask, uint32_t event)
{
	if (mask == MGMT_EVT_OP_ALL) {
		return true;
	}
	return MGMT_EVT_GET_GROUP(mask) == MGMT_EVT_GET_GROUP(event) && (mask & event & 0xffffu);
}

enum mgmt_cb_return smpdfu_mgmt_callback_notify(uint32_t event, void *data, size_t data_size,
						int32_t *err_rc, uint16_t *err_group)
{
	enum mgmt_cb_return status = MGMT_CB_OK;
	int32_t first_rc = 0;
	uint16_t first_group = 0;

	for (struct smpdfu_mgmt_callback *cb = callbacks; cb != NULL; cb = cb->next) {
		if (!mask_covers(cb->event_id, event)) {
			continue;
		}

		int32_t rc = 0;
		uint16_t group = 0;
		bool abort_more = false;
		enum mgmt_cb_return ret =
			cb->callback(event, status, &rc, &group, &abort_more, data, data_size);

		if (ret != MGMT_CB_OK && status == MGMT_CB_OK) {
			status = ret;
			first_rc = rc;
			first_group = group;
		}
		if (abort_more) {
			break;
		}
	}
	if (status != MGMT_CB_OK) {
		if (err_rc != NULL) {
			*err_rc = first_rc;
		}
		if (err_group != NULL) {
			*err_group = first_group;
		}
	}
	return status;
}

/* A non-OK answer as the status a handler returns. */
static struct smp_status veto_status(enum mgmt_cb_return ret, int32_t rc, uint16_t group)
{
	/* A hook that fails without saying why must still fail: EUNKNOWN, never success. */
	uint16_t code = rc > 0 && rc <= UINT16_MAX ? (uint16_t)rc : MGMT_ERR_EUNKNOWN;

	if (ret == MGMT_CB_ERROR_ERR) {
		return smpdfu_smp_group_err(group, code, "hook");
	}
	return smpdfu_smp_err(code, "hook");
}

struct smp_status smpdfu_mgmt_callback_check(uint32_t event, void *data, size_t data_size)
{
	int32_t rc = 0;
	uint16_t group = 0;
	enum mgmt_cb_return ret = smpdfu_mgmt_callback_notify(event, data, data_size, &rc, &group);

	return ret == MGMT_CB_OK ? smpdfu_smp_ok() : veto_status(ret, rc, group);
}
