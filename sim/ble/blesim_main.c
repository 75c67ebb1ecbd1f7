/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu-blesim: one whole DFU upload over the Bluetooth LE link model, in virtual time. It builds
 * the simulated device, lets the central read MCUmgr params and upload an image with the client's
 * own upload engine, and reports the simulated DFU time, the goodput and how it compares with what
 * the same link and flash could do at best.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ble_sim.h"
#include "ble_sim_opts.h"
#include "sim_dfu.h"
#include "transport_ble.h"

#define PROG "smpdfu-blesim"

struct options {
	struct ble_sim_cfg sim;
	struct sim_dfu_opts dfu;
};

static const char usage[] =
	"usage: smpdfu-blesim [OPTIONS]\n"
	"Uploads an MCUboot image to a simulated device over a Bluetooth LE link model, in\n"
	"virtual time, with the smpdfu client's upload engine, and reports the DFU time, the\n"
	"goodput and the link utilisation (goodput / link capacity from the same parameters).\n"
	"A model, not a radio.\n"
	"\n"
	"%s"
	"  --ble K=V,...      model settings, as below\n"
	"  --K V              the same, one at a time (e.g. --interval 7.5 --flash nrf52840)\n"
	"\n"
	"model settings:\n";

static void help(void)
{
	printf(usage, sim_dfu_opts_help);
	printf("%s", ble_sim_cfg_help);
}

/* --ble K=V,... or one setting as --K V. */
static int set_option(void *ctx, const char *opt, const char *val)
{
	struct options *o = ctx;

	if (strcmp(opt, "--ble") == 0) {
		return ble_sim_cfg_parse_list(&o->sim, val) < 0 ? -EINVAL : 0;
	}
	return ble_sim_cfg_set(&o->sim, opt + 2, val) < 0 ? -EINVAL : 0;
}

struct report {
	size_t size;
	double upload_s;
	double session_s;
	double capacity_bps;
	double goodput_bps;
	double link_s;        /* the image at link capacity */
	double write_s;       /* the flash work the upload caused, on the configured part */
	double erase_s;
	double flash_s;
	double duty;          /* share of the radio's time the link needs (timeslot sharing) */
	double bound_s;       /* the physical bound under the part's sharing rule */
	bool timeslot;
	uint64_t words;
	uint64_t pages;
	unsigned int pairs_per_event;
	struct sim_dfu_result dfu;
};

/*
 * The physical bound (docs/ble_model.md): with flash and radio in parallel, the slower of the
 * two. Where flash slots take the radio, erase slots never fit between events and add up with
 * the link; write slots share the radio time the link leaves, which is none when the gap between
 * two events' reserved windows is shorter than a write slot.
 */
static void compute_bound(const struct ble_sim_cfg *cfg, struct report *r)
{
	const struct ble_link_cfg *l = &cfg->link;
	uint32_t pair = ble_pdu_air_us(l->phy, ble_link_data_len(l), l->encrypted) + BLE_T_IFS_US +
			ble_pdu_air_us(l->phy, 0, l->encrypted) + BLE_T_IFS_US;
	uint32_t gap = l->conn.interval_us - ble_link_event_window_us(l);
	double busy = (double)r->pairs_per_event * pair / l->conn.interval_us;

	r->timeslot = ble_sim_flash_takes_radio(cfg);
	if (!r->timeslot) {
		r->duty = 0;
		r->bound_s = r->link_s > r->flash_s ? r->link_s : r->flash_s;
		return;
	}
	r->duty = gap < FLASH_SLOT_WRITE_US + FLASH_SLOT_SLACK_US || busy > 1.0 ? 1.0 : busy;
	r->bound_s = r->write_s + r->link_s * r->duty;
	if (r->link_s > r->bound_s) {
		r->bound_s = r->link_s;
	}
	r->bound_s += r->erase_s;
}

