/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP serial transport on a POSIX pseudo-terminal. All bytes waiting are read at once and
 * decoded as they come, so a client need not pace its lines; responses are written line by line,
 * waiting for room in the terminal as a UART driver waits for its FIFO.
 */
#define _GNU_SOURCE /* ptsname_r */

#include "serial_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <smpdfu/port.h>
#include "log.h"

#define LOG_MODULE "serial"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* Per serial_pty_read() call: enough for several full windows of requests, bounded for floods. */
#define SERIAL_PTY_READ_CHUNK 4096
#define SERIAL_PTY_READ_MAX (16 * SERIAL_PTY_READ_CHUNK)

/* Waits until fd can take more bytes; -ETIMEDOUT after timeout_ms. */
static int wait_writable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int n;

	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return -errno;
	}
	return n == 0 ? -ETIMEDOUT : 0;
}

/* The transport's write routine: one whole line, so a reader never sees half of one. */
static int pty_write(void *ctx, const uint8_t *data, size_t len)
{
	struct serial_pty *sp = ctx;

	while (len > 0) {
		ssize_t n = write(sp->master, data, len);
		int rc;

		if (n >= 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			return -errno;
		}
		/* Nobody reads the terminal: give up rather than hang the device. */
		rc = wait_writable(sp->master, SERIAL_PTY_TX_TIMEOUT_MS);
		if (rc < 0) {
			sp->tx_dropped++;
			return rc;
		}
	}
	return 0;
}

static int make_raw(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) != 0) {
		return -errno;
	}
	/* Echo would feed the device's responses back to it; CR/LF mapping would break frames. */
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) != 0) {
		return -errno;
	}
	return 0;
}

/* Points link at target, replacing an older symlink in one step (no moment without a link). */
static int update_link(const char *link, const char *target)
{
	char tmp[PATH_MAX];
	struct stat st;
	int rc;

	if (lstat(link, &st) == 0 && !S_ISLNK(st.st_mode)) {
		LOG_ERR("%s exists and is not a symlink: not replacing it", link);
		return -EEXIST;
	}
	rc = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", link, (long)getpid());
	if (rc < 0 || (size_t)rc >= sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	unlink(tmp);
	if (symlink(target, tmp) != 0) {
		rc = -errno;
		LOG_ERR("cannot create a symlink next to %s: %s", link, strerror(-rc));
		return rc;
	}
	if (rename(tmp, link) != 0) {
		rc = -errno;
		LOG_ERR("cannot replace %s: %s", link, strerror(-rc));
		unlink(tmp);
		return rc;
	}
	return 0;
}

static int write_banner(struct serial_pty *sp, const char *banner)
{
	if (banner == NULL) {
		return 0;
	}
	return pty_write(sp, (const uint8_t *)banner, strlen(banner));
}

int serial_pty_open(struct serial_pty *sp, const char *link, const char *banner)
{
	int rc;

	memset(sp, 0, sizeof(*sp));
	sp->slave = -1;
	sp->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (sp->master < 0) {
		rc = -errno;
		LOG_ERR("cannot create a pseudo-terminal: %s", strerror(-rc));
		return rc;
	}
	/* A reboot execs a new device that makes its own terminal: this one must not leak. */
	if (fcntl(sp->master, F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(sp->master, F_SETFL, fcntl(sp->master, F_GETFL) | O_NONBLOCK) != 0 ||
	    grantpt(sp->master) != 0 || unlockpt(sp->master) != 0) {
		rc = -errno;
		goto out_close;
	}
	rc = ptsname_r(sp->master, sp->path, sizeof(sp->path));
	if (rc != 0) {
		rc = -rc;
		goto out_close;
	}
	/*
	 * Without an open slave, Linux reports POLLHUP on the master until a client comes, and the
	 * terminal settings would be reset whenever the last client leaves.
	 */
	sp->slave = open(sp->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (sp->slave < 0) {
		rc = -errno;
		goto out_close;
	}
	rc = make_raw(sp->slave);
	if (rc < 0) {
		goto out_close;
	}
	if (link != NULL) {
		rc = update_link(link, sp->path);
		if (rc < 0) {
			goto out_close_quiet; /* update_link() has said why */
		}
		sp->link = link;
	}
	smpdfu_smp_serial_transport_init(&sp->st, pty_write, sp);
	rc = write_banner(sp, banner);
	if (rc < 0) {
		goto out_close;
	}
	sp->is_open = true;
	return 0;

out_close:
	LOG_ERR("serial pseudo-terminal: %s", strerror(-rc));
out_close_quiet:
	if (sp->slave >= 0) {
		close(sp->slave);
	}
	close(sp->master);
	sp->master = -1;
	sp->slave = -1;
	return rc;
}

/* True when link is a symlink to this terminal (and not, say, to a newer device's). */
static bool link_points_here(const struct serial_pty *sp)
{
	char target[sizeof(sp->path)];
	ssize_t n = readlink(sp->link, target, sizeof(target) - 1);

	if (n < 0) {
		return false;
	}
	target[n] = '\0';
	return strcmp(target, sp->path) == 0;
}

void serial_pty_close(struct serial_pty *sp, bool remove_link)
{
	if (!sp->is_open) {
		return;
	}
	if (remove_link && sp->link != NULL && link_points_here(sp)) {
		unlink(sp->link);
	}
	smpdfu_smp_serial_transport_reset(&sp->st);
	close(sp->slave);
	close(sp->master);
	sp->slave = -1;
	sp->master = -1;
	sp->is_open = false;
}

int serial_pty_read(struct serial_pty *sp)
{
	static uint8_t chunk[SERIAL_PTY_READ_CHUNK];
	size_t total = 0;

	while (total < SERIAL_PTY_READ_MAX) {
		ssize_t n = read(sp->master, chunk, sizeof(chunk));
		int err;

		if (n > 0) {
			smpdfu_smp_serial_transport_rx(&sp->st, chunk, (size_t)n);
			total += (size_t)n;
			continue;
		}
		err = n < 0 ? errno : 0;
		if (err == EINTR) {
			continue;
		}
		if (n == 0 || err == EAGAIN || err == EWOULDBLOCK) {
			break;
		}
		LOG_ERR("reading %s failed: %s", sp->path, strerror(err));
		return -err;
	}
	return (int)total;
}
