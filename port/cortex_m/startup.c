/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Start-up of a Cortex-M image: the vector table the linker script puts first, and the reset
 * handler that sets up C (copies .data, clears .bss, paints the stack so that its high-water
 * mark can be measured) and runs main(). Nothing here uses
 * interrupts; every exception is a fault that resets the device, which is how a bootloader gets
 * back control from an image that crashed before it was confirmed.
 */
#include <stdint.h>
#include <string.h>

#include <smpdfu/port.h>

#include "cortex_m.h"
#include "log.h"

#define LOG_MODULE "fault"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* From the linker script (port/cortex_m/image.ld). */
extern uint32_t __stack_top;
extern uint32_t __data_load;
extern uint32_t __data_start;
extern uint32_t __data_end;
extern uint32_t __bss_start;
extern uint32_t __bss_end;
extern uint32_t __stack_limit;

/* What the unused stack holds, so that its high-water mark can be read back (cortex_m.h). */
#define STACK_PAINT 0x5AC4F00Du

int main(void);
void cortex_m_reset_handler(void);

/* Vectors after the 16 of the core; enough for the nRF52840's 48 interrupts. */
#define EXTERNAL_VECTORS 48

static void fault_handler(void)
{
	static volatile int faulted;

	/* A fault while reporting one must not loop: the second one resets at once. */
	if (!faulted) {
		faulted = 1;
		LOG_ERR("unexpected exception: resetting");
	}
	cortex_m_system_reset();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + EXTERNAL_VECTORS])(
	void) = {
	[0] = (void (*)(void))&__stack_top,
	[1] = cortex_m_reset_handler,
	[2 ... 16 + EXTERNAL_VECTORS - 1] = fault_handler,
};

/* Paints the stack below this function's frame (with a margin for the loop's own registers). */
static void paint_stack(void)
{
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0) - 32u;

	for (volatile uint32_t *p = &__stack_limit; (uintptr_t)p < frame; p++) {
		*p = STACK_PAINT;
	}
}

uint32_t cortex_m_stack_high_water(void)
{
	const uint32_t *p = &__stack_limit;

	while (p < &__stack_top && *p == STACK_PAINT) {
		p++;
	}
	return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)p);
}

uint32_t cortex_m_stack_size(void)
{
	return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_limit);
}

void cortex_m_reset_handler(void)
{
	size_t data_len = (size_t)((uintptr_t)&__data_end - (uintptr_t)&__data_start);
	size_t bss_len = (size_t)((uintptr_t)&__bss_end - (uintptr_t)&__bss_start);

	memcpy(&__data_start, &__data_load, data_len);
	memset(&__bss_start, 0, bss_len);
	paint_stack();
	(void)main();
	cortex_m_system_reset();
}
