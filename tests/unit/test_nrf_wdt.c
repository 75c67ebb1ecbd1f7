/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nRF port's watchdog feed (port/nrf/nrf_wdt.c) on a register block in RAM: a stopped WDT is
 * left alone, a running one gets the reload value in each enabled reload register and nowhere else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static uint32_t wdt[0x620 / 4];
#define NRF_WDT ((uintptr_t)wdt)

#include "../../port/nrf/nrf_wdt.c"

#define REG(off) wdt[(off) / 4]
#define RUNSTATUS REG(0x400)
#define RREN REG(0x508)
#define RR(n) REG(0x600 + 4 * (n))

static int clear(void **state)
{
	(void)state;
	memset(wdt, 0, sizeof(wdt));
	return 0;
}

static void test_a_stopped_watchdog_is_not_touched(void **state)
{
	(void)state;
	RREN = 0xff;
	nrf_wdt_feed();
	for (unsigned int n = 0; n < 8; n++) {
		assert_int_equal(RR(n), 0);
	}
}

static void test_a_running_watchdog_gets_every_enabled_register_reloaded(void **state)
{
	(void)state;
	RUNSTATUS = 1;
	RREN = 0x85; /* RR[0], RR[2] and RR[7] */
	nrf_wdt_feed();
	for (unsigned int n = 0; n < 8; n++) {
		assert_int_equal(RR(n), (0x85u >> n & 1u) ? 0x6E524635u : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_stopped_watchdog_is_not_touched, clear),
		cmocka_unit_test_setup(test_a_running_watchdog_gets_every_enabled_register_reloaded,
				       clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
