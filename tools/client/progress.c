/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Progress display. On a terminal the bar is redrawn at most ten times a second: over loopback
 * the device answers thousands of times a second, and redrawing each time would cost more than
 * it shows.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <unistd.h>

#include "mono_time.h"
#include "progress.h"

#define BAR_WIDTH 24
#define REDRAW_INTERVAL_S 0.1

void progress_init(struct progress *p, FILE *out, bool enabled, size_t size)
{
	*p = (struct progress){
		.out = out,
		.enabled = enabled,
		.tty = isatty(fileno(out)) == 1,
		.size = size,
		.t0 = mono_seconds(),
		.last_draw = -1.0,
	};
}

void progress_set_base(struct progress *p, size_t base)
{
	p->base = base;
	p->last_decile = (int)(p->size ? base * 10 / p->size : 0);
}

static double rate_bytes_s(const struct progress *p, size_t done, double now)
{
	double dt = now - p->t0;

	return dt > 0 && done > p->base ? (double)(done - p->base) / dt : 0.0;
}

static void draw_bar(struct progress *p, size_t done, double now)
{
	double frac = p->size ? (double)done / (double)p->size : 1.0;
	int filled = (int)(frac * BAR_WIDTH);
	double rate = rate_bytes_s(p, done, now);
	char bar[BAR_WIDTH + 1];

	for (int i = 0; i < BAR_WIDTH; i++) {
		bar[i] = i < filled ? '#' : '-';
	}
	bar[BAR_WIDTH] = '\0';
	fprintf(p->out, "\r[%s] %3d%%  %zu/%zu B  %.1f KiB/s", bar, (int)(frac * 100.0), done,
		p->size, rate / 1024.0);
	if (rate > 0 && done < p->size) {
		unsigned long eta = (unsigned long)((double)(p->size - done) / rate + 0.5);

		fprintf(p->out, "  ETA %lu:%02lu  ", eta / 60, eta % 60);
	} else {
		fprintf(p->out, "             ");
	}
	fflush(p->out);
	p->drawn = true;
}

void progress_update(struct progress *p, size_t done)
{
	double now = clock_seconds(p->clock);
	int decile;

	if (!p->started) {
		p->started = true;
		p->t0 = now;
	}
	if (!p->enabled) {
		return;
	}
	if (p->tty) {
		bool due = p->last_draw < 0 || now - p->last_draw >= REDRAW_INTERVAL_S;

		if (done == p->size || due) {
			draw_bar(p, done, now);
			p->last_draw = now;
		}
		return;
	}
	decile = (int)(p->size ? done * 10 / p->size : 10);
	if (decile > p->last_decile) {
		p->last_decile = decile;
		fprintf(p->out, "upload: %3d%%  %zu/%zu bytes  %.1f KiB/s\n", decile * 10, done,
			p->size, rate_bytes_s(p, done, now) / 1024.0);
		fflush(p->out);
	}
}

void progress_break_line(struct progress *p)
{
	if (p->drawn) {
		fputc('\n', p->out);
		fflush(p->out);
		p->drawn = false;
	}
}
