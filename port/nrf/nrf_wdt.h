/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nRF51/nRF52 watchdog as the bootloader sees it: an application may have started it, and
 * nothing but a reset stops it, so a long swap must keep it from firing.
 */
#ifndef SMPDFU_NRF_WDT_H
#define SMPDFU_NRF_WDT_H

/* Reloads the watchdog through each reload register it has enabled; nothing when it is stopped. */
void nrf_wdt_feed(void);

#endif /* SMPDFU_NRF_WDT_H */
