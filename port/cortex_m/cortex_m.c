/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Cortex-M part of the port contract: the critical section (PRIMASK), reboot through the
 * System Control Block, a broken contract ends in a reset, and the jump into another image.
 */
#include "cortex_m.h"

#include <smpdfu/config.h>
#include <smpdfu/port.h>

#include "log.h"

#define LOG_MODULE "cortex_m"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu)
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)

unsigned int smpdfu_port_critical_enter(void)
{
	unsigned int primask;

	/* Nestable: the key is the PRIMASK before, and only the outermost exit restores 0. */
	__asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
	return primask;
}

void smpdfu_port_critical_exit(unsigned int key)
{
	__asm volatile("msr primask, %0" : : "r"(key) : "memory");
}

_Noreturn void cortex_m_system_reset(void)
{
	__asm volatile("dsb" : : : "memory");
	SCB_AIRCR = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
	__asm volatile("dsb" : : : "memory");
	for (;;) {
	}
}

void smpdfu_port_reboot(void)
{
	/* The deepest the image ever went: read by the size report (bench/footprint.sh). */
	LOG_INF("rebooting; stack high-water %u of %u bytes",
		(unsigned int)cortex_m_stack_high_water(), (unsigned int)cortex_m_stack_size());
	cortex_m_system_reset();
}

_Noreturn void smpdfu_port_assert_fail(const char *file, int line)
{
	LOG_ERR("assertion failed at %s:%d", file, line);
	cortex_m_system_reset();
}

_Noreturn void cortex_m_start_image(uint32_t vector_table)
{
	const volatile uint32_t *vt = (const volatile uint32_t *)vector_table;
	uint32_t sp = vt[0];
	uint32_t entry = vt[1];

	if (CONFIG_CPU_HAS_VTOR) {
		SCB_VTOR = vector_table;
		__asm volatile("dsb\n\tisb" : : : "memory");
	}
	/* From here on only registers: the old stack is gone once MSP is replaced. */
	__asm volatile("msr msp, %0\n\tbx %1" : : "r"(sp), "r"(entry) : "memory");
	__builtin_unreachable();
}
