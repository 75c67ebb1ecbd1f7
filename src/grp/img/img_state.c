/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image state (command 0): read lists every slot that holds a readable MCUboot image with its
 * version, hash and boot flags; write marks a slot for test or confirms one, by MCUmgr's rules for
 * the bootloader mode, through the application's side of MCUboot.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>

#include "img_mgmt_priv.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "img"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_IMG_LOG_LEVEL

/*
 * The image in a slot, when there is a readable one: its header and hash. A slot the map lacks
 * reads as no image (the flash layer refuses a NULL area).
 */
static bool read_image(uint32_t slot, struct smpdfu_image_header *hdr,
		       uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	return smpdfu_image_read_hash(smpdfu_boot_slot_area(slot), hdr, hash) == 0;
}

static void put_slot(struct cbor_writer *w, uint32_t slot, const struct smpdfu_image_header *hdr,
		     const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	/*
	 * "bootable", then the slot's flags (enum img_slot_flag) from bit 0, in listing order; an
	 * empty name ends the list.
	 */
	static const char flag_names[] = "bootable\0pending\0confirmed\0active\0permanent\0";
	uint32_t flags = smpdfu_img_slot_flags(slot) << 1 |
			 !(hdr->flags & SMPDFU_IMAGE_F_NON_BOOTABLE);
	char version[SMPDFU_IMAGE_VERSION_STR_MAX];

	smpdfu_image_version_str(&hdr->ver, version);
	smpdfu_cbor_put_map_indef(w);
	if (CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE) {
		smpdfu_smp_put_uint(w, "image", 0);
	}
	smpdfu_smp_put_uint(w, "slot", slot);
	smpdfu_cbor_put_cstr(w, "version");
	smpdfu_cbor_put_cstr(w, version);
	smpdfu_cbor_put_cstr(w, "hash");
	smpdfu_cbor_put_bstr(w, hash, SMPDFU_SHA256_DIGEST_SIZE);
	for (const char *name = flag_names; *name != '\0'; name += strlen(name) + 1, flags >>= 1) {
		/* A frugal list leaves out the flags that are false. */
		if (flags & 1 || !CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST) {
			smpdfu_cbor_put_cstr(w, name);
			smpdfu_cbor_put_bool(w, flags & 1);
		}
	}
	smpdfu_cbor_put_break(w);
}

struct smp_status smpdfu_img_state_read(struct smp_request *req)
{
	struct cbor_writer *w = req->rsp;

	smpdfu_cbor_put_cstr(w, "images");
	smpdfu_cbor_put_array_indef(w);
	for (uint32_t slot = 0; slot < IMG_SLOT_COUNT; slot++) {
		struct smpdfu_image_header hdr;
		uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];

		/* Empty or unreadable slots are simply not listed. */
		if (read_image(slot, &hdr, hash)) {
			put_slot(w, slot, &hdr, hash);
		}
	}
	smpdfu_cbor_put_break(w);
	if (!CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST) {
		smpdfu_smp_put_uint(w, "splitStatus", 0);
	}
	return smpdfu_smp_ok(); /* the dispatcher refuses an answer that did not fit */
}

/* The slot whose image hash TLV is `hash`, or -ENOENT. */
static int find_slot_by_hash(const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	for (uint32_t slot = 0; slot < IMG_SLOT_COUNT; slot++) {
		struct smpdfu_image_header hdr;
		uint8_t h[SMPDFU_SHA256_DIGEST_SIZE];

		if (read_image(slot, &hdr, h) && memcmp(h, hash, SMPDFU_SHA256_DIGEST_SIZE) == 0) {
			return (int)slot;
		}
	}
	return -ENOENT;
}

static struct smp_status check_state_write(uint32_t slot, bool confirm)
{
	if (!CONFIG_SMPDFU_IMG_WRITE_CHECK_HOOK) {
		return smpdfu_smp_ok();
	}

	struct img_mgmt_state_write_check data = { .slot = slot, .confirm = confirm };

	return smpdfu_mgmt_callback_check(MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK, &data,
					  sizeof(data));
}

static struct smp_status boot_write_status(int rc)
{
	return rc == 0 ? smpdfu_smp_ok()
		       : smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_WRITE_FAILED);
}

static struct smp_status confirm_running(void)
{
	struct smp_status st = boot_write_status(smpdfu_boot_write_img_confirmed());

	if (smpdfu_smp_status_is_ok(st)) {
		struct smpdfu_img_mgmt_image_confirmed data = { .image = 0 };

		LOG_INF("running image confirmed");
		img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_CONFIRMED, &data, sizeof(data));
	}
	return st;
}

/*
 * Marks the other slot for the next boot (a test, or for good), through the swap modes' request or,
 * with request NULL, direct-XIP's. With required signatures only an image the bootloader would
 * accept is marked.
 */
static struct smp_status mark_for_boot(uint32_t slot, bool confirm, int (*request)(bool))
{
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		struct smp_status st = smpdfu_img_require_signature(slot);

		if (!smpdfu_smp_status_is_ok(st)) {
			return st;
		}
	}
	LOG_INF("slot %u marked for %s", (unsigned int)slot, confirm ? "good" : "test");
	return boot_write_status(request != NULL ? request(confirm)
						 : smpdfu_boot_set_next_direct_xip(slot, confirm));
}

/*
 * What a state write does in the swap and overwrite modes: an action, or the group error that
 * refuses it (the boot state unreadable: UNKNOWN, or IMAGE_ALREADY_PENDING).
 */
