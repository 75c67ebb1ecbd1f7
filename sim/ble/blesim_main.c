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

#include <smpdfu/cbor.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>

#include "ble_sim.h"
#include "ble_sim_opts.h"
#include "sim_image.h"
#include "smp_client.h"
#include "transport_ble.h"
#include "upload.h"
#include "vport.h"

struct options {
	struct ble_sim_cfg sim;
	size_t size;          /* image bytes to generate, when no file is given */
	const char *image;
	unsigned int window;  /* 0: buf_count - 1 */
	int timeout_ms;
	bool json;
	enum port_log_level log_level;
};

static const char usage[] =
	"usage: smpdfu-blesim [OPTIONS]\n"
	"Uploads an MCUboot image to a simulated device over a Bluetooth LE link model, in\n"
	"virtual time, with the smpdfu client's upload engine, and reports the DFU time, the\n"
	"goodput and the link utilisation (goodput / link capacity from the same parameters).\n"
	"A model, not a radio.\n"
	"\n"
	"  --size BYTES       generate an unsigned image of exactly this size (default 524288)\n"
	"  --image FILE       upload this file instead\n"
	"  --window N         requests in flight (default: buf_count - 1 from MCUmgr params)\n"
	"  --timeout-ms MS    client timeout per request (default 2500; first chunk 40 s)\n"
	"  --json             one JSON object on stdout\n"
	"  --log-level LEVEL  device log on stderr, err|wrn|inf|dbg (default err)\n"
	"  --ble K=V,...      model settings, as below\n"
	"  --K V              the same, one at a time (e.g. --interval 7.5 --flash nrf52840)\n"
	"\n"
	"model settings:\n";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "smpdfu-blesim: %s%s%s\n(--help lists the options)\n", what,
		arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return -EINVAL;
}

