/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "image upload" command: loads the image, sizes packets and the window from the device's
 * MCUmgr params, runs the upload engine and reports progress and the result (goodput, match).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <smpdfu/grp/img_mgmt.h>

#include "cli.h"
#include "image_file.h"
#include "json_out.h"
#include "progress.h"
#include "upload.h"

struct upload_args {
	const char *path;
	uint64_t window;  /* 0: buf_count - 1 */
	uint64_t chunk;   /* 0: as much as fits */
	bool upgrade;
	bool no_resume;
};

/* What the engine's observers need. */
struct upload_view {
	struct cli *cli;
	struct progress bar;
};

static int parse_upload_args(int argc, char **argv, struct upload_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *val;
		int m;

		if ((m = cli_opt_value(argc, argv, &i, "--window", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, UPLOAD_MAX_WINDOW, &a->window) || a->window < 1) {
				return cli_usage_error("--window must be 1..%d", UPLOAD_MAX_WINDOW);
			}
		} else if ((m = cli_opt_value(argc, argv, &i, "--chunk", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, UINT16_MAX, &a->chunk) ||
			    a->chunk < UPLOAD_FIRST_CHUNK_MIN) {
				return cli_usage_error("--chunk must be %d..65535 bytes",
						       UPLOAD_FIRST_CHUNK_MIN);
			}
		} else if (strcmp(argv[i], "--upgrade") == 0) {
			a->upgrade = true;
		} else if (strcmp(argv[i], "--no-resume") == 0) {
			a->no_resume = true;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			return cli_usage_error("image upload: unknown option %s", argv[i]);
		} else if (a->path == NULL) {
			a->path = argv[i];
		} else {
			return cli_usage_error("image upload takes one FILE");
		}
	}
	if (a->path == NULL) {
		return cli_usage_error("image upload needs a FILE");
	}
	return 0;
}

static void on_progress(void *arg, size_t acked, size_t size)
{
	struct upload_view *v = arg;

	(void)size;
	progress_update(&v->bar, acked);
}

static void on_event(void *arg, enum upload_event ev, size_t off)
{
	struct upload_view *v = arg;
	bool quiet = v->cli->json;

	switch (ev) {
	case UPLOAD_EVENT_RESUMED:
		progress_set_base(&v->bar, off);
		if (!quiet) {
			progress_break_line(&v->bar);
			printf("the device has part of this image: resuming at %zu bytes\n", off);
		}
		break;
	case UPLOAD_EVENT_COMPLETE:
		progress_set_base(&v->bar, off);
		if (!quiet) {
			progress_break_line(&v->bar);
			printf("the device already holds this whole image\n");
		}
		break;
	case UPLOAD_EVENT_RESTARTED:
		if (!quiet) {
			progress_break_line(&v->bar);
			printf("the device lost the upload: starting again from 0\n");
		}
		break;
	case UPLOAD_EVENT_TIMEOUT:
	case UPLOAD_EVENT_RESYNC:
		/* Routine on a lossy link; worth a line only when asked for details. */
		if (v->cli->verbose) {
			progress_break_line(&v->bar);
			fprintf(stderr, "smpdfu: %s: resending from offset %zu\n",
				ev == UPLOAD_EVENT_TIMEOUT ? "timeout" :
							     "device expects another offset",
				off);
		}
		break;
	}
}

/* The engine's packet size: the device's buffer, minus the link's framing, within the link. */
static size_t packet_size_for(const struct cli *cli, uint64_t buf_size)
{
	uint64_t size = buf_size > cli->tr.frame_overhead ? buf_size - cli->tr.frame_overhead : 0;

	if (size > cli->tr.max_packet) {
		size = cli->tr.max_packet;
	}
	if (size > SMP_CLIENT_MAX_PACKET) {
		size = SMP_CLIENT_MAX_PACKET;
	}
	return (size_t)size;
}

/* An erase makes the device forget any partial upload, so the next one starts at 0. */
static int forget_partial_upload(struct cli *cli)
{
	struct cbor_writer w;
	struct smp_rsp rsp;

	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 0);
	return cli_request(cli, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_ERASE, &w,
			   CLI_FLASH_TIMEOUT_MS, &rsp);
}

