/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the config-channel DFU ("dfu", modules.md §6) on the application fixture: the
 * boot erase (lock claimed, dirty pages only, one page per step, lock released), a transfer
 * through start/data/sync with the background store and the checksum, its own 5 s timeout that
 * keeps offset and checksum for a resume, the hand-over that makes the next start erase first,
 * sync's claim-and-release, reboot, every refusal, and MCUmgr held off while it owns the lock.
 * Skipped unless CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/prot/boot_trailer.h>

#include "app_fixture.h"
#include "dfu.h"
#include "fake_port.h"
#include "test_device.h"

#define TIMEOUT_MS CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS
/* 0 when the module is not built (the tests skip then, but they must compile). */
#define SYNC_BUF                                                                                   \
	(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE > 0 ?                                  \
		 CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE :                              \
		 1)
#define DIRECT_XIP                                                                                 \
	(CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||                                              \
	 CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT)

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

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

static const uint8_t *image;
static size_t image_len;
static uint32_t image_crc;

static int teardown(void **state)
{
	(void)state;
	app_fixture_end();
	return 0;
}

static void prepare(void)
{
	REQUIRE(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE);
	other_told = 0;
	app_fixture_device(SMP_TRANSPORT_UDP);
	image = app_fixture_image(&image_len);
	image_crc = smpdfu_dfu_crc32_update(0, image, image_len);
}

static void boot(void)
{
	prepare();
	app_fixture_start();
	app_fixture_wait_lock_free();
}

static const struct smpdfu_flash_area *slot1(void)
{
	return smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
}

static const char *owner_name(void)
{
	const struct smpdfu_dfu_lock_owner *o = smpdfu_dfu_lock_owner();

	return o != NULL ? o->name : "(none)";
}

static enum dfu_state sync_state(void)
{
	struct dfu_sync_info info;

	smpdfu_dfu_cmd_sync(&info);
	return info.state;
}

/* Makes `pages` erased pages of slot 1 dirty, one every `stride` pages from page `first`. */
static void dirty_pages(uint32_t first, uint32_t pages, uint32_t stride)
{
	static const uint8_t dirt[32] = { 0xde, 0xad };
	uint32_t page = slot1()->dev->page_size;

	for (uint32_t i = 0; i < pages; i++) {
		uint32_t off = (first + i * stride) * page;

		assert_true(smpdfu_flash_area_is_erased(slot1(), off, sizeof(dirt)));
		assert_int_equal(smpdfu_flash_area_program(slot1(), off, dirt, sizeof(dirt)), 0);
	}
}

/* The next piece from off: at most `piece` bytes, never across a sync-buffer boundary. */
static size_t piece_at(uint32_t off, uint32_t to, size_t piece)
{
	size_t room = SYNC_BUF - off % SYNC_BUF;
	size_t n = to - off;

	if (n > piece) {
		n = piece;
	}
	return n < room ? n : room;
}

/* Sends [from, to) of the image the way a host does: sync-buffer loads, waiting while STORING. */
static void send_data(uint32_t from, uint32_t to, size_t piece)
{
	uint32_t off = from;

	while (off < to) {
		uint32_t received = 0;
		size_t n = piece_at(off, to, piece);
		int rc = smpdfu_dfu_cmd_data(image + off, n, &received);

		if (rc == -EBUSY) {
			assert_int_equal(sync_state(), DFU_STATE_STORING);
			app_fixture_advance(1);
			continue;
		}
		assert_int_equal(rc, 0);
		off += (uint32_t)n;
		assert_true(received >= off - (SYNC_BUF - 1) && received <= off);
	}
}

static void wait_until_not_storing(void)
{
	for (int i = 0; i < 10000 && sync_state() == DFU_STATE_STORING; i++) {
		app_fixture_advance(1);
	}
	assert_int_not_equal(sync_state(), DFU_STATE_STORING);
}

static void assert_slot1_holds(const uint8_t *data, size_t len)
{
	static uint8_t got[APP_FIXTURE_IMAGE_MAX];

	assert_int_equal(smpdfu_flash_area_read(slot1(), 0, got, len), 0);
	assert_memory_equal(got, data, len);
}

