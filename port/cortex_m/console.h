/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console a bare-metal port writes its log lines to and the serial SMP transport shares: a
 * UART, provided by the SoC's port (port/nrf/nrf_uart.c). Polled: each call returns when its
 * bytes are on their way.
 */
#ifndef SMPDFU_CONSOLE_H
#define SMPDFU_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Sets the console's pins and speed and enables it (from <smpdfu/config.h>). */
void console_init(void);
/* Writes len bytes, waiting for each to be taken by the transmitter; drops them if it is off. */
void console_write(const void *data, size_t len);
/* Moves up to cap received bytes into buf, without waiting; returns how many. */
size_t console_read(uint8_t *buf, size_t cap);
/* Stops the console, so that the next image finds the UART as at reset. */
void console_deinit(void);

#endif /* SMPDFU_CONSOLE_H */
