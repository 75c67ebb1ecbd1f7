/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's config-dfu command against a scripted config channel: the test serves the socket,
 * a child process runs the command. A child that has not ended after CHILD_DEADLINE_S is killed
 * and the test fails, so a client that hangs or loops for ever is seen as such.
 */
#define _GNU_SOURCE /* memfd_create */

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "cmd_config_dfu.h"

#define CHILD_DEADLINE_S 10

enum script {
	/* Every data request: "err EBUSY", while sync says the transfer is open (not storing). */
	SCRIPT_BUSY_FOR_EVER,
	/* Takes the connection, reads, never answers. */
	SCRIPT_SILENT,
};

static const char *answer_for(enum script s, const char *line)
{
	if (s == SCRIPT_SILENT) {
		return NULL;
	}
	if (strncmp(line, "sync", 4) == 0) {
		return "ok state=1 name=ACTIVE_CONFIG_CHANNEL length=0 csum=0 offset=0 "
		       "sync_buffer=4096\n";
	}
	if (strncmp(line, "start", 5) == 0) {
		return "ok\n";
	}
	return "err EBUSY storing\n";
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs "config-dfu argv..." in a child against the script; returns its wait status, or -1. */
static int run_against(enum script s, char **argv, int argc)
{
	char path[108];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[8192];
	size_t have = 0;
	uint64_t deadline;
	int srv;
	int conn = -1;
	int status = -1;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/smpdfu-test-cc-%d.sock", (int)getpid());
	unlink(path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(srv >= 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(srv, 1), 0);
	argv[argc++] = "--socket";
	argv[argc++] = path;
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct cli cli = { .timeout_ms = 2500 };
		int rc;

		close(srv);
		rc = cmd_config_dfu(&cli, argc, argv);
		fflush(NULL);
		_exit(rc < 0 ? -rc : rc);
	}
	deadline = now_ms() + CHILD_DEADLINE_S * 1000u;
	while (now_ms() < deadline) {
		struct pollfd p = { .fd = conn >= 0 ? conn : srv, .events = POLLIN };
		pid_t done = waitpid(pid, &status, WNOHANG);

		if (done == pid) {
			break;
		}
		status = -1;
		if (poll(&p, 1, 50) <= 0) {
			continue;
		}
		if (conn < 0) {
			conn = accept(srv, NULL, NULL);
			continue;
		}
		ssize_t n = read(conn, buf + have, sizeof(buf) - have);

		if (n <= 0) {
			close(conn);
			conn = -1;
			continue;
		}
		have += (size_t)n;
		for (char *nl; (nl = memchr(buf, '\n', have)) != NULL;) {
			const char *a;

			*nl = '\0';
			a = answer_for(s, buf);
			if (a != NULL && send(conn, a, strlen(a), MSG_NOSIGNAL) < 0) {
				break;
			}
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (have == sizeof(buf)) {
			have = 0;
		}
	}
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (conn >= 0) {
		close(conn);
	}
	close(srv);
	unlink(path);
	return status;
}

static char image_path[64];

static int setup(void **state)
{
	static uint8_t image[1024];
	int fd = memfd_create("image", 0);

	(void)state;
	assert_true(fd >= 0);
	memset(image, 0x5a, sizeof(image));
	image[0] = 0x3d;
	image[1] = 0xb8;
	image[2] = 0xf3;
	image[3] = 0x96;
	assert_int_equal(write(fd, image, sizeof(image)), (ssize_t)sizeof(image));
	snprintf(image_path, sizeof(image_path), "/proc/self/fd/%d", fd);
	return 0;
}

/*
 * A device that refuses every data request with EBUSY, yet says it is not storing: the upload
 * resent the same data for ever, at full speed. It must give up once --wait-s has passed.
 */
static void test_upload_gives_up_on_endless_busy(void **state)
{
	char *argv[8] = { "upload", image_path, "--wait-s", "1" };
	int status;

	(void)state;
	status = run_against(SCRIPT_BUSY_FOR_EVER, argv, 4);
	assert_int_not_equal(status, -1); /* -1: killed at the deadline */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), ETIMEDOUT);
}

/* A config channel that never answers: the request must time out, not wait for ever. */
static void test_request_times_out_without_an_answer(void **state)
{
	char *argv[8] = { "sync" };
	int status;

	(void)state;
	status = run_against(SCRIPT_SILENT, argv, 1);
	assert_int_not_equal(status, -1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), ETIMEDOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_upload_gives_up_on_endless_busy, setup),
		cmocka_unit_test_setup(test_request_times_out_without_an_answer, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
