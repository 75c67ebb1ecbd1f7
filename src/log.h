/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging with its level fixed at compile time, as in Zephyr: a call above its file's level is
 * dead code, so its format string and arguments never reach the image, and level 0 leaves no log
 * call at all. Not a public header: the core, the application modules, the firmware and the ports
 * include it; users of the library see only smpdfu_port_log(), which a port implements.
 *
 * Each file that logs defines, before its first log call:
 *   LOG_MODULE  the name its lines carry ("img", "boot", ...)
 *   LOG_LEVEL   its level, one of the CONFIG_*_LOG_LEVEL options (CONFIG_LOG_DEFAULT_LEVEL when
 *               the file has no option of its own): 0 off, 1 errors, 2 warnings, 3 info, 4 debug
 */
#ifndef SMPDFU_LOG_H
#define SMPDFU_LOG_H

#include <smpdfu/config.h>
#include <smpdfu/port.h>

#define LOG_LEVEL_NONE 0
#define LOG_LEVEL_ERR 1
#define LOG_LEVEL_WRN 2
#define LOG_LEVEL_INF 3
#define LOG_LEVEL_DBG 4

/* An `if` rather than `#if`: the arguments are still type-checked at every level. */
#define LOG_AT_LEVEL(level, port_level, ...)                                                       \
	do {                                                                                       \
		if (LOG_LEVEL >= (level)) {                                                        \
			smpdfu_port_log(port_level, LOG_MODULE, __VA_ARGS__);                      \
		}                                                                                  \
	} while (0)

#define LOG_ERR(...) LOG_AT_LEVEL(LOG_LEVEL_ERR, PORT_LOG_ERR, __VA_ARGS__)
#define LOG_WRN(...) LOG_AT_LEVEL(LOG_LEVEL_WRN, PORT_LOG_WRN, __VA_ARGS__)
#define LOG_INF(...) LOG_AT_LEVEL(LOG_LEVEL_INF, PORT_LOG_INF, __VA_ARGS__)
#define LOG_DBG(...) LOG_AT_LEVEL(LOG_LEVEL_DBG, PORT_LOG_DBG, __VA_ARGS__)

#endif /* SMPDFU_LOG_H */
