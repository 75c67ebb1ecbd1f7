/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of dfu_mcumgr (docs/requirements.md, seed 000 and modules.md §3) on the application
 * fixture: boot (confirm, hooks, version, no state of its own), the lock claimed by every DFU hook
 * and every write command rejected with rc 11 while another owner holds it, read-only commands
 * untouched, the 5 s timeout that keeps the upload, the hand-over that resets it, transfer events
 * only for Bluetooth LE uploads and at most one outstanding, and the reference's edge cases
 * (§1.13). Tests that need an option the build lacks skip.
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
#include <smpdfu/bootloader.h>
#include <smpdfu/prot/boot_trailer.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>

#include "app_fixture.h"
#include "dfu.h"
#include "dfu_mcumgr.h"
#include "fake_ble_link.h"
#include "fake_port.h"
#include "test_device.h"
#include "util.h"

#define CHUNK 512
#define TIMEOUT_MS CONFIG_DESKTOP_DFU_MCUMGR_TIMEOUT_MS

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* A third DFU transport that the tests drive by hand. */
static unsigned int other_told;

static void other_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	(void)new_owner;
	other_told++;
}

static const struct smpdfu_dfu_lock_owner other = {
	.name = "Other",
	.owner_changed = other_owner_changed,
};

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

/* The device booted, with the config channel's boot erase (if built) over. */
static void boot(enum smp_transport_kind kind)
{
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE);
	other_told = 0;
	app_fixture_boot(kind);
	app_fixture_wait_lock_free();
}

static const char *owner_name(void)
{
	const struct smpdfu_dfu_lock_owner *o = smpdfu_dfu_lock_owner();

	return o != NULL ? o->name : "(none)";
}

static uint32_t submitted(void)
{
	struct app_event_manager_stats st;

	smpdfu_app_event_manager_stats_get(&st);
	return st.submitted;
}

/* The fixture's upload image in slot 1, as a finished upload would leave it. */
static void program_image_in_slot1(void)
{
	size_t len;
	const uint8_t *img = app_fixture_image(&len);

	test_program_slot(1, img, len);
}

static void assert_rejected(struct smp_answer a)
{
	assert_int_equal(a.rc, MGMT_ERR_EACCESSDENIED);
}

static void assert_accepted(struct smp_answer a)
{
	assert_int_equal(a.rc, -1);
	assert_int_equal(a.err_rc, -1);
}

/* ---- Boot ------------------------------------------------------------------------------------ */

static void boot_confirms_the_running_image(void **state)
{
	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE);
	app_fixture_device(SMP_TRANSPORT_UDP);
	app_fixture_primary_magic(true);
	assert_false(smpdfu_boot_is_img_confirmed());
	app_fixture_start();
	if (CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP) {
		/* Direct-XIP: the bootloader runs the highest version; nothing is confirmed. */
		assert_false(smpdfu_boot_is_img_confirmed());
		assert_int_equal(fake_log_count("running image confirmed"), 0);
	} else {
		assert_true(smpdfu_boot_is_img_confirmed());
		assert_int_equal(fake_log_count("INF dfu_mcumgr: running image confirmed"), 1);
	}
	app_fixture_wait_lock_free();
}

static void boot_confirm_failure_is_logged_and_not_fatal(void **state)
{
	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE && !CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP);
	app_fixture_device(SMP_TRANSPORT_UDP);
	app_fixture_primary_magic(false); /* a damaged trailer: confirming fails with -EBADMSG */
	app_fixture_start();
	assert_int_equal(fake_log_count("ERR dfu_mcumgr: cannot confirm the running image (-74)"),
			 1);
	app_fixture_wait_lock_free();
	/* The module still works: its hooks were registered after the failure. */
	assert_accepted(app_smp_upload(0, CHUNK));
	assert_string_equal(owner_name(), CONFIG_DESKTOP_DFU_LOCK ? "MCUmgr" : "(none)");
	assert_true(smpdfu_dfu_mcumgr_dfu_in_progress());
}

