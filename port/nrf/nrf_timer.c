/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu_port_uptime_ms() on TIMER0, counting microseconds in 32 bits (it wraps after 71 minutes).
 * Each call adds the time since the previous one, so the milliseconds run on past the wrap as long
 * as something asks at least once an hour, which the main loop does all the time.
 */
#include <stdbool.h>

#include <smpdfu/port.h>

#include "nrf.h"

static bool running;
static uint32_t last_us;
static uint32_t uptime_ms;
static uint32_t carry_us; /* below one millisecond, not yet counted */

uint32_t smpdfu_port_uptime_ms(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	uint32_t now;

	if (!running) {
		TIMER_MODE = TIMER_MODE_TIMER;
		TIMER_BITMODE = TIMER_BITMODE_32;
		TIMER_PRESCALER = TIMER_PRESCALER_1MHZ;
		TIMER_TASKS_CLEAR = 1;
		TIMER_TASKS_START = 1;
		running = true;
	}
	TIMER_TASKS_CAPTURE0 = 1;
	now = TIMER_CC0;
	carry_us += now - last_us;
	last_us = now;
	uptime_ms += carry_us / 1000u;
	carry_us %= 1000u;
	now = uptime_ms;
	smpdfu_port_critical_exit(key);
	return now;
}
