/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over UDP for the simulated device: one SMP unit per datagram, the reply goes back to the
 * sender from the socket the request came in on. Non-blocking sockets the caller's poll() loop
 * watches; receiving is flow-controlled by the SMP buffer pool.
 */
#ifndef UDP_TRANSPORT_H
#define UDP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/smp.h>

/* Addresses one device may listen on at once (e.g. 127.0.0.1, ::1 and a LAN address). */
#define UDP_TRANSPORT_MAX_SOCKETS 4

struct udp_transport {
	struct smpdfu_smp_transport smp; /* what the SMP core sees; smp.ctx points back here */
	int fds[UDP_TRANSPORT_MAX_SOCKETS];
	size_t fd_count;
	uint16_t port;       /* the bound port: the kernel's choice when 0 was asked for */
	uint32_t truncated;  /* datagrams dropped because they did not fit a buffer */
};

/*
 * Binds one socket per address of addrs[0..count) (numeric IPv4 or IPv6, e.g. "0.0.0.0", "::1") on
 * `port`; port 0 lets the kernel pick one for the first address and the others reuse it. With
 * count 0 it binds the loopback of each family enabled in Kconfig (127.0.0.1, ::1) and skips a
 * family the host does not have, with a warning. The transport must stay at its address while open.
 * Returns 0; -EINVAL for an address that does not parse or too many; -EAFNOSUPPORT for a family
 * disabled in Kconfig; -EADDRNOTAVAIL when nothing could be bound; or the socket call's -errno.
 * On failure nothing stays open.
 */
int udp_transport_open(struct udp_transport *ut, const char *const *addrs, size_t count,
		       uint16_t port);

/* Closes every socket. Harmless on a closed or failed transport. */
void udp_transport_close(struct udp_transport *ut);

/*
 * Reads the datagrams waiting on socket `index` and submits each to the SMP receive queue, for as
 * long as smpdfu_smp_buf_alloc() gives buffers. What does not fit the pool stays in the kernel
 * queue, so poll() reports the socket readable again once processing has freed buffers. Datagrams
 * larger than a buffer are dropped and logged. Returns the number of units submitted, or -errno
 * when the socket failed. Main loop context.
 */
int udp_transport_read(struct udp_transport *ut, size_t index);

/*
 * Writes the local address of socket `index` as "127.0.0.1:1337" or "[::1]:1337" into buf.
 * Returns 0, -EINVAL for a bad index, -ENOSPC when buf is too small, or getsockname()'s -errno.
 */
int udp_transport_local_name(const struct udp_transport *ut, size_t index, char *buf, size_t size);

#endif /* UDP_TRANSPORT_H */
