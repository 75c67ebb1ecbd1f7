/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of CAF ble_smp (module "smp"; seed 002 and modules.md §4) on the application fixture:
 * the upload hook registered on main READY, READY reported once after ble_state READY with the
 * image version, one transfer event outstanding at most, and what it never does (reject, lock,
 * time out, confirm). Skipped unless CONFIG_CAF_BLE_SMP.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/boot.h>
#include <smpdfu/crypto.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/prot/boot_trailer.h>

#include "app.h"
#include "app_fixture.h"
#include "ble_smp.h"
#include "fake_ble_link.h"
#include "fake_port.h"
#include "test_device.h"

#define CHUNK 512

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static const struct smpdfu_dfu_lock_owner other = { .name = "Other" };

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

static void boot(enum smp_transport_kind kind)
{
	REQUIRE(CONFIG_CAF_BLE_SMP);
	app_fixture_boot(kind);
}

static uint32_t submitted(void)
{
	struct app_event_manager_stats st;

	smpdfu_app_event_manager_stats_get(&st);
	return st.submitted;
}

static void ready_once_after_ble_state_with_the_version(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_BLE);
	assert_int_equal(fake_log_count("module_state_event: ble_state READY"), 1);
	assert_int_equal(fake_log_count("module_state_event: smp READY"), 1);
	assert_int_equal(fake_log_count("INF smp: MCUboot image version: 1.0.0+0"), 1);

	/* ble_state READY again (it restarted): smp stays READY and says nothing more. */
	assert_int_equal(smpdfu_module_state_submit(MODULE_ID(ble_state), MODULE_STATE_READY), 0);
	app_fixture_process();
	assert_int_equal(fake_log_count("module_state_event: smp READY"), 1);
	assert_int_equal(fake_log_count("INF smp: MCUboot image version"), 1);
}

static void not_ready_without_ble_state(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_SMP);
	app_fixture_device(SMP_TRANSPORT_BLE);
	fake_ble_link_fail_enable(-EIO, false);
	app_fixture_start();
	assert_int_equal(fake_log_count("module_state_event: ble_state ERROR"), 1);
	assert_int_equal(fake_log_count("module_state_event: smp"), 0);
	/* The upload hook is registered on main READY all the same. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_true(smpdfu_ble_smp_transfer_event_pending());
}

static void hook_registered_on_main_ready(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_SMP);
	app_fixture_device(SMP_TRANSPORT_BLE);
	/* Before main READY: uploads go through, but nobody signals them. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_false(smpdfu_ble_smp_transfer_event_pending());
	app_fixture_start();
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	assert_true(smpdfu_ble_smp_transfer_event_pending());
}

static void one_transfer_event_outstanding_at_most(void **state)
{
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	before = submitted();
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	assert_int_equal(app_smp_upload(2 * CHUNK, CHUNK).off, 3 * CHUNK);
	assert_int_equal(submitted() - before, 1);
	/* Processed through the FINAL subscriber: the next chunk submits the next event. */
	app_fixture_process();
	assert_false(smpdfu_ble_smp_transfer_event_pending());
	assert_int_equal(app_smp_upload(3 * CHUNK, CHUNK).off, 4 * CHUNK);
	assert_int_equal(submitted() - before, 2);
	app_fixture_process();
	/* Only upload chunks count: other image commands submit nothing. */
	before = submitted();
	assert_int_equal(app_smp_image_state_read().rc, -1);
	assert_int_equal(app_smp_os_echo().rc, -1);
	assert_int_equal(submitted(), before);
}

/* S17: the module registers itself as the final subscriber of the transfer event. */
static void clears_its_flag_as_the_final_subscriber(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_SMP);
	app_fixture_assert_final_subscriber(&smpdfu_app_event_type_ble_smp_transfer_event, "smp");
}

static void full_event_pool_leaves_no_flag_behind(void **state)
{
	struct module_state_event *hog[CONFIG_APP_EVENT_MANAGER_POOL_SIZE];
	size_t n = 0;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	while (n < CONFIG_APP_EVENT_MANAGER_POOL_SIZE &&
	       (hog[n] = smpdfu_new_module_state_event())) {
		n++;
	}
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_false(smpdfu_ble_smp_transfer_event_pending());
	for (size_t i = 0; i < n; i++) {
		smpdfu_app_event_manager_free(&hog[i]->header);
	}
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	assert_true(smpdfu_ble_smp_transfer_event_pending());
}

