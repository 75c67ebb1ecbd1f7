/* SPDX-License-Identifier: Apache-2.0 */
/* The monotonic clock behind every client deadline (CLOCK_MONOTONIC). */
#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "mono_time.h"

uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t clock_ms(const struct client_clock *c)
{
	return c != NULL ? c->now_us(c->ctx) / 1000u : mono_ms();
}

double clock_seconds(const struct client_clock *c)
{
	return c != NULL ? (double)c->now_us(c->ctx) / 1e6 : mono_seconds();
}
