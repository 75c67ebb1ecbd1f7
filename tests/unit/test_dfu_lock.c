/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the DFU lock: at most one owner, the owner_changed callback exactly once per
 * hand-over between different owners (never on the first claim, a re-claim, a release-then-reclaim
 * or a refused claim), -EPERM cases, the callback outside the critical section (where it may call
 * the lock), and the MCUmgr / config-channel sequences of the reference.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/dfu_lock.h>

#include "fake_port.h"

#define CALLS_MAX 2048

/* One owner_changed call: who was told, about whom, and who held the lock during the call. */
struct call {
	const struct smpdfu_dfu_lock_owner *told;
	const struct smpdfu_dfu_lock_owner *new_owner;
	const struct smpdfu_dfu_lock_owner *holder_during_call;
};

static struct call calls[CALLS_MAX];
static size_t call_count;

/* What the modules do with the callback, as flags: MCUmgr forgets its upload, dfu marks dirty. */
static bool mcumgr_progress_reset;
static bool config_slot_dirty;

static const struct smpdfu_dfu_lock_owner mcumgr;
static const struct smpdfu_dfu_lock_owner config_channel;

static void record(const struct smpdfu_dfu_lock_owner *told,
		   const struct smpdfu_dfu_lock_owner *new_owner)
{
	assert_true(call_count < CALLS_MAX);
	calls[call_count].told = told;
	calls[call_count].new_owner = new_owner;
	calls[call_count].holder_during_call = smpdfu_dfu_lock_owner();
	call_count++;
}

static void mcumgr_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	record(&mcumgr, new_owner);
	mcumgr_progress_reset = true;
}

static void config_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	record(&config_channel, new_owner);
	config_slot_dirty = true;
}

static const struct smpdfu_dfu_lock_owner mcumgr = {
	.name = "MCUmgr",
	.owner_changed = mcumgr_owner_changed,
};
static const struct smpdfu_dfu_lock_owner config_channel = {
	.name = "Config Channel",
	.owner_changed = config_owner_changed,
};
/* An owner without a callback. */
static const struct smpdfu_dfu_lock_owner silent = {
	.name = "Silent",
	.owner_changed = NULL,
};

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	smpdfu_dfu_lock_init();
	memset(calls, 0, sizeof(calls));
	call_count = 0;
	mcumgr_progress_reset = false;
	config_slot_dirty = false;
	return 0;
}

static void test_starts_free(void **state)
{
	(void)state;
	assert_null(smpdfu_dfu_lock_owner());
}

static void test_first_claim_fires_nothing(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);
	assert_int_equal(call_count, 0);
}

static void test_reclaim_by_owner_is_idempotent(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);
	assert_int_equal(call_count, 0);
	/* One release frees it: claims do not nest. */
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_null(smpdfu_dfu_lock_owner());
}

static void test_claim_held_by_other_is_refused_without_callback(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), -EPERM);
	assert_int_equal(smpdfu_dfu_lock_claim(&silent), -EPERM);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);
	assert_int_equal(call_count, 0);
}

static void test_release_by_non_owner_is_refused(void **state)
{
	(void)state;
	/* Free lock: nobody may release it. */
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), -EPERM);
	assert_null(smpdfu_dfu_lock_owner());

	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), -EPERM);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);

	/* The refused release did not make config_channel the previous owner. */
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_int_equal(call_count, 1);
	assert_ptr_equal(calls[0].told, &mcumgr);
}

static void test_release_twice_is_refused(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), -EPERM);
	assert_null(smpdfu_dfu_lock_owner());
}

static void test_release_then_reclaim_fires_nothing(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
		assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	}
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(call_count, 0);
	assert_false(mcumgr_progress_reset);
}

static void test_hand_over_tells_previous_owner_once(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);

	assert_int_equal(call_count, 1);
	assert_ptr_equal(calls[0].told, &mcumgr);
	assert_ptr_equal(calls[0].new_owner, &config_channel);
	/* Called once the new owner holds the lock, in the claimer's call. */
	assert_ptr_equal(calls[0].holder_during_call, &config_channel);

	/* Re-claims by the new owner, and its release-then-reclaim, fire nothing more. */
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_int_equal(call_count, 1);
}

