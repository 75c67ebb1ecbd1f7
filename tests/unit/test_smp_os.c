/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP dispatcher and the OS group against golden bytes: the exchanges captured from a real
 * Zephyr server and the constructed examples of the protocol reference (§8), plus the header and
 * framing rules (versions, ops, truncation, several packets in one unit, oversize responses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/smp.h>

#include "fake_port.h"
#include "test_device.h"
#include "util.h"

static int setup(void **state)
{
	(void)state;
	test_device_init(SMP_TRANSPORT_UDP);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_device_deinit();
	return 0;
}

static void echo_v2_v1_and_read(void **state)
{
	(void)state;
	test_expect_exchange("0a 00 00 09 00 00 2b 00 a1 61 64 65 68 65 6c 6c 6f",
			     "0b 00 00 0a 00 00 2b 00 bf 61 72 65 68 65 6c 6c 6f ff");
	test_expect_exchange("02 00 00 09 00 00 2a 00 a1 61 64 65 68 65 6c 6c 6f",
			     "03 00 00 0a 00 00 2a 00 bf 61 72 65 68 65 6c 6c 6f ff");
	test_expect_exchange("00 00 00 09 00 00 2c 00 a1 61 64 65 68 65 6c 6c 6f",
			     "01 00 00 0a 00 00 2c 00 bf 61 72 65 68 65 6c 6c 6f ff");
}

static void echo_variants(void **state)
{
	(void)state;
	/* No "d": an empty answer, not an error. */
	test_expect_exchange("0a 00 00 01 00 00 01 00 a0",
			     "0b 00 00 05 00 00 01 00 bf 61 72 60 ff");
	/* Indefinite map, unknown key with a nested value before "d". */
	test_expect_exchange("0a 00 00 0d 00 00 02 00 bf 61 78 9f 01 a0 ff 61 64 62 68 69 ff",
			     "0b 00 00 07 00 00 02 00 bf 61 72 62 68 69 ff");
	/* A zero-length payload is no map: rc 3 (an empty map is fine, above). */
	test_expect_exchange("0a 00 00 00 00 00 06 00",
			     "0b 00 00 06 00 00 06 00 bf 62 72 63 03 ff");
	/* Duplicate key and wrong type: rc 3 in v1 and v2. */
	test_expect_exchange("0a 00 00 09 00 00 03 00 a2 61 64 61 61 61 64 61 62",
			     "0b 00 00 06 00 00 03 00 bf 62 72 63 03 ff");
	test_expect_exchange("02 00 00 04 00 00 04 00 a1 61 64 05",
			     "03 00 00 06 00 00 04 00 bf 62 72 63 03 ff");
	/* Reserved bits and flags are ignored; the response has them cleared. */
	test_expect_exchange("ca 55 00 06 00 00 05 00 a1 61 64 62 68 69",
			     "0b 00 00 07 00 00 05 00 bf 61 72 62 68 69 ff");
}

static void echo_too_large_for_response(void **state)
{
	static uint8_t req[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	/* Request overhead: header 8 + map 1 + "d" 2 + tstr head 3 = 14 bytes (response: 15). */
	size_t text = CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE - 14;
	size_t n = 0;

	(void)state;
	req[n++] = 0x0a;
	req[n++] = 0;
	req[n++] = (uint8_t)((text + 6) >> 8);
	req[n++] = (uint8_t)(text + 6);
	req[n++] = 0;
	req[n++] = 0;
	req[n++] = 0x77;
	req[n++] = 0;
	req[n++] = 0xa1;
	req[n++] = 0x61;
	req[n++] = 'd';
	req[n++] = 0x79;
	req[n++] = (uint8_t)(text >> 8);
	req[n++] = (uint8_t)text;
	memset(req + n, 'x', text);
	n += text;
	assert_int_equal(test_device_send(req, n), 1);
	assert_int_equal(test_dev.rsp[0].len, 14);
	assert_memory_equal(test_dev.rsp[0].data + 8, "\xbf\x62rc\x07\xff", 6);

	/* One byte shorter fits exactly. */
	text -= 1;
	req[3] = (uint8_t)(text + 6);
	req[13] = (uint8_t)text;
	n -= 1;
	assert_int_equal(test_device_send(req, n), 1);
	assert_int_equal(test_dev.rsp[0].len, CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE);
}

static void params(void **state)
{
	static const uint8_t req[] = { 0x08, 0, 0, 1, 0, 0, 0x2d, 0x06, 0xa0 };
	static const uint8_t req_empty[] = { 0x08, 0, 0, 0, 0, 0, 0x2e, 0x06 };
	uint8_t want[64];
	size_t n;

	(void)state;
	assert_int_equal(test_device_send(req, sizeof(req)), 1);
	n = test_hex("09 00 00 00 00 00 2d 06 bf 68 62 75 66 5f 73 69 7a 65 19 00 00"
		     " 69 62 75 66 5f 63 6f 75 6e 74 00 ff",
		     want, sizeof(want));
	want[3] = (uint8_t)(n - 8);
	want[19] = (uint8_t)(CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE >> 8);
	want[20] = (uint8_t)CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE;
	want[31] = CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT;
	assert_int_equal(test_dev.rsp[0].len, n);
	assert_memory_equal(test_dev.rsp[0].data, want, n);

	/* A zero-length payload is legal. */
	assert_int_equal(test_device_send(req_empty, sizeof(req_empty)), 1);
	assert_int_equal(test_dev.rsp[0].len, n);
}

static void os_info(void **state)
{
	(void)state;
	/* Captured: format "q" is a group error in v2 and rc 3 in v1. */
	test_expect_exchange("08 00 00 0a 00 00 2f 07 a1 66 66 6f 72 6d 61 74 61 71",
			     "09 00 00 13 00 00 2f 07 bf 63 65 72 72 bf 65 67 72 6f 75 70 00"
			     " 62 72 63 02 ff ff");
	test_expect_exchange("00 00 00 0a 00 00 30 07 a1 66 66 6f 72 6d 61 74 61 71",
			     "01 00 00 06 00 00 30 07 bf 62 72 63 03 ff");
	/* Fields in the fixed order whatever order the letters came in: "vs" -> "smpdfu 0.1.0". */
	test_expect_exchange("08 00 00 0b 00 00 31 07 a1 66 66 6f 72 6d 61 74 62 76 73",
			     "09 00 00 16 00 00 31 07 bf 66 6f 75 74 70 75 74 6c"
			     " 73 6d 70 64 66 75 20 30 2e 31 2e 30 ff");
	/* No format: the kernel name. */
	test_expect_exchange("08 00 00 01 00 00 32 07 a0",
			     "09 00 00 10 00 00 32 07 bf 66 6f 75 74 70 75 74"
			     " 66 73 6d 70 64 66 75 ff");
	/* An empty format is no format, as in Zephyr: the kernel name again. */
	test_expect_exchange("08 00 00 09 00 00 33 07 a1 66 66 6f 72 6d 61 74 60",
			     "09 00 00 10 00 00 33 07 bf 66 6f 75 74 70 75 74"
			     " 66 73 6d 70 64 66 75 ff");
}

/* Sends info with format "a" and returns the answer's length, or 0 for an error answer. */
static size_t info_all(char *out, size_t cap)
{
	static const uint8_t req[] = { 0x08, 0, 0, 0x0a, 0, 0, 0x40, 0x07, 0xa1, 0x66,
				       'f', 'o', 'r', 'm', 'a', 't', 0x61, 'a' };
	struct cbor_reader rd;
	struct cbor_item it;

	assert_int_equal(test_device_send(req, sizeof(req)), 1);
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + 8, test_dev.rsp[0].len - 8);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	if (!smpdfu_cbor_view_eq(it.v, "output")) {
		return 0;
	}
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_true(it.v.len < cap);
	memcpy(out, it.v.ptr, it.v.len);
	out[it.v.len] = '\0';
	return it.v.len;
}

/*
 * Format "a" gives every field, separated by spaces; the text is bounded with its separators:
 * fields that fill CONFIG_MCUMGR_GRP_OS_INFO_MAX_RESPONSE_SIZE exactly are answered, one byte
 * more is "too long", not a byte written past the buffer.
 */
static void os_info_all_and_its_bound(void **state)
{
	enum { CAP = CONFIG_MCUMGR_GRP_OS_INFO_MAX_RESPONSE_SIZE, SEPS = 7 };
	static char field[8][CAP];
	static struct os_mgmt_identity id;
	char out[CAP + 64];
	size_t each = (CAP - SEPS) / 8;
	size_t last = CAP - SEPS - 7 * each;

	(void)state;
	assert_int_equal(info_all(out, sizeof(out)),
			 strlen("smpdfu unit 0.1.0 0.1.0 x86_64 x86_64 unit-test smpdfu"));
	assert_string_equal(out, "smpdfu unit 0.1.0 0.1.0 x86_64 x86_64 unit-test smpdfu");

	for (size_t i = 0; i < 8; i++) {
		memset(field[i], 'a' + (int)i, i < 7 ? each : last);
	}
	id = (struct os_mgmt_identity){ field[0], field[1], field[2], field[3],
					field[4], field[5], field[6], field[7] };
	smpdfu_smp_server_init(); /* the OS group alone, with this identity */
	smpdfu_os_mgmt_register(&id);
	assert_int_equal(info_all(out, sizeof(out)), CAP);
	field[7][last] = 'h';
	assert_int_equal(info_all(out, sizeof(out)), 0);
	assert_int_equal(test_dev.rsp_count, 1);
}

static void bootloader_info(void **state)
{
	int mode = 3;
	char want[160];

	(void)state;
	test_expect_exchange("08 00 00 01 00 00 40 08 a0",
			     "09 00 00 15 00 00 40 08 bf 6a 62 6f 6f 74 6c 6f 61 64 65 72"
			     " 67 4d 43 55 62 6f 6f 74 ff");
	/*
	 * {"query":"mode"} -> {"mode": N}: MCUboot's number for the configured mode (1 scratch,
	 * 2 overwrite-only, 3 move, 4 direct-xip, 5 direct-xip with revert), then
	 * "no-downgrade": true only when the bootloader refuses downgrades.
	 */
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		mode = 1;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY) {
		mode = 2;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		mode = 4;
	} else if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		mode = 5;
	}
	snprintf(want, sizeof(want), "09 00 00 %02x 00 00 41 08 bf 64 6d 6f 64 65 %02x%s ff",
		 CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE ? 0x16 : 0x08, mode,
		 CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE ?
			 " 6c 6e 6f 2d 64 6f 77 6e 67 72 61 64 65 f5" : "");
	test_expect_exchange("08 00 00 0c 00 00 41 08 a1 65 71 75 65 72 79 64 6d 6f 64 65", want);
	/*
	 * Unknown query: Zephyr 4.x returns QUERY_YIELDS_NO_ANSWER (3) from the handler, which
	 * reaches the client as the SMP rc 3 in v2 and v1 alike, with no reason.
	 */
	test_expect_exchange("08 00 00 09 00 00 42 08 a1 65 71 75 65 72 79 61 78",
			     "09 00 00 06 00 00 42 08 bf 62 72 63 03 ff");
	test_expect_exchange("00 00 00 09 00 00 43 08 a1 65 71 75 65 72 79 61 78",
			     "01 00 00 06 00 00 43 08 bf 62 72 63 03 ff");
	/* A map without "query" introduces the bootloader, as an empty one does. */
	test_expect_exchange("08 00 00 06 00 00 44 08 a1 63 78 79 7a 01",
			     "09 00 00 15 00 00 44 08 bf 6a 62 6f 6f 74 6c 6f 61 64 65 72"
			     " 67 4d 43 55 62 6f 6f 74 ff");
}

