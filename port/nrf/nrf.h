/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nRF51/nRF52 peripherals this port drives, from the reference manuals: the same addresses
 * and register offsets on both series (UART0, TIMER0, NVMC, WDT, FICR). Tasks are triggered by
 * writing 1, events are cleared by writing 0.
 */
#ifndef SMPDFU_NRF_H
#define SMPDFU_NRF_H

#include <stdint.h>

#define NRF_REG(base, off) (*(volatile uint32_t *)((base) + (off)))

/* UART0 (the legacy UART without EasyDMA, present on both series). */
#define NRF_UART0 0x40002000u
#define UART_TASKS_STARTRX NRF_REG(NRF_UART0, 0x000)
#define UART_TASKS_STOPRX NRF_REG(NRF_UART0, 0x004)
#define UART_TASKS_STARTTX NRF_REG(NRF_UART0, 0x008)
#define UART_TASKS_STOPTX NRF_REG(NRF_UART0, 0x00C)
#define UART_EVENTS_RXDRDY NRF_REG(NRF_UART0, 0x108)
#define UART_EVENTS_TXDRDY NRF_REG(NRF_UART0, 0x11C)
#define UART_EVENTS_ERROR NRF_REG(NRF_UART0, 0x124)
#define UART_ERRORSRC NRF_REG(NRF_UART0, 0x480)
#define UART_ENABLE NRF_REG(NRF_UART0, 0x500)
#define UART_PSELTXD NRF_REG(NRF_UART0, 0x50C)
#define UART_PSELRXD NRF_REG(NRF_UART0, 0x514)
#define UART_RXD NRF_REG(NRF_UART0, 0x518)
#define UART_TXD NRF_REG(NRF_UART0, 0x51C)
#define UART_BAUDRATE NRF_REG(NRF_UART0, 0x524)
#define UART_ENABLE_ON 4u
#define UART_BAUDRATE_115200 0x01D7E000u
#define UART_BAUDRATE_1000000 0x10000000u

/* TIMER0: the uptime clock. */
#define NRF_TIMER0 0x40008000u
#define TIMER_TASKS_START NRF_REG(NRF_TIMER0, 0x000)
#define TIMER_TASKS_STOP NRF_REG(NRF_TIMER0, 0x004)
#define TIMER_TASKS_CLEAR NRF_REG(NRF_TIMER0, 0x00C)
#define TIMER_TASKS_CAPTURE0 NRF_REG(NRF_TIMER0, 0x040)
#define TIMER_MODE NRF_REG(NRF_TIMER0, 0x504)
#define TIMER_BITMODE NRF_REG(NRF_TIMER0, 0x508)
#define TIMER_PRESCALER NRF_REG(NRF_TIMER0, 0x510)
#define TIMER_CC0 NRF_REG(NRF_TIMER0, 0x540)
#define TIMER_MODE_TIMER 0u
#define TIMER_BITMODE_32 3u
#define TIMER_PRESCALER_1MHZ 4u /* 16 MHz / 2^4 */

/* NVMC: the internal flash's controller. */
#define NRF_NVMC 0x4001E000u
#define NVMC_READY NRF_REG(NRF_NVMC, 0x400)
#define NVMC_CONFIG NRF_REG(NRF_NVMC, 0x504)
#define NVMC_ERASEPAGE NRF_REG(NRF_NVMC, 0x508)
#define NVMC_CONFIG_REN 0u
#define NVMC_CONFIG_WEN 1u
#define NVMC_CONFIG_EEN 2u

/*
 * WDT: once started it runs until a reset other than a soft one, so it may be running when the
 * bootloader starts. A unit test points the base at RAM.
 */
#ifndef NRF_WDT
#define NRF_WDT 0x40010000u
#endif
#define WDT_RUNSTATUS NRF_REG(NRF_WDT, 0x400)
#define WDT_RREN NRF_REG(NRF_WDT, 0x508)
#define WDT_RR(n) NRF_REG(NRF_WDT, 0x600 + 4u * (n))
#define WDT_RR_COUNT 8u
#define WDT_RR_RELOAD 0x6E524635u

/* FICR: what the part says about its flash. */
#define NRF_FICR 0x10000000u
#define FICR_CODEPAGESIZE NRF_REG(NRF_FICR, 0x010)
#define FICR_CODESIZE NRF_REG(NRF_FICR, 0x014)

#endif /* SMPDFU_NRF_H */
