/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu config-dfu: the config-channel DFU of a simulated nRF Desktop device, over the local
 * socket of docs/config_channel.md: its four requests one by one (start, data, sync, reboot) and a
 * whole upload that waits out the slot erase and the background store and resumes an interrupted
 * transfer, so both DFU transports can be driven at the same time.
 */
#define _POSIX_C_SOURCE 200809L

#include "cmd_config_dfu.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "image_file.h"
#include "json_out.h"
#include "mono_time.h"
#include "safe_text.h"

/* The device's limits (sim/device/sim_config_channel.h): hex data per line, path length. */
#define CC_DATA_MAX 2048
#define CC_PATH_MAX 107
#define CC_REPLY_MAX 512

/* The states sync reports (app/dfu.h). */
enum cc_state {
	CC_INACTIVE = 0,
	CC_ACTIVE_CONFIG_CHANNEL = 1,
	CC_STORING = 2,
	CC_CLEANING = 3,
	CC_ACTIVE_OTHER = 4,
};

struct cc_sync {
	unsigned int state;
	char name[32];
	uint32_t length;
	uint32_t csum;
	uint32_t offset;
	uint32_t sync_buffer;
};

struct cc_link {
	int fd;
	const char *path;
	int timeout_ms; /* for each answer */
	char buf[CC_REPLY_MAX];
	size_t buf_len;
};

static const char usage_hint[] = "usage: smpdfu config-dfu start LENGTH CSUM OFFSET | data HEX | "
				 "sync | reboot | upload FILE [--chunk N] [--wait-s S]"
				 "   (each with --socket PATH)";

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

static int cc_connect(struct cc_link *l, const char *path, int timeout_ms)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	l->path = path;
	l->timeout_ms = timeout_ms;
	l->buf_len = 0;
	if (strlen(path) > CC_PATH_MAX) {
		fprintf(stderr, "smpdfu: config channel path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || connect(l->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		int rc = -errno;

		fprintf(stderr, "smpdfu: cannot reach the config channel at %s: %s\n", path,
			strerror(errno));
		if (l->fd >= 0) {
			close(l->fd);
		}
		return rc;
	}
	return 0;
}

static void cc_close(struct cc_link *l)
{
	close(l->fd);
}

/*
 * Sends one request line and reads its answer line into reply (no newline), escaped as
 * safe_text_format() does: the device's words are printed in several places, and a well-behaved
 * device's ASCII is unchanged by it. Returns 0 when the answer is "ok ...", -EREMOTEIO for
 * "err ..." (printed unless quiet), or a transport -errno.
 */