static void header_errors(void **state)
{
	(void)state;
	/* Group not present: SMP-level rc 8 even in v2 (captured). */
	test_expect_exchange("08 00 00 01 00 02 2e 00 a0",
			     "09 00 00 06 00 02 2e 00 bf 62 72 63 08 ff");
	/* Header version 2: rc 13 with response version 1 (captured). */
	test_expect_exchange("10 00 00 01 00 00 32 06 a0",
			     "09 00 00 06 00 00 32 06 bf 62 72 63 0d ff");
	/* Response ops (1, 3) and undefined ops (4..7) as requests: op 3 and rc 8 (captured). */
	test_expect_exchange("09 00 00 01 00 00 33 00 a0",
			     "0b 00 00 06 00 00 33 00 bf 62 72 63 08 ff");
	test_expect_exchange("0c 00 00 01 00 00 34 00 a0",
			     "0b 00 00 06 00 00 34 00 bf 62 72 63 08 ff");
	/* Unknown command in a known group; read of a write-only command. */
	test_expect_exchange("08 00 00 01 00 00 35 63 a0",
			     "09 00 00 06 00 00 35 63 bf 62 72 63 08 ff");
	test_expect_exchange("08 00 00 01 00 00 36 05 a0",
			     "09 00 00 06 00 00 36 05 bf 62 72 63 08 ff");
	/* A length that lies (10 promised, 5 sent): rc 9. */
	test_expect_exchange("0a 00 00 0a 00 00 37 00 a1 61 64 61 78",
			     "0b 00 00 06 00 00 37 00 bf 62 72 63 09 ff");
	/* One byte promised too many (6 for 5): rc 9 as well. */
	test_expect_exchange("0a 00 00 06 00 00 3a 00 a1 61 64 61 78",
			     "0b 00 00 06 00 00 3a 00 bf 62 72 63 09 ff");
	/* The command one past the group's last (bootloader info, 8): unknown, rc 8. */
	test_expect_exchange("08 00 00 01 00 00 3b 09 a0",
			     "09 00 00 06 00 00 3b 09 bf 62 72 63 08 ff");
	/* Not even a header: nothing to answer. */
	assert_int_equal(test_device_send((const uint8_t *)"\x0a\x00\x00", 3), 0);
	/* Payload that is not a map at all. */
	test_expect_exchange("0a 00 00 01 00 00 38 00 05",
			     "0b 00 00 06 00 00 38 00 bf 62 72 63 03 ff");
}