static void boot_logs_the_version_and_reports_no_state(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	assert_int_equal(fake_log_count("INF dfu_mcumgr: MCUboot image version: 1.0.0+0"), 1);
	/* Every module_state_event is logged by the manager: none is dfu_mcumgr's. */
	assert_int_equal(fake_log_count("module_state_event: main READY"), 1);
	assert_int_equal(fake_log_count("module_state_event: dfu_mcumgr"), 0);
}

static void commands_before_main_ready_pass_unguarded(void **state)
{
	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE);
	/* The SMP server runs before the application: no hooks yet, so no lock and no timer. */
	app_fixture_device(SMP_TRANSPORT_UDP);
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_accepted(app_smp_upload(0, CHUNK));
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
	app_fixture_start();
	app_fixture_wait_lock_free();
}

/*
 * Direct-XIP with revert is no "boots the higher version" mode: the bootloader runs a tested image
 * once and, unless the application confirmed it, erases it at the next boot and falls back to the
 * other slot, which the config channel (when built) erased at boot. The module must confirm here.
 */
static void direct_xip_with_revert_confirms_the_updated_image(void **state)
{
	struct smpdfu_boot_rsp rsp;
	size_t len;

	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE &&
		CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT);
	boot(SMP_TRANSPORT_UDP);
	app_fixture_image(&len);
	assert_int_equal(app_smp_upload_rest(0, CHUNK).off, (int64_t)len);
	assert_accepted(app_smp_image_state_write(false));

	/* A reset: the bootloader runs the tested image once, then the application starts. */
	assert_int_equal(smpdfu_boot_go(&rsp), 0);
	assert_int_equal(rsp.slot, 1);
	assert_int_equal(rsp.hdr.ver.major, 2);
	test_device_restart();
	smpdfu_boot_set_running_slot(rsp.slot);
	fake_ble_link_install();
	app_fixture_start();
	app_fixture_wait_lock_free();
	assert_true(smpdfu_boot_is_img_confirmed());

	/* The next reset still runs the update. */
	assert_int_equal(smpdfu_boot_go(&rsp), 0);
	assert_int_equal(rsp.slot, 1);
	assert_int_equal(rsp.hdr.ver.major, 2);
}

/* ---- The lock: claimed by every DFU hook, every write command refused without it ------------ */

static void upload_claims_the_lock_and_restarts_the_timer(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	assert_null(smpdfu_dfu_lock_owner());
	assert_accepted(app_smp_upload(0, CHUNK));
	assert_string_equal(owner_name(), "MCUmgr");
	assert_true(smpdfu_dfu_mcumgr_dfu_in_progress());

	/* Each command pushes the deadline back by the full timeout. */
	for (uint32_t off = CHUNK; off < 4 * CHUNK; off += CHUNK) {
		app_fixture_advance(TIMEOUT_MS - 100);
		assert_string_equal(owner_name(), "MCUmgr");
		assert_int_equal(app_smp_upload(off, CHUNK).off, off + CHUNK);
	}
	app_fixture_advance(TIMEOUT_MS - 1);
	assert_string_equal(owner_name(), "MCUmgr");
	app_fixture_advance(1);
	assert_null(smpdfu_dfu_lock_owner());
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_int_equal(fake_log_count("WRN dfu_mcumgr: MCUmgr DFU timed out"), 1);
}

/*
 * A finished upload is not the end of the DFU: the client still tests the image and resets. The
 * lock stays MCUmgr's for the full timeout after the last chunk, so no other transport can write
 * the slot in between; it goes only when the timer runs out.
 */
