/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config channel of the simulated device: a Unix stream socket, text lines in and out, each
 * request handed to the config-channel DFU module (app/dfu.h) in the main context. The protocol is
 * in docs/config_channel.md; errors are answered with the errno name the module returned.
 */
#define _GNU_SOURCE /* accept4 */

#include "sim_config_channel.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <smpdfu/port.h>

#include "dfu.h"
#include "log.h"

#define LOG_MODULE "config_channel"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

int sim_config_channel_open(struct sim_config_channel *cc, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;
	int rc;

	cc->listen_fd = -1;
	for (size_t i = 0; i < SIM_CC_HOSTS_MAX; i++) {
		cc->hosts[i].fd = -1;
	}
	if (strlen(path) > SIM_CC_PATH_MAX) {
		return -ENAMETOOLONG;
	}
	strcpy(cc->path, path);
	memcpy(addr.sun_path, path, strlen(path) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return -errno;
	}
	/* A socket file left by the previous run (a reboot, a crash) would make bind fail. */
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 4) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	cc->listen_fd = fd;
	LOG_INF("config channel on %s", path);
	return 0;
}

void sim_config_channel_close(struct sim_config_channel *cc, bool unlink_path)
{
	if (cc->listen_fd < 0) {
		return; /* never opened (its hosts were never set up either) */
	}
	for (size_t i = 0; i < SIM_CC_HOSTS_MAX; i++) {
		if (cc->hosts[i].fd >= 0) {
			close(cc->hosts[i].fd);
			cc->hosts[i].fd = -1;
		}
	}
	close(cc->listen_fd);
	cc->listen_fd = -1;
	if (unlink_path) {
		(void)unlink(cc->path);
	}
}

size_t sim_config_channel_pollfds(const struct sim_config_channel *cc, struct pollfd *pfds)
{
	size_t n = 0;
	bool room = false;

	for (size_t i = 0; i < SIM_CC_HOSTS_MAX; i++) {
		if (cc->hosts[i].fd >= 0) {
			pfds[n++] = (struct pollfd){ .fd = cc->hosts[i].fd, .events = POLLIN };
		} else {
			room = true;
		}
	}
	/* With every place taken, the next host waits in the backlog until one goes. */
	if (room && cc->listen_fd >= 0) {
		pfds[n++] = (struct pollfd){ .fd = cc->listen_fd, .events = POLLIN };
	}
	return n;
}

static const char *errno_name(int err)
{
	switch (err) {
	case EBUSY:
		return "EBUSY";
	case EAGAIN:
		return "EAGAIN";
	case EALREADY:
		return "EALREADY";
	case EFBIG:
		return "EFBIG";
	case EINVAL:
		return "EINVAL";
	case EPERM:
		return "EPERM";
	case ENOBUFS:
		return "ENOBUFS";
	case ENODEV:
		return "ENODEV";
	default:
		return "EIO";
	}
}

/* What each refusal means for the host, in the answer's own words. */
static const char *errno_text(int err)
{
	switch (err) {
	case EBUSY:
		return "another DFU transport is active, or the device is storing or rebooting";
	case EAGAIN:
		return "the slot is being erased; start again when sync no longer says CLEANING";
	case EALREADY:
		return "a transfer is already open";
	case EFBIG:
		return "the image does not fit the slot";
	case EINVAL:
		return "does not match the transfer (resume parameters, image end, empty data)";
	case EPERM:
		return "no transfer is open";
	case ENOBUFS:
		return "more data than the sync buffer has room for";
	case ENODEV:
		return "the config-channel DFU is not running";
	default:
		return "failed";
	}
}

static void reply_err(char *reply, size_t size, int rc)
{
	snprintf(reply, size, "err %s %s", errno_name(-rc), errno_text(-rc));
}

/* Parses an unsigned decimal (or, with base 16, hex) number that fills the whole word. */
static bool parse_u32(const char *s, int base, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-' || *s == '+') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Decodes hex into out; the length, or -1 for odd length, a bad digit or too much data. */
static long parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t len = strlen(s);

	if (len % 2 != 0 || len / 2 > cap) {
		return -1;
	}
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(s[2 * i]);
		int lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			return -1;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

/* Splits line into at most max words (in place); returns the count, or max + 1 if more. */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (n == max) {
			return max + 1;
		}
		words[n++] = w;
	}
	return n;
}

