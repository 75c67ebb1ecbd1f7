/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The UDP transport: one SMP packet per datagram on a connected socket, so the kernel filters out
 * datagrams from anyone but the device and reports an unreachable port as ECONNREFUSED.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "transport.h"

/* The largest UDP payload over IPv4; IPv6 allows a little more, SMP itself needs less. */
#define UDP_MAX_PAYLOAD 65507

struct udp_ctx {
	int fd;
};

static int udp_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct udp_ctx *u = ctx;
	ssize_t n = send(u->fd, pkt, len, 0);

	if (n < 0) {
		return -errno;
	}
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

static int udp_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct udp_ctx *u = ctx;
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	ssize_t n;
	int rc;

	do {
		rc = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		return -errno;
	}
	if (rc == 0) {
		return -ETIMEDOUT;
	}
	/* MSG_TRUNC makes recv() return the real datagram size, so a short buffer is visible. */
	n = recv(u->fd, buf, cap, MSG_TRUNC);
	if (n < 0) {
		return -errno;
	}
	return (int)n;
}

static void udp_close(void *ctx)
{
	struct udp_ctx *u = ctx;

	close(u->fd);
	free(u);
}

static const struct transport_ops udp_ops = {
	.send = udp_send,
	.recv = udp_recv,
	.close = udp_close,
};

int transport_udp_open(const struct transport_opts *opts, struct transport *t)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	struct udp_ctx *u;
	int rc;

	rc = getaddrinfo(opts->host, opts->port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "smpdfu: cannot resolve %s port %s: %s\n", opts->host, opts->port,
			gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	u = malloc(sizeof(*u));
	if (u == NULL) {
		rc = -ENOMEM;
		goto out_free_addr;
	}
	u->fd = -1;
	rc = -EHOSTUNREACH;
	/* Take the first address we can connect to, IPv4 or IPv6, in resolver order. */
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		u->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (u->fd < 0) {
			rc = -errno;
			continue;
		}
		if (connect(u->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		rc = -errno;
		close(u->fd);
		u->fd = -1;
	}
	if (rc < 0) {
		fprintf(stderr, "smpdfu: cannot reach %s port %s: %s\n", opts->host, opts->port,
			strerror(-rc));
		goto out_free_ctx;
	}
	freeaddrinfo(res);
	t->ops = &udp_ops;
	t->ctx = u;
	t->max_packet = UDP_MAX_PAYLOAD;
	t->frame_overhead = 0;
	return 0;

out_free_ctx:
	free(u);
out_free_addr:
	freeaddrinfo(res);
	return rc;
}