static void completed_upload_keeps_the_lock_for_the_timeout(void **state)
{
	size_t len;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	app_fixture_image(&len);
	assert_int_equal(app_smp_upload_rest(0, CHUNK).off, (int64_t)len);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0); /* complete: nothing in progress */
	assert_string_equal(owner_name(), "MCUmgr");
	assert_true(smpdfu_dfu_mcumgr_dfu_in_progress());
	app_fixture_advance(TIMEOUT_MS - 1);
	assert_int_equal(smpdfu_dfu_lock_claim(&other), -EPERM);
	assert_string_equal(owner_name(), "MCUmgr");
	if (!CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		/* The test that follows the upload keeps it for another full timeout. */
		assert_accepted(app_smp_image_state_write(false));
		app_fixture_advance(TIMEOUT_MS - 1);
		assert_string_equal(owner_name(), "MCUmgr");
	}
	app_fixture_advance(1);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

static void every_write_command_is_rejected_while_another_owner_holds_the_lock(void **state)
{
	static const uint8_t dirt[16] = { 0xd1, 0x27 };
	const struct smpdfu_flash_area *slot1;
	uint64_t programs;
	uint64_t erases;
	uint32_t events;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	slot1 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	events = submitted();

	/* An upload into the clean slot. */
	programs = test_dev.flash.count.programs;
	assert_rejected(app_smp_upload(0, CHUNK));
	assert_int_equal(test_dev.flash.count.programs, programs);

	/* An erase of a slot that holds something (no image: img_mgmt would refuse a newer one). */
	assert_int_equal(smpdfu_flash_area_program(slot1, 0, dirt, sizeof(dirt)), 0);
	erases = test_dev.flash.count.erases;
	assert_rejected(app_smp_image_erase());
	assert_int_equal(test_dev.flash.count.erases, erases);
	assert_false(smpdfu_flash_area_is_erased(slot1, 0, sizeof(dirt)));

	/* Test and confirm of an image in slot 1 (direct-XIP without revert has no state write). */
	if (!CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		program_image_in_slot1();
		programs = test_dev.flash.count.programs;
		assert_rejected(app_smp_image_state_write(false));
		assert_rejected(app_smp_image_state_write(true));
		assert_int_equal(test_dev.flash.count.programs, programs);
		assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	}

	/* A reset. */
	assert_rejected(app_smp_os_reset());

	/* No reboot, the timer stopped, no transfer event, the owner undisturbed. */
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	app_fixture_advance(1000);
	assert_int_equal(fake_reboot_count(), 0);
	assert_int_equal(submitted(), events);
	assert_string_equal(owner_name(), "Other");
	assert_int_equal(other_told, 0);
	/* One warning per refused command, in its own words: none for the DFU stopped after it. */
	assert_int_equal(fake_log_count("WRN dfu_mcumgr: upload chunk rejected: the DFU lock is "
					"held by Other"),
			 1);
	assert_int_equal(fake_log_count("WRN dfu_mcumgr: image erase rejected"), 1);
	assert_int_equal(fake_log_count("WRN dfu_mcumgr: OS reset rejected"), 1);
	assert_int_equal(fake_log_count("DFU stopped rejected"), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

static void read_only_commands_are_never_rejected_and_never_claim(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	/* Free lock: nothing claims it. */
	assert_accepted(app_smp_image_state_read());
	assert_accepted(app_smp_image_slot_info());
	assert_accepted(app_smp_os_echo());
	assert_accepted(app_smp_os_params());
	assert_null(smpdfu_dfu_lock_owner());
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());

	/* Held by another owner: still answered, and the owner keeps it. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_accepted(app_smp_image_state_read());
	assert_accepted(app_smp_image_slot_info());
	assert_accepted(app_smp_os_echo());
	assert_accepted(app_smp_os_params());
	assert_string_equal(owner_name(), "Other");
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

static void accepted_reset_keeps_the_lock_until_the_reboot(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	assert_accepted(app_smp_os_reset());
	assert_int_equal(fake_log_count("INF dfu_mcumgr: OS reset requested"), 1);
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_string_equal(owner_name(), "MCUmgr");
		/* The config channel cannot start a transfer in the 250 ms before the reboot. */
		assert_int_equal(smpdfu_dfu_lock_claim(&other), -EPERM);
	}
	app_fixture_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS);
	assert_int_equal(fake_reboot_count(), 1);
}