static void several_packets_in_one_unit(void **state)
{
	uint8_t req[64];
	size_t n = test_hex("0a 00 00 06 00 00 01 00 a1 61 64 62 68 69"
			    "0a 00 00 06 00 00 02 00 a1 61 64 62 68 6f",
			    req, sizeof(req));

	(void)state;
	assert_int_equal(test_device_send(req, n), 2);
	assert_int_equal(test_dev.rsp[0].data[6], 1);
	assert_int_equal(test_dev.rsp[1].data[6], 2);
	assert_memory_equal(test_dev.rsp[1].data + 8, "\xbf\x61r\x62ho\xff", 7);

	/* After an SMP-level error the rest of the unit is dropped. */
	n = test_hex("08 00 00 01 00 02 01 00 a0 0a 00 00 06 00 00 02 00 a1 61 64 62 68 6f", req,
		     sizeof(req));
	assert_int_equal(test_device_send(req, n), 1);
	assert_memory_equal(test_dev.rsp[0].data + 8, "\xbf\x62rc\x08\xff", 6);
}

static void reset_is_delayed(void **state)
{
	(void)state;
	test_expect_exchange("0a 00 00 01 00 00 3a 05 a0", "0b 00 00 02 00 00 3a 05 bf ff");
	assert_int_equal(fake_reboot_count(), 0);
	fake_clock_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS - 1);
	assert_int_equal(fake_reboot_count(), 0);
	fake_clock_advance(1);
	assert_int_equal(fake_reboot_count(), 1);
	/*
	 * Like Zephyr, a reset whose payload does not decode is still a reset: none at all, not a
	 * map, a force of the wrong type, a truncated map.
	 */
	static const char *const undecodable[] = {
		"0a 00 00 00 00 00 3b 05",
		"0a 00 00 01 00 00 3b 05 05",
		"0a 00 00 09 00 00 3b 05 a1 65 66 6f 72 63 65 61 79",
		"0a 00 00 07 00 00 3b 05 a1 65 66 6f 72 63 65",
	};

	for (size_t i = 0; i < ARRAY_SIZE(undecodable); i++) {
		test_expect_exchange(undecodable[i], "0b 00 00 02 00 00 3b 05 bf ff");
		fake_clock_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS);
		assert_int_equal(fake_reboot_count(), 2 + i);
	}
}

