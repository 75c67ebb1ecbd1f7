/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Upload progress for people: a bar redrawn in place on a terminal (percent, bytes, throughput,
 * time left), a plain line every 10 % when the output goes to a file or a pipe.
 */
#ifndef SMPDFU_CLIENT_PROGRESS_H
#define SMPDFU_CLIENT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mono_time.h"

struct progress {
	FILE *out;
	bool enabled;
	bool tty;
	bool drawn;      /* a bar is on the current line */
	bool started;    /* the first update came; the clock runs from there */
	size_t size;
	size_t base;     /* bytes the device had before this run (resume) */
	double t0;
	double last_draw;
	const struct client_clock *clock; /* NULL: the host's clock; set after progress_init() */
	int last_decile;
};

/* Nothing is shown unless enabled. The clock starts with the first update. */
void progress_init(struct progress *p, FILE *out, bool enabled, size_t size);
/* Bytes the device already had: throughput counts only what this run sends. */
void progress_set_base(struct progress *p, size_t base);
void progress_update(struct progress *p, size_t done);
/* Ends the bar's line so that other messages start on a fresh one. */
void progress_break_line(struct progress *p);

#endif /* SMPDFU_CLIENT_PROGRESS_H */
