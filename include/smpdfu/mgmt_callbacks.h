/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MCUmgr notification hooks: callbacks registered for event ids (Zephyr's numbering), called in
 * registration order; the first non-OK answer decides the outcome of a vetoable check.
 */
#ifndef SMPDFU_MGMT_CALLBACKS_H
#define SMPDFU_MGMT_CALLBACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/cbor.h>
#include <smpdfu/smp.h>

/* Callback groups: numbered independently of SMP group ids. */
enum smpdfu_mgmt_cb_groups {
	MGMT_EVT_GRP_ALL = 0,
	MGMT_EVT_GRP_SMP = 1,
	MGMT_EVT_GRP_OS = 2,
	MGMT_EVT_GRP_IMG = 3,
	MGMT_EVT_GRP_USER_CUSTOM_START = 64,
};

#define MGMT_DEF_EVT_OP_ID(grp, idx) ((uint32_t)(((uint32_t)(grp) << 16) | (1u << (idx))))
#define MGMT_DEF_EVT_OP_ALL(grp) ((uint32_t)(((uint32_t)(grp) << 16) | 0xffffu))
#define MGMT_EVT_GET_GROUP(evt) ((uint16_t)((evt) >> 16))

enum mgmt_cb_events {
	MGMT_EVT_OP_ALL = 0xffffffffu,

	MGMT_EVT_OP_CMD_RECV = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_SMP, 0),
	MGMT_EVT_OP_CMD_STATUS = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_SMP, 1),
	MGMT_EVT_OP_CMD_DONE = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_SMP, 2),
	MGMT_EVT_OP_SMP_ALL = MGMT_DEF_EVT_OP_ALL(MGMT_EVT_GRP_SMP),

	MGMT_EVT_OP_OS_MGMT_RESET = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_OS, 0),
	MGMT_EVT_OP_OS_MGMT_ALL = MGMT_DEF_EVT_OP_ALL(MGMT_EVT_GRP_OS),

	MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 0),
	MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 1),
	MGMT_EVT_OP_IMG_MGMT_DFU_STARTED = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 2),
	MGMT_EVT_OP_IMG_MGMT_DFU_PENDING = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 3),
	MGMT_EVT_OP_IMG_MGMT_DFU_CONFIRMED = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 4),
	MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK_WRITE_COMPLETE = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 5),
	/* Beyond Zephyr: vetoable checks before an image erase and a state write touch flash. */
	MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 14),
	MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK = MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 15),
	MGMT_EVT_OP_IMG_MGMT_ALL = MGMT_DEF_EVT_OP_ALL(MGMT_EVT_GRP_IMG),
};

enum mgmt_cb_return {
	MGMT_CB_OK = 0,
	MGMT_CB_ERROR_RC = 1,  /* fail with the SMP rc in *rc */
	MGMT_CB_ERROR_ERR = 2, /* fail with the group error {*group, *rc} */
};

/*
 * A callback: `prev_status` is the combined answer so far; on a non-OK return set *rc (and *group
 * for ERROR_ERR); set *abort_more to stop the remaining callbacks. Runs in the SMP processing
 * context and must not block.
 */
typedef enum mgmt_cb_return (*mgmt_cb_fn)(uint32_t event, enum mgmt_cb_return prev_status,
					  int32_t *rc, uint16_t *group, bool *abort_more,
					  void *data, size_t data_size);

struct smpdfu_mgmt_callback {
	mgmt_cb_fn callback;
	uint32_t event_id; /* one event, several of one group OR-ed, a group's _ALL, or OP_ALL */
	struct smpdfu_mgmt_callback *next;
};

/* Registration: the caller owns cb (static storage). Registering twice is harmless. */
void smpdfu_mgmt_callback_register(struct smpdfu_mgmt_callback *cb);
void smpdfu_mgmt_callback_unregister(struct smpdfu_mgmt_callback *cb);
/* Forgets every callback and unlinks it, as a reboot does (the one reset path runs it). */
void smpdfu_mgmt_callbacks_reset(void);

/*
 * Calls every callback registered for `event`; returns the first non-OK status with its *err_rc and
 * *err_group (left untouched when everything answered OK).
 */
enum mgmt_cb_return smpdfu_mgmt_callback_notify(uint32_t event, void *data, size_t data_size,
						int32_t *err_rc, uint16_t *err_group);

/*
 * Asks the hooks of a vetoable `event`: smpdfu_smp_ok() when none objects, else the status a
 * handler returns for the first objection (its rc, or its group error; EUNKNOWN when it names no
 * rc).
 */
struct smp_status smpdfu_mgmt_callback_check(uint32_t event, void *data, size_t data_size);

/* ---- Event data ------------------------------------------------------------------------------ */

/* CMD_RECV: {group, id, op}; CMD_STATUS: {group, id, status}; CMD_DONE: {group, id, err}. */
struct smpdfu_mgmt_evt_op_cmd_arg {
	uint16_t group;
	uint8_t id;
	union {
		uint8_t op;
		int32_t err;
		int32_t status;
	};
};

enum img_mgmt_id_upload {
	IMG_MGMT_ID_UPLOAD_STATUS_START = 0,
	IMG_MGMT_ID_UPLOAD_STATUS_ONGOING = 1,
	IMG_MGMT_ID_UPLOAD_STATUS_COMPLETE = 2,
};

struct smpdfu_img_mgmt_upload_req {
	uint32_t image;
	uint32_t off;
	uint32_t size;
	struct cbor_view img_data;
	struct cbor_view data_sha;
	bool upgrade;
};

struct smpdfu_img_mgmt_upload_action {
	uint32_t size;        /* total image size */
	uint32_t write_bytes; /* bytes this request writes */
	int area_id;          /* target flash area */
	bool proceed;
	bool erase;           /* a new upload starts (off == 0) */
	const char *rc_rsn;
};

/* DFU_CHUNK data. `transport` tells where the request arrived (beyond Zephyr). */
struct smpdfu_img_mgmt_upload_check {
	struct smpdfu_img_mgmt_upload_action *action;
	struct smpdfu_img_mgmt_upload_req *req;
	enum smp_transport_kind transport;
};

struct smpdfu_img_mgmt_image_confirmed {
	uint8_t image;
};

/* ERASE_CHECK data. */
struct img_mgmt_erase_check {
	uint32_t slot;
};

/* STATE_WRITE_CHECK data: the slot a test/confirm would mark, and which. */
struct img_mgmt_state_write_check {
	uint32_t slot;
	bool confirm;
};

struct smpdfu_os_mgmt_reset_data {
	bool force;
};

#endif /* SMPDFU_MGMT_CALLBACKS_H */
