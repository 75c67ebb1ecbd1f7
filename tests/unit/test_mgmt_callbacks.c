/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The management callbacks on their own: of several hooks that refuse, the first one's reason is
 * the answer; a hook that refuses without a reason still fails the command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/smp.h>

static enum mgmt_cb_return refuse_5(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				    uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event;
	(void)prev;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)size;
	*rc = 5;
	return MGMT_CB_ERROR_RC;
}

static enum mgmt_cb_return refuse_7(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				    uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)event;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)size;
	assert_int_equal(prev, MGMT_CB_ERROR_RC); /* it sees the earlier refusal */
	*rc = 7;
	return MGMT_CB_ERROR_RC;
}

static void first_refusal_is_the_answer(void **state)
{
	static struct mgmt_callback first = { .callback = refuse_5,
					      .event_id = MGMT_EVT_OP_OS_MGMT_RESET };
	static struct mgmt_callback second = { .callback = refuse_7,
					       .event_id = MGMT_EVT_OP_OS_MGMT_RESET };
	int32_t rc = 0;
	uint16_t group = 0;

	(void)state;
	mgmt_callbacks_reset();
	mgmt_callback_register(&first);
	mgmt_callback_register(&second);
	assert_int_equal(mgmt_callback_notify(MGMT_EVT_OP_OS_MGMT_RESET, NULL, 0, &rc, &group),
			 MGMT_CB_ERROR_RC);
	assert_int_equal(rc, 5);
	mgmt_callbacks_reset();
}

static void refusal_without_reason_still_fails(void **state)
{
	(void)state;
	assert_int_equal(smp_status_rc(mgmt_cb_status(MGMT_CB_ERROR_RC, 0, 0)),
			 MGMT_ERR_EUNKNOWN);
	assert_int_equal(smp_status_rc(mgmt_cb_status(MGMT_CB_ERROR_RC, -3, 0)),
			 MGMT_ERR_EUNKNOWN);
	assert_int_equal(smp_status_rc(mgmt_cb_status(MGMT_CB_ERROR_RC, 1, 0)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_refusal_is_the_answer),
		cmocka_unit_test(refusal_without_reason_still_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
