/*
 * What the link simulators (smpdfu-blesim, smpdfu-serialsim) share around one DFU upload: the
 * common options, the image to send, and the upload itself with the client's own SMP layer and
 * upload engine, sized from the device's MCUmgr params as real clients do.
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
	int timeout_ms;
	bool json;
	enum port_log_level log_level;
};

/* The options' help text, one line each, for a usage message. */
extern const char sim_dfu_opts_help[];

void sim_dfu_opts_defaults(struct sim_dfu_opts *o);

/*
 * Takes opt (with its value val) when it is one of the common options. Returns 1 when taken, 0
 * when opt is not one of them, -EINVAL for a bad value (said on stderr, prefixed with prog).
 */
int sim_dfu_opts_parse(struct sim_dfu_opts *o, const char *prog, const char *opt,
		       const char *val);

/* A strict decimal or 0x count up to max. */
bool sim_dfu_parse_count(const char *s, unsigned long max, unsigned long *out);

/*
 * The image to upload: o->image read whole, or an unsigned image of o->size bytes. Returns a
 * malloc'd buffer and its size, or NULL (said on stderr).
 */
uint8_t *sim_dfu_image(const struct sim_dfu_opts *o, const char *prog, size_t *size);

/*
 * What a simulator's main does once its options are parsed: sets the device's log level, makes
 * or reads the image and calls run(ctx, img, size), which returns 0 or -errno. Returns the exit
 * status: 0, 1 when run failed, 2 when the image file cannot be read.
 */
int sim_dfu_main(const struct sim_dfu_opts *o, const char *prog,
		 int (*run)(const void *ctx, const uint8_t *img, size_t size), const void *ctx);

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
