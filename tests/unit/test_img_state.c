/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image state write and the flags state read reports, in the default swap mode: MCUmgr's rules
 * for test / confirm (reference §4.2), replayed against the trailer bytes they leave in flash,
 * and the exchanges of the real Zephyr 3.5.0 capture that depend on them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/prot/boot_trailer.h>

#include "test_device.h"

static uint8_t img0[4096];
static uint8_t img1[4096];
static size_t img0_len;
static size_t img1_len;
static uint8_t seq;

struct slot_flags {
	bool present;
	bool pending, confirmed, active, permanent;
};

static int setup(void **state)
{
	(void)state;
	img0_len = test_make_image(img0, sizeof(img0), 1, 0, 0, 0, 1000, 0, 0);
	img1_len = test_make_image(img1, sizeof(img1), 2, 0, 0, 0, 1200, 0, 0);
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	    CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		return 0; /* the swap rules do not apply; the tests skip */
	}
	test_device_init(SMP_TRANSPORT_UDP);
	smpdfu_boot_set_running_slot(0);
	test_program_slot(0, img0, img0_len);
	test_program_slot(1, img1, img1_len);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (!CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP &&
	    !CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		test_device_deinit();
	}
	return 0;
}

static void skip_unless_swap_mode(void)
{
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	    CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		skip();
	}
}

static const uint8_t *hash_of(const uint8_t *img, size_t len)
{
	(void)len;
	return img + test_image_hash_off(img);
}

/*
 * Sends a state write with a hash of hash_len bytes (hash NULL leaves it out). Returns 0 on
 * success, the group rc, or an SMP-level rc negated.
 */
static int state_write_len(const uint8_t *hash, size_t hash_len, bool confirm)
{
	static uint8_t req[128];
	struct cbor_writer w;
	struct smpdfu_smp_hdr h = { .op = SMP_OP_WRITE, .version = SMP_VERSION_2, .group = 1,
			     .seq = seq++, .id = IMG_MGMT_ID_STATE };
	struct cbor_reader rd;
	struct cbor_item it;

	smpdfu_cbor_writer_init(&w, req + 8, sizeof(req) - 8);
	smpdfu_cbor_put_map(&w, hash ? 2 : 1);
	if (hash) {
		smpdfu_cbor_put_cstr(&w, "hash");
		smpdfu_cbor_put_bstr(&w, hash, hash_len);
	}
	smpdfu_cbor_put_cstr(&w, "confirm");
	smpdfu_cbor_put_bool(&w, confirm);
	h.len = (uint16_t)w.len;
	smpdfu_smp_hdr_encode(&h, req);
	assert_int_equal(test_device_send(req, 8 + w.len), 1);

	/* {"err": {"group": 1, "rc": N}} or the state map. */
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + 8, test_dev.rsp[0].len - 8);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	if (smpdfu_cbor_view_eq(it.v, "err")) {
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* map */
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* "group" */
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
		assert_int_equal(it.u, 1);
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0); /* "rc" */
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
		return (int)it.u;
	}
	if (smpdfu_cbor_view_eq(it.v, "rc")) {
		assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
		return -(int)it.u; /* SMP-level rc, negated to tell it apart */
	}
	assert_true(smpdfu_cbor_view_eq(it.v, "images"));
	return 0;
}

/* The same with a whole SHA-256 hash. */
static int state_write(const uint8_t *hash, bool confirm)
{
	return state_write_len(hash, SMPDFU_SHA256_DIGEST_SIZE, confirm);
}

/* State read, decoded per slot. */
static void state_read(struct slot_flags out[2])
{
	static const uint8_t req[] = { 0x08, 0, 0, 1, 0, 1, 0x77, 0, 0xa0 };
	struct cbor_reader rd;
	struct cbor_item it;
	int slot = -1;

	memset(out, 0, 2 * sizeof(*out));
	assert_int_equal(test_device_send(req, sizeof(req)), 1);
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + 8, test_dev.rsp[0].len - 8);
	while (smpdfu_cbor_read(&rd, &it) == 0) {
		struct cbor_item v;

		if (it.type != CBOR_TYPE_TSTR) {
			continue;
		}
		if (smpdfu_cbor_view_eq(it.v, "slot")) {
			assert_int_equal(smpdfu_cbor_read(&rd, &v), 0);
			slot = (int)v.u;
			out[slot].present = true;
			continue;
		}
		bool *flag = NULL;

		if (slot >= 0) {
			flag = smpdfu_cbor_view_eq(it.v, "pending")     ? &out[slot].pending
			       : smpdfu_cbor_view_eq(it.v, "confirmed") ? &out[slot].confirmed
			       : smpdfu_cbor_view_eq(it.v, "active")    ? &out[slot].active
			       : smpdfu_cbor_view_eq(it.v, "permanent") ? &out[slot].permanent
								 : NULL;
		}
		if (flag != NULL) {
			assert_int_equal(smpdfu_cbor_read(&rd, &v), 0);
			*flag = v.b;
		}
	}
}

