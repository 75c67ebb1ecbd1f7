/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-shot software timers driven by the port's millisecond clock: the core arms them, the port's
 * main loop runs the expired ones. Timer callbacks run in that main context.
 */
#ifndef SMPDFU_TIMER_H
#define SMPDFU_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct sys_timer {
	void (*expiry)(struct sys_timer *t); /* set before the first start */
	uint32_t deadline;
	bool armed;
	struct sys_timer *next;
};

/* (Re)arms t to expire delay_ms from now. Main context. */
void smpdfu_sys_timer_start(struct sys_timer *t, uint32_t delay_ms);
/* Disarms t; harmless when it is not armed. */
void smpdfu_sys_timer_stop(struct sys_timer *t);
bool smpdfu_sys_timer_is_armed(const struct sys_timer *t);
/* Runs the callbacks of every expired timer (each disarmed before its callback). */
void smpdfu_sys_timers_process(void);
/* Milliseconds until the next deadline (0 if one is due), or -1 when no timer is armed. */
int32_t smpdfu_sys_timers_next_ms(void);
/* Forgets every timer (a simulated reboot). */
void smpdfu_sys_timers_reset(void);

#endif /* SMPDFU_TIMER_H */