static void print_text(const struct options *o, const struct ble_sim *s, const struct report *r,
		       int rc)
{
	const struct upload_result *res = &r->dfu.up;
	char cfg[768];

	ble_sim_cfg_describe(&o->sim, cfg, sizeof(cfg));
	printf("model: %s\n", cfg);
	printf("device: buf_size %" PRIu64 ", buf_count %" PRIu64 "; packets of %zu, window %u\n",
	       r->dfu.buf_size, r->dfu.buf_count, r->dfu.packet_size, r->dfu.window);
	printf("link capacity: %.1f kB/s of ATT write payload (%u PDU pairs per event)\n",
	       r->capacity_bps / 1000.0, r->pairs_per_event);
	if (rc < 0) {
		printf("upload FAILED (%d: %s) at %zu of %zu bytes after %.3f s\n", rc,
		       res->failure != NULL ? res->failure : strerror(-rc), res->acked, r->size,
		       r->upload_s);
		return;
	}
	printf("image: %zu bytes, match: %s\n", r->size,
	       !res->match_known ? "not reported" : res->match ? "yes" : "NO");
	printf("simulated DFU time: %.3f s (upload; %.3f s from connection)\n", r->upload_s,
	       r->session_s);
	printf("goodput: %.1f kB/s = %.1f %% of the link capacity\n", r->goodput_bps / 1000.0,
	       100.0 * r->goodput_bps / r->capacity_bps);
	printf("flash: %.3f s write (%" PRIu64 " words), %.3f s erase (%" PRIu64 " pages)%s\n",
	       r->write_s, r->words, r->erase_s, r->pages,
	       o->sim.dev.flash != NULL ? "" : ", untimed");
	if (r->timeslot) {
		printf("bound (timeslot: erase + max(link, write + link x duty %.3f)): %.3f s "
		       "-> DFU time / bound = %.3f\n", r->duty, r->bound_s,
		       r->upload_s / r->bound_s);
	} else {
		printf("bound (parallel: max(link %.3f s, flash %.3f s)): %.3f s -> DFU time / "
		       "bound = %.3f\n", r->link_s, r->flash_s, r->bound_s,
		       r->upload_s / r->bound_s);
	}
	printf("link: %" PRIu64 " events, peripheral listened at %" PRIu64 ", %" PRIu64
	       " lost to flash slots, %" PRIu64 " PDU pairs, %" PRIu64 " parameter updates, "
	       "final latency %u\n",
	       s->link.stats.events, s->link.stats.events_listened, s->link.stats.events_blocked,
	       s->link.stats.pairs, s->link.stats.updates, (unsigned int)s->link.cfg.conn.latency);
	printf("client: %u requests, %u timeouts, %u resyncs, %u restarts\n", res->packets,
	       res->timeouts, res->resyncs, res->restarts);
}

