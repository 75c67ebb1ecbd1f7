/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The atomic operations C11 <stdatomic.h> needs on ARMv6-M (Cortex-M0), which has no exclusive
 * loads and stores: GCC calls these functions instead, and each does its work with interrupts
 * masked, which is atomic on a single core. Only built for the M0 (firmware/CMakeLists.txt).
 * The 4-byte ones take unsigned int, the type GCC's built-in declarations give them.
 */
#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/port.h>

bool __atomic_compare_exchange_1(volatile void *mem, void *expected, uint8_t desired, bool weak,
				 int success_order, int failure_order);
bool __atomic_compare_exchange_4(volatile void *mem, void *expected, unsigned int desired,
				 bool weak, int success_order, int failure_order);
uint8_t __atomic_exchange_1(volatile void *mem, uint8_t value, int order);
unsigned int __atomic_exchange_4(volatile void *mem, unsigned int value, int order);

/* The memory orders need nothing more: masking interrupts orders everything on one core. */
#define COMPARE_EXCHANGE(type, mem, expected, desired)                                             \
	do {                                                                                       \
		volatile type *m = (mem);                                                          \
		type *e = (expected);                                                              \
		unsigned int key = smpdfu_port_critical_enter();                                   \
		bool equal = *m == *e;                                                             \
		if (equal) {                                                                       \
			*m = (desired);                                                            \
		} else {                                                                           \
			*e = *m;                                                                   \
		}                                                                                  \
		smpdfu_port_critical_exit(key);                                                    \
		return equal;                                                                      \
	} while (0)

bool __atomic_compare_exchange_1(volatile void *mem, void *expected, uint8_t desired, bool weak,
				 int success_order, int failure_order)
{
	(void)weak;
	(void)success_order;
	(void)failure_order;
	COMPARE_EXCHANGE(uint8_t, mem, expected, desired);
}

bool __atomic_compare_exchange_4(volatile void *mem, void *expected, unsigned int desired,
				 bool weak, int success_order, int failure_order)
{
	(void)weak;
	(void)success_order;
	(void)failure_order;
	COMPARE_EXCHANGE(unsigned int, mem, expected, desired);
}

uint8_t __atomic_exchange_1(volatile void *mem, uint8_t value, int order)
{
	volatile uint8_t *m = mem;
	unsigned int key = smpdfu_port_critical_enter();
	uint8_t old = *m;

	(void)order;
	*m = value;
	smpdfu_port_critical_exit(key);
	return old;
}

unsigned int __atomic_exchange_4(volatile void *mem, unsigned int value, int order)
{
	volatile unsigned int *m = mem;
	unsigned int key = smpdfu_port_critical_enter();
	unsigned int old = *m;

	(void)order;
	*m = value;
	smpdfu_port_critical_exit(key);
	return old;
}