/* ---- Boot erase ------------------------------------------------------------------------------ */

static void boot_erases_dirty_pages_in_the_background(void **state)
{
	const uint32_t dirty = 12;
	uint64_t erases;
	uint32_t steps = 0;

	(void)state;
	prepare();
	dirty_pages(0, dirty, 7);
	erases = test_dev.flash.count.erases;
	app_fixture_start();

	/* Claimed at main READY; nothing erased yet: the erase runs from the main loop. */
	assert_string_equal(owner_name(), "Config Channel");
	assert_int_equal(sync_state(), DFU_STATE_CLEANING);
	assert_int_equal(test_dev.flash.count.erases, erases);

	/*
	 * One page per step, a step per millisecond, only the dirty ones, then the lock goes. (The
	 * first millisecond runs two steps: the one armed at main READY and the next.)
	 */
	while (smpdfu_dfu_lock_owner() != NULL) {
		uint64_t before = test_dev.flash.count.erases;

		app_fixture_advance(1);
		assert_true(test_dev.flash.count.erases - before <= (steps == 0 ? 2 : 1));
		assert_true(++steps < 1000);
	}
	assert_true(steps >= dirty - 1);
	assert_int_equal(test_dev.flash.count.erases - erases, dirty);
	assert_true(smpdfu_flash_area_is_erased(slot1(), 0, slot1()->size));
	assert_int_equal(sync_state(), DFU_STATE_INACTIVE);
	assert_int_equal(fake_log_count("INF dfu: slot image-1 erased"), 1);
}

static void clean_slot_costs_no_erase(void **state)
{
	uint64_t erases;

	(void)state;
	prepare();
	erases = test_dev.flash.count.erases;
	app_fixture_start();
	app_fixture_advance(1);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(test_dev.flash.count.erases, erases);
}

static void boot_confirms_the_running_image(void **state)
{
	(void)state;
	prepare();
	app_fixture_primary_magic(true);
	app_fixture_start();
	/* Direct-XIP with revert erases an unconfirmed image at the next boot: it is confirmed. */
	assert_int_equal(smpdfu_boot_is_img_confirmed(),
			 !CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP);
	app_fixture_wait_lock_free();
}

/* ---- A transfer ------------------------------------------------------------------------------ */

static void complete_transfer_stores_checks_and_marks_the_image(void **state)
{
	struct dfu_sync_info info;
	bool saw_storing = false;
	uint32_t off = 0;

	(void)state;
	boot();
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	assert_string_equal(owner_name(), "Config Channel");
	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_ACTIVE_CONFIG_CHANNEL);
	assert_int_equal(info.img_length, image_len);
	assert_int_equal(info.img_csum, image_crc);
	assert_int_equal(info.offset, 0);
	assert_int_equal(info.sync_buffer_size, SYNC_BUF);
	/* The sync still holds the lock for the open transfer. */
	assert_string_equal(owner_name(), "Config Channel");

	while (off < image_len) {
		size_t n = piece_at(off, (uint32_t)image_len, 100);
		int rc = smpdfu_dfu_cmd_data(image + off, n, NULL);

		if (rc == -EBUSY) {
			saw_storing = true;
			assert_int_equal(sync_state(), DFU_STATE_STORING);
			app_fixture_advance(1);
			continue;
		}
		assert_int_equal(rc, 0);
		off += (uint32_t)n;
	}
	assert_true(saw_storing);
	wait_until_not_storing();

	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_INACTIVE);
	assert_int_equal(info.offset, image_len);
	assert_null(smpdfu_dfu_lock_owner());
	assert_slot1_holds(image, image_len);
	assert_int_equal(fake_log_count("INF dfu: image of 20552 bytes stored and checked"), 1);
	if (!DIRECT_XIP) {
		assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);
	}
}