static bool last_force;

static enum mgmt_cb_return refuse_unforced_reset(uint32_t event, enum mgmt_cb_return prev,
						 int32_t *rc, uint16_t *group, bool *abort_more,
						 void *data, size_t size)
{
	const struct smpdfu_os_mgmt_reset_data *d = data;

	(void)prev;
	(void)group;
	(void)abort_more;
	assert_int_equal(event, MGMT_EVT_OP_OS_MGMT_RESET);
	assert_int_equal(size, sizeof(*d));
	last_force = d->force;
	if (!d->force) {
		*rc = MGMT_ERR_EBUSY;
		return MGMT_CB_ERROR_RC;
	}
	return MGMT_CB_OK;
}

static void reset_hook_veto_and_force(void **state)
{
	static struct smpdfu_mgmt_callback cb = {
		.callback = refuse_unforced_reset, .event_id = MGMT_EVT_OP_OS_MGMT_RESET
	};

	(void)state;
	smpdfu_mgmt_callback_register(&cb);
	test_expect_exchange("0a 00 00 01 00 00 01 05 a0",
			     "0b 00 00 06 00 00 01 05 bf 62 72 63 0a ff");
	fake_clock_advance(1000);
	assert_int_equal(fake_reboot_count(), 0);
	/* force as a bool (Zephyr) and as an integer (smpclient) */
	test_expect_exchange("0a 00 00 08 00 00 02 05 a1 65 66 6f 72 63 65 f5",
			     "0b 00 00 02 00 00 02 05 bf ff");
	assert_true(last_force);
	test_expect_exchange("0a 00 00 08 00 00 03 05 a1 65 66 6f 72 63 65 01",
			     "0b 00 00 02 00 00 03 05 bf ff");
	assert_true(last_force);
	test_expect_exchange("0a 00 00 08 00 00 04 05 a1 65 66 6f 72 63 65 00",
			     "0b 00 00 06 00 00 04 05 bf 62 72 63 0a ff");
	assert_false(last_force);
	/*
	 * A payload that does not decode (a force of the wrong type, a truncated map) is, as in
	 * Zephyr, an unforced reset: the hook sees force false and refuses it here.
	 */
	last_force = true;
	test_expect_exchange("0a 00 00 09 00 00 05 05 a1 65 66 6f 72 63 65 61 79",
			     "0b 00 00 06 00 00 05 05 bf 62 72 63 0a ff");
	assert_false(last_force);
	last_force = true;
	test_expect_exchange("0a 00 00 07 00 00 06 05 a1 65 66 6f 72 63 65",
			     "0b 00 00 06 00 00 06 05 bf 62 72 63 0a ff");
	assert_false(last_force);
	fake_clock_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS);
	assert_int_equal(fake_reboot_count(), 1);
}