static double goodput_kib_s(const struct upload_result *res)
{
	size_t bytes = res->acked - res->resumed_from;

	return res->seconds > 0 ? (double)bytes / 1024.0 / res->seconds : 0.0;
}

static void print_hex(FILE *f, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		fprintf(f, "%02x", p[i]);
	}
}

static void print_json_result(const struct upload_cfg *cfg, const struct upload_result *res,
			      const char *error)
{
	printf("{\"bytes\":%zu,\"seconds\":%.3f,\"goodput_kib_s\":%.1f,\"match\":%s,"
	       "\"resumed_from\":%zu,\"size\":%zu,\"sha256\":",
	       res->acked - res->resumed_from, res->seconds, goodput_kib_s(res),
	       res->match_known ? (res->match ? "true" : "false") : "null", res->resumed_from,
	       res->size);
	json_print_hex(stdout, res->sha, sizeof(res->sha));
	printf(",\"packet_size\":%zu,\"window\":%u,\"packets\":%u,\"data_sent\":%zu,"
	       "\"timeouts\":%u,\"resyncs\":%u,\"restarts\":%u",
	       cfg->packet_size, cfg->window, res->packets, res->data_sent, res->timeouts,
	       res->resyncs, res->restarts);
	/* The device's error in the shape it came: a group error or an SMP-level rc. */
	if (res->device_error && res->err.is_group) {
		printf(",\"err\":{\"group\":%u,\"rc\":%" PRId64 "}", res->err.group, res->err.rc);
	} else if (res->device_error) {
		printf(",\"rc\":%" PRId64, res->err.rc);
	}
	if (res->device_error && res->err.rsn[0] != '\0') {
		printf(",\"rsn\":");
		json_print_string(stdout, res->err.rsn, strlen(res->err.rsn));
	}
	if (error != NULL) {
		printf(",\"error\":");
		json_print_string(stdout, error, strlen(error));
	}
	printf("}\n");
}

/* Says why the upload stopped; returns the error to exit with. */
static int report_failure(struct cli *cli, const struct upload_result *res, int rc)
{
	if (rc == -EREMOTEIO && res->device_error) {
		smp_err_print(stderr,
			      &(struct smp_cmd){ .group = MGMT_GROUP_ID_IMAGE,
						 .id = IMG_MGMT_ID_UPLOAD, .op = SMP_OP_WRITE },
			      &res->err);
	} else if (res->failure != NULL) {
		fprintf(stderr, "smpdfu: upload stopped at offset %zu of %zu: %s%s\n", res->acked,
			res->size, res->failure,
			rc == -ETIMEDOUT ? " (gave up after repeated timeouts)" : "");
	} else if (rc == -EMSGSIZE) {
		fprintf(stderr, "smpdfu: the device's buffer is too small for a first chunk of %d "
				"bytes\n", UPLOAD_FIRST_CHUNK_MIN);
	} else {
		cli_print_transport_error(cli, rc);
	}
	return rc;
}