void sim_config_channel_handle_line(struct sim_config_channel *cc, const char *line, char *reply,
				   size_t reply_size)
{
	char copy[SIM_CC_LINE_MAX + 1];
	char *w[5];
	size_t n;

	snprintf(copy, sizeof(copy), "%s", line);
	n = split_words(copy, w, 4);
	if (n == 1 && strcmp(w[0], "sync") == 0) {
		struct dfu_sync_info info;

		smpdfu_dfu_cmd_sync(&info);
		snprintf(reply, reply_size,
			 "ok state=%u name=%s length=%" PRIu32 " csum=%08" PRIx32 " offset=%" PRIu32
			 " sync_buffer=%" PRIu32,
			 (unsigned int)info.state, smpdfu_dfu_state_name(info.state),
			 info.img_length, info.img_csum, info.offset, info.sync_buffer_size);
	} else if (n == 4 && strcmp(w[0], "start") == 0) {
		uint32_t length;
		uint32_t csum;
		uint32_t offset;
		int rc;

		if (!parse_u32(w[1], 10, &length) || !parse_u32(w[2], 16, &csum) ||
		    !parse_u32(w[3], 10, &offset)) {
			snprintf(reply, reply_size, "err EPROTO usage: start LENGTH CSUM OFFSET");
			return;
		}
		rc = smpdfu_dfu_cmd_start(length, csum, offset);
		if (rc < 0) {
			reply_err(reply, reply_size, rc);
		} else {
			snprintf(reply, reply_size, "ok");
		}
	} else if (n == 2 && strcmp(w[0], "data") == 0) {
		long len = parse_hex(w[1], cc->data, sizeof(cc->data));
		uint32_t received = 0;
		int rc;

		if (len <= 0) {
			snprintf(reply, reply_size,
				 "err EPROTO usage: data HEX (1 to %u bytes, in hex digit pairs)",
				 (unsigned int)SIM_CC_DATA_MAX);
			return;
		}
		rc = smpdfu_dfu_cmd_data(cc->data, (size_t)len, &received);
		if (rc < 0) {
			reply_err(reply, reply_size, rc);
		} else {
			snprintf(reply, reply_size, "ok received=%" PRIu32, received);
		}
	} else if (n == 1 && strcmp(w[0], "reboot") == 0) {
		int rc = smpdfu_dfu_cmd_reboot();

		if (rc < 0) {
			reply_err(reply, reply_size, rc);
		} else {
			snprintf(reply, reply_size, "ok");
		}
	} else {
		snprintf(reply, reply_size,
			 "err EPROTO unknown request (sync, start LENGTH CSUM OFFSET, data HEX, "
			 "reboot)");
	}
}

static void drop_host(struct sim_cc_host *host)
{
	close(host->fd);
	host->fd = -1;
	host->line_len = 0;
	host->discarding = false;
}

/* Answers one request line; a NULL line is one that was too long to keep. */
static int answer(struct sim_config_channel *cc, struct sim_cc_host *host, const char *line)
{
	char reply[256];
	size_t len;

	if (line == NULL) {
		snprintf(reply, sizeof(reply) - 1, "err EPROTO line longer than %u characters",
			 (unsigned int)SIM_CC_LINE_MAX);
	} else {
		sim_config_channel_handle_line(cc, line, reply, sizeof(reply) - 1);
	}
	len = strlen(reply);
	reply[len++] = '\n';
	/*
	 * A host reads each answer before its next request, so an answer always fits. One that does
	 * not fit is for a host that sends without reading: it is dropped, never waited for (a
	 * blocking send would stop the whole device until that host reads).
	 */
	if (send(host->fd, reply, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len) {
		return -EPIPE;
	}
	return 0;
}

/* Answers every complete line in what was just read; keeps a partial one for the next read. */
static int consume(struct sim_config_channel *cc, struct sim_cc_host *host, const char *buf,
		   size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n') {
			int rc = 0;

			if (host->discarding) {
				rc = answer(cc, host, NULL);
			} else if (host->line_len > 0) {
				host->line[host->line_len] = '\0';
				rc = answer(cc, host, host->line);
			}
			host->line_len = 0;
			host->discarding = false;
			if (rc < 0) {
				return rc;
			}
		} else if (c == '\r') {
			continue;
		} else if (host->line_len == SIM_CC_LINE_MAX) {
			host->discarding = true;
		} else if (!host->discarding) {
			host->line[host->line_len++] = c;
		}
	}
	return 0;
}

static struct sim_cc_host *find_host(struct sim_config_channel *cc, int fd)
{
	for (size_t i = 0; i < SIM_CC_HOSTS_MAX; i++) {
		if (cc->hosts[i].fd == fd) {
			return &cc->hosts[i];
		}
	}
	return NULL;
}

static void serve_host(struct sim_config_channel *cc, struct sim_cc_host *host)
{
	char buf[4096];
	ssize_t n = recv(host->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n <= 0 || consume(cc, host, buf, (size_t)n) < 0) {
		LOG_DBG("host gone");
		drop_host(host);
	}
}

static int accept_host(struct sim_config_channel *cc)
{
	struct sim_cc_host *host = find_host(cc, -1);
	int fd;

	if (host == NULL) {
		return 0; /* not polled when full; the host stays in the backlog */
	}
	fd = accept4(cc->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? 0 : -errno;
	}
	host->fd = fd;
	host->line_len = 0;
	host->discarding = false;
	LOG_DBG("host connected");
	return 0;
}

int sim_config_channel_service(struct sim_config_channel *cc, const struct pollfd *pfds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sim_cc_host *host;

		if (pfds[i].revents == 0) {
			continue;
		}
		if (pfds[i].fd == cc->listen_fd) {
			int rc = accept_host(cc);

			if (rc < 0) {
				return rc;
			}
			continue;
		}
		host = find_host(cc, pfds[i].fd);
		if (host != NULL) {
			serve_host(cc, host);
		}
	}
	return 0;
}