static int cc_request(struct cc_link *l, const char *req, char *reply, size_t size, bool quiet)
{
	size_t len = strlen(req);
	char *nl;

	if (send(l->fd, req, len, MSG_NOSIGNAL) != (ssize_t)len ||
	    send(l->fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		fprintf(stderr, "smpdfu: config channel %s: %s\n", l->path, strerror(errno));
		return -EPIPE;
	}
	while ((nl = memchr(l->buf, '\n', l->buf_len)) == NULL) {
		struct pollfd p = { .fd = l->fd, .events = POLLIN };
		ssize_t n;
		int ready;

		if (l->buf_len == sizeof(l->buf)) {
			return cli_bad_response("config channel answer too long");
		}
		/* The device answers at once (it stores in the background): no answer, no wait. */
		do {
			ready = poll(&p, 1, l->timeout_ms);
		} while (ready < 0 && errno == EINTR);
		if (ready <= 0) {
			fprintf(stderr, "smpdfu: no answer from the config channel %s in %d ms\n",
				l->path, l->timeout_ms);
			return -ETIMEDOUT;
		}
		n = recv(l->fd, l->buf + l->buf_len, sizeof(l->buf) - l->buf_len, 0);
		if (n <= 0) {
			fprintf(stderr, "smpdfu: config channel %s closed (device rebooted?)\n",
				l->path);
			return -ECONNRESET;
		}
		l->buf_len += (size_t)n;
	}
	safe_text_format(reply, size, l->buf, (size_t)(nl - l->buf));
	l->buf_len -= (size_t)(nl + 1 - l->buf);
	memmove(l->buf, nl + 1, l->buf_len);
	if (strncmp(reply, "ok", 2) == 0 && (reply[2] == '\0' || reply[2] == ' ')) {
		return 0;
	}
	if (strncmp(reply, "err ", 4) == 0) {
		if (!quiet) {
			fprintf(stderr, "smpdfu: device refused '%.16s%s': %s\n", req,
				strlen(req) > 16 ? "..." : "", reply + 4);
		}
		return -EREMOTEIO;
	}
	return cli_bad_response("config channel answer neither ok nor err");
}

/* The errno name of an "err NAME ..." answer is NAME. */
static bool reply_is(const char *reply, const char *name)
{
	size_t n = strlen(name);

	return strncmp(reply, "err ", 4) == 0 && strncmp(reply + 4, name, n) == 0 &&
	       (reply[4 + n] == ' ' || reply[4 + n] == '\0');
}

static int cc_sync(struct cc_link *l, struct cc_sync *s)
{
	char reply[CC_REPLY_MAX];
	int rc = cc_request(l, "sync", reply, sizeof(reply), false);

	if (rc < 0) {
		return rc;
	}
	if (sscanf(reply,
		   "ok state=%u name=%31s length=%" SCNu32 " csum=%" SCNx32 " offset=%" SCNu32
		   " sync_buffer=%" SCNu32,
		   &s->state, s->name, &s->length, &s->csum, &s->offset, &s->sync_buffer) != 6 ||
	    s->sync_buffer == 0) {
		return cli_bad_response("sync answer");
	}
	return 0;
}

/* Polls sync every few ms while the device is in state `busy`; -ETIMEDOUT after wait_s. */
static int cc_wait_while(struct cc_link *l, unsigned int busy, unsigned int wait_s,
			 struct cc_sync *s)
{
	struct timespec start;
	struct timespec now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		rc = cc_sync(l, s);
		if (rc < 0 || s->state != busy) {
			return rc;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)wait_s) {
			fprintf(stderr, "smpdfu: the device stayed %s for %u s\n", s->name, wait_s);
			return -ETIMEDOUT;
		}
		sleep_ms(busy == CC_STORING ? 2 : 50);
	}
}

static void print_sync(const struct cli *cli, const struct cc_sync *s)
{
	if (cli->json) {
		printf("{\"state\": %u, \"name\": ", s->state);
		json_print_string(stdout, s->name, strlen(s->name));
		printf(", \"length\": %" PRIu32 ", \"csum\": \"%08" PRIx32 "\", \"offset\": %"
		       PRIu32 ", \"sync_buffer\": %" PRIu32 "}\n",
		       s->length, s->csum, s->offset, s->sync_buffer);
		return;
	}
	printf("state: %u (%s)\nlength: %" PRIu32 "\ncrc32: %08" PRIx32 "\noffset: %" PRIu32
	       "\nsync buffer: %" PRIu32 "\n",
	       s->state, s->name, s->length, s->csum, s->offset, s->sync_buffer);
}

/* Sends image[off, end) as data requests that never cross a sync-buffer boundary. */
static int send_image(struct cc_link *l, const uint8_t *img, uint32_t off, uint32_t end,
		      uint32_t chunk, uint32_t sync_buffer, unsigned int wait_s)
{
	static char req[6 + 2 * CC_DATA_MAX + 1];
	char reply[CC_REPLY_MAX];
	struct cc_sync s;
	uint64_t busy_since = 0;
	bool busy = false;

	while (off < end) {
		uint32_t room = sync_buffer - off % sync_buffer;
		uint32_t n = end - off;
		size_t pos;
		int rc;

		n = n < chunk ? n : chunk;
		n = n < room ? n : room;
		pos = (size_t)sprintf(req, "data ");
		for (uint32_t i = 0; i < n; i++) {
			pos += (size_t)sprintf(req + pos, "%02x", img[off + i]);
		}
		rc = cc_request(l, req, reply, sizeof(reply), true);
		if (rc == -EREMOTEIO && reply_is(reply, "EBUSY")) {
			/*
			 * The sync buffer is being stored: wait, then send the same piece. A
			 * device busy for longer than a store may take is not waited for.
			 */
			if (!busy) {
				busy = true;
				busy_since = mono_ms();
			} else if (mono_ms() - busy_since >= (uint64_t)wait_s * 1000u) {
				fprintf(stderr, "smpdfu: the device refused data at %" PRIu32
						" as busy for %u s\n", off, wait_s);
				return -ETIMEDOUT;
			}
			rc = cc_wait_while(l, CC_STORING, wait_s, &s);
			if (rc < 0) {
				return rc;
			}
			if (s.state != CC_ACTIVE_CONFIG_CHANNEL) {
				fprintf(stderr, "smpdfu: the transfer ended at %" PRIu32 " (%s)\n",
					s.offset, s.name);
				return -EREMOTEIO;
			}
			continue;
		}
		if (rc < 0) {
			if (rc == -EREMOTEIO) {
				fprintf(stderr, "smpdfu: device refused data at %" PRIu32 ": %s\n",
					off, reply + 4);
			}
			return rc;
		}
		busy = false;
		off += n;
	}
	return 0;
}