static void erase_and_state_write_claim_the_lock(void **state)
{
	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	assert_accepted(app_smp_image_erase());
	assert_string_equal(owner_name(), "MCUmgr");
	app_fixture_advance(TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());

	/* Direct-XIP without revert has no state write at all (nothing to mark). */
	program_image_in_slot1();
	if (!CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		assert_accepted(app_smp_image_state_write(false));
		assert_string_equal(owner_name(), "MCUmgr");
	}
	app_fixture_advance(TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());
}

/* ---- Timeout and hand-over ------------------------------------------------------------------- */

static void timeout_keeps_the_upload_for_a_resume(void **state)
{
	uint32_t off;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	off = smpdfu_img_mgmt_upload_offset();
	assert_int_equal(off, 2 * CHUNK);

	app_fixture_advance(TIMEOUT_MS + 1000);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), off);
	/* Nobody took the lock: the client carries on where it was, and the claim tells no one. */
	assert_int_equal(app_smp_upload(off, CHUNK).off, off + CHUNK);
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_string_equal(owner_name(), "MCUmgr");
	}
	assert_int_equal(fake_log_count("upload progress reset"), 0);
	/* The image check's hash went on with the upload: the whole image matches. */
	assert_int_equal(app_smp_upload_rest(off + CHUNK, CHUNK).match,
			 CONFIG_IMG_ENABLE_IMAGE_CHECK ? 1 : -1);
}

static void hand_over_resets_the_upload(void **state)
{
	struct smp_answer a;
	size_t len;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	app_fixture_image(&len);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	app_fixture_advance(TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());

	/* Another owner claims: MCUmgr's callback forgets the upload. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	assert_int_equal(fake_log_count("INF dfu_mcumgr: DFU lock taken by Other: MCUmgr upload "
					"progress reset"),
			 1);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);

	/* The client's next chunk is answered with off 0: the upload must start over. */
	assert_int_equal(app_smp_upload(2 * CHUNK, CHUNK).off, 0);
	a = app_smp_upload_rest(0, CHUNK);
	assert_int_equal(a.off, (int64_t)len);
	/* The image check hashed the new upload alone, not the two chunks before the hand-over. */
	assert_int_equal(a.match, CONFIG_IMG_ENABLE_IMAGE_CHECK ? 1 : -1);
	/* MCUmgr took the lock after Other: Other heard of it once. */
	assert_int_equal(other_told, 1);
}

/* §1.13.4: MCUmgr, timeout, config channel, timeout, MCUmgr again: both callbacks fire. */
static void hand_over_to_the_config_channel_and_back(void **state)
{
	struct dfu_sync_info info;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK && CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	app_fixture_advance(TIMEOUT_MS);

	/*
	 * The config channel wants to start a transfer: its claim resets MCUmgr's upload, and as
	 * MCUmgr wrote the slot since the boot erase, the slot is erased first.
	 */
	assert_int_equal(smpdfu_dfu_cmd_start(4096, 0x12345678, 0), -EAGAIN);
	assert_string_equal(owner_name(), "Config Channel");
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
	assert_rejected(app_smp_os_reset());
	app_fixture_wait_lock_free();
	assert_int_equal(smpdfu_dfu_cmd_start(4096, 0x12345678, 0), 0);
	assert_string_equal(owner_name(), "Config Channel");
	app_fixture_advance(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());

	/* MCUmgr writes the slot: the config channel must erase before its next transfer. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_string_equal(owner_name(), "MCUmgr");
	app_fixture_advance(TIMEOUT_MS);
	assert_int_equal(smpdfu_dfu_cmd_start(4096, 0x12345678, 0), -EAGAIN);
	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_CLEANING);
	app_fixture_wait_lock_free();
}

/* §1.13.5: a config-channel sync alone, while MCUmgr is idle, resets MCUmgr's upload. */
static void config_channel_sync_resets_an_idle_upload(void **state)
{
	struct dfu_sync_info info;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK && CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	app_fixture_advance(TIMEOUT_MS);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), CHUNK);
	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_INACTIVE);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 0);
}

