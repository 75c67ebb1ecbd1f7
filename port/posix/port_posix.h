/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the POSIX port offers beyond the port contract of <smpdfu/port.h>: the simulated device's
 * main loop sets the log level and learns from here that the core asked for a reboot.
 */
#ifndef PORT_POSIX_H
#define PORT_POSIX_H

#include <stdbool.h>

#include <smpdfu/port.h>

/* Lines above `level` are dropped; the default is PORT_LOG_INF. */
void posix_log_set_level(enum port_log_level level);

/* Parses "err", "wrn", "inf" or "dbg" into *level. Returns 0, or -EINVAL for anything else. */
int posix_log_level_parse(const char *name, enum port_log_level *level);

/* True once smpdfu_port_reboot() was called; the main loop then restarts the process. */
bool posix_reboot_requested(void);

#endif /* PORT_POSIX_H */
