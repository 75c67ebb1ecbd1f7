/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Feeding the watchdog an application left running. The WDT reloads its counter only once every
 * reload register it has enabled has been written, so each of them is.
 */
#include "nrf_wdt.h"

#include <stdint.h>

#include "nrf.h"

void nrf_wdt_feed(void)
{
	uint32_t enabled;

	if ((WDT_RUNSTATUS & 1u) == 0) {
		return;
	}
	enabled = WDT_RREN;
	for (uint32_t n = 0; n < WDT_RR_COUNT; n++) {
		if (enabled & (1u << n)) {
			WDT_RR(n) = WDT_RR_RELOAD;
		}
	}
}