/* §1.13.1: during the config channel's boot erase MCUmgr gets rc 11, even for its first upload. */
static void rejected_during_the_config_channel_boot_erase(void **state)
{
	const struct smpdfu_flash_area *slot1;
	static const uint8_t dirt[64] = { 1, 2, 3 };

	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE && CONFIG_DESKTOP_DFU_LOCK &&
		CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE);
	app_fixture_device(SMP_TRANSPORT_BLE);
	/* Dirty pages, so that the erase takes a few steps. */
	slot1 = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	for (uint32_t off = 0; off < 8 * slot1->dev->page_size; off += slot1->dev->page_size) {
		assert_int_equal(smpdfu_flash_area_program(slot1, off, dirt, sizeof(dirt)), 0);
	}
	app_fixture_start();
	assert_string_equal(owner_name(), "Config Channel");
	assert_rejected(app_smp_upload(0, CHUNK));
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_false(smpdfu_dfu_mcumgr_transfer_event_pending());
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);
	app_fixture_wait_lock_free();
	assert_true(smpdfu_flash_area_is_erased(slot1, 0, slot1->size));
	assert_accepted(app_smp_upload(0, CHUNK));
}

/* ---- Transfer events ------------------------------------------------------------------------- */

static void ble_upload_submits_one_transfer_event_at_a_time(void **state)
{
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS);
	before = submitted();
	/* §1.13.2: three chunks before the event manager runs: one event. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_true(smpdfu_dfu_mcumgr_transfer_event_pending());
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	assert_int_equal(app_smp_upload(2 * CHUNK, CHUNK).off, 3 * CHUNK);
	assert_int_equal(submitted() - before, 1);
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 1);

	/* Through the FINAL subscriber: the flag is clear and the next chunk submits again. */
	app_fixture_process();
	assert_false(smpdfu_dfu_mcumgr_transfer_event_pending());
	assert_int_equal(app_smp_upload(3 * CHUNK, CHUNK).off, 4 * CHUNK);
	assert_int_equal(submitted() - before, 2);
	app_fixture_process();
	assert_int_equal(fake_log_count("INF app_event_manager: ble_smp_transfer_event"),
			 CONFIG_CAF_INIT_LOG_BLE_SMP_TRANSFER_EVENTS ? 2 : 0);
}

/* modules.md §5: the transfer event means "a transfer is active" and carries nothing else. */
static void transfer_event_has_no_payload(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct ble_smp_transfer_event), sizeof(struct app_event_header));
	assert_null(smpdfu_app_event_type_ble_smp_transfer_event.log); /* logged by its name alone
									*/
}

/*
 * The flag is cleared by the module as the event's FINAL subscriber, after every other subscriber
 * (ble_latency) has seen the event: so in the table the application runs with.
 */
static void clears_its_flag_as_the_final_subscriber(void **state)
{
	(void)state;
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE && CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS);
	app_fixture_assert_final_subscriber(&smpdfu_app_event_type_ble_smp_transfer_event,
					    "dfu_mcumgr");
}

static void uploads_over_other_transports_submit_no_transfer_event(void **state)
{
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	before = submitted();
	assert_int_equal(app_smp_upload_rest(0, CHUNK).rc, -1);
	app_fixture_process();
	assert_int_equal(submitted(), before);
	assert_false(smpdfu_dfu_mcumgr_transfer_event_pending());
}

static void only_upload_chunks_submit_transfer_events(void **state)
{
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS);
	before = submitted();
	assert_accepted(app_smp_image_erase());
	assert_accepted(app_smp_os_echo());
	assert_accepted(app_smp_image_state_read());
	assert_int_equal(submitted(), before);
}

