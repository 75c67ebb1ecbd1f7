/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu_port_log() for a firmware image: each line is formatted into one bounded buffer and
 * written to the console in one piece ("I: boot: booting slot 0", as Zephyr's minimal log mode
 * prints), so a host's SMP client can skip it as console text between frames.
 */
#include <stdarg.h>
#include <stdio.h>

#include <smpdfu/port.h>

#include "console.h"

/* Longer lines are cut; the end of line is always written. */
#define LOG_LINE_MAX 128

void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	static const char level_tag[] = { 'E', 'W', 'I', 'D' };
	char line[LOG_LINE_MAX];
	size_t len;
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%c: %s: ",
		     level_tag[level <= PORT_LOG_DBG ? level : PORT_LOG_DBG], module);
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	va_start(ap, fmt);
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	len += (size_t)n < sizeof(line) - len ? (size_t)n : sizeof(line) - len - 1;
	/* The end of line replaces what a cut line loses at its end. */
	if (len > sizeof(line) - 2) {
		len = sizeof(line) - 2;
	}
	line[len++] = '\r';
	line[len++] = '\n';
	console_write(line, len);
}