static void assert_flags(const struct slot_flags *f, bool pending, bool confirmed, bool active,
			 bool permanent)
{
	assert_true(f->present);
	assert_int_equal(f->pending, pending);
	assert_int_equal(f->confirmed, confirmed);
	assert_int_equal(f->active, active);
	assert_int_equal(f->permanent, permanent);
}

/* Writes a trailer field the way MCUboot's loader does after a swap. */
static void write_trailer_byte(uint32_t slot, uint32_t off_from_start, uint8_t value)
{
	const struct smpdfu_flash_area *fa = smpdfu_flash_area_get(
		slot ? SMPDFU_FLASH_AREA_IMAGE_SECONDARY : SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	uint8_t cell[CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE];

	memset(cell, 0xff, sizeof(cell));
	cell[0] = value;
	assert_int_equal(smpdfu_flash_area_program(fa, off_from_start, cell, sizeof(cell)), 0);
}

/* The primary trailer as MCUboot leaves it after a test swap: running image on trial. */
static void make_revert_state(void)
{
	static const uint8_t magic[] = SMPDFU_BOOT_MAGIC_A8;
	const struct smpdfu_flash_area *pri =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	const struct smpdfu_flash_area *sec =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	assert_int_equal(SMPDFU_BOOT_MAX_ALIGN, 8);
	/* Swapped: new (img1) in primary, old (img0) in secondary, no secondary trailer. */
	test_program_slot(0, img1, img1_len);
	test_program_slot(1, img0, img0_len);
	(void)sec;
	write_trailer_byte(0, smpdfu_boot_swap_info_off(pri->size), SMPDFU_BOOT_SWAP_TYPE_TEST);
	write_trailer_byte(0, smpdfu_boot_copy_done_off(pri->size), SMPDFU_BOOT_FLAG_SET_VALUE);
	assert_int_equal(
		smpdfu_flash_area_program(pri, smpdfu_boot_magic_off(pri->size), magic, 16), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_REVERT);
}

static void test_then_confirm_flow_like_zephyr(void **state)
{
	struct slot_flags f[2];

	(void)state;
	skip_unless_swap_mode();
	state_read(f);
	assert_flags(&f[0], false, true, true, false);
	assert_flags(&f[1], false, false, false, false);

	/* Test slot 1: pending, and a second identical request is a silent success. */
	assert_int_equal(state_write(hash_of(img1, img1_len), false), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);
	state_read(f);
	assert_flags(&f[1], true, false, false, false);
	assert_int_equal(state_write(hash_of(img1, img1_len), false), 0);
	/* Confirm without hash while a test is pending: 28 (as the capture shows). */
	assert_int_equal(state_write(NULL, true), IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
	/* An empty hash (h'') is no hash, as in MCUmgr: the same confirm of the running image. */
	assert_int_equal(state_write_len(hash_of(img1, img1_len), 0, true),
			 IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
	/* A pending slot can be neither erased nor uploaded to. */
	test_expect_exchange("0a 00 00 07 00 01 13 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 13 00 01 13 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");
}

static void request_errors(void **state)
{
	uint8_t unknown[32] = { 0x42 };

	(void)state;
	skip_unless_swap_mode();
	assert_int_equal(state_write(NULL, false), IMG_MGMT_ERR_INVALID_HASH);
	assert_int_equal(state_write(unknown, false), IMG_MGMT_ERR_HASH_NOT_FOUND);
	assert_int_equal(state_write(hash_of(img0, img0_len), false),
			 IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);
	/* A hash of the wrong length; and "hash": null counts as no hash. */
	test_expect_exchange("0a 00 00 11 00 01 20 00 a2 64 68 61 73 68 41 00"
			     " 67 63 6f 6e 66 69 72 6d f4",
			     "0b 00 00 14 00 01 20 00 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 18 18 ff ff");
	test_expect_exchange("0a 00 00 10 00 01 21 00 a2 64 68 61 73 68 f6"
			     " 67 63 6f 6e 66 69 72 6d f4",
			     "0b 00 00 14 00 01 21 00 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 18 18 ff ff");
	/* An empty hash (h'') is no hash, as in MCUmgr: a test without one is refused... */
	assert_int_equal(state_write_len(unknown, 0, false), IMG_MGMT_ERR_INVALID_HASH);
	/* ...and a confirm without one confirms the running image, confirmed already. */
	assert_int_equal(state_write_len(unknown, 0, true), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
}

static void permanent_request(void **state)
{
	struct slot_flags f[2];

	(void)state;
	skip_unless_swap_mode();
	assert_int_equal(state_write(hash_of(img1, img1_len), true), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_PERM);
	state_read(f);
	assert_flags(&f[0], false, true, true, false);
	assert_flags(&f[1], true, false, false, true);
	/* Confirming it again is a no-op; a test of it or going back to the active one: 28. */
	assert_int_equal(state_write(hash_of(img1, img1_len), true), 0);
	assert_int_equal(state_write(hash_of(img1, img1_len), false),
			 IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
	assert_int_equal(state_write(hash_of(img0, img0_len), true),
			 IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
}

static int confirmed_events;

static enum mgmt_cb_return count_confirmed(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
					   uint16_t *group, bool *abort_more, void *data,
					   size_t size)
{
	(void)prev;
	(void)rc;
	(void)group;
	(void)abort_more;
	(void)data;
	assert_int_equal(event, MGMT_EVT_OP_IMG_MGMT_DFU_CONFIRMED);
	assert_int_equal(size, sizeof(struct smpdfu_img_mgmt_image_confirmed));
	confirmed_events++;
	return MGMT_CB_OK;
}

static void revert_state_and_confirm(void **state)
{
	static struct smpdfu_mgmt_callback cb = {
		.callback = count_confirmed, .event_id = MGMT_EVT_OP_IMG_MGMT_DFU_CONFIRMED
	};
	struct slot_flags f[2];

	(void)state;
	skip_unless_swap_mode();
	make_revert_state();
	state_read(f);
	/* The running image is on trial: active only; the old one will come back: confirmed. */
	assert_flags(&f[0], false, false, true, false);
	assert_flags(&f[1], false, true, false, false);
	assert_false(smpdfu_boot_is_img_confirmed());
	/* Any test is refused; the old slot can neither be erased nor uploaded to. */
	assert_int_equal(state_write(hash_of(img0, img0_len), false),
			 IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
	test_expect_exchange("0a 00 00 07 00 01 13 05 a1 64 73 6c 6f 74 01",
			     "0b 00 00 13 00 01 13 05 bf 63 65 72 72 bf 65 67 72 6f 75 70 01 62 72"
			     " 63 09 ff ff");

	confirmed_events = 0;
	smpdfu_mgmt_callback_register(&cb);
	assert_int_equal(state_write(NULL, true), 0);
	assert_int_equal(confirmed_events, 1);
	assert_true(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	state_read(f);
	assert_flags(&f[0], false, true, true, false);
	assert_flags(&f[1], false, false, false, false);
}

static enum mgmt_cb_return refuse(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				  uint16_t *group, bool *abort_more, void *data, size_t size)
{
	const struct img_mgmt_state_write_check *c = data;

	(void)prev;
	(void)group;
	(void)abort_more;
	assert_int_equal(event, MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK);
	assert_int_equal(size, sizeof(*c));
	assert_int_equal(c->slot, 1);
	*rc = MGMT_ERR_EACCESSDENIED;
	return MGMT_CB_ERROR_RC;
}

static void write_check_hook_refuses(void **state)
{
	static struct smpdfu_mgmt_callback cb = {
		.callback = refuse, .event_id = MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK
	};
	uint64_t ops;

	(void)state;
	skip_unless_swap_mode();
	if (!CONFIG_SMPDFU_IMG_WRITE_CHECK_HOOK) {
		skip();
	}
	smpdfu_mgmt_callback_register(&cb);
	ops = flash_sim_op_count(&test_dev.flash);
	assert_int_equal(state_write(hash_of(img1, img1_len), false), -MGMT_ERR_EACCESSDENIED);
	assert_int_equal(flash_sim_op_count(&test_dev.flash), ops);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
}

/*
 * The explicit-hash paths of the state write: a confirm of the pending test slot by its hash is
 * refused like one without hash (a test is asked once); a hash that differs in its last byte only
 * is not found; a confirm by the hash of the running image writes its image_ok.
 */
static void explicit_hash_paths(void **state)
{
	const struct smpdfu_flash_area *pri =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	static const uint8_t magic[] = SMPDFU_BOOT_MAGIC_A8;
	uint8_t near[32];
	struct smpdfu_boot_swap_state st;

	(void)state;
	skip_unless_swap_mode();
	memcpy(near, hash_of(img1, img1_len), sizeof(near));
	near[31] ^= 1;
	assert_int_equal(state_write(near, false), IMG_MGMT_ERR_HASH_NOT_FOUND);
	assert_int_equal(state_write(hash_of(img1, img1_len), false), 0);
	assert_int_equal(state_write(hash_of(img1, img1_len), true),
			 IMG_MGMT_ERR_IMAGE_ALREADY_PENDING);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);

	/* A padded image (magic, no copy_done): nothing to do at boot, its image_ok unwritten. */
	test_program_slot(1, img1, img1_len);
	assert_int_equal(
		smpdfu_flash_area_program(pri, smpdfu_boot_magic_off(pri->size), magic, 16), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_false(smpdfu_boot_is_img_confirmed());
	assert_int_equal(state_write(hash_of(img0, img0_len), true), 0);
	assert_int_equal(smpdfu_boot_read_swap_state(pri, &st), 0);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	assert_true(smpdfu_boot_is_img_confirmed());
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_then_confirm_flow_like_zephyr),
		T(request_errors),
		T(permanent_request),
		T(revert_state_and_confirm),
		T(write_check_hook_refuses),
		T(explicit_hash_paths),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
