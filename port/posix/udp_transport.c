/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP UDP transport on POSIX sockets. Receive is driven by the caller's poll() loop; the SMP
 * buffer pool is the only flow control, and the kernel's socket queue holds what does not fit yet.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC, MSG_TRUNC as a recv flag */

#include "udp_transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <smpdfu/config.h>
#include <smpdfu/port.h>
#include "log.h"
#include "util.h"

#define LOG_MODULE "udp"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* What travels in smp_buf.peer: whom to answer, and from which of our sockets. */
struct udp_peer {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} addr;
	uint8_t sock;
};

_Static_assert(sizeof(struct udp_peer) <= SMP_PEER_ADDR_SIZE,
	       "a UDP peer (sockaddr_in6 + socket index) must fit smp_buf.peer");
_Static_assert(UDP_TRANSPORT_MAX_SOCKETS <= UINT8_MAX, "socket index is stored in a byte");

/* Either family's address, as inet_pton() fills it. */
struct parsed_addr {
	int family;
	union {
		struct in_addr in;
		struct in6_addr in6;
	} u;
};

static int parse_addr(const char *text, struct parsed_addr *pa)
{
	if (inet_pton(AF_INET, text, &pa->u.in) == 1) {
		pa->family = AF_INET;
	} else if (inet_pton(AF_INET6, text, &pa->u.in6) == 1) {
		pa->family = AF_INET6;
	} else {
		return -EINVAL;
	}
	return 0;
}

static bool family_is_enabled(int family)
{
	if (family == AF_INET) {
		return CONFIG_MCUMGR_TRANSPORT_UDP_IPV4;
	}
	return CONFIG_MCUMGR_TRANSPORT_UDP_IPV6;
}

/* The host simply lacks this family or address (e.g. a container without IPv6). */
static bool error_means_unavailable(int rc)
{
	return rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL || rc == -EPROTONOSUPPORT;
}