static void print_json(const struct options *o, const struct ble_sim *s, const struct report *r,
		       int rc)
{
	const struct upload_result *res = &r->dfu.up;
	const struct ble_link_cfg *l = &o->sim.link;

	printf("{\"ok\":%s,\"size\":%zu,\"match\":%s,\"upload_s\":%.6f,\"session_s\":%.6f,"
	       "\"goodput_Bps\":%.1f,\"capacity_Bps\":%.1f,\"utilisation\":%.4f,"
	       "\"link_s\":%.6f,\"flash_s\":%.6f,\"write_s\":%.6f,\"erase_s\":%.6f,"
	       "\"sharing\":\"%s\",\"duty\":%.4f,\"bound_s\":%.6f,\"bound_ratio\":%.4f,"
	       "\"flash_words\":%" PRIu64 ",\"flash_pages\":%" PRIu64 ",",
	       rc == 0 ? "true" : "false", r->size,
	       res->match_known ? (res->match ? "true" : "false") : "null", r->upload_s,
	       r->session_s, r->goodput_bps, r->capacity_bps, r->goodput_bps / r->capacity_bps,
	       r->link_s, r->flash_s, r->write_s, r->erase_s,
	       r->timeslot ? "timeslot" : "parallel", r->duty, r->bound_s,
	       r->upload_s / r->bound_s, r->words, r->pages);
	printf("\"central\":\"%s\",\"interval_ms\":%.2f,\"latency\":%u,\"phy\":\"%s\","
	       "\"dl\":%u,\"mtu\":%u,\"max_pairs\":%u,\"turnaround\":%u,\"reassembly\":%s,"
	       "\"flash\":\"%s\",\"transfer_events\":%s,\"buf_size\":%" PRIu64
	       ",\"buf_count\":%" PRIu64 ",\"packet_size\":%zu,\"window\":%u,"
	       "\"pairs_per_event\":%u,",
	       o->sim.central != NULL ? o->sim.central : "custom", l->conn.interval_us / 1000.0,
	       (unsigned int)l->conn.latency, ble_phy_name(l->phy), (unsigned int)l->data_len,
	       (unsigned int)l->att_mtu, (unsigned int)l->max_pairs_per_event,
	       (unsigned int)o->sim.turnaround_events, o->sim.reassembly ? "true" : "false",
	       o->sim.dev.flash != NULL ? o->sim.dev.flash->name : "none",
	       o->sim.transfer_events ? "true" : "false", r->dfu.buf_size, r->dfu.buf_count,
	       r->dfu.packet_size, r->dfu.window, r->pairs_per_event);
	printf("\"events\":%" PRIu64 ",\"events_listened\":%" PRIu64 ",\"events_blocked\":%"
	       PRIu64 ",\"pairs\":%" PRIu64 ",\"updates\":%" PRIu64 ",\"final_latency\":%u,"
	       "\"requests\":%u,\"timeouts\":%u,\"resyncs\":%u,\"restarts\":%u}\n",
	       s->link.stats.events, s->link.stats.events_listened, s->link.stats.events_blocked,
	       s->link.stats.pairs, s->link.stats.updates, (unsigned int)s->link.cfg.conn.latency,
	       res->packets, res->timeouts, res->resyncs, res->restarts);
}

static int run(const void *ctx, const uint8_t *img, size_t size)
{
	const struct options *o = ctx;
	struct ble_sim *s = malloc(sizeof(*s));
	struct report r = { .size = size };
	struct ble_sim_cfg cfg = o->sim;
	struct transport t = { 0 };
	uint64_t words0;
	uint64_t pages0;
	int rc;

	if (s == NULL) {
		return -ENOMEM;
	}
	transport_ble_app_hooks(&cfg);
	rc = ble_sim_open(s, &cfg);
	if (rc < 0) {
		free(s);
		return rc;
	}
	rc = transport_ble_attach(s, true, &t);
	if (rc < 0) {
		ble_sim_close(s);
		free(s);
		return rc;
	}
	words0 = s->dev.tflash.words;
	pages0 = s->dev.tflash.pages;
	rc = sim_dfu_upload(&t, &o->dfu, PROG, img, size, NULL, &r.dfu);
	if (r.dfu.buf_count == 0) {
		/* No MCUmgr params: nothing was uploaded (said on stderr). */
		goto out_close;
	}
	r.upload_s = r.dfu.up.seconds;
	r.session_s = (double)ble_sim_now(s) / 1e6;
	r.capacity_bps = ble_link_capacity_bps(&o->sim.link);
	r.pairs_per_event = ble_link_pairs_per_event(&o->sim.link);
	r.goodput_bps = r.upload_s > 0 ?
				(double)(r.dfu.up.acked - r.dfu.up.resumed_from) / r.upload_s : 0;
	r.link_s = (double)size / r.capacity_bps;
	r.words = s->dev.tflash.words - words0;
	r.pages = s->dev.tflash.pages - pages0;
	r.write_s = (double)flash_timing_cost_us(o->sim.dev.flash, r.words, 0) / 1e6;
	r.erase_s = (double)flash_timing_cost_us(o->sim.dev.flash, 0, r.pages) / 1e6;
	r.flash_s = r.write_s + r.erase_s;
	compute_bound(&o->sim, &r);
	if (o->dfu.json) {
		print_json(o, s, &r, rc);
	} else {
		print_text(o, s, &r, rc);
	}

out_close:
	t.ops->close(t.ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	const struct sim_dfu_program prog = {
		.name = PROG,
		.opts = &o.dfu,
		.help = help,
		.set = set_option,
		.run = run,
		.ctx = &o,
	};

	ble_sim_cfg_defaults(&o.sim);
	return sim_dfu_main(argc, argv, &prog);
}
