/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's link to a device: an ops struct that moves whole SMP packets, so the SMP layer and
 * the upload engine never know whether the bytes travel over UDP, a serial line or a BLE model.
 */
#ifndef SMPDFU_CLIENT_TRANSPORT_H
#define SMPDFU_CLIENT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mono_time.h"

struct transport_ops {
	/* Sends one complete SMP packet. Returns 0 or -errno. */
	int (*send)(void *ctx, const uint8_t *pkt, size_t len);
	/*
	 * Waits up to timeout_ms for one complete packet and copies at most cap bytes of it to
	 * buf. Returns the packet length (more than cap: the packet was truncated), -ETIMEDOUT,
	 * or another -errno for a broken link.
	 */
	int (*recv)(void *ctx, uint8_t *buf, size_t cap, int timeout_ms);
	/* Releases everything the transport holds, including ctx. */
	void (*close)(void *ctx);
};

struct transport {
	const struct transport_ops *ops;
	void *ctx;
	/* Largest SMP packet (header + payload) the link can carry in one unit. */
	size_t max_packet;
	/*
	 * Bytes of the device's buf_size that the link's own framing uses (the serial transport's
	 * length and CRC live in the same buffer); packets are sized to buf_size - frame_overhead.
	 */
	size_t frame_overhead;
	/* The clock deadlines run on: NULL for the host's, the model's virtual one (ble-model). */
	const struct client_clock *clock;
};

/* Where to connect; each transport reads the members it needs. */
struct transport_opts {
	const char *name; /* "udp", "serial", "serial-model", "ble-model" */
	const char *host;
	const char *port;
	/* serial (baud and line_size also for serial-model) */
	const char *device;         /* e.g. /dev/ttyACM0, or the simulator's /dev/pts/N */
	unsigned int baud;          /* 0: keep the port's speed (serial-model: 115200) */
	size_t line_size;           /* longest line sent, markers and newline included; 0: 127 */
	unsigned int line_delay_ms; /* pause between lines, for devices with few line buffers */
	bool verbose;               /* show the console text the transport skips */
	/* ble-model */
	const char *ble;            /* "key=value,..." settings of the model (sim/ble), or NULL */
	/* serial-model and ble-model */
	const char *model_flash;    /* file keeping the simulated device's flash, or NULL (RAM) */
};

/*
 * Opens the transport named in opts into *t. Returns 0, -ENOENT for an unknown name, -ENOSYS for
 * a known transport that is not part of this build, or the transport's own -errno, in which case
 * the transport has printed why on stderr (it knows the details: name resolution, device paths).
 */
int transport_open(const struct transport_opts *opts, struct transport *t);

/* True when name is a transport this client knows about (built or not). */
bool transport_name_is_known(const char *name);

void transport_close(struct transport *t);

/* The UDP transport: getaddrinfo() on host/port (IPv4 or IPv6), one packet per datagram. */
int transport_udp_open(const struct transport_opts *opts, struct transport *t);

/*
 * The serial transport on opts->device (raw mode when it is a terminal): packets framed as SMP
 * console lines of opts->line_size bytes, other console text skipped. Returns 0, -EINVAL for
 * unusable options, -ENODEV when the device does not exist, or the -errno of opening it (each
 * said on stderr).
 */
int transport_serial_open(const struct transport_opts *opts, struct transport *t);

/*
 * The ble-model transport: a simulated device behind the Bluetooth LE link model, in this process
 * and in virtual time (a model of the radio, not a radio). Packets go out as ATT writes without
 * response of ATT_MTU - 3 bytes, answers are rebuilt from notifications. Returns 0, -EINVAL for
 * bad opts->ble settings, -ENOTSUP when the build has no BLE transport, or -errno (said on stderr).
 */
int transport_ble_open(const struct transport_opts *opts, struct transport *t);

/*
 * The serial-model transport: a simulated device behind a modelled UART line (sim/serial), in
 * this process and in virtual time (a model of the line, not a UART). Packets go out as console
 * lines of opts->line_size bytes at opts->baud (default 115200) 8N1, answers are decoded from the
 * device's lines. Returns 0 or -errno (said on stderr).
 */
int transport_serial_model_open(const struct transport_opts *opts, struct transport *t);

#endif /* SMPDFU_CLIENT_TRANSPORT_H */