static void full_event_pool_leaves_no_flag_behind(void **state)
{
	struct module_state_event *hog[CONFIG_APP_EVENT_MANAGER_POOL_SIZE];
	size_t n = 0;
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	REQUIRE(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS);
	while (n < CONFIG_APP_EVENT_MANAGER_POOL_SIZE &&
	       (hog[n] = smpdfu_new_module_state_event())) {
		n++;
	}
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(),
			 CONFIG_APP_EVENT_MANAGER_POOL_SIZE);
	/* The chunk is written all the same; the event is lost and the flag stays clear. */
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_false(smpdfu_dfu_mcumgr_transfer_event_pending());
	for (size_t i = 0; i < n; i++) {
		smpdfu_app_event_manager_free(&hog[i]->header);
	}
	before = submitted();
	assert_int_equal(app_smp_upload(CHUNK, CHUNK).off, 2 * CHUNK);
	assert_true(smpdfu_dfu_mcumgr_transfer_event_pending());
	assert_int_equal(submitted() - before, 1);
	app_fixture_process();
}

/* ---- Groups and hooks that are not DFU ------------------------------------------------------- */

static unsigned int commands_received;

static enum mgmt_cb_return count_command(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
					 uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event;
	(void)prev;
	(void)rc;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)size;
	commands_received++;
	return MGMT_CB_OK;
}

/*
 * §1.13.7: commands of other groups are none of the module's business, even while another owner
 * holds the lock. The served ones (the OS group's echo, params, info, bootloader info) pass every
 * hook the SMP server has for them, as a spy on the command-received hook shows, and are answered;
 * groups the device does not serve get the server's own rc 8. Either way: no claim, no timer, no
 * event.
 */
static void non_dfu_groups_touch_nothing(void **state)
{
	static const struct {
		uint8_t op;
		uint8_t id;
	} served[] = {
		{ SMP_OP_WRITE, OS_MGMT_ID_ECHO },	    { SMP_OP_READ, OS_MGMT_ID_ECHO },
		{ SMP_OP_READ, OS_MGMT_ID_MCUMGR_PARAMS }, { SMP_OP_READ, OS_MGMT_ID_INFO },
		{ SMP_OP_READ, OS_MGMT_ID_BOOTLOADER_INFO },
	};
	static const uint16_t unserved[] = {
		MGMT_GROUP_ID_STAT, MGMT_GROUP_ID_SETTINGS, MGMT_GROUP_ID_FS, MGMT_GROUP_ID_SHELL,
	};
	static struct smpdfu_mgmt_callback spy = {
		.callback = count_command, .event_id = MGMT_EVT_OP_CMD_RECV,
	};
	uint32_t before;

	(void)state;
	boot(SMP_TRANSPORT_BLE);
	REQUIRE(CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS);
	before = submitted();
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	}
	commands_received = 0;
	smpdfu_mgmt_callback_register(&spy);
	for (size_t i = 0; i < ARRAY_SIZE(served); i++) {
		assert_accepted(app_smp_raw(served[i].op, MGMT_GROUP_ID_OS, served[i].id));
	}
	assert_int_equal(commands_received, ARRAY_SIZE(served));
	for (size_t i = 0; i < ARRAY_SIZE(unserved); i++) {
		assert_int_equal(app_smp_raw(SMP_OP_READ, unserved[i], 0).rc, MGMT_ERR_ENOTSUP);
	}
	smpdfu_mgmt_callback_unregister(&spy);
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_int_equal(submitted(), before);
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_string_equal(owner_name(), "Other");
		assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
	}
}

/* §1.13.8: a hook call with an unknown event or data of the wrong size is answered EUNKNOWN. */
static void malformed_hook_calls_get_eunknown(void **state)
{
	int32_t rc = 0;
	uint16_t group = 0;
	uint8_t junk[3] = { 0 };

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	assert_int_equal(smpdfu_mgmt_callback_notify(MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK, junk,
						     sizeof(junk), &rc, &group),
			 MGMT_CB_ERROR_RC);
	assert_int_equal(rc, MGMT_ERR_EUNKNOWN);
	rc = 0;
	assert_int_equal(smpdfu_mgmt_callback_notify(MGMT_DEF_EVT_OP_ID(MGMT_EVT_GRP_IMG, 9), NULL,
						     0, &rc, &group),
			 MGMT_CB_ERROR_RC);
	assert_int_equal(rc, MGMT_ERR_EUNKNOWN);
	assert_int_equal(fake_log_count("ERR dfu_mcumgr: unexpected hook call"), 2);
	/* Neither counted as DFU activity. */
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_null(smpdfu_dfu_lock_owner());
}