/*
 * Opens the transfer at *off (a resume) or 0, waiting out a slot erase. Returns 0 with *off where
 * the data must continue, or -EREMOTEIO when the device refuses.
 */
static int open_transfer(struct cc_link *l, uint32_t size, uint32_t crc, uint32_t *off,
			 unsigned int wait_s)
{
	char req[96];
	char reply[CC_REPLY_MAX];
	struct cc_sync s;

	for (int attempt = 0; attempt < 4; attempt++) {
		int rc;

		snprintf(req, sizeof(req), "start %" PRIu32 " %08" PRIx32 " %" PRIu32, size, crc,
			 *off);
		rc = cc_request(l, req, reply, sizeof(reply), true);
		if (rc == 0) {
			return 0;
		}
		if (rc != -EREMOTEIO) {
			return rc;
		}
		if (reply_is(reply, "EAGAIN")) {
			/* The slot is erased first; whatever was kept for a resume is gone. */
			fprintf(stderr, "smpdfu: the device erases its slot first...\n");
			rc = cc_wait_while(l, CC_CLEANING, wait_s, &s);
			if (rc < 0) {
				return rc;
			}
			*off = 0;
			continue;
		}
		if (reply_is(reply, "EINVAL") && *off != 0) {
			*off = 0; /* the kept transfer does not match: start over */
			continue;
		}
		fprintf(stderr, "smpdfu: device refused start: %s\n", reply + 4);
		if (reply_is(reply, "EBUSY")) {
			fprintf(stderr, "smpdfu: another DFU transport (MCUmgr) holds the DFU "
					"lock; it is released 5 s after its last command\n");
		}
		return rc;
	}
	fprintf(stderr, "smpdfu: the device did not accept the transfer\n");
	return -EREMOTEIO;
}

static int upload(struct cli *cli, struct cc_link *l, const char *path, uint32_t chunk,
		  unsigned int wait_s)
{
	struct image_file img;
	struct cc_sync s;
	uint32_t size;
	uint32_t crc;
	uint32_t off = 0;
	int rc = image_file_load(path, &img);

	if (rc < 0) {
		return rc == -ENOENT || rc == -EBADMSG || rc == -EFBIG ? -EINVAL : rc;
	}
	if (img.size > UINT32_MAX) {
		rc = cli_usage_error("%s is too large", path);
		goto out_free;
	}
	size = (uint32_t)img.size;
	crc = crc32_update(0, img.data, img.size);

	rc = cc_sync(l, &s);
	if (rc < 0) {
		goto out_free;
	}
	if (s.state == CC_ACTIVE_OTHER) {
		fprintf(stderr, "smpdfu: another DFU transport (MCUmgr) holds the DFU lock; it is "
				"released 5 s after its last command\n");
		rc = -EREMOTEIO;
		goto out_free;
	}
	/* The device kept part of this very image: continue from there. */
	if (s.state == CC_INACTIVE && s.length == size && s.csum == crc && s.offset > 0 &&
	    s.offset < size) {
		off = s.offset;
	}
	rc = open_transfer(l, size, crc, &off, wait_s);
	if (rc < 0) {
		goto out_free;
	}
	if (!cli->json) {
		fprintf(stderr, "smpdfu: %s %" PRIu32 " bytes (crc32 %08" PRIx32 ")%s\n",
			off ? "resuming" : "sending", size, crc, off ? " at the kept offset" : "");
	}
	rc = send_image(l, img.data, off, size, chunk, s.sync_buffer, wait_s);
	if (rc < 0) {
		goto out_free;
	}
	rc = cc_wait_while(l, CC_STORING, wait_s, &s);
	if (rc < 0) {
		goto out_free;
	}
	if (s.length != size || s.offset != size || s.state != CC_INACTIVE) {
		fprintf(stderr, "smpdfu: the device did not keep the image (state %s, %" PRIu32
				" of %" PRIu32 " bytes): checksum or flash error, see its log\n",
			s.name, s.offset, s.length);
		rc = -EREMOTEIO;
		goto out_free;
	}
	if (cli->json) {
		printf("{\"bytes\": %" PRIu32 ", \"crc32\": \"%08" PRIx32
		       "\", \"resumed_at\": %" PRIu32 "}\n",
		       size, crc, off);
	} else {
		printf("%" PRIu32 " bytes stored and checked by the device (crc32 %08" PRIx32
		       "); it runs them after: smpdfu config-dfu reboot\n",
		       size, crc);
	}
out_free:
	image_file_free(&img);
	return rc;
}