static socklen_t sockaddr_len(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static uint16_t bound_port(int fd)
{
	struct udp_peer local;
	socklen_t len = sizeof(local.addr);

	if (getsockname(fd, &local.addr.sa, &len) != 0) {
		return 0;
	}
	if (local.addr.sa.sa_family == AF_INET6) {
		return ntohs(local.addr.in6.sin6_port);
	}
	return ntohs(local.addr.in.sin_port);
}

/* Opens a non-blocking socket bound to pa:port; returns the fd or -errno. */
static int bind_one(const struct parsed_addr *pa, uint16_t port)
{
	struct udp_peer local = { 0 };
	int one = 1;
	int fd;
	int rc;

	fd = socket(pa->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (pa->family == AF_INET6) {
		/* "::" must not also take the IPv4 port: --bind 0.0.0.0 --bind :: would collide. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) {
			rc = -errno;
			goto out_close;
		}
		local.addr.in6.sin6_family = AF_INET6;
		local.addr.in6.sin6_addr = pa->u.in6;
		local.addr.in6.sin6_port = htons(port);
	} else {
		local.addr.in.sin_family = AF_INET;
		local.addr.in.sin_addr = pa->u.in;
		local.addr.in.sin_port = htons(port);
	}
	if (bind(fd, &local.addr.sa, sockaddr_len(pa->family)) != 0) {
		rc = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return rc;
}

static int udp_send(struct smpdfu_smp_transport *tp, const uint8_t *peer_bytes, const uint8_t *data,
		    size_t len)
{
	struct udp_transport *ut = tp->ctx;
	struct udp_peer peer;
	ssize_t n;

	/* smp_buf.peer is a byte array: copy rather than cast, it need not be aligned. */
	memcpy(&peer, peer_bytes, sizeof(peer));
	if (peer.sock >= ut->fd_count) {
		return -ENOTCONN;
	}
	do {
		n = sendto(ut->fds[peer.sock], data, len, 0, &peer.addr.sa,
			   sockaddr_len(peer.addr.sa.sa_family));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int rc = -errno;

		LOG_WRN("sendto failed: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

int udp_transport_open(struct udp_transport *ut, const char *const *addrs, size_t count,
		       uint16_t port)
{
	static const char *const loopbacks[] = { "127.0.0.1", "::1" };
	bool defaults = count == 0;
	int rc;

	memset(ut, 0, sizeof(*ut));
	for (size_t i = 0; i < UDP_TRANSPORT_MAX_SOCKETS; i++) {
		ut->fds[i] = -1;
	}
	ut->smp.name = "udp";
	ut->smp.kind = SMP_TRANSPORT_UDP;
	ut->smp.send = udp_send;
	ut->smp.ctx = ut;

	if (defaults) {
		addrs = loopbacks;
		count = ARRAY_SIZE(loopbacks);
	}
	if (count > UDP_TRANSPORT_MAX_SOCKETS) {
		LOG_ERR("at most %d addresses", UDP_TRANSPORT_MAX_SOCKETS);
		return -EINVAL;
	}

	for (size_t i = 0; i < count; i++) {
		struct parsed_addr pa;
		int fd;

		rc = parse_addr(addrs[i], &pa);
		if (rc < 0) {
			LOG_ERR("not a numeric IPv4 or IPv6 address: %s", addrs[i]);
			goto out_close;
		}
		if (!family_is_enabled(pa.family)) {
			if (defaults) {
				continue;
			}
			LOG_ERR("%s: IPv%c is disabled in this configuration", addrs[i],
				pa.family == AF_INET ? '4' : '6');
			rc = -EAFNOSUPPORT;
			goto out_close;
		}
		fd = bind_one(&pa, port);
		if (fd < 0 && defaults && error_means_unavailable(fd)) {
			LOG_WRN("cannot listen on %s (%s); continuing without it", addrs[i],
				strerror(-fd));
			continue;
		}
		if (fd < 0) {
			rc = fd;
			LOG_ERR("cannot bind %s port %u: %s", addrs[i], (unsigned int)port,
				strerror(-rc));
			goto out_close;
		}
		ut->fds[ut->fd_count++] = fd;
		/* Once the kernel picked a port, every other address listens on the same one. */
		if (port == 0) {
			port = bound_port(fd);
		}
	}
	if (ut->fd_count == 0) {
		LOG_ERR("no address to listen on");
		return -EADDRNOTAVAIL;
	}
	ut->port = port;
	return 0;

out_close:
	udp_transport_close(ut);
	return rc;
}

void udp_transport_close(struct udp_transport *ut)
{
	for (size_t i = 0; i < ut->fd_count; i++) {
		close(ut->fds[i]);
		ut->fds[i] = -1;
	}
	ut->fd_count = 0;
}

int udp_transport_read(struct udp_transport *ut, size_t index)
{
	int submitted = 0;

	if (index >= ut->fd_count) {
		return -EINVAL;
	}

	for (;;) {
		struct smp_buf *b = smpdfu_smp_buf_alloc();
		struct udp_peer peer = { 0 };
		struct iovec iov;
		struct msghdr msg = { 0 };
		ssize_t n;

		if (b == NULL) {
			/* Pool exhausted: the rest waits in the kernel, poll() reports it again. */
			break;
		}
		iov.iov_base = b->data;
		iov.iov_len = sizeof(b->data);
		msg.msg_name = &peer.addr;
		msg.msg_namelen = sizeof(peer.addr);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;

		/* With MSG_TRUNC, Linux returns the datagram's real size even when it was cut. */
		n = recvmsg(ut->fds[index], &msg, MSG_TRUNC);
		if (n < 0) {
			int err = errno;

			smpdfu_smp_buf_free(b);
			if (err == EINTR || err == ECONNREFUSED) {
				continue;
			}
			if (err == EAGAIN || err == EWOULDBLOCK) {
				break;
			}
			LOG_ERR("recvmsg failed: %s", strerror(err));
			return -err;
		}
		if ((msg.msg_flags & MSG_TRUNC) || (size_t)n > sizeof(b->data)) {
			/* Half an SMP unit is useless; its tail must not be read as a new one. */
			ut->truncated++;
			LOG_WRN("dropped a %zd-byte datagram: buffers hold %zu bytes", n,
				sizeof(b->data));
			smpdfu_smp_buf_free(b);
			continue;
		}
		if (n == 0) {
			smpdfu_smp_buf_free(b);
			continue;
		}
		peer.sock = (uint8_t)index;
		/* All of it: the image group tells clients apart by these bytes. */
		memset(b->peer, 0, sizeof(b->peer));
		memcpy(b->peer, &peer, sizeof(peer));
		b->len = (size_t)n;
		b->tp = &ut->smp;
		smpdfu_smp_rx_submit(b);
		submitted++;
	}
	return submitted;
}

int udp_transport_local_name(const struct udp_transport *ut, size_t index, char *buf, size_t size)
{
	struct udp_peer local;
	socklen_t len = sizeof(local.addr);
	char host[INET6_ADDRSTRLEN];
	int n;

	if (index >= ut->fd_count) {
		return -EINVAL;
	}
	if (getsockname(ut->fds[index], &local.addr.sa, &len) != 0) {
		return -errno;
	}
	if (local.addr.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &local.addr.in6.sin6_addr, host, sizeof(host));
		n = snprintf(buf, size, "[%s]:%u", host,
			     (unsigned int)ntohs(local.addr.in6.sin6_port));
	} else {
		inet_ntop(AF_INET, &local.addr.in.sin_addr, host, sizeof(host));
		n = snprintf(buf, size, "%s:%u", host, (unsigned int)ntohs(local.addr.in.sin_port));
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