static void test_refused_claim_then_later_hand_over(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), -EPERM);
	assert_int_equal(call_count, 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_int_equal(call_count, 1);
	assert_ptr_equal(calls[0].told, &mcumgr);
}

static void test_previous_owner_without_callback(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&silent), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&silent), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);
	assert_int_equal(call_count, 0);

	/* A new owner without a callback still triggers the previous owner's. */
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&silent), 0);
	assert_int_equal(call_count, 1);
	assert_ptr_equal(calls[0].told, &mcumgr);
	assert_ptr_equal(calls[0].new_owner, &silent);
}

static void test_only_the_last_releaser_is_told(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&silent), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&silent), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	/* MCUmgr heard of Silent; Silent (no callback) was the one replaced by Config Channel. */
	assert_int_equal(call_count, 1);
	assert_ptr_equal(calls[0].told, &mcumgr);
	assert_ptr_equal(calls[0].new_owner, &silent);
}

static void test_at_most_one_owner(void **state)
{
	const struct smpdfu_dfu_lock_owner *const owners[] = { &mcumgr, &config_channel, &silent };
	const struct smpdfu_dfu_lock_owner *holder = NULL;
	uint32_t seed = 12345;

	(void)state;
	/* A pseudo-random walk of claims and releases against a model of the lock. */
	for (int step = 0; step < 2000; step++) {
		const struct smpdfu_dfu_lock_owner *who;
		bool claim;
		int rc;

		seed = seed * 1103515245u + 12345u;
		who = owners[(seed >> 16) % 3];
		claim = ((seed >> 8) & 1) != 0;
		if (claim) {
			rc = smpdfu_dfu_lock_claim(who);
			assert_int_equal(rc, holder == NULL || holder == who ? 0 : -EPERM);
			if (rc == 0) {
				holder = who;
			}
		} else {
			rc = smpdfu_dfu_lock_release(who);
			assert_int_equal(rc, holder == who ? 0 : -EPERM);
			if (rc == 0) {
				holder = NULL;
			}
		}
		assert_ptr_equal(smpdfu_dfu_lock_owner(), holder);
	}
}

static void test_callbacks_count_hand_overs_between_different_owners(void **state)
{
	const struct smpdfu_dfu_lock_owner *const owners[] = { &mcumgr, &config_channel };
	const struct smpdfu_dfu_lock_owner *previous = NULL;
	size_t hand_overs = 0;
	uint32_t seed = 777;

	(void)state;
	/* Each round one owner takes the free lock and gives it back. */
	for (int round = 0; round < 500; round++) {
		const struct smpdfu_dfu_lock_owner *who;

		seed = seed * 1103515245u + 12345u;
		who = owners[(seed >> 16) % 2];
		assert_int_equal(smpdfu_dfu_lock_claim(who), 0);
		if (previous != NULL && previous != who) {
			hand_overs++;
			assert_ptr_equal(calls[call_count - 1].told, previous);
			assert_ptr_equal(calls[call_count - 1].new_owner, who);
		}
		assert_int_equal(call_count, hand_overs);
		assert_int_equal(smpdfu_dfu_lock_release(who), 0);
		previous = who;
	}
	assert_true(hand_overs > 100);
}

/* Reference §1.13 case 4: MCUmgr times out, the config channel takes over and gives back. */
static void test_mcumgr_timeout_config_channel_then_mcumgr_again(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);   /* upload chunks */
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0); /* 5 s of silence */

	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_true(mcumgr_progress_reset);
	assert_false(config_slot_dirty);
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), 0);

	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_true(config_slot_dirty);
	assert_int_equal(call_count, 2);
	assert_ptr_equal(calls[0].told, &mcumgr);
	assert_ptr_equal(calls[1].told, &config_channel);
}