static void never_rejects_takes_no_lock_runs_no_timer(void **state)
{
	size_t len;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	app_fixture_image(&len);
	/* Even a lock held by another transport does not stop it: ble_smp does not look. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(app_smp_upload_rest(0, CHUNK).off, (int64_t)len);
	app_fixture_process();
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &other);
	app_fixture_advance(10000);
	assert_int_equal(fake_log_count("timed out"), 0);
	assert_int_equal(app_smp_os_reset().rc, -1);
	app_fixture_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS);
	assert_int_equal(fake_reboot_count(), 1);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

static void confirms_nothing(void **state)
{
	(void)state;
	REQUIRE(CONFIG_CAF_BLE_SMP);
	app_fixture_device(SMP_TRANSPORT_BLE);
	app_fixture_primary_magic(true);
	app_fixture_start();
	assert_false(smpdfu_boot_is_img_confirmed());
}

static void any_transport_counts(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_true(smpdfu_ble_smp_transfer_event_pending());
}

/*
 * Two clients (two transports) upload different images at once: the image group keeps one
 * upload, and a chunk of the other is answered with the expected offset, never written.
 */
static void concurrent_uploads_never_interleave(void **state)
{
	static uint8_t second[APP_FIXTURE_IMAGE_MAX];
	static uint8_t got[APP_FIXTURE_IMAGE_MAX];
	uint8_t second_sha[SMPDFU_SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t second_len;
	const struct smpdfu_flash_area *slot1;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	test_device_set_client(1);
	second_len = test_make_image(second, sizeof(second), 3, 1, 0, 0, 12000, 0, 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, second, second_len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, second_sha), 0);

	/* Client A (Bluetooth LE) writes two chunks of the fixture image. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	/* Client B (UDP) starts its own image: the upload in progress is now B's. */
	test_dev.tp.kind = SMP_TRANSPORT_UDP;
	test_device_set_client(2);
	assert_int_equal(app_smp_upload_of(second, second_len, second_sha, 0, CHUNK).off, CHUNK);
	/*
	 * A's next chunks are refused (EBUSY) and write nothing, even the one that carries exactly
	 * the offset B's upload is at: only the client that started an upload continues it.
	 */
	test_dev.tp.kind = SMP_TRANSPORT_BLE;
	test_device_set_client(1);
	assert_int_equal(app_smp_upload(2 * CHUNK, CHUNK).rc, MGMT_ERR_EBUSY);
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).rc, MGMT_ERR_EBUSY);
	/* B finishes undisturbed and the slot holds exactly B. */
	test_dev.tp.kind = SMP_TRANSPORT_UDP;
	test_device_set_client(2);
	for (uint32_t off = CHUNK; off < second_len; off += CHUNK) {
		size_t n = second_len - off < CHUNK ? second_len - off : CHUNK;

		assert_int_equal(app_smp_upload_of(second, second_len, second_sha, off, n).off,
				 off + n);
	}
	slot1 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	assert_int_equal(smpdfu_flash_area_read(slot1, 0, got, second_len), 0);
	assert_memory_equal(got, second, second_len);
	app_fixture_process();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(ready_once_after_ble_state_with_the_version, teardown),
		cmocka_unit_test_teardown(not_ready_without_ble_state, teardown),
		cmocka_unit_test_teardown(hook_registered_on_main_ready, teardown),
		cmocka_unit_test_teardown(one_transfer_event_outstanding_at_most, teardown),
		cmocka_unit_test_teardown(clears_its_flag_as_the_final_subscriber, teardown),
		cmocka_unit_test_teardown(full_event_pool_leaves_no_flag_behind, teardown),
		cmocka_unit_test_teardown(never_rejects_takes_no_lock_runs_no_timer, teardown),
		cmocka_unit_test_teardown(confirms_nothing, teardown),
		cmocka_unit_test_teardown(any_transport_counts, teardown),
		cmocka_unit_test_teardown(concurrent_uploads_never_interleave, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
