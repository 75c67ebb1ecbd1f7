/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual-time port: the device runs single-threaded inside the simulation, so the critical section
 * only checks its nesting, and a reboot is a request the simulation acts on between device steps.
 */
#include "vport.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t now_us;
static bool reboot_requested;
static enum port_log_level log_level = PORT_LOG_ERR;
static unsigned int critical_depth;

void vport_set_now_us(uint64_t us)
{
	now_us = us;
}

uint64_t vport_now_us(void)
{
	return now_us;
}

void vport_advance_us(uint64_t us)
{
	now_us += us;
}

bool vport_take_reboot(void)
{
	bool r = reboot_requested;

	reboot_requested = false;
	return r;
}

void vport_set_log_level(enum port_log_level level)
{
	log_level = level;
}

uint32_t smpdfu_port_uptime_ms(void)
{
	return (uint32_t)(now_us / 1000u);
}

void smpdfu_port_reboot(void)
{
	reboot_requested = true;
}

void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	static const char *const names[] = { "ERR", "WRN", "INF", "DBG" };
	char line[512];
	int saved_errno = errno;
	va_list ap;
	int n;

	if (level > log_level) {
		return;
	}
	/* Virtual seconds with microseconds: the time the model says, not the host's. */
	n = snprintf(line, sizeof(line), "[%5llu.%06llu] %s %s: ",
		     (unsigned long long)(now_us / 1000000u),
		     (unsigned long long)(now_us % 1000000u), names[level], module);
	if (n > 0 && (size_t)n < sizeof(line) - 1) {
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "%s\n", line);
	errno = saved_errno;
}

_Noreturn void smpdfu_port_assert_fail(const char *file, int line)
{
	fprintf(stderr, "ASSERTION FAILED at %s:%d\n", file, line);
	fflush(NULL);
	abort();
}

unsigned int smpdfu_port_critical_enter(void)
{
	return critical_depth++;
}

void smpdfu_port_critical_exit(unsigned int key)
{
	PORT_ASSERT(critical_depth > 0 && key == critical_depth - 1);
	critical_depth = key;
}
