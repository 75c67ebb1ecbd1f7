/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the Cortex-M port gives a firmware image beyond the port contract: starting another image
 * (the bootloader's last act) and the system reset. Startup code, vector table and the critical
 * section come with the port and need no call.
 */
#ifndef SMPDFU_CORTEX_M_H
#define SMPDFU_CORTEX_M_H

#include <stdint.h>

/*
 * Runs the image whose vector table is at vector_table: its stack pointer and reset handler are
 * the table's first two words. Where the core can move its vector table (VTOR), it is pointed
 * there first; a Cortex-M0 keeps the bootloader's, so the image must run without interrupts.
 * Called with interrupts as at reset; never returns.
 */
_Noreturn void cortex_m_start_image(uint32_t vector_table);

/* A system reset through the System Control Block (AIRCR.SYSRESETREQ); never returns. */
_Noreturn void cortex_m_system_reset(void);

/*
 * The most stack used since reset, in bytes: the start-up code paints the stack, and the deepest
 * word overwritten since marks it (a lower bound when something wrote the paint value itself).
 */
uint32_t cortex_m_stack_high_water(void);
/* The stack's size (CONFIG_MAIN_STACK_SIZE, as the linker script places it). */
uint32_t cortex_m_stack_size(void);

#endif /* SMPDFU_CORTEX_M_H */