static int run_upload(struct cli *cli, const struct upload_args *a, const struct image_file *img)
{
	struct upload_view view = { .cli = cli };
	struct upload_cfg cfg = {
		.chunk_max = a->chunk,
		.timeout_ms = cli->timeout_ms,
		.upgrade = a->upgrade,
		.on_progress = on_progress,
		.on_event = on_event,
		.arg = &view,
	};
	struct upload_result res;
	uint64_t buf_size;
	uint64_t buf_count;
	uint64_t window;
	bool from_device;
	int rc = cli_read_params(cli, &buf_size, &buf_count, &from_device);

	if (rc < 0) {
		return rc;
	}
	cfg.packet_size = packet_size_for(cli, buf_size);
	/* Capped while still 64-bit: the device's count may not fit an unsigned int. */
	window = a->window != 0 ? a->window : buf_count > 1 ? buf_count - 1 : 1;
	cfg.window = window > UPLOAD_MAX_WINDOW ? UPLOAD_MAX_WINDOW : (unsigned int)window;
	if (upload_chunk_capacity(&cfg, img->size, 0) < UPLOAD_FIRST_CHUNK_MIN) {
		fprintf(stderr, "smpdfu: the device's buf_size %" PRIu64 " leaves no room for a "
				"first chunk of %d bytes\n", buf_size, UPLOAD_FIRST_CHUNK_MIN);
		return -EMSGSIZE;
	}
	if (a->no_resume) {
		rc = forget_partial_upload(cli);
		if (rc < 0) {
			return rc;
		}
	}
	if (!cli->json) {
		printf("%s: %zu bytes\n", a->path, img->size);
		printf("device: buf_size %" PRIu64 ", buf_count %" PRIu64
		       "%s; window %u, up to %zu data bytes per chunk\n", buf_size, buf_count,
		       from_device ? "" : " (defaults)", cfg.window,
		       upload_chunk_capacity(&cfg, img->size, 1));
	}
	progress_init(&view.bar, stdout, !cli->json, img->size);
	view.bar.clock = cli->tr.clock;
	rc = upload_run(&cli->smp, &cfg, img->data, img->size, &res);
	progress_break_line(&view.bar);
	if (rc < 0) {
		report_failure(cli, &res, rc);
		if (cli->json) {
			print_json_result(&cfg, &res, res.device_error ? "device error" :
						      res.failure != NULL ? res.failure :
									    strerror(-rc));
		} else if (res.acked > 0) {
			printf("stopped at %zu of %zu bytes after %.3f s (goodput %.1f KiB/s); "
			       "run the same command again to resume\n", res.acked, res.size,
			       res.seconds, goodput_kib_s(&res));
		}
		return rc;
	}
	if (res.match_known && !res.match) {
		fprintf(stderr, "smpdfu: the device's SHA-256 of the written image differs from "
				"the file's (match: false); upload again\n");
		rc = -EBADMSG;
	}
	if (cli->json) {
		print_json_result(&cfg, &res, rc < 0 ? "match: false" : NULL);
		return rc;
	}
	printf("uploaded %zu bytes in %.3f s: goodput %.1f KiB/s", res.acked - res.resumed_from,
	       res.seconds, goodput_kib_s(&res));
	if (res.resumed_from > 0) {
		printf(" (resumed at %zu)", res.resumed_from);
	}
	printf("\nsha256 ");
	print_hex(stdout, res.sha, sizeof(res.sha));
	printf(": %s\n", !res.match_known ? "the device did not report a hash check" :
			 res.match ? "match" : "MISMATCH");
	return rc;
}

int cmd_image_upload(struct cli *cli, int argc, char **argv)
{
	struct upload_args a;
	struct image_file img;
	int rc = parse_upload_args(argc, argv, &a);

	if (rc < 0) {
		return rc;
	}
	rc = image_file_load(a.path, &img);
	if (rc < 0) {
		/* A file we cannot read is the user's to fix: a usage error. */
		return -EINVAL;
	}
	if (img.size < UPLOAD_FIRST_CHUNK_MIN) {
		rc = cli_usage_error("%s: %zu bytes is too small for an MCUboot image", a.path,
				     img.size);
		goto out_free;
	}
	if (image_file_has_slot_builds(&img)) {
		/* A direct-xip package: write the build linked for the slot that is not running. */
		unsigned int active = 0;

		rc = image_active_slot(cli, &active);
		if (rc < 0 && rc != -ENOENT) {
			goto out_free;
		}
		rc = image_file_select_slot(&img, active == 0 ? 1 : 0);
		if (rc < 0) {
			rc = cli_usage_error("%s: no build for slot %u in the package", a.path,
					     active == 0 ? 1 : 0);
			goto out_free;
		}
		if (!cli->json) {
			printf("device runs from slot %u: uploading the build for slot %u\n",
			       active, active == 0 ? 1 : 0);
		}
	}
	rc = run_upload(cli, &a, &img);

out_free:
	image_file_free(&img);
	return rc;
}
