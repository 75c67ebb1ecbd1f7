/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu-serialsim: one whole DFU upload over a modelled serial line, in virtual time. It builds
 * the simulated device, lets the host read MCUmgr params and upload an image with the client's
 * own upload engine, and reports the simulated DFU time and the goodput against what the line
 * rate allows: the raw byte rate, and the bound that the serial framing leaves of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/prot/smp_serial.h>

#include "serial_sim.h"
#include "sim_dfu.h"
#include "transport_serial_model.h"

#define PROG "smpdfu-serialsim"

struct options {
	struct serial_sim_cfg sim;
	struct sim_dfu_opts dfu;
};

static const char usage[] =
	"usage: " PROG " [OPTIONS]\n"
	"Uploads an MCUboot image to a simulated device over a modelled serial line (SMP console\n"
	"framing on a UART, both directions at the line rate), in virtual time, with the smpdfu\n"
	"client's upload engine, and reports the DFU time and the goodput against the line rate.\n"
	"A model, not a UART.\n"
	"\n"
	"%s"
	"  --baud N           line rate in bits per second, 1..4000000 (default 115200)\n"
	"  --bits N           bit times per byte, 10 for 8N1 (default 10)\n"
	"  --line-size N      longest line the host writes, newline included (default 127)\n"
	"  --flash PART       none|nrf52840|nrf5340: flash program/erase timing (default none)\n"
	"  --slot1 STATE      erased|dirty: secondary slot before the upload (default erased)\n";

static void help(void)
{
	printf(usage, sim_dfu_opts_help);
}

static int usage_error(const char *what, const char *arg)
{
	return sim_dfu_usage_error(PROG, what, arg);
}

static int set_option(void *ctx, const char *opt, const char *val)
{
	struct options *o = ctx;
	unsigned long n;

	if (strcmp(opt, "--baud") == 0) {
		if (!sim_dfu_parse_count(val, 4000000, &n) || n < 1) {
			return usage_error("--baud must be 1..4000000", val);
		}
		o->sim.baud = (uint32_t)n;
	} else if (strcmp(opt, "--bits") == 0) {
		if (!sim_dfu_parse_count(val, 16, &n) || n < 1) {
			return usage_error("--bits must be 1..16", val);
		}
		o->sim.bits_per_byte = (uint32_t)n;
	} else if (strcmp(opt, "--line-size") == 0) {
		if (!sim_dfu_parse_count(val, SERIAL_SIM_HOST_LINE_MAX, &n) ||
		    n < SMP_SERIAL_LINE_MIN) {
			return usage_error("--line-size must be 7..4096", val);
		}
		o->sim.line_size = n;
	} else if (strcmp(opt, "--flash") == 0) {
		if (flash_timing_by_name(val, &o->sim.dev.flash) < 0) {
			return usage_error("--flash must be none, nrf52840 or nrf5340", val);
		}
	} else if (strcmp(opt, "--slot1") == 0) {
		if (strcmp(val, "erased") != 0 && strcmp(val, "dirty") != 0) {
			return usage_error("--slot1 must be erased or dirty", val);
		}
		o->sim.dev.slot1_dirty = strcmp(val, "dirty") == 0;
	} else {
		return usage_error("unknown option", opt);
	}
	return 0;
}

/* ---- Report ---------------------------------------------------------------------------------- */

struct report {
	size_t size;
	bool started;         /* the first upload request went out (MCUmgr params answered) */
	double upload_s;
	double goodput_Bps;
	double line_Bps;      /* bytes per second the line carries: baud / bits per byte */
	double framing;       /* image bytes / request wire bytes: what framing leaves */
	double bound_Bps;     /* line_Bps * framing: the goodput of a line that never idles */
	double line_s;        /* the image at bound_Bps */
	double flash_s;       /* the flash work the upload caused, on the configured part */
	uint64_t words;
	uint64_t pages;
	struct serial_sim_traffic traffic; /* the upload's own, as the host's encoder counts */
	uint32_t reboots;
	uint32_t answers_lost; /* answers the host could not hold */
	struct sim_dfu_result dfu;
};

static double max_d(double a, double b)
{
	return a > b ? a : b;
}