static void wrong_checksum_is_not_marked(void **state)
{
	(void)state;
	boot();
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc ^ 1, 0), 0);
	send_data(0, (uint32_t)image_len, SYNC_BUF);
	wait_until_not_storing();
	assert_int_equal(
		fake_log_count("ERR dfu: image of 20552 bytes rejected (checksum mismatch"), 1);
	/* sync shows no image: the host's only sign of the failure. */
	{
		struct dfu_sync_info info;

		smpdfu_dfu_cmd_sync(&info);
		assert_int_equal(info.state, DFU_STATE_INACTIVE);
		assert_int_equal(info.img_length, 0);
		assert_int_equal(info.offset, 0);
	}
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_null(smpdfu_dfu_lock_owner());
	/* Not resumable: the next transfer starts over, with an erase first. */
	assert_int_equal(
		smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc ^ 1, (uint32_t)image_len),
		-EINVAL);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EAGAIN);
	app_fixture_wait_lock_free();
}

/*
 * The image is stored and its checksum right, but the request for the next boot cannot be
 * written (a flash fault on the trailer): the device will not run the image, so sync must not
 * report what a host takes for success (offset == length), and the next transfer starts over.
 */
static void image_that_cannot_be_marked_is_not_reported_stored(void **state)
{
	const uint32_t last = (uint32_t)image_len % SYNC_BUF;
	struct dfu_sync_info info;

	(void)state;
	boot();
	REQUIRE(!DIRECT_XIP && last != 0);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	send_data(0, (uint32_t)image_len - last, SYNC_BUF);
	wait_until_not_storing();
	/* The last piece: its one program works, the next (the trailer's first) fails. */
	flash_sim_fail(&test_dev.flash,
		       &(struct flash_sim_fault){ .ops = FLASH_SIM_OP_PROGRAM, .after = 1 });
	send_data((uint32_t)image_len - last, (uint32_t)image_len, SYNC_BUF);
	wait_until_not_storing();
	assert_int_equal(fake_log_count("image stored but cannot be marked for the next boot"), 1);
	assert_int_not_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);

	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_INACTIVE);
	assert_int_equal(info.img_length, 0);
	assert_int_equal(info.offset, 0);
	assert_null(smpdfu_dfu_lock_owner());
	/* The next transfer erases the slot first. */
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EAGAIN);
	app_fixture_wait_lock_free();
}

static void timeout_keeps_offset_and_checksum_for_a_resume(void **state)
{
	struct dfu_sync_info info;
	uint32_t stored;

	(void)state;
	boot();
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	send_data(0, 3 * SYNC_BUF, SYNC_BUF);
	wait_until_not_storing();

	/* Each data chunk restarts the timeout. */
	for (int i = 0; i < 3; i++) {
		app_fixture_advance(TIMEOUT_MS - 10);
		assert_int_equal(sync_state(), DFU_STATE_ACTIVE_CONFIG_CHANNEL);
		uint32_t from = 3 * SYNC_BUF + (uint32_t)i * 10;

		send_data(from, from + 10, 10);
	}
	/* Silence: the transfer ends, the lock goes, offset (stored bytes) and checksum stay. */
	app_fixture_advance(TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(fake_log_count("WRN dfu: DFU timed out"), 1);
	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_INACTIVE);
	assert_int_equal(info.img_length, image_len);
	assert_int_equal(info.img_csum, image_crc);
	stored = info.offset;
	assert_int_equal(stored, 3 * SYNC_BUF); /* the 30 buffered bytes were not stored */

	/* A resume with other parameters is refused and gives the lock back. */
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, stored + 1), -EINVAL);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc + 1, stored), -EINVAL);
	assert_null(smpdfu_dfu_lock_owner());
	/* The right one continues where it stopped and completes the image. */
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, stored), 0);
	send_data(stored, (uint32_t)image_len, SYNC_BUF);
	wait_until_not_storing();
	assert_slot1_holds(image, image_len);
	assert_int_equal(fake_log_count("stored and checked"), 1);
	assert_null(smpdfu_dfu_lock_owner());
}

