/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console on UART0, polled: no interrupt, no DMA. Received bytes wait in the UART's small
 * receive FIFO until the main loop reads them, so a host must not send faster than the device
 * reads: with hardware flow control (not wired here) or a client window of one request, as
 * docs/porting.md explains. On the emulated board the host side waits by itself.
 */
#include <smpdfu/config.h>

#include "console.h"
#include "nrf.h"

_Static_assert(CONFIG_SMPDFU_CONSOLE_UART_BAUD == 115200 ||
		       CONFIG_SMPDFU_CONSOLE_UART_BAUD == 1000000,
	       "CONFIG_SMPDFU_CONSOLE_UART_BAUD: this port knows 115200 and 1000000");

void console_init(void)
{
	UART_PSELTXD = CONFIG_SMPDFU_CONSOLE_UART_TX_PIN;
	UART_PSELRXD = CONFIG_SMPDFU_CONSOLE_UART_RX_PIN;
	UART_BAUDRATE = CONFIG_SMPDFU_CONSOLE_UART_BAUD == 115200 ? UART_BAUDRATE_115200 :
								     UART_BAUDRATE_1000000;
	UART_ENABLE = UART_ENABLE_ON;
	UART_EVENTS_RXDRDY = 0;
	UART_EVENTS_TXDRDY = 0;
	UART_TASKS_STARTTX = 1;
	UART_TASKS_STARTRX = 1;
}

/*
 * How long a byte may take to leave, in polls of TXDRDY: far more than one byte needs at 115200
 * baud (87 us) at any CPU clock of these parts. A UART that is off never signals TXDRDY: between
 * the bootloader's console_deinit() and the next image's console_init(), a fault handler's log
 * line would otherwise keep the device from ever reaching its reset.
 */
#define TXDRDY_POLLS_MAX 100000u

void console_write(const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		uint32_t polls = 0;

		UART_TXD = p[i];
		while (UART_EVENTS_TXDRDY == 0) {
			if (++polls == TXDRDY_POLLS_MAX) {
				/* The console is off: the rest is dropped, as a log may be. */
				return;
			}
		}
		UART_EVENTS_TXDRDY = 0;
	}
}

size_t console_read(uint8_t *buf, size_t cap)
{
	size_t n = 0;

	/* An overrun or framing error loses bytes; the SMP decoder drops the broken packet. */
	if (UART_EVENTS_ERROR != 0) {
		UART_EVENTS_ERROR = 0;
		UART_ERRORSRC = UART_ERRORSRC;
	}
	while (n < cap && UART_EVENTS_RXDRDY != 0) {
		/* Clear the event before reading RXD: reading it lets the next byte in. */
		UART_EVENTS_RXDRDY = 0;
		buf[n++] = (uint8_t)UART_RXD;
	}
	return n;
}

void console_deinit(void)
{
	UART_TASKS_STOPRX = 1;
	UART_TASKS_STOPTX = 1;
	UART_ENABLE = 0;
}
