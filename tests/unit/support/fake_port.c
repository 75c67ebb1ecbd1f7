/* SPDX-License-Identifier: Apache-2.0 */
/* The port contract for unit tests: deterministic time, reboots counted, logs only on request. */
#include "fake_port.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/port.h>
#include <smpdfu/timer.h>

#include "app.h"

static uint32_t now;
static unsigned int reboots;

uint32_t smpdfu_port_uptime_ms(void)
{
	return now;
}

void smpdfu_port_reboot(void)
{
	reboots++;
}

/* The last FAKE_LOG_LINES lines, for tests that check what a module logged. */
#define FAKE_LOG_LINES 256
#define FAKE_LOG_LINE_SIZE 160

static char log_lines[FAKE_LOG_LINES][FAKE_LOG_LINE_SIZE];
static size_t log_next;
static size_t log_total;

void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	char *line = log_lines[log_next];
	va_list ap;
	int n;

	n = snprintf(line, FAKE_LOG_LINE_SIZE, "%s %s: ", names[level], module);
	if (n < 0 || n >= FAKE_LOG_LINE_SIZE) {
		n = FAKE_LOG_LINE_SIZE - 1;
	}
	va_start(ap, fmt);
	vsnprintf(line + n, FAKE_LOG_LINE_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
	log_next = (log_next + 1) % FAKE_LOG_LINES;
	log_total++;

	if (getenv("SMPDFU_TEST_LOG")) {
		fprintf(stderr, "[%6u] %s\n", (unsigned int)now, line);
	}
}

size_t fake_log_count(const char *needle)
{
	size_t kept = log_total < FAKE_LOG_LINES ? log_total : FAKE_LOG_LINES;
	size_t count = 0;

	for (size_t i = 0; i < kept; i++) {
		if (strstr(log_lines[i], needle) != NULL) {
			count++;
		}
	}
	return count;
}

void fake_log_clear(void)
{
	log_next = 0;
	log_total = 0;
}

_Noreturn void smpdfu_port_assert_fail(const char *file, int line)
{
	fprintf(stderr, "assertion failed at %s:%d\n", file, line);
	abort();
}

/* How deep in critical sections the code under test is: callbacks can be checked against it. */
static unsigned int critical_depth;

unsigned int smpdfu_port_critical_enter(void)
{
	return critical_depth++;
}

void smpdfu_port_critical_exit(unsigned int key)
{
	/* Exits must pair with enters, innermost first: the key is the depth before the enter. */
	PORT_ASSERT(critical_depth > 0 && key == critical_depth - 1);
	critical_depth = key;
}

unsigned int fake_port_critical_depth(void)
{
	return critical_depth;
}

void fake_clock_set(uint32_t now_ms)
{
	now = now_ms;
}

void fake_clock_advance(uint32_t ms)
{
	uint32_t end = now + ms;

	for (;;) {
		int32_t next = smpdfu_sys_timers_next_ms();

		if (next < 0 || (uint32_t)next > end - now) {
			break;
		}
		now += (uint32_t)next;
		smpdfu_sys_timers_process();
	}
	now = end;
	smpdfu_sys_timers_process();
}

unsigned int fake_reboot_count(void)
{
	return reboots;
}

void fake_port_reset(void)
{
	now = 0;
	reboots = 0;
	critical_depth = 0;
	smpdfu_app_state_reset();
	fake_log_clear();
}