static int cmd_events[3];

static enum mgmt_cb_return count_cmd_events(uint32_t event, enum mgmt_cb_return prev,
					    int32_t *rc, uint16_t *group, bool *abort_more,
					    void *data, size_t size)
{
	const struct smpdfu_mgmt_evt_op_cmd_arg *arg = data;

	(void)prev;
	(void)rc;
	(void)group;
	(void)abort_more;
	assert_int_equal(size, sizeof(*arg));
	if (event == MGMT_EVT_OP_CMD_RECV) {
		cmd_events[0]++;
		if (arg->group == MGMT_GROUP_ID_OS && arg->id == 0 && arg->op == SMP_OP_READ) {
			*rc = MGMT_ERR_EACCESSDENIED;
			return MGMT_CB_ERROR_RC;
		}
	} else if (event == MGMT_EVT_OP_CMD_DONE) {
		cmd_events[2]++;
	}
	return MGMT_CB_OK;
}

static void command_hooks(void **state)
{
	static struct smpdfu_mgmt_callback cb = {
		.callback = count_cmd_events,
		.event_id = MGMT_EVT_OP_CMD_RECV | MGMT_EVT_OP_CMD_DONE,
	};

	(void)state;
	if (!CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS) {
		skip();
	}
	memset(cmd_events, 0, sizeof(cmd_events));
	smpdfu_mgmt_callback_register(&cb);
	test_expect_exchange("0a 00 00 01 00 00 01 00 a0",
			     "0b 00 00 05 00 00 01 00 bf 61 72 60 ff");
	/* Vetoed before the handler runs. */
	test_expect_exchange("08 00 00 01 00 00 02 00 a0",
			     "09 00 00 06 00 00 02 00 bf 62 72 63 0b ff");
	assert_int_equal(cmd_events[0], 2);
	assert_int_equal(cmd_events[2], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(echo_v2_v1_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(echo_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(echo_too_large_for_response, setup, teardown),
		cmocka_unit_test_setup_teardown(params, setup, teardown),
		cmocka_unit_test_setup_teardown(os_info, setup, teardown),
		cmocka_unit_test_setup_teardown(os_info_all_and_its_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(bootloader_info, setup, teardown),
		cmocka_unit_test_setup_teardown(header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(several_packets_in_one_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_is_delayed, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_hook_veto_and_force, setup, teardown),
		cmocka_unit_test_setup_teardown(command_hooks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