static void print_text(const struct options *o, const struct report *r, int rc)
{
	const struct upload_result *res = &r->dfu.up;

	printf("model: %u baud, %u bit times per byte, host lines of %zu bytes, flash %s, "
	       "slot 1 %s\n",
	       (unsigned int)o->sim.baud, (unsigned int)o->sim.bits_per_byte, o->sim.line_size,
	       o->sim.dev.flash != NULL ? o->sim.dev.flash->name : "untimed",
	       o->sim.dev.slot1_dirty ? "dirty" : "erased");
	printf("device: buf_size %" PRIu64 ", buf_count %" PRIu64 "; packets of %zu, window %u\n",
	       r->dfu.buf_size, r->dfu.buf_count, r->dfu.packet_size, r->dfu.window);
	if (rc < 0) {
		printf("upload FAILED (%d: %s) at %zu of %zu bytes after %.3f s\n", rc,
		       res->failure != NULL ? res->failure : strerror(-rc), res->acked, r->size,
		       r->upload_s);
		return;
	}
	printf("image: %zu bytes, match: %s\n", r->size,
	       !res->match_known ? "not reported" : res->match ? "yes" : "NO");
	printf("simulated DFU time: %.3f s\n", r->upload_s);
	printf("requests: %" PRIu64 " packets, %" PRIu64 " SMP bytes -> %" PRIu64
	       " wire bytes; answers: %" PRIu64 " wire bytes\n",
	       r->traffic.tx_packets, r->traffic.tx_packet_bytes, r->traffic.tx_wire_bytes,
	       r->traffic.rx_wire_bytes);
	printf("line rate: %.1f B/s; framing leaves %.2f %% of it for the image\n", r->line_Bps,
	       100.0 * r->framing);
	printf("goodput: %.1f B/s = %.2f %% of the line rate, %.2f %% of the framing bound "
	       "(%.1f B/s)\n",
	       r->goodput_Bps, 100.0 * r->goodput_Bps / r->line_Bps,
	       100.0 * r->goodput_Bps / r->bound_Bps, r->bound_Bps);
	printf("bound: line %.3f s, flash %.3f s (%" PRIu64 " words, %" PRIu64 " page erases%s) "
	       "-> DFU time / max = %.3f\n",
	       r->line_s, r->flash_s, r->words, r->pages,
	       o->sim.dev.flash != NULL ? "" : ", untimed",
	       r->upload_s / max_d(r->line_s, r->flash_s));
	printf("client: %u requests, %u timeouts, %u resyncs, %u restarts; %u answers lost\n",
	       res->packets, res->timeouts, res->resyncs, res->restarts,
	       (unsigned int)r->answers_lost);
}

/* A figure of a finished upload, or null: a failed one has none that means anything. */
static void json_figure(const char *name, int decimals, double v, bool valid)
{
	printf("\"%s\":", name);
	if (valid) {
		printf("%.*f", decimals, v);
	} else {
		printf("null");
	}
	printf(",");
}

static void print_json(const struct options *o, const struct report *r, int rc)
{
	const struct upload_result *res = &r->dfu.up;
	const struct serial_sim_traffic *t = &r->traffic;
	bool ok = rc == 0;

	printf("{\"ok\":%s,\"size\":%zu,\"match\":%s,", ok ? "true" : "false", r->size,
	       res->match_known ? (res->match ? "true" : "false") : "null");
	json_figure("upload_s", 6, r->upload_s, r->started);
	json_figure("goodput_Bps", 1, r->goodput_Bps, ok);
	printf("\"line_Bps\":%.1f,", r->line_Bps);
	json_figure("line_utilisation", 4, r->goodput_Bps / r->line_Bps, ok);
	json_figure("framing", 4, r->framing, ok);
	json_figure("bound_Bps", 1, r->bound_Bps, ok);
	json_figure("bound_ratio", 4, r->goodput_Bps / r->bound_Bps, ok);
	json_figure("line_s", 6, r->line_s, ok);
	json_figure("max_ratio", 4, r->upload_s / max_d(r->line_s, r->flash_s), ok);
	printf("\"baud\":%u,\"bits\":%u,\"line_size\":%zu,\"flash\":\"%s\",\"flash_s\":%.6f,"
	       "\"flash_words\":%" PRIu64 ",\"flash_pages\":%" PRIu64 ",\"buf_size\":%" PRIu64
	       ",\"buf_count\":%" PRIu64 ",\"packet_size\":%zu,\"window\":%u,",
	       (unsigned int)o->sim.baud, (unsigned int)o->sim.bits_per_byte, o->sim.line_size,
	       o->sim.dev.flash != NULL ? o->sim.dev.flash->name : "none", r->flash_s, r->words,
	       r->pages, r->dfu.buf_size, r->dfu.buf_count, r->dfu.packet_size, r->dfu.window);
	printf("\"tx_packets\":%" PRIu64 ",\"tx_packet_bytes\":%" PRIu64
	       ",\"tx_wire_bytes\":%" PRIu64 ",\"rx_wire_bytes\":%" PRIu64
	       ",\"requests\":%u,\"timeouts\":%u,\"resyncs\":%u,\"restarts\":%u,"
	       "\"reboots\":%u,\"answers_lost\":%u}\n",
	       t->tx_packets, t->tx_packet_bytes, t->tx_wire_bytes, t->rx_wire_bytes, res->packets,
	       res->timeouts, res->resyncs, res->restarts, (unsigned int)r->reboots,
	       (unsigned int)r->answers_lost);
}