static void store_progress_keeps_the_transfer_alive(void **state)
{
	(void)state;
	boot();
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	send_data(0, SYNC_BUF, SYNC_BUF);
	assert_int_equal(sync_state(), DFU_STATE_STORING);
	/* The timeout counts from the last store step, not from the data command. */
	wait_until_not_storing();
	app_fixture_advance(TIMEOUT_MS - 10);
	assert_int_equal(sync_state(), DFU_STATE_ACTIVE_CONFIG_CHANNEL);
	app_fixture_advance(20);
	assert_int_equal(sync_state(), DFU_STATE_INACTIVE);
}

/* ---- The lock -------------------------------------------------------------------------------- */

static void start_refused_while_another_transport_owns_the_lock(void **state)
{
	struct dfu_sync_info info;

	(void)state;
	boot();
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EBUSY);
	assert_int_equal(fake_log_count("WRN dfu: start ignored: another DFU transport is active"),
			 1);
	smpdfu_dfu_cmd_sync(&info);
	assert_int_equal(info.state, DFU_STATE_ACTIVE_OTHER);
	assert_int_equal(info.state, 4);
	assert_int_equal(smpdfu_dfu_cmd_reboot(), -EBUSY);
	app_fixture_advance(1000);
	assert_int_equal(fake_reboot_count(), 0);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &other);
	assert_int_equal(other_told, 0);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
}

static void hand_over_makes_the_next_start_erase_first(void **state)
{
	(void)state;
	boot();
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	send_data(0, SYNC_BUF, SYNC_BUF);
	wait_until_not_storing();
	app_fixture_advance(TIMEOUT_MS);
	assert_null(smpdfu_dfu_lock_owner());

	/* Another transport uses the slot in between. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(fake_log_count("INF dfu: DFU lock taken by Other"), 1);
	dirty_pages(100, 1, 1);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);

	/* The resume is no longer possible: start erases the slot first and says so. */
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, SYNC_BUF), -EAGAIN);
	assert_string_equal(owner_name(), "Config Channel");
	assert_int_equal(sync_state(), DFU_STATE_CLEANING);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EAGAIN);
	app_fixture_wait_lock_free();
	assert_true(smpdfu_flash_area_is_erased(slot1(), 0, slot1()->size));
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	send_data(0, (uint32_t)image_len, SYNC_BUF);
	wait_until_not_storing();
	assert_slot1_holds(image, image_len);
	/* The config channel took the lock after Other: Other heard of it once. */
	assert_int_equal(other_told, 1);
}

static void sync_claims_and_releases_when_idle(void **state)
{
	(void)state;
	boot();
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK);
	/* Idle: claimed and released inside the call. */
	assert_int_equal(smpdfu_dfu_lock_claim(&other), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&other), 0);
	assert_int_equal(sync_state(), DFU_STATE_INACTIVE);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(other_told, 1); /* the claim was a hand-over from Other */
	/* During a transfer (after the erase Other's turn calls for) the lock stays. */
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EAGAIN);
	app_fixture_wait_lock_free();
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	assert_int_equal(sync_state(), DFU_STATE_ACTIVE_CONFIG_CHANNEL);
	assert_string_equal(owner_name(), "Config Channel");
}

static void mcumgr_is_held_off_during_a_transfer(void **state)
{
	(void)state;
	boot();
	REQUIRE(CONFIG_DESKTOP_DFU_LOCK && CONFIG_DESKTOP_DFU_MCUMGR_ENABLE);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	assert_int_equal(app_smp_upload(0, 256).rc, MGMT_ERR_EACCESSDENIED);
	assert_int_equal(app_smp_os_reset().rc, MGMT_ERR_EACCESSDENIED);
	app_fixture_advance(TIMEOUT_MS);
	/* After the config channel's timeout MCUmgr gets the slot. */
	assert_int_equal(app_smp_upload(0, 256).off, 256);
	assert_string_equal(owner_name(), "MCUmgr");
}

/* ---- Reboot and refusals --------------------------------------------------------------------- */

