/* The port contract for unit tests: deterministic time, reboots counted, logs only on request. */
#include "fake_port.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <smpdfu/port.h>
#include <smpdfu/timer.h>

static uint32_t now;
static unsigned int reboots;

uint32_t port_uptime_ms(void)
{
	return now;
}

void port_reboot(void)
{
	reboots++;
}

void port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	va_list ap;

	if (!getenv("SMPDFU_TEST_LOG")) {
		return;
	}
	fprintf(stderr, "[%6u] %s %s: ", (unsigned int)now, names[level], module);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

_Noreturn void port_assert_fail(const char *file, int line)
{
	fprintf(stderr, "assertion failed at %s:%d\n", file, line);
	abort();
}

unsigned int port_critical_enter(void)
{
	return 0;
}

void port_critical_exit(unsigned int key)
{
	(void)key;
}

void fake_clock_set(uint32_t now_ms)
{
	now = now_ms;
}

void fake_clock_advance(uint32_t ms)
{
	uint32_t end = now + ms;

	for (;;) {
		int32_t next = sys_timers_next_ms();

		if (next < 0 || (uint32_t)next > end - now) {
			break;
		}
		now += (uint32_t)next;
		sys_timers_process();
	}
	now = end;
	sys_timers_process();
}

unsigned int fake_reboot_count(void)
{
	return reboots;
}

void fake_port_reset(void)
{
	now = 0;
	reboots = 0;
	sys_timers_reset();
}