enum swap_rule {
	RULE_KEEP,				/* already so: nothing to write */
	RULE_UNREADABLE = IMG_MGMT_ERR_UNKNOWN, /* no trailer could be read (PANIC) */
	RULE_CONFIRM,				/* confirm the running image */
	RULE_MARK,				/* mark the other slot for the next boot */
	RULE_PENDING = IMG_MGMT_ERR_IMAGE_ALREADY_PENDING,
};

/*
 * MCUmgr's rules for swap and overwrite modes, from what the next boot will do (§4.2 of the
 * protocol reference): a test is asked once, a permanent request cannot be taken back, and the
 * running image on trial can only be confirmed. A test of the running image never comes here (the
 * handler refuses it first), so the request is one of three.
 */
static struct smp_status set_next_boot_swap(uint32_t slot, uint32_t active, bool confirm)
{
	/*
	 * Per swap type: { test of the other slot, confirm of it, confirm of running }. The types
	 * start at 1 (NONE): row 0 is PANIC's, and the boot API answers no other (<smpdfu/boot.h>).
	 */
	static const uint8_t rules[][3] = {
		{ RULE_UNREADABLE, RULE_UNREADABLE, RULE_UNREADABLE },
		[SMPDFU_BOOT_SWAP_TYPE_NONE] = { RULE_MARK, RULE_MARK, RULE_CONFIRM },
		/* The same test again is kept. */
		[SMPDFU_BOOT_SWAP_TYPE_TEST] = { RULE_KEEP, RULE_PENDING, RULE_PENDING },
		/* Already the next image for good. */
		[SMPDFU_BOOT_SWAP_TYPE_PERM] = { RULE_PENDING, RULE_KEEP, RULE_PENDING },
		/* A confirm of the other slot brings it back, as the revert will. */
		[SMPDFU_BOOT_SWAP_TYPE_REVERT] = { RULE_PENDING, RULE_KEEP, RULE_CONFIRM },
	};
	unsigned int type = (unsigned int)smpdfu_boot_swap_type();
	uint8_t rule;

	if (type > SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		type = 0;
	}
	rule = rules[type][confirm + (slot == active)];
	switch (rule) {
	case RULE_KEEP:
		return smpdfu_smp_ok();
	case RULE_CONFIRM:
		return confirm_running();
	case RULE_MARK:
		return mark_for_boot(slot, confirm, smpdfu_boot_request_upgrade);
	default: /* a refusal */
		return img_err(rule,
			       rule == RULE_PENDING ? "already pending" : "boot state unreadable");
	}
}

/* Direct-XIP with revert: the bootloader boots the higher version that carries a magic. */
static struct smp_status set_next_boot_direct_xip(uint32_t slot, uint32_t active, bool confirm)
{
	if (slot == active) {
		return confirm_running();
	}
	return mark_for_boot(slot, confirm, NULL);
}

/* A state write's fields: the image to mark by its hash, and whether for good. */
enum { STATE_HASH, STATE_CONFIRM, STATE_FIELDS };

static const char state_write_fields[] =
	CBOR_FIELD_BSTR_OR_NULL("hash") CBOR_FIELD_BOOL("confirm");

/* A state write, decoded: its values by name, in the array the decoder fills. */
struct state_write_req {
	union {
		union cbor_value f[STATE_FIELDS]; /* by state_write_fields */
		struct {
			union cbor_value hash, confirm;
		};
	};
};

_Static_assert(offsetof(struct state_write_req, confirm) ==
		       STATE_CONFIRM * sizeof(union cbor_value),
	       "the named values are the array's, in the fields' order");

/*
 * The slot a state write names: by its hash, or without one the running image (a confirm). 0 or
 * the group error.
 */
static uint16_t find_target(const struct state_write_req *r, uint32_t active, uint32_t *slot)
{
	if (r->hash.v.len == 0) { /* absent, null or h'': as MCUmgr, no bytes name no image */
		if (!r->confirm.b) {
			return img_refuse(IMG_MGMT_ERR_INVALID_HASH, "no hash");
		}
		*slot = active;
	} else {
		int hash_slot;

		if (r->hash.v.len != SMPDFU_SHA256_DIGEST_SIZE) {
			return img_refuse(IMG_MGMT_ERR_INVALID_HASH, "bad hash");
		}
		hash_slot = find_slot_by_hash(r->hash.v.ptr);
		if (hash_slot < 0) {
			return img_refuse(IMG_MGMT_ERR_HASH_NOT_FOUND, "hash not found");
		}
		*slot = (uint32_t)hash_slot;
	}
	if (!r->confirm.b && *slot == active) {
		return img_refuse(IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED,
				  "test of active");
	}
	return 0;
}

struct smp_status smpdfu_img_state_write(struct smp_request *req)
{
	struct state_write_req r;
	const uint32_t active = smpdfu_img_active_slot(); /* read once: fixed until a reset */
	struct smp_status st;
	uint32_t slot;
	uint16_t refusal;

	/* Absent: no hash (its length is what is looked at) and no confirm. */
	r.hash.v.len = 0;
	r.confirm.b = false;
	if (smpdfu_cbor_decode_map(&req->payload, state_write_fields, r.f) < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	refusal = find_target(&r, active, &slot);
	if (refusal != 0) {
		return img_status(refusal);
	}
	st = check_state_write(slot, r.confirm.b);
	if (!smpdfu_smp_status_is_ok(st)) {
		LOG_WRN("state write refused by a hook");
		return st;
	}
	st = img_mode_is_direct_xip() ? set_next_boot_direct_xip(slot, active, r.confirm.b)
				      : set_next_boot_swap(slot, active, r.confirm.b);
	if (!smpdfu_smp_status_is_ok(st)) {
		return st;
	}
	/* Success answers with the new state, as a state read would. */
	return smpdfu_img_state_read(req);
}
