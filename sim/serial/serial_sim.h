/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A whole DFU set-up over a serial line in one process and in virtual time: the simulated device
 * (sim/vtime) with its SMP serial transport, a UART line model for each direction, and a host end
 * that frames requests as console lines and decodes the answers with the same framing code the
 * client uses. The device's code is the real portable core; only the line and the clock are models.
 */
#ifndef SERIAL_SIM_H
#define SERIAL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/transport/smp_serial.h>

#include "packet_queue.h"
#include "uart_model.h"
#include "vdevice.h"

/* Lines the host accepts from the device: far longer than 127 bytes, to be lenient. */
#define SERIAL_SIM_HOST_LINE_MAX 4096

struct serial_sim_cfg {
	uint32_t baud;           /* both directions, bits per second */
	uint32_t bits_per_byte;  /* UART_BITS_8N1 */
	size_t line_size;        /* longest line the host writes, markers and newline included */
	struct vdevice_cfg dev;  /* its identity and transport are the serial simulation's own */
};

/* What the host sent and received: the framing's cost. */
struct serial_sim_traffic {
	uint64_t tx_packets;
	uint64_t tx_packet_bytes; /* SMP bytes */
	uint64_t tx_wire_bytes;   /* the lines they became */
	uint64_t rx_wire_bytes;
};

struct serial_sim_host {
	struct smp_serial_rx rx;
	uint8_t line[SERIAL_SIM_HOST_LINE_MAX];
	uint8_t *pkt;            /* SMP_SERIAL_PACKET_MAX bytes: the answer being decoded */
	uint8_t *tx_line;        /* line_size bytes */
	struct packet_queue rsp; /* decoded answers the client has not read yet */
	struct serial_sim_traffic traffic;
};

struct serial_sim {
	struct serial_sim_cfg cfg;
	uint64_t now;
	struct vdevice dev;
	struct smp_serial_transport st;
	/*
	 * When the device's serial transport last came up: what reaches the device before then
	 * arrives while it is in the bootloader, which does not listen.
	 */
	uint64_t rx_on_at;
	struct uart_line to_device;
	struct uart_line to_host;
	struct serial_sim_host host;
};

/*
 * Builds the device (flash, bootloader, SMP server and groups, serial transport, application)
 * and the line at time 0. Returns 0 or -errno (a message on stderr says why). There is one SMP
 * server per process, so one simulation at a time.
 */
int serial_sim_open(struct serial_sim *s, const struct serial_sim_cfg *cfg);
/* Writes a file-backed flash back and frees everything. */
void serial_sim_close(struct serial_sim *s);

/* The simulation's time (µs since power-on). */
uint64_t serial_sim_now(const struct serial_sim *s);

/*
 * The host sends one SMP packet, framed as console lines of cfg.line_size bytes; they go out on
 * the line after what it still carries. Returns 0, -EMSGSIZE or -ENOBUFS.
 */
int serial_sim_host_send(struct serial_sim *s, const uint8_t *pkt, size_t len);

/*
 * Runs the simulation until the host holds a decoded answer or the virtual time reaches now +
 * timeout_us. Copies at most cap bytes of it to buf and returns its length (larger than cap:
 * truncated), or -ETIMEDOUT.
 */
int serial_sim_host_recv(struct serial_sim *s, uint8_t *buf, size_t cap, uint64_t timeout_us);

/*
 * Runs the simulation up to time t (or until stop(s) is true, checked between actions). Returns 0
 * when stopped, -ETIMEDOUT when t was reached.
 */
int serial_sim_run_until(struct serial_sim *s, uint64_t t, bool (*stop)(struct serial_sim *s));

#endif /* SERIAL_SIM_H */
