/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the hook check every vetoable step uses (smpdfu_mgmt_callback_check): no objection
 * is success; the first objection decides, as its SMP rc or its group error; an objection without
 * an rc in range still fails (EUNKNOWN); hooks of other events are not asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/smp.h>

#include "util.h"

#define EVENT MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK

/* What each test hook answers, and how often it was asked. */
struct answer {
	enum mgmt_cb_return ret;
	int32_t rc;
	uint16_t group;
	unsigned int calls;
};

static struct answer first_answer;
static struct answer second_answer;

static enum mgmt_cb_return answer_with(struct answer *a, int32_t *rc, uint16_t *group)
{
	a->calls++;
	*rc = a->rc;
	*group = a->group;
	return a->ret;
}

static enum mgmt_cb_return first_hook(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				      uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event, (void)prev, (void)abort_more, (void)data, (void)size;
	return answer_with(&first_answer, rc, group);
}

static enum mgmt_cb_return second_hook(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				       uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event, (void)prev, (void)abort_more, (void)data, (void)size;
	return answer_with(&second_answer, rc, group);
}

static struct smpdfu_mgmt_callback first = { .callback = first_hook, .event_id = EVENT };
static struct smpdfu_mgmt_callback second = { .callback = second_hook, .event_id = EVENT };

static int setup(void **state)
{
	(void)state;
	smpdfu_mgmt_callbacks_reset();
	first_answer = (struct answer){ .ret = MGMT_CB_OK };
	second_answer = (struct answer){ .ret = MGMT_CB_OK };
	smpdfu_mgmt_callback_register(&first);
	smpdfu_mgmt_callback_register(&second);
	return 0;
}

static void no_objection_is_success(void **state)
{
	(void)state;
	assert_true(smpdfu_smp_status_is_ok(smpdfu_mgmt_callback_check(EVENT, NULL, 0)));
	assert_int_equal(first_answer.calls, 1);
	assert_int_equal(second_answer.calls, 1);
}

static void no_hook_is_success(void **state)
{
	(void)state;
	smpdfu_mgmt_callbacks_reset();
	assert_true(smpdfu_smp_status_is_ok(smpdfu_mgmt_callback_check(EVENT, NULL, 0)));
}

static void rc_objection_is_that_rc(void **state)
{
	(void)state;
	second_answer = (struct answer){ .ret = MGMT_CB_ERROR_RC, .rc = MGMT_ERR_EBUSY };

	struct smp_status st = smpdfu_mgmt_callback_check(EVENT, NULL, 0);

	assert_false(smpdfu_smp_status_is_ok(st));
	assert_false(smpdfu_smp_status_is_group_err(st));
	assert_int_equal(smpdfu_smp_status_rc(st), MGMT_ERR_EBUSY);
}

static void group_objection_is_that_group_error(void **state)
{
	(void)state;
	first_answer = (struct answer){ .ret = MGMT_CB_ERROR_ERR, .rc = 7, .group = 64 };

	struct smp_status st = smpdfu_mgmt_callback_check(EVENT, NULL, 0);

	assert_true(smpdfu_smp_status_is_group_err(st));
	assert_int_equal(smpdfu_smp_status_group(st), 64);
	assert_int_equal(smpdfu_smp_status_rc(st), 7);
}

static void first_objection_decides(void **state)
{
	(void)state;
	first_answer = (struct answer){ .ret = MGMT_CB_ERROR_RC, .rc = MGMT_ERR_EACCESSDENIED };
	second_answer = (struct answer){ .ret = MGMT_CB_ERROR_ERR, .rc = 3, .group = 1 };

	struct smp_status st = smpdfu_mgmt_callback_check(EVENT, NULL, 0);

	assert_false(smpdfu_smp_status_is_group_err(st));
	assert_int_equal(smpdfu_smp_status_rc(st), MGMT_ERR_EACCESSDENIED);
	assert_int_equal(second_answer.calls, 1); /* still told, as Zephyr does */
}

static void objection_without_rc_still_fails(void **state)
{
	static const int32_t unusable[] = { 0, -5, UINT16_MAX + 1 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unusable); i++) {
		first_answer = (struct answer){ .ret = MGMT_CB_ERROR_RC, .rc = unusable[i] };

		struct smp_status st = smpdfu_mgmt_callback_check(EVENT, NULL, 0);

		assert_false(smpdfu_smp_status_is_ok(st));
		assert_int_equal(smpdfu_smp_status_rc(st), MGMT_ERR_EUNKNOWN);
	}
}

static void other_events_are_not_asked(void **state)
{
	(void)state;
	first_answer = (struct answer){ .ret = MGMT_CB_ERROR_RC, .rc = MGMT_ERR_EBUSY };
	assert_true(smpdfu_smp_status_is_ok(
		smpdfu_mgmt_callback_check(MGMT_EVT_OP_IMG_MGMT_STATE_WRITE_CHECK, NULL, 0)));
	assert_int_equal(first_answer.calls, 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(no_objection_is_success),
		T(no_hook_is_success),
		T(rc_objection_is_that_rc),
		T(group_objection_is_that_group_error),
		T(first_objection_decides),
		T(objection_without_rc_still_fails),
		T(other_events_are_not_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
