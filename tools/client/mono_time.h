/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A monotonic clock for deadlines and throughput, immune to wall-clock changes, and the clock
 * abstraction that lets a simulated link (the ble-model transport) run the same code in virtual
 * time.
 */
#ifndef SMPDFU_CLIENT_MONO_TIME_H
#define SMPDFU_CLIENT_MONO_TIME_H

#include <stdint.h>

/* Milliseconds since an arbitrary fixed point. */
uint64_t mono_ms(void);
/* Seconds since an arbitrary fixed point, with sub-millisecond resolution. */
double mono_seconds(void);

/* A clock other than the host's: a transport that simulates its link in virtual time has one. */
struct client_clock {
	uint64_t (*now_us)(void *ctx); /* microseconds since an arbitrary fixed point */
	void *ctx;
};

/* Now on clock c in milliseconds / seconds; c NULL means the host's monotonic clock. */
uint64_t clock_ms(const struct client_clock *c);
double clock_seconds(const struct client_clock *c);

#endif /* SMPDFU_CLIENT_MONO_TIME_H */