/* Takes --socket PATH, --chunk N, --wait-s S out of argv; the rest stays in order. */
static int parse_options(int *argc, char **argv, const char **socket_path, uint32_t *chunk,
			 unsigned int *wait_s)
{
	int out = 0;

	*socket_path = getenv("SMPDFU_CONFIG_CHANNEL");
	for (int i = 0; i < *argc; i++) {
		const char *val;
		uint64_t num;
		int m;

		if ((m = cli_opt_value(*argc, argv, &i, "--socket", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			*socket_path = val;
		} else if ((m = cli_opt_value(*argc, argv, &i, "--chunk", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, CC_DATA_MAX, &num) || num == 0) {
				return cli_usage_error("--chunk must be 1..%d", CC_DATA_MAX);
			}
			*chunk = (uint32_t)num;
		} else if ((m = cli_opt_value(*argc, argv, &i, "--wait-s", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, 3600, &num) || num == 0) {
				return cli_usage_error("--wait-s must be 1..3600");
			}
			*wait_s = (unsigned int)num;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	if (*socket_path == NULL) {
		return cli_usage_error("config-dfu needs --socket PATH (the device prints it: "
				       "\"config channel on unix PATH\")");
	}
	return 0;
}

int cmd_config_dfu(struct cli *cli, int argc, char **argv)
{
	const char *socket_path;
	uint32_t chunk = 512;
	unsigned int wait_s = 60;
	char reply[CC_REPLY_MAX];
	struct cc_link link;
	struct cc_sync s;
	int rc;

	rc = parse_options(&argc, argv, &socket_path, &chunk, &wait_s);
	if (rc < 0) {
		return rc;
	}
	if (argc < 1) {
		return cli_usage_error("%s", usage_hint);
	}
	if (!((strcmp(argv[0], "sync") == 0 && argc == 1) ||
	      (strcmp(argv[0], "reboot") == 0 && argc == 1) ||
	      (strcmp(argv[0], "start") == 0 && argc == 4) ||
	      (strcmp(argv[0], "data") == 0 && argc == 2) ||
	      (strcmp(argv[0], "upload") == 0 && argc == 2))) {
		return cli_usage_error("%s", usage_hint);
	}
	rc = cc_connect(&link, socket_path, cli->timeout_ms);
	if (rc < 0) {
		return rc;
	}
	if (strcmp(argv[0], "sync") == 0) {
		rc = cc_sync(&link, &s);
		if (rc == 0) {
			print_sync(cli, &s);
		}
	} else if (strcmp(argv[0], "upload") == 0) {
		rc = upload(cli, &link, argv[1], chunk, wait_s);
	} else {
		char req[6 + 2 * CC_DATA_MAX + 1];

		if (strcmp(argv[0], "start") == 0) {
			snprintf(req, sizeof(req), "start %s %s %s", argv[1], argv[2], argv[3]);
		} else if (strcmp(argv[0], "data") == 0) {
			snprintf(req, sizeof(req), "data %s", argv[1]);
		} else {
			snprintf(req, sizeof(req), "reboot");
		}
		rc = cc_request(&link, req, reply, sizeof(reply), false);
		if (rc == 0) {
			printf("%s\n", reply);
		}
	}
	cc_close(&link);
	return rc;
}
