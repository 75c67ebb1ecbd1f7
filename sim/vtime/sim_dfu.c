/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One DFU upload for the link simulators, done the way a phone or laptop client does it: read the
 * device's buffer size and count, then keep buf_count - 1 full-sized requests in flight.
 */
#include "sim_dfu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/cbor.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>

#include "sim_image.h"
#include "smp_client.h"
#include "vport.h"
#include "util.h"

/* The smallest packet --packet takes: an upload chunk's header, CBOR keys and some data. */
#define SMP_PACKET_MIN 64u

const char sim_dfu_opts_help[] =
	"  --size BYTES       generate an unsigned image of exactly this size (default 524288)\n"
	"  --image FILE       upload this file instead\n"
	"  --window N         requests in flight (default: buf_count - 1 from MCUmgr params)\n"
	"  --packet BYTES     SMP packet size, at most buf_size (default: buf_size), as a\n"
	"                     device with smaller buffers would report\n"
	"  --timeout-ms MS    client timeout per request (default 2500; first chunk 40 s)\n"
	"  --json             one JSON object on stdout\n"
	"  --log-level LEVEL  device log on stderr, err|wrn|inf|dbg (default err)\n";

static void opts_defaults(struct sim_dfu_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = 512 * 1024;
	o->timeout_ms = 2500;
	o->log_level = PORT_LOG_ERR;
}

bool sim_dfu_parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9') {
		return false;
	}
	*out = strtoul(s, &end, 0);
	return *end == '\0' && *out <= max;
}

int sim_dfu_usage_error(const char *prog, const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s%s%s\n(--help lists the options)\n", prog, what,
		arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return -EINVAL;
}

/*
 * Takes opt (with its value val) when it is one of the common options. Returns 1 when taken, 0
 * when opt is not one of them, -EINVAL for a bad value (said on stderr, prefixed with prog).
 */
static int opts_parse(struct sim_dfu_opts *o, const char *prog, const char *opt, const char *val)
{
	static const char *const levels[] = { "err", "wrn", "inf", "dbg" };
	unsigned long n;

	if (strcmp(opt, "--size") == 0) {
		if (!sim_dfu_parse_count(val, CONFIG_SIM_SLOT_SIZE, &n) || n < SIM_IMAGE_MIN_SIZE) {
			return sim_dfu_usage_error(prog, "--size: 553 bytes up to the slot size",
						   val);
		}
		o->size = n;
	} else if (strcmp(opt, "--image") == 0) {
		o->image = val;
	} else if (strcmp(opt, "--packet") == 0) {
		if (!sim_dfu_parse_count(val, UINT16_MAX, &n) || n < SMP_PACKET_MIN) {
			return sim_dfu_usage_error(prog, "--packet must be 64..65535", val);
		}
		o->packet = (size_t)n;
	} else if (strcmp(opt, "--window") == 0) {
		if (!sim_dfu_parse_count(val, UPLOAD_MAX_WINDOW, &n) || n < 1) {
			return sim_dfu_usage_error(prog, "--window must be 1..64", val);
		}
		o->window = (unsigned int)n;
	} else if (strcmp(opt, "--timeout-ms") == 0) {
		if (!sim_dfu_parse_count(val, 3600000, &n) || n < 1) {
			return sim_dfu_usage_error(prog, "--timeout-ms must be 1..3600000", val);
		}
		o->timeout_ms = (int)n;
	} else if (strcmp(opt, "--log-level") == 0) {
		size_t k;

		for (k = 0; k < 4 && strcmp(val, levels[k]) != 0; k++) {
		}
		if (k == 4) {
			return sim_dfu_usage_error(prog, "--log-level must be err, wrn, inf or dbg",
						   val);
		}
		o->log_level = (enum port_log_level)k;
	} else {
		return 0;
	}
	return 1;
}

static uint8_t *load_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f == NULL) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len);
		if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return buf;
}

/*
 * The image to upload: o->image read whole, or an unsigned image of o->size bytes. Returns a
 * malloc'd buffer and its size, or NULL (said on stderr).
 */