/* §1.13.6: without the lock nothing is rejected and the timer only logs. */
static void without_the_lock_nothing_is_rejected(void **state)
{
	size_t len;

	(void)state;
	boot(SMP_TRANSPORT_UDP);
	REQUIRE(!CONFIG_DESKTOP_DFU_LOCK);
	app_fixture_image(&len);
	/* Even a lock "held" by someone else means nothing to dfu_mcumgr then. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(app_smp_upload(0, CHUNK).off, CHUNK);
	assert_true(smpdfu_dfu_mcumgr_dfu_in_progress());
	app_fixture_advance(TIMEOUT_MS);
	assert_false(smpdfu_dfu_mcumgr_dfu_in_progress());
	assert_int_equal(fake_log_count("WRN dfu_mcumgr: MCUmgr DFU timed out"), 1);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), CHUNK);
	assert_int_equal(app_smp_upload_rest(CHUNK, CHUNK).off, (int64_t)len);
	assert_accepted(app_smp_image_erase());
	assert_string_equal(owner_name(), "Other");
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(boot_confirms_the_running_image, teardown),
		cmocka_unit_test_teardown(boot_confirm_failure_is_logged_and_not_fatal, teardown),
		cmocka_unit_test_teardown(boot_logs_the_version_and_reports_no_state, teardown),
		cmocka_unit_test_teardown(commands_before_main_ready_pass_unguarded, teardown),
		cmocka_unit_test_teardown(direct_xip_with_revert_confirms_the_updated_image,
					  teardown),
		cmocka_unit_test_teardown(upload_claims_the_lock_and_restarts_the_timer, teardown),
		cmocka_unit_test_teardown(completed_upload_keeps_the_lock_for_the_timeout,
					  teardown),
		cmocka_unit_test_teardown(
			every_write_command_is_rejected_while_another_owner_holds_the_lock,
			teardown),
		cmocka_unit_test_teardown(read_only_commands_are_never_rejected_and_never_claim,
					  teardown),
		cmocka_unit_test_teardown(accepted_reset_keeps_the_lock_until_the_reboot, teardown),
		cmocka_unit_test_teardown(erase_and_state_write_claim_the_lock, teardown),
		cmocka_unit_test_teardown(timeout_keeps_the_upload_for_a_resume, teardown),
		cmocka_unit_test_teardown(hand_over_resets_the_upload, teardown),
		cmocka_unit_test_teardown(hand_over_to_the_config_channel_and_back, teardown),
		cmocka_unit_test_teardown(config_channel_sync_resets_an_idle_upload, teardown),
		cmocka_unit_test_teardown(rejected_during_the_config_channel_boot_erase, teardown),
		cmocka_unit_test_teardown(ble_upload_submits_one_transfer_event_at_a_time,
					  teardown),
		cmocka_unit_test_teardown(transfer_event_has_no_payload, teardown),
		cmocka_unit_test_teardown(clears_its_flag_as_the_final_subscriber, teardown),
		cmocka_unit_test_teardown(uploads_over_other_transports_submit_no_transfer_event,
					  teardown),
		cmocka_unit_test_teardown(only_upload_chunks_submit_transfer_events, teardown),
		cmocka_unit_test_teardown(full_event_pool_leaves_no_flag_behind, teardown),
		cmocka_unit_test_teardown(non_dfu_groups_touch_nothing, teardown),
		cmocka_unit_test_teardown(malformed_hook_calls_get_eunknown, teardown),
		cmocka_unit_test_teardown(without_the_lock_nothing_is_rejected, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