/* Reference §1.13 case 5: an idle config-channel sync (claim + release) resets MCUmgr silently. */
static void test_idle_sync_resets_idle_mcumgr(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);

	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0); /* sync */
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), 0);
	assert_true(mcumgr_progress_reset);

	/* A second sync: the config channel was the last owner, so nothing more happens. */
	mcumgr_progress_reset = false;
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), 0);
	assert_false(mcumgr_progress_reset);
	assert_int_equal(call_count, 1);
}

/* Reference §1.13 case 1 / §5: the config channel holds the lock from boot (background erase). */
static void test_mcumgr_refused_during_boot_erase(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0); /* boot: first claimer */
	assert_int_equal(call_count, 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), -EPERM); /* image list -> rc 11 */
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), -EPERM);
	assert_int_equal(smpdfu_dfu_lock_release(&config_channel), 0); /* erase done */

	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	/* The config channel must erase again before its next transfer. */
	assert_true(config_slot_dirty);
	assert_false(mcumgr_progress_reset);
	assert_int_equal(call_count, 1);
}

/* A callback that does what a module may: asks the lock, tries to take it back. */
static int reentrant_claim_rc;
static unsigned int depth_during_callback;
static const struct smpdfu_dfu_lock_owner *owner_during_callback;
static const struct smpdfu_dfu_lock_owner reentrant;

static void reentrant_owner_changed(const struct smpdfu_dfu_lock_owner *new_owner)
{
	(void)new_owner;
	depth_during_callback = fake_port_critical_depth();
	owner_during_callback = smpdfu_dfu_lock_owner();
	reentrant_claim_rc = smpdfu_dfu_lock_claim(&reentrant);
}

static const struct smpdfu_dfu_lock_owner reentrant = {
	.name = "Reentrant",
	.owner_changed = reentrant_owner_changed,
};

static void test_callback_runs_outside_the_critical_section_and_may_call_the_lock(void **state)
{
	(void)state;
	depth_during_callback = 99;
	assert_int_equal(smpdfu_dfu_lock_claim(&reentrant), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&reentrant), 0);
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	/* Told with interrupts allowed, after the hand-over: its own claim is refused. */
	assert_int_equal(depth_during_callback, 0);
	assert_ptr_equal(owner_during_callback, &mcumgr);
	assert_int_equal(reentrant_claim_rc, -EPERM);
	assert_ptr_equal(smpdfu_dfu_lock_owner(), &mcumgr);
	assert_int_equal(fake_port_critical_depth(), 0);
}

static void test_init_forgets_owners(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_dfu_lock_claim(&mcumgr), 0);
	assert_int_equal(smpdfu_dfu_lock_release(&mcumgr), 0);
	smpdfu_dfu_lock_init(); /* a reboot */
	assert_null(smpdfu_dfu_lock_owner());
	assert_int_equal(smpdfu_dfu_lock_claim(&config_channel), 0);
	/* The previous owner was forgotten with the reboot: this is a first claim. */
	assert_int_equal(call_count, 0);
	smpdfu_dfu_lock_init();
	assert_null(smpdfu_dfu_lock_owner());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_starts_free),
		T(test_first_claim_fires_nothing),
		T(test_reclaim_by_owner_is_idempotent),
		T(test_claim_held_by_other_is_refused_without_callback),
		T(test_release_by_non_owner_is_refused),
		T(test_release_twice_is_refused),
		T(test_release_then_reclaim_fires_nothing),
		T(test_hand_over_tells_previous_owner_once),
		T(test_refused_claim_then_later_hand_over),
		T(test_previous_owner_without_callback),
		T(test_only_the_last_releaser_is_told),
		T(test_at_most_one_owner),
		T(test_callbacks_count_hand_overs_between_different_owners),
		T(test_mcumgr_timeout_config_channel_then_mcumgr_again),
		T(test_idle_sync_resets_idle_mcumgr),
		T(test_mcumgr_refused_during_boot_erase),
		T(test_callback_runs_outside_the_critical_section_and_may_call_the_lock),
		T(test_init_forgets_owners),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