static void reboot_after_the_delay_keeping_the_lock(void **state)
{
	(void)state;
	boot();
	assert_int_equal(smpdfu_dfu_cmd_reboot(), 0);
	if (CONFIG_DESKTOP_DFU_LOCK) {
		assert_string_equal(owner_name(), "Config Channel");
		assert_int_equal(smpdfu_dfu_lock_claim(&other), -EPERM);
	}
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EBUSY);
	app_fixture_advance(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_REBOOT_DELAY_MS - 1);
	assert_int_equal(fake_reboot_count(), 0);
	app_fixture_advance(1);
	assert_int_equal(fake_reboot_count(), 1);
	assert_null(smpdfu_dfu_lock_owner());
}

static void refusals(void **state)
{
	uint8_t big[SYNC_BUF + 1];

	(void)state;
	boot();
	memset(big, 0xa5, sizeof(big));
	assert_int_equal(smpdfu_dfu_cmd_data(image, 16, NULL), -EPERM);
	assert_int_equal(smpdfu_dfu_cmd_start(slot1()->size + 1, 0, 0), -EFBIG);
	/* Up to the bootloader's limit, short of the trailer: a whole padded slot is refused. */
	assert_true(smpdfu_boot_max_image_size() < slot1()->size);
	assert_int_equal(smpdfu_dfu_cmd_start(slot1()->size, 0, 0), -EFBIG);
	assert_int_equal(smpdfu_dfu_cmd_start(smpdfu_boot_max_image_size() + 1, 0, 0), -EFBIG);
	assert_int_equal(smpdfu_dfu_cmd_start(0, 0, 0), -EFBIG);
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), 0);
	assert_int_equal(smpdfu_dfu_cmd_start((uint32_t)image_len, image_crc, 0), -EALREADY);
	assert_int_equal(smpdfu_dfu_cmd_data(big, sizeof(big), NULL), -ENOBUFS);
	assert_int_equal(smpdfu_dfu_cmd_data(image, 0, NULL), -EINVAL);
	send_data(0, SYNC_BUF, SYNC_BUF);
	assert_int_equal(smpdfu_dfu_cmd_data(image + SYNC_BUF, 16, NULL), -EBUSY);
	wait_until_not_storing();
	assert_int_equal(smpdfu_dfu_cmd_data(big, 16, NULL), 0);
	/* Past the end of the image. */
	assert_int_equal(smpdfu_dfu_cmd_data(big, image_len, NULL), -EINVAL);
}

static void crc32_is_zlibs(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_crc32_update(0, (const uint8_t *)"123456789", 9), 0xcbf43926);
	/* In pieces, as the store sees it. */
	assert_int_equal(
		smpdfu_dfu_crc32_update(smpdfu_dfu_crc32_update(0, (const uint8_t *)"1234", 4),
					(const uint8_t *)"56789", 5),
		0xcbf43926);
	assert_int_equal(smpdfu_dfu_crc32_update(0, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(boot_erases_dirty_pages_in_the_background, teardown),
		cmocka_unit_test_teardown(clean_slot_costs_no_erase, teardown),
		cmocka_unit_test_teardown(boot_confirms_the_running_image, teardown),
		cmocka_unit_test_teardown(complete_transfer_stores_checks_and_marks_the_image,
					  teardown),
		cmocka_unit_test_teardown(wrong_checksum_is_not_marked, teardown),
		cmocka_unit_test_teardown(image_that_cannot_be_marked_is_not_reported_stored,
					  teardown),
		cmocka_unit_test_teardown(timeout_keeps_offset_and_checksum_for_a_resume, teardown),
		cmocka_unit_test_teardown(store_progress_keeps_the_transfer_alive, teardown),
		cmocka_unit_test_teardown(start_refused_while_another_transport_owns_the_lock,
					  teardown),
		cmocka_unit_test_teardown(hand_over_makes_the_next_start_erase_first, teardown),
		cmocka_unit_test_teardown(sync_claims_and_releases_when_idle, teardown),
		cmocka_unit_test_teardown(mcumgr_is_held_off_during_a_transfer, teardown),
		cmocka_unit_test_teardown(reboot_after_the_delay_keeping_the_lock, teardown),
		cmocka_unit_test_teardown(refusals, teardown),
		cmocka_unit_test_teardown(crc32_is_zlibs, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
