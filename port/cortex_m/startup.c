/*
 * Start-up of a Cortex-M image: the vector table the linker script puts first, and the reset
 * handler that sets up C (copies .data, clears .bss) and runs main(). Nothing here uses
 * interrupts; every exception is a fault that resets the device, which is how a bootloader gets
 * back control from an image that crashed before it was confirmed.
 */
#include <stdint.h>
#include <string.h>

#include <smpdfu/port.h>

#include "cortex_m.h"

/* From the linker script (port/cortex_m/image.ld). */
extern uint32_t __stack_top;
extern uint32_t __data_load;
extern uint32_t __data_start;
extern uint32_t __data_end;
extern uint32_t __bss_start;
extern uint32_t __bss_end;

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
		port_log(PORT_LOG_ERR, "fault", "unexpected exception: resetting");
	}
	cortex_m_system_reset();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + EXTERNAL_VECTORS])(
	void) = {
	[0] = (void (*)(void))&__stack_top,
	[1] = cortex_m_reset_handler,
	[2 ... 16 + EXTERNAL_VECTORS - 1] = fault_handler,
};

void cortex_m_reset_handler(void)
{
	size_t data_len = (size_t)((uintptr_t)&__data_end - (uintptr_t)&__data_start);
	size_t bss_len = (size_t)((uintptr_t)&__bss_end - (uintptr_t)&__bss_start);

	memcpy(&__data_start, &__data_load, data_len);
	memset(&__bss_start, 0, bss_len);
	(void)main();
	cortex_m_system_reset();
}
