/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the link simulators (smpdfu-blesim, smpdfu-serialsim) share around one DFU upload: their
 * main (the common options, the image to send) and the upload itself with the client's own SMP
 * layer and upload engine, sized from the device's MCUmgr params as real clients do.
 */
#ifndef SIM_DFU_H
#define SIM_DFU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/port.h>

#include "transport.h"
#include "upload.h"

struct sim_dfu_opts {
	size_t size;          /* image bytes to generate, when no file is given */
	const char *image;    /* or the file to upload */
	unsigned int window;  /* 0: buf_count - 1 */
	size_t packet;        /* SMP packet size; 0: buf_size (less the link's framing) */
	int timeout_ms;
	bool json;
	enum port_log_level log_level;
};

/* The options' help text, one line each, for a usage message. */
extern const char sim_dfu_opts_help[];

/* A strict decimal or 0x count up to max. */
bool sim_dfu_parse_count(const char *s, unsigned long max, unsigned long *out);

/* Says "prog: what: arg" (or "prog: what" for a NULL arg) on stderr; returns -EINVAL. */
int sim_dfu_usage_error(const char *prog, const char *what, const char *arg);

/* A link simulator, as its main() describes it to sim_dfu_main(). */
struct sim_dfu_program {
	const char *name;            /* "smpdfu-blesim", for messages */
	struct sim_dfu_opts *opts;   /* the common options, set to their defaults here */
	/* Prints the usage, with sim_dfu_opts_help among the options. */
	void (*help)(void);
	/* Takes one of the simulator's own --OPTION VALUE: 0, or -EINVAL said on stderr. */
	int (*set)(void *ctx, const char *opt, const char *val);
	/* Runs the simulation and uploads img[0..size): 0 or -errno. */
	int (*run)(const void *ctx, const uint8_t *img, size_t size);
	void *ctx;
};

/*
 * A simulator's whole main: parses argv (--help, --json, the common options, the rest through
 * p->set), sets the device's log level, makes or reads the image and runs. Returns the exit
 * status: 0 (also after --help), 1 when the run failed, 2 for bad options or an unreadable
 * image file.
 */
int sim_dfu_main(int argc, char **argv, const struct sim_dfu_program *p);

struct sim_dfu_result {
	uint64_t buf_size;     /* from the device's MCUmgr params */
	uint64_t buf_count;
	size_t packet_size;    /* what the client sent: buf_size less the link's framing */
	unsigned int window;
	struct upload_result up;
};

/*
 * Reads MCUmgr params over t and uploads img[0..size) with packets of buf_size (less the link's
 * own framing) and a window of o->window or buf_count - 1, as nRF Connect Device Manager does.
 * observe (may be NULL) lends the upload its on_progress, on_event and arg. Returns 0 once the
 * device holds the image and reported a match (or no match field), -EBADMSG for a hash mismatch,
 * or the upload's -errno (r->up.failure or r->up.err says why); r->buf_count stays 0 when the
 * params went unanswered (said on stderr).
 */
int sim_dfu_upload(struct transport *t, const struct sim_dfu_opts *o, const char *prog,
		   const uint8_t *img, size_t size, const struct upload_cfg *observe,
		   struct sim_dfu_result *r);

#endif /* SIM_DFU_H */
