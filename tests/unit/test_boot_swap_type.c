/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MCUboot's swap-type table row by row (BAD values included, against an independent statement of
 * the rules for every combination of states; ours differs in one cell: a BAD primary copy_done
 * reverts as a SET one does), and the app-side API of <smpdfu/boot.h>: request,
 * confirm, is-confirmed and direct-XIP marking with MCUboot's meaning and our write order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = NULL;
	return 0;
}

#define G SMPDFU_BOOT_MAGIC_GOOD
#define B SMPDFU_BOOT_MAGIC_BAD
#define U SMPDFU_BOOT_MAGIC_UNSET
#define FS SMPDFU_BOOT_FLAG_SET
#define FB SMPDFU_BOOT_FLAG_BAD
#define FU SMPDFU_BOOT_FLAG_UNSET

static int decide(int pm, int sm, int pok, int sok, int pcd)
{
	struct smpdfu_boot_swap_state p = { .magic = pm, .image_ok = pok, .copy_done = pcd };
	struct smpdfu_boot_swap_state s = { .magic = sm, .image_ok = sok, .copy_done = FU };

	return smpdfu_boot_swap_type_decide(&p, &s);
}

/* The rows of the reference, each with the values that must and must not match. */
static void test_table_rows(void **state)
{
	(void)state;
	/* Row 1: secondary GOOD, its image_ok UNSET -> TEST, whatever the primary says. */
	assert_int_equal(decide(U, G, FU, FU, FU), SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(decide(B, G, FB, FU, FB), SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_int_equal(decide(G, G, FU, FU, FS), SMPDFU_BOOT_SWAP_TYPE_TEST); /* beats row 3 */
	/* Row 2: secondary GOOD, image_ok SET -> PERM. */
	assert_int_equal(decide(U, G, FU, FS, FU), SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_int_equal(decide(G, G, FS, FS, FS), SMPDFU_BOOT_SWAP_TYPE_PERM);
	/* A BAD secondary image_ok matches neither row 1 nor row 2. */
	assert_int_equal(decide(U, G, FU, FB, FU), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(decide(G, G, FU, FB, FS), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	/* Row 3: primary GOOD, image_ok UNSET, copy_done SET -> REVERT, secondary magic ANY. */
	assert_int_equal(decide(G, U, FU, FU, FS), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_int_equal(decide(G, B, FU, FU, FS), SMPDFU_BOOT_SWAP_TYPE_REVERT); /* v2.2: torn
										     magic */
	assert_int_equal(decide(G, B, FU, FS, FS), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	/* ... and not when any of the three primary cells differs. */
	assert_int_equal(decide(B, U, FU, FU, FS), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(decide(U, U, FU, FU, FS), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(decide(G, U, FS, FU, FS), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(decide(G, U, FB, FU, FS), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(decide(G, U, FU, FU, FU), SMPDFU_BOOT_SWAP_TYPE_NONE);
	/* Ours, not MCUboot's: a torn copy_done (BAD) means the data was in place, so REVERT. */
	assert_int_equal(decide(G, U, FU, FU, FB), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	assert_int_equal(decide(G, B, FU, FB, FB), SMPDFU_BOOT_SWAP_TYPE_REVERT);
	/* The lifecycle cheat-sheet's situations. */
	assert_int_equal(decide(U, U, FU, FU, FU), SMPDFU_BOOT_SWAP_TYPE_NONE); /* factory, unpadded
										 */
	assert_int_equal(decide(G, U, FU, FU, FU), SMPDFU_BOOT_SWAP_TYPE_NONE); /* factory --pad */
	assert_int_equal(decide(G, U, FS, FU, FU), SMPDFU_BOOT_SWAP_TYPE_NONE); /* factory --confirm
										 */
	assert_int_equal(decide(G, U, FS, FU, FS), SMPDFU_BOOT_SWAP_TYPE_NONE); /* confirmed,
										   reverted */
}

/* Every combination of the five cells against the rules written out as conditions. */
static void test_table_exhaustive(void **state)
{
	static const int magics[] = { G, B, U };
	static const int flags[] = { FS, FB, FU };
	unsigned int n = 0;

	(void)state;
	for (int a = 0; a < 3; a++) {
		for (int b = 0; b < 3; b++) {
			for (int c = 0; c < 3; c++) {
				for (int d = 0; d < 3; d++) {
					for (int e = 0; e < 3; e++) {
						int pm = magics[a], sm = magics[b];
						int pok = flags[c], sok = flags[d], pcd = flags[e];
						int want = SMPDFU_BOOT_SWAP_TYPE_NONE;

						if (sm == G && sok == FU) {
							want = SMPDFU_BOOT_SWAP_TYPE_TEST;
						} else if (sm == G && sok == FS) {
							want = SMPDFU_BOOT_SWAP_TYPE_PERM;
						} else if (pm == G && pok == FU && pcd != FU) {
							want = SMPDFU_BOOT_SWAP_TYPE_REVERT;
						}
						assert_int_equal(decide(pm, sm, pok, sok, pcd),
								 want);
						n++;
					}
				}
			}
		}
	}
	assert_int_equal(n, 243);
}

static struct boot_fixture f;

static int setup(void **state)
{
	const struct boot_geom g = { .page = 0x1000, .write_block = 4, .pri_pages = 8,
				     .sec_pages = 8 };

	(void)state;
	bfx_open(&f, &g);
	smpdfu_boot_set_running_slot(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(f.flash.count.violations, 0);
	bfx_close(&f);
	return 0;
}

static void read_sec(struct smpdfu_boot_swap_state *st)
{
	assert_int_equal(smpdfu_boot_read_swap_state(f.sec, st), 0);
}

static void test_swap_type_reads_both_slots(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);
	/* An unreadable primary: PANIC, as MCUboot. */
	f.flash.powered_off = true;
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_PANIC);
	f.flash.powered_off = false;
}

static void test_request_test(void **state)
{
	struct smpdfu_boot_swap_state st;
	const uint8_t *end = bfx_mem(&f, f.sec) + f.sec->size;

	(void)state;
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_int_equal(bfx_ops(&f), 2); /* swap_info, magic */
	read_sec(&st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_TEST);
	assert_memory_equal(end - (f.sec->size - smpdfu_boot_swap_info_off(f.sec->size)),
			    "\x02\xff\xff\xff", 4);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);
	/* Already marked: nothing written, and a test does not become permanent. */
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	assert_int_equal(bfx_ops(&f), 2);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_TEST);
}

static void test_request_permanent_writes_image_ok_first(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	/* Cut after the first write: image_ok is there, no magic, so no request at all. */
	flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, 1);
	assert_int_equal(smpdfu_boot_request_upgrade(true), -EIO);
	flash_sim_power_on(&f.flash);
	read_sec(&st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_UNSET);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_NONE);
	/* A test request now would be a permanent one in disguise: refused, nothing written. */
	assert_int_equal(smpdfu_boot_request_upgrade(false), -EBADMSG);
	assert_int_equal(bfx_ops(&f), 1);
	/* The permanent request is finished instead. */
	assert_int_equal(smpdfu_boot_request_upgrade(true), 0);
	assert_int_equal(bfx_ops(&f), 3);
	read_sec(&st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	assert_int_equal(st.swap_type, SMPDFU_BOOT_SWAP_TYPE_PERM);
	assert_int_equal(smpdfu_boot_swap_type(), SMPDFU_BOOT_SWAP_TYPE_PERM);
}

/* Whatever the cut (clean or torn, at any write), a permanent request never reads as TEST. */
static void test_request_permanent_never_becomes_test(void **state)
{
	(void)state;
	bfx_snapshot(&f);
	for (int torn = 0; torn < 2; torn++) {
		for (uint64_t i = 0; i < 3; i++) {
			int t;

			bfx_restore(&f);
			flash_sim_cut_power(&f.flash,
					    torn ? FLASH_SIM_CUT_TORN : FLASH_SIM_CUT_CLEAN, i);
			assert_int_equal(smpdfu_boot_request_upgrade(true), -EIO);
			flash_sim_power_on(&f.flash);
			t = smpdfu_boot_swap_type();
			assert_true(t == SMPDFU_BOOT_SWAP_TYPE_NONE ||
				    t == SMPDFU_BOOT_SWAP_TYPE_PERM);
			/* Asking again completes it or says the trailer is unusable. */
			assert_true(smpdfu_boot_request_upgrade(true) == 0 ||
				    smpdfu_boot_request_upgrade(true) == -EBADMSG);
			t = smpdfu_boot_swap_type();
			assert_true(t == SMPDFU_BOOT_SWAP_TYPE_NONE ||
				    t == SMPDFU_BOOT_SWAP_TYPE_PERM);
			assert_int_equal(f.flash.count.violations, 0);
		}
	}
}

static void test_request_on_bad_magic(void **state)
{
	(void)state;
	f.flash.mem[f.sec->off + f.sec->size - 1] = 0x00;
	assert_int_equal(smpdfu_boot_request_upgrade(false), -EBADMSG);
	assert_int_equal(smpdfu_boot_request_upgrade(true), -EBADMSG);
	assert_int_equal(bfx_ops(&f), 0);
}

/* In direct-XIP builds confirming follows MCUboot's direct-XIP library (tested further down). */
static bool config_is_direct_xip(void)
{
	return CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	       CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT;
}

static void test_confirm(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	if (config_is_direct_xip()) {
		skip();
	}
	/* No magic: a factory image, confirmed by nature; nothing written. */
	assert_true(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_int_equal(bfx_ops(&f), 0);

	/* Magic without image_ok (an imgtool --pad image, or after a test swap). */
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_false(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_int_equal(bfx_ops(&f), 2);
	assert_true(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_read_swap_state(f.pri, &st), 0);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	/* Already confirmed: nothing more. */
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_int_equal(bfx_ops(&f), 2);
}

static void test_confirm_bad_states(void **state)
{
	(void)state;
	if (config_is_direct_xip()) {
		skip();
	}
	/* image_ok BAD under a GOOD magic: not confirmed, and never written over. */
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.pri, SMPDFU_BOOT_MAX_ALIGN), 0);
	f.flash.mem[f.pri->off + smpdfu_boot_image_ok_off(f.pri->size)] = 0x00;
	assert_false(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_int_equal(bfx_ops(&f), 1);
	/* BAD magic: an error. */
	f.flash.mem[f.pri->off + f.pri->size - 3] = 0x00;
	assert_int_equal(smpdfu_boot_write_img_confirmed(), -EBADMSG);
	assert_false(smpdfu_boot_is_img_confirmed());
	/* Unreadable: not confirmed, -EIO. */
	f.flash.powered_off = true;
	assert_false(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_write_img_confirmed(), -EIO);
	f.flash.powered_off = false;
}

static void test_running_slot(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	assert_int_equal(smpdfu_boot_running_slot(), 0);
	smpdfu_boot_set_running_slot(1);
	assert_int_equal(smpdfu_boot_running_slot(), 1);
	assert_int_equal(smpdfu_boot_trailer_write_magic(f.sec, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_false(smpdfu_boot_is_img_confirmed());
	assert_int_equal(smpdfu_boot_write_img_confirmed(), 0);
	assert_int_equal(smpdfu_boot_read_swap_state(f.sec, &st), 0);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);
	smpdfu_boot_set_running_slot(0);
}

static void test_set_next_direct_xip(void **state)
{
	struct smpdfu_boot_swap_state st;

	(void)state;
	/* Test of the other slot: the magic only. */
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), 0);
	assert_int_equal(bfx_ops(&f), 1);
	read_sec(&st);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(st.copy_done, SMPDFU_BOOT_FLAG_UNSET);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, false), 0);
	assert_int_equal(bfx_ops(&f), 1);
	/* Confirm of a slot the bootloader already selected (copy_done set): image_ok only. */
	assert_int_equal(smpdfu_boot_trailer_write_copy_done(f.sec, SMPDFU_BOOT_MAX_ALIGN), 0);
	assert_int_equal(smpdfu_boot_set_next_direct_xip(1, true), 0);
	assert_int_equal(bfx_ops(&f), 3);
	read_sec(&st);
	assert_int_equal(st.image_ok, SMPDFU_BOOT_FLAG_SET);

	/* Confirm of an unmarked slot: image_ok, copy_done, magic (the write that makes the
	 * request, last); a cut never leaves copy_done without image_ok (the combination the revert
	 * rules erase). */
	for (uint64_t i = 0; i <= 3; i++) {
		struct smpdfu_boot_swap_state p;

		assert_int_equal(smpdfu_flash_area_erase(f.pri, f.pri->size - 0x1000, 0x1000), 0);
		flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, i);
		assert_int_equal(smpdfu_boot_set_next_direct_xip(0, true), i < 3 ? -EIO : 0);
		flash_sim_power_on(&f.flash);
		assert_int_equal(smpdfu_boot_read_swap_state(f.pri, &p), 0);
		assert_false(p.copy_done == SMPDFU_BOOT_FLAG_SET &&
			     p.image_ok != SMPDFU_BOOT_FLAG_SET);
		assert_int_equal(p.image_ok,
				 i >= 1 ? SMPDFU_BOOT_FLAG_SET : SMPDFU_BOOT_FLAG_UNSET);
		assert_int_equal(p.copy_done,
				 i >= 2 ? SMPDFU_BOOT_FLAG_SET : SMPDFU_BOOT_FLAG_UNSET);
		assert_int_equal(p.magic,
				 i >= 3 ? SMPDFU_BOOT_MAGIC_GOOD : SMPDFU_BOOT_MAGIC_UNSET);
		if (i == 1) {
			/* A test request over a half-done confirm: refused. */
			assert_int_equal(smpdfu_boot_set_next_direct_xip(0, false), -EBADMSG);
		}
	}
	assert_int_equal(smpdfu_boot_set_next_direct_xip(2, true), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_table_exhaustive),
		cmocka_unit_test_setup_teardown(test_swap_type_reads_both_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_permanent_writes_image_ok_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_permanent_never_becomes_test, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_on_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_bad_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_next_direct_xip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
