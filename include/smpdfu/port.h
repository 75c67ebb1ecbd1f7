/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The port contract: the few OS services the portable core needs. Every function here must be
 * provided by the port (port/posix for the simulated device); a missing one fails at link time.
 */
#ifndef SMPDFU_PORT_H
#define SMPDFU_PORT_H

#include <stdint.h>

#include <smpdfu/config.h>

/* Milliseconds since start, monotonic, wrapping at 2^32. Any context. */
uint32_t smpdfu_port_uptime_ms(void);

/* Reboots the device. On the simulated device the process restarts; the flash file survives. */
void smpdfu_port_reboot(void);

enum port_log_level { PORT_LOG_ERR, PORT_LOG_WRN, PORT_LOG_INF, PORT_LOG_DBG };

/*
 * Logs one line, printf-style; `module` names the source ("smp", "img", ...). Any context. The
 * library calls it through the LOG_* macros of its private log.h, whose level is fixed at
 * compile time (CONFIG_LOG_DEFAULT_LEVEL and the CONFIG_*_LOG_LEVEL options).
 */
void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Called on a broken programmer contract; never returns. */
_Noreturn void smpdfu_port_assert_fail(const char *file, int line);

/* Nestable critical section: returns a key for the matching exit. */
unsigned int smpdfu_port_critical_enter(void);
void smpdfu_port_critical_exit(unsigned int key);

/* The file's name without its directory: enough to find the line, and 20 bytes less per file. */
#ifdef __FILE_NAME__
#define PORT_ASSERT_FILE __FILE_NAME__
#else
#define PORT_ASSERT_FILE __FILE__
#endif

/* With CONFIG_ASSERT off the condition is still compiled (and type-checked), never run. */
#define PORT_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (CONFIG_ASSERT && !(cond)) {                                                    \
			smpdfu_port_assert_fail(PORT_ASSERT_FILE, __LINE__);                       \
		}                                                                                  \
	} while (0)

#endif /* SMPDFU_PORT_H */