static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9') {
		return false;
	}
	*out = strtoul(s, &end, 0);
	return *end == '\0' && *out <= max;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const char *const levels[] = { "err", "wrn", "inf", "dbg" };
	unsigned long n;

	memset(o, 0, sizeof(*o));
	ble_sim_cfg_defaults(&o->sim);
	o->size = 512 * 1024;
	o->timeout_ms = 2500;
	o->log_level = PORT_LOG_ERR;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			printf("%s%s", usage, ble_sim_cfg_help);
			return 1;
		}
		if (strcmp(opt, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (strncmp(opt, "--", 2) != 0 || val == NULL) {
			return usage_error("expected --OPTION VALUE", opt);
		}
		i++;
		if (strcmp(opt, "--size") == 0) {
			if (!parse_count(val, CONFIG_SIM_SLOT_SIZE, &n) || n < SIM_IMAGE_MIN_SIZE) {
				return usage_error("--size: 553 bytes up to the slot size", val);
			}
			o->size = n;
		} else if (strcmp(opt, "--image") == 0) {
			o->image = val;
		} else if (strcmp(opt, "--window") == 0) {
			if (!parse_count(val, UPLOAD_MAX_WINDOW, &n) || n < 1) {
				return usage_error("--window must be 1..64", val);
			}
			o->window = (unsigned int)n;
		} else if (strcmp(opt, "--timeout-ms") == 0) {
			if (!parse_count(val, 3600000, &n) || n < 1) {
				return usage_error("--timeout-ms must be 1..3600000", val);
			}
			o->timeout_ms = (int)n;
		} else if (strcmp(opt, "--log-level") == 0) {
			size_t k;

			for (k = 0; k < 4 && strcmp(val, levels[k]) != 0; k++) {
			}
			if (k == 4) {
				return usage_error("--log-level must be err, wrn, inf or dbg", val);
			}
			o->log_level = (enum port_log_level)k;
		} else if (strcmp(opt, "--ble") == 0) {
			if (ble_sim_cfg_parse_list(&o->sim, val) < 0) {
				return -EINVAL;
			}
		} else if (ble_sim_cfg_set(&o->sim, opt + 2, val) < 0) {
			return -EINVAL;
		}
	}
	return 0;
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

static int read_params(struct smp_client *c, uint64_t *buf_size, uint64_t *buf_count)
{
	uint8_t pkt[SMP_HDR_SIZE + 8];
	struct cbor_field fields[] = {
		CBOR_FIELD_UINT("buf_size", buf_size),
		CBOR_FIELD_UINT("buf_count", buf_count),
	};
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	cbor_put_map(&w, 0);
	rc = smp_client_transact(c, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_MCUMGR_PARAMS, pkt,
				 w.len, 10000, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (cbor_decode_map(rsp.body, rsp.body_len, fields, 2) < 0 || !fields[0].found ||
	    !fields[1].found) {
		return -EPROTO;
	}
	return 0;
}

struct report {
	size_t size;
	double upload_s;
	double session_s;
	double capacity_bps;
	double goodput_bps;
	double link_s;        /* the image at link capacity */
	double flash_s;       /* the flash work the upload caused, on the configured part */
	uint64_t words;
	uint64_t pages;
	uint64_t buf_size;
	uint64_t buf_count;
	unsigned int window;
	unsigned int pairs_per_event;
};

static void print_text(const struct options *o, const struct ble_sim *s, const struct report *r,
		       const struct upload_result *res, int rc)
{
	char cfg[512];
	double bound = r->link_s > r->flash_s ? r->link_s : r->flash_s;

	ble_sim_cfg_describe(&o->sim, cfg, sizeof(cfg));
	printf("model: %s\n", cfg);
	printf("device: buf_size %" PRIu64 ", buf_count %" PRIu64 "; window %u\n", r->buf_size,
	       r->buf_count, r->window);
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
	printf("bound: link %.3f s, flash %.3f s (%" PRIu64 " words, %" PRIu64 " page erases%s) "
	       "-> DFU time / max = %.3f\n",
	       r->link_s, r->flash_s, r->words, r->pages, o->sim.flash != NULL ? "" : ", untimed",
	       r->upload_s / bound);
	printf("link: %" PRIu64 " events, peripheral listened at %" PRIu64 ", %" PRIu64
	       " PDU pairs, %" PRIu64 " parameter updates, final latency %u\n",
	       s->link.stats.events, s->link.stats.events_listened, s->link.stats.pairs,
	       s->link.stats.updates, (unsigned int)s->link.cfg.conn.latency);
	printf("client: %u requests, %u timeouts, %u resyncs, %u restarts\n", res->packets,
	       res->timeouts, res->resyncs, res->restarts);
}

static void print_json(const struct options *o, const struct ble_sim *s, const struct report *r,
		       const struct upload_result *res, int rc)
{
	const struct ble_link_cfg *l = &o->sim.link;
	double bound = r->link_s > r->flash_s ? r->link_s : r->flash_s;

	printf("{\"ok\":%s,\"size\":%zu,\"match\":%s,\"upload_s\":%.6f,\"session_s\":%.6f,"
	       "\"goodput_Bps\":%.1f,\"capacity_Bps\":%.1f,\"utilisation\":%.4f,"
	       "\"link_s\":%.6f,\"flash_s\":%.6f,\"bound_ratio\":%.4f,\"flash_words\":%" PRIu64
	       ",\"flash_pages\":%" PRIu64 ",",
	       rc == 0 ? "true" : "false", r->size,
	       res->match_known ? (res->match ? "true" : "false") : "null", r->upload_s,
	       r->session_s, r->goodput_bps, r->capacity_bps, r->goodput_bps / r->capacity_bps,
	       r->link_s, r->flash_s, r->upload_s / bound, r->words, r->pages);
	printf("\"interval_ms\":%.2f,\"latency\":%u,\"phy\":\"%s\",\"dl\":%u,\"mtu\":%u,"
	       "\"flash\":\"%s\",\"transfer_events\":%s,\"buf_size\":%" PRIu64
	       ",\"buf_count\":%" PRIu64 ",\"window\":%u,\"pairs_per_event\":%u,",
	       l->conn.interval_us / 1000.0, (unsigned int)l->conn.latency,
	       l->phy == BLE_PHY_2M ? "2M" : "1M", (unsigned int)l->data_len,
	       (unsigned int)l->att_mtu, o->sim.flash != NULL ? o->sim.flash->name : "none",
	       o->sim.transfer_events ? "true" : "false", r->buf_size, r->buf_count, r->window,
	       r->pairs_per_event);
	printf("\"events\":%" PRIu64 ",\"events_listened\":%" PRIu64 ",\"pairs\":%" PRIu64
	       ",\"updates\":%" PRIu64 ",\"final_latency\":%u,\"requests\":%u,\"timeouts\":%u,"
	       "\"resyncs\":%u,\"restarts\":%u}\n",
	       s->link.stats.events, s->link.stats.events_listened, s->link.stats.pairs,
	       s->link.stats.updates, (unsigned int)s->link.cfg.conn.latency, res->packets,
	       res->timeouts, res->resyncs, res->restarts);
}

static int run(const struct options *o, const uint8_t *img, size_t size)
{
	struct ble_sim *s = malloc(sizeof(*s));
	struct upload_result res = { 0 };
	struct report r = { .size = size };
	struct upload_cfg ucfg = { .timeout_ms = o->timeout_ms };
	struct ble_sim_cfg cfg = o->sim;
	struct smp_client c;
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
	rc = smp_client_init(&c, &t, SMP_VERSION_2, false);
	if (rc < 0) {
		goto out_close;
	}
	rc = read_params(&c, &r.buf_size, &r.buf_count);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-blesim: MCUmgr params: no answer (%d)\n", rc);
		goto out_deinit;
	}
	/* nRF Connect Device Manager's rule: packets of buf_size, buf_count - 1 in flight. */
	ucfg.packet_size = (size_t)r.buf_size;
	r.window = o->window != 0 ? o->window :
		   r.buf_count > 1 ? (unsigned int)(r.buf_count - 1) : 1;
	ucfg.window = r.window;
	words0 = s->tflash.words;
	pages0 = s->tflash.pages;
	rc = upload_run(&c, &ucfg, img, size, &res);

	r.upload_s = res.seconds;
	r.session_s = (double)ble_sim_now(s) / 1e6;
	r.capacity_bps = ble_link_capacity_bps(&o->sim.link);
	r.pairs_per_event = ble_link_pairs_per_event(&o->sim.link);
	r.goodput_bps = r.upload_s > 0 ? (double)(res.acked - res.resumed_from) / r.upload_s : 0;
	r.link_s = (double)size / r.capacity_bps;
	r.words = s->tflash.words - words0;
	r.pages = s->tflash.pages - pages0;
	r.flash_s = (double)flash_timing_cost_us(o->sim.flash, r.words, r.pages) / 1e6;
	if (rc == 0 && res.match_known && !res.match) {
		rc = -EBADMSG;
	}
	if (o->json) {
		print_json(o, s, &r, &res, rc);
	} else {
		print_text(o, s, &r, &res, rc);
	}

out_deinit:
	smp_client_deinit(&c);
out_close:
	t.ops->close(t.ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	uint8_t *img;
	size_t size;
	int rc = parse_args(argc, argv, &o);

	if (rc != 0) {
		return rc > 0 ? 0 : 2;
	}
	vport_set_log_level(o.log_level);
	if (o.image != NULL) {
		img = load_file(o.image, &size);
		if (img == NULL) {
			fprintf(stderr, "smpdfu-blesim: cannot read %s\n", o.image);
			return 2;
		}
	} else {
		size = o.size;
		img = sim_image_make(size, 1, 2, 3, 0x12345678u);
		if (img == NULL) {
			fprintf(stderr, "smpdfu-blesim: cannot build the image\n");
			return 1;
		}
	}
	rc = run(&o, img, size);
	free(img);
	return rc < 0 ? 1 : 0;
}