static uint8_t *make_image(const struct sim_dfu_opts *o, const char *prog, size_t *size)
{
	uint8_t *img;

	if (o->image != NULL) {
		img = load_file(o->image, size);
		if (img == NULL) {
			fprintf(stderr, "%s: cannot read %s\n", prog, o->image);
		}
		return img;
	}
	*size = o->size;
	img = sim_image_make(o->size, 1, 2, 3, 0x12345678u);
	if (img == NULL) {
		fprintf(stderr, "%s: cannot build the image\n", prog);
	}
	return img;
}

/* 0 to go on, 1 after --help, -EINVAL for a bad option (said on stderr). */
static int parse_args(int argc, char **argv, const struct sim_dfu_program *p)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int rc;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			p->help();
			return 1;
		}
		if (strcmp(opt, "--json") == 0) {
			p->opts->json = true;
			continue;
		}
		if (strncmp(opt, "--", 2) != 0 || val == NULL) {
			return sim_dfu_usage_error(p->name, "expected --OPTION VALUE", opt);
		}
		i++;
		rc = opts_parse(p->opts, p->name, opt, val);
		if (rc == 0) {
			rc = p->set(p->ctx, opt, val);
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int sim_dfu_main(int argc, char **argv, const struct sim_dfu_program *p)
{
	const struct sim_dfu_opts *o = p->opts;
	uint8_t *img;
	size_t size;
	int rc;

	opts_defaults(p->opts);
	rc = parse_args(argc, argv, p);
	if (rc != 0) {
		return rc > 0 ? 0 : 2;
	}
	vport_set_log_level(o->log_level);
	img = make_image(o, p->name, &size);
	if (img == NULL) {
		return o->image != NULL ? 2 : 1;
	}
	rc = p->run(p->ctx, img, size);
	free(img);
	return rc < 0 ? 1 : 0;
}

static int read_params(struct smp_client *c, uint64_t *buf_size, uint64_t *buf_count)
{
	uint8_t pkt[SMP_HDR_SIZE + 8];
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	smpdfu_cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, 0);
	rc = smp_client_transact(c, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_MCUMGR_PARAMS, pkt,
				 w.len, 10000, &rsp);
	if (rc < 0) {
		return rc;
	}
	return smp_rsp_params(&rsp, buf_size, buf_count);
}

int sim_dfu_upload(struct transport *t, const struct sim_dfu_opts *o, const char *prog,
		   const uint8_t *img, size_t size, const struct upload_cfg *observe,
		   struct sim_dfu_result *r)
{
	struct upload_cfg ucfg = { .timeout_ms = o->timeout_ms };
	struct smp_client c;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = smp_client_init(&c, t, SMP_VERSION_2, false);
	if (rc < 0) {
		return rc;
	}
	rc = read_params(&c, &r->buf_size, &r->buf_count);
	if (rc < 0) {
		fprintf(stderr, "%s: MCUmgr params: no answer (%d)\n", prog, rc);
		r->buf_count = 0;
		goto out;
	}
	r->packet_size = r->buf_size > t->frame_overhead ?
				 (size_t)(r->buf_size - t->frame_overhead) : 0;
	if (o->packet != 0) {
		if (o->packet > r->packet_size) {
			fprintf(stderr, "%s: --packet %zu is more than the device's %zu\n", prog,
				o->packet, r->packet_size);
			rc = -EINVAL;
			goto out;
		}
		r->packet_size = o->packet;
	}
	if (r->packet_size > t->max_packet) {
		r->packet_size = t->max_packet;
	}
	r->window = o->window != 0 ? o->window :
		    r->buf_count > 1 ? (unsigned int)(r->buf_count - 1) : 1;
	if (observe != NULL) {
		ucfg.on_progress = observe->on_progress;
		ucfg.on_event = observe->on_event;
		ucfg.arg = observe->arg;
	}
	ucfg.packet_size = r->packet_size;
	ucfg.window = r->window;
	rc = upload_run(&c, &ucfg, img, size, &r->up);
	if (rc == 0 && r->up.match_known && !r->up.match) {
		rc = -EBADMSG;
	}
out:
	smp_client_deinit(&c);
	return rc;
}