/* What the host had sent and received when the upload's first request went out. */
struct upload_start {
	const struct serial_sim *sim;
	bool taken;
	struct serial_sim_traffic traffic;
	uint64_t words;
	uint64_t pages;
};

static void on_progress(void *arg, size_t acked, size_t size)
{
	struct upload_start *u = arg;

	(void)acked;
	(void)size;
	if (!u->taken) {
		u->taken = true;
		u->traffic = u->sim->host.traffic;
		u->words = u->sim->dev.tflash.words;
		u->pages = u->sim->dev.tflash.pages;
	}
}

static int run(const void *ctx, const uint8_t *img, size_t size)
{
	const struct options *o = ctx;
	struct serial_sim *s = malloc(sizeof(*s));
	struct transport t = { 0 };
	struct report r = { .size = size };
	struct upload_start start = { .sim = s };
	const struct upload_cfg observe = { .on_progress = on_progress, .arg = &start };
	int rc;

	if (s == NULL) {
		return -ENOMEM;
	}
	rc = serial_sim_open(s, &o->sim);
	if (rc < 0) {
		free(s);
		return rc;
	}
	rc = transport_serial_model_attach(s, true, &t);
	if (rc < 0) {
		serial_sim_close(s);
		free(s);
		return rc;
	}
	rc = sim_dfu_upload(&t, &o->dfu, PROG, img, size, &observe, &r.dfu);
	r.started = start.taken;
	r.line_Bps = (double)o->sim.baud / (double)o->sim.bits_per_byte;
	if (r.started) {
		/* The upload's own traffic, without the params exchange before it. */
		const struct serial_sim_traffic *now = &s->host.traffic;

		r.traffic.tx_packets = now->tx_packets - start.traffic.tx_packets;
		r.traffic.tx_packet_bytes = now->tx_packet_bytes - start.traffic.tx_packet_bytes;
		r.traffic.tx_wire_bytes = now->tx_wire_bytes - start.traffic.tx_wire_bytes;
		r.traffic.rx_wire_bytes = now->rx_wire_bytes - start.traffic.rx_wire_bytes;
		r.words = s->dev.tflash.words - start.words;
		r.pages = s->dev.tflash.pages - start.pages;
	}
	r.upload_s = r.dfu.up.seconds;
	if (rc == 0) {
		r.framing = (double)size / (double)r.traffic.tx_wire_bytes;
		r.goodput_Bps = (double)(r.dfu.up.acked - r.dfu.up.resumed_from) / r.upload_s;
		r.bound_Bps = r.line_Bps * r.framing;
		r.line_s = (double)size / r.bound_Bps;
	}
	r.flash_s = (double)flash_timing_cost_us(o->sim.dev.flash, r.words, r.pages) / 1e6;
	r.reboots = s->dev.reboots;
	r.answers_lost = s->host.rsp.overflows;
	if (o->dfu.json) {
		print_json(o, &r, rc);
	} else {
		print_text(o, &r, rc);
	}

	t.ops->close(t.ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {
		.sim = {
			.baud = 115200,
			.bits_per_byte = UART_BITS_8N1,
			.line_size = SMP_SERIAL_LINE_MAX,
			.dev = { .factory_image_size = 32 * 1024 },
		},
	};
	const struct sim_dfu_program prog = {
		.name = PROG,
		.opts = &o.dfu,
		.help = help,
		.set = set_option,
		.run = run,
		.ctx = &o,
	};

	return sim_dfu_main(argc, argv, &prog);
}
