/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The port contract for the simulated device, a single-threaded Linux process: uptime from the
 * monotonic clock, timestamped log lines on stderr, a reboot request the main loop acts on, and
 * critical sections that only have to check their own nesting.
 */
#define _POSIX_C_SOURCE 200809L

#include "port_posix.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static const char *const level_names[] = {
	[PORT_LOG_ERR] = "ERR",
	[PORT_LOG_WRN] = "WRN",
	[PORT_LOG_INF] = "INF",
	[PORT_LOG_DBG] = "DBG",
};

static enum port_log_level log_level = PORT_LOG_INF;
static bool reboot_requested;
static unsigned int critical_depth;

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux; a failure is a broken host. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		smpdfu_port_assert_fail(__FILE__, __LINE__);
	}
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds since the first call, so uptime starts near 0 at every (re)start like a device's. */
static uint64_t uptime64_ms(void)
{
	static uint64_t start;
	static bool started;
	uint64_t now = monotonic_ms();

	if (!started) {
		start = now;
		started = true;
	}
	return now - start;
}

uint32_t smpdfu_port_uptime_ms(void)
{
	return (uint32_t)uptime64_ms();
}

void smpdfu_port_reboot(void)
{
	reboot_requested = true;
}

bool posix_reboot_requested(void)
{
	return reboot_requested;
}

void posix_log_set_level(enum port_log_level level)
{
	log_level = level;
}

int posix_log_level_parse(const char *name, enum port_log_level *level)
{
	static const char *const names[] = {
		[PORT_LOG_ERR] = "err",
		[PORT_LOG_WRN] = "wrn",
		[PORT_LOG_INF] = "inf",
		[PORT_LOG_DBG] = "dbg",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*level = (enum port_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	/* Long enough for any line we log; a longer one is cut, never split across lines. */
	char line[512];
	int saved_errno = errno; /* callers log between a failing call and their use of errno */
	uint64_t ms;
	va_list ap;
	size_t len;
	int n;

	if (level > log_level) {
		return;
	}
	ms = uptime64_ms();
	n = snprintf(line, sizeof(line), "[%5u.%03u] %s %s: ", (unsigned int)(ms / 1000u),
		     (unsigned int)(ms % 1000u), level_names[level], module);
	if (n < 0) {
		goto out;
	}
	/* The last byte is kept for the newline. */
	if ((size_t)n < sizeof(line) - 1) {
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
		va_end(ap);
	}
	len = strlen(line);
	line[len++] = '\n';
	/* One write per line: stderr is unbuffered and a reader must never see half a line. */
	fwrite(line, 1, len, stderr);
out:
	errno = saved_errno;
}

_Noreturn void smpdfu_port_assert_fail(const char *file, int line)
{
	fprintf(stderr, "ASSERTION FAILED at %s:%d\n", file, line);
	fflush(NULL);
	abort();
}

/*
 * No threads and no signal handler touches core state in the simulator, so nothing needs masking;
 * what remains is checking that enters and exits pair up, which catches the same bugs as on a
 * device (an early return that skips the exit).
 */
unsigned int smpdfu_port_critical_enter(void)
{
	return critical_depth++;
}

void smpdfu_port_critical_exit(unsigned int key)
{
	PORT_ASSERT(critical_depth > 0 && key == critical_depth - 1);
	critical_depth = key;
}
