/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-shot timers on an intrusive list kept sorted by deadline, so the next expiry is always the
 * head and equal deadlines fire in the order they were armed. All comparisons are wrap-safe: the
 * port's clock wraps at 2^32 ms (about 49.7 days) and a device must keep working across that.
 */
#include <stddef.h>

#include <smpdfu/port.h>
#include <smpdfu/timer.h>

/*
 * Deadlines are compared as signed differences, which is only meaningful while every pending
 * deadline lies less than 2^31 ms away; longer delays are clamped to that horizon.
 */
#define TIMER_MAX_DELAY_MS ((uint32_t)INT32_MAX)

/* Armed timers not yet due, sorted by deadline. */
static struct sys_timer *pending;
/*
 * Timers found due by the running smpdfu_sys_timers_process(), still waiting for their callback.
 * Kept apart from `pending` so a callback that re-arms a timer with delay 0 cannot make one
 * processing pass run forever, and so stop/start from a callback can pull a timer out of either
 * list.
 */
static struct sys_timer *expired;
static bool processing;

static bool deadline_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool deadline_reached(uint32_t deadline, uint32_t now)
{
	return (int32_t)(now - deadline) >= 0;
}

/* Removes t from list *head if it is there; true when it was. */
static bool list_unlink(struct sys_timer **head, struct sys_timer *t)
{
	struct sys_timer **link;

	for (link = head; *link != NULL; link = &(*link)->next) {
		if (*link == t) {
			*link = t->next;
			t->next = NULL;
			return true;
		}
	}
	return false;
}

static void timer_unlink(struct sys_timer *t)
{
	if (!list_unlink(&pending, t)) {
		list_unlink(&expired, t);
	}
}

void smpdfu_sys_timer_start(struct sys_timer *t, uint32_t delay_ms)
{
	struct sys_timer **link;

	PORT_ASSERT(t != NULL && t->expiry != NULL);

	if (t->armed) {
		timer_unlink(t);
	}
	if (delay_ms > TIMER_MAX_DELAY_MS) {
		delay_ms = TIMER_MAX_DELAY_MS;
	}
	t->deadline = smpdfu_port_uptime_ms() + delay_ms;
	t->armed = true;

	/* After every timer with the same or an earlier deadline: equal deadlines stay FIFO. */
	for (link = &pending; *link != NULL; link = &(*link)->next) {
		if (deadline_before(t->deadline, (*link)->deadline)) {
			break;
		}
	}
	t->next = *link;
	*link = t;
}

void smpdfu_sys_timer_stop(struct sys_timer *t)
{
	PORT_ASSERT(t != NULL);

	if (!t->armed) {
		return;
	}
	timer_unlink(t);
	t->armed = false;
}

bool smpdfu_sys_timer_is_armed(const struct sys_timer *t)
{
	return t->armed;
}

void smpdfu_sys_timers_process(void)
{
	uint32_t now = smpdfu_port_uptime_ms();
	struct sys_timer **link = &pending;

	/* A callback calling back into here would walk the same expired list twice. */
	PORT_ASSERT(!processing);
	processing = true;

	/* The due timers are a prefix of the sorted pending list: move that prefix over whole. */
	while (*link != NULL && deadline_reached((*link)->deadline, now)) {
		link = &(*link)->next;
	}
	if (link != &pending) {
		expired = pending;
		pending = *link;
		*link = NULL;
	}

	/* Callbacks may start or stop any timer, including ones still on the expired list. */
	while (expired != NULL) {
		struct sys_timer *t = expired;

		expired = t->next;
		t->next = NULL;
		t->armed = false;
		t->expiry(t);
	}

	processing = false;
}

int32_t smpdfu_sys_timers_next_ms(void)
{
	int32_t left;

	if (expired != NULL) {
		return 0;
	}
	if (pending == NULL) {
		return -1;
	}
	left = (int32_t)(pending->deadline - smpdfu_port_uptime_ms());
	return left < 0 ? 0 : left;
}

static void list_forget(struct sys_timer **head)
{
	while (*head != NULL) {
		struct sys_timer *t = *head;

		*head = t->next;
		t->next = NULL;
		t->armed = false;
	}
}

void smpdfu_sys_timers_reset(void)
{
	list_forget(&pending);
	list_forget(&expired);
	processing = false;
}
