/* SPDX-License-Identifier: Apache-2.0 */
/* The port for unit tests: a clock that moves only when a test says so, and a reboot counter. */
#ifndef FAKE_PORT_H
#define FAKE_PORT_H

#include <stddef.h>
#include <stdint.h>

void fake_clock_set(uint32_t now_ms);
/* Advances the clock and runs the timers that expire on the way, in deadline order. */
void fake_clock_advance(uint32_t ms);
/* How many times smpdfu_port_reboot() was called since the last fake_port_reset(). */
unsigned int fake_reboot_count(void);
/*
 * A reboot, as far as RAM goes: the fake port's clock, counters and log, and every module of the
 * core and the application by their one reset path (smpdfu_app_state_reset()). Test harnesses call
 * it first, then install what a board's main would (flash map, SMP server, groups,
 * smpdfu_app_start()).
 */
void fake_port_reset(void);
/* How many critical sections the code under test is inside right now (0: none). */
unsigned int fake_port_critical_depth(void);
/*
 * Log lines ("WRN module: text") among the last 256 logged that contain needle; every line is
 * kept whatever SMPDFU_TEST_LOG says (which only prints them). Cleared by fake_port_reset().
 */
size_t fake_log_count(const char *needle);
void fake_log_clear(void);

#endif
