/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serial simulation's scheduler and its two ends. Three things happen in virtual time: a piece
 * of a line reaches the device, a piece reaches the host, and device work (one SMP request,
 * expired timers, the application's events). The earliest goes first; device work before a
 * delivery at the same instant. The device receives whatever its CPU is doing, as a UART driver
 * filling its receive buffers does, but sends by waiting for each answer line to go out, as
 * Zephyr's MCUmgr UART transport does with polled output: its clock moves on by the line time.
 */
#include "serial_sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vport.h"

/* Pieces in flight per direction: a window of full packets in 127-byte lines fits many times. */
#define SERIAL_SIM_LINE_CHUNKS 8192u
/* What the device writes on its console when it starts, as firmware prints a boot banner. */
static const char banner[] = "smpdfu: serial console ready\r\n";

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ---- Device ---------------------------------------------------------------------------------- */

/* The device's write routine: polled output, so its SMP context waits for the line. */
static int device_write(void *ctx, const uint8_t *line, size_t len)
{
	struct serial_sim *s = ctx;
	uint64_t t = vport_now_us();
	int rc = uart_line_write(&s->to_host, t, line, len);

	if (rc < 0) {
		return rc;
	}
	vport_advance_us(uart_line_idle_at(&s->to_host, t) - t);
	return 0;
}

/* At every boot, once the SMP server is up: the serial transport, then the boot banner. */
static int install_transport(void *arg)
{
	struct serial_sim *s = arg;

	if (!CONFIG_MCUMGR_TRANSPORT_UART) {
		fprintf(stderr, "serial sim: this build has no serial transport "
				"(CONFIG_MCUMGR_TRANSPORT_UART=n)\n");
		return -ENOTSUP;
	}
	smpdfu_smp_serial_transport_init(&s->st, device_write, s);
	s->rx_on_at = vport_now_us();
	return device_write(s, (const uint8_t *)banner, sizeof(banner) - 1);
}

/* A piece of a line reaches the device's receive path. */
static void device_receive(struct serial_sim *s, const struct uart_chunk *c)
{
	uint32_t before = s->st.rx.stats.packets;

	if (s->dev.halted || c->at_us < s->rx_on_at) {
		return;
	}
	vport_set_now_us(s->now);
	smpdfu_smp_serial_transport_rx(&s->st, c->data, c->len);
	for (uint32_t n = s->st.rx.stats.packets - before; n > 0; n--) {
		vdevice_request_arrived(&s->dev, s->now);
	}
}

/* ---- Host ------------------------------------------------------------------------------------ */

static uint8_t *host_rx_begin(void *ctx)
{
	struct serial_sim *s = ctx;

	return s->host.pkt;
}

static void host_rx_done(void *ctx, uint8_t *pkt, size_t len)
{
	struct serial_sim *s = ctx;

	packet_queue_push(&s->host.rsp, pkt, len);
}

static void host_rx_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	(void)pkt;
}

static const struct smp_serial_rx_ops host_rx_ops = {
	.begin = host_rx_begin,
	.done = host_rx_done,
	.abort = host_rx_abort,
};

static void host_receive(struct serial_sim *s, const struct uart_chunk *c)
{
	size_t off = 0;

	s->host.traffic.rx_wire_bytes += c->len;
	while (off < c->len) {
		off += smpdfu_smp_serial_rx_feed(&s->host.rx, c->data + off, c->len - off);
	}
}

static int host_write_line(void *ctx, const uint8_t *line, size_t len)
{
	struct serial_sim *s = ctx;

	s->host.traffic.tx_wire_bytes += len;
	return uart_line_write(&s->to_device, s->now, line, len);
}

int serial_sim_host_send(struct serial_sim *s, const uint8_t *pkt, size_t len)
{
	if (len > SMP_SERIAL_PACKET_MAX) {
		return -EMSGSIZE;
	}
	s->host.traffic.tx_packets++;
	s->host.traffic.tx_packet_bytes += len;
	return smpdfu_smp_serial_encode(pkt, len, s->host.tx_line, s->cfg.line_size,
					host_write_line, s);
}

/* ---- Scheduler ------------------------------------------------------------------------------- */

static void device_reboot(struct serial_sim *s)
{
	/*
	 * Power-on: what the receive path held is gone, the line carries on, and until the
	 * transport is up again (rx_on_at) the bootloader does not listen. A device that cannot
	 * boot stays halted and silent; the client times out.
	 */
	vport_set_now_us(s->dev.free_at);
	vdevice_boot(&s->dev);
}

int serial_sim_run_until(struct serial_sim *s, uint64_t t, bool (*stop)(struct serial_sim *s))
{
	for (;;) {
		uint64_t t_dev;
		uint64_t t_in;
		uint64_t t_out;
		uint64_t next;

		if (stop != NULL && stop(s)) {
			return 0;
		}
		t_dev = vdevice_due(&s->dev);
		t_in = uart_line_next_us(&s->to_device);
		t_out = uart_line_next_us(&s->to_host);
		next = min_u64(t_dev, min_u64(t_in, t_out));
		if (next > t) {
			s->now = max_u64(s->now, t);
			return -ETIMEDOUT;
		}
		s->now = max_u64(s->now, next);
		if (t_dev <= min_u64(t_in, t_out)) {
			if (vdevice_step(&s->dev, next)) {
				device_reboot(s);
			}
		} else if (t_in <= t_out) {
			device_receive(s, uart_line_peek(&s->to_device, s->now));
			uart_line_pop(&s->to_device);
		} else {
			host_receive(s, uart_line_peek(&s->to_host, s->now));
			uart_line_pop(&s->to_host);
		}
	}
}

uint64_t serial_sim_now(const struct serial_sim *s)
{
	return s->now;
}

static bool host_has_packet(struct serial_sim *s)
{
	return s->host.rsp.count > 0;
}

int serial_sim_host_recv(struct serial_sim *s, uint8_t *buf, size_t cap, uint64_t timeout_us)
{
	if (serial_sim_run_until(s, s->now + timeout_us, host_has_packet) < 0) {
		return -ETIMEDOUT;
	}
	return packet_queue_pop(&s->host.rsp, buf, cap);
}

/* ---- Life cycle ------------------------------------------------------------------------------ */

int serial_sim_open(struct serial_sim *s, const struct serial_sim_cfg *cfg)
{
	struct vdevice_cfg dev;
	int rc;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (cfg->line_size < SMP_SERIAL_LINE_MIN) {
		fprintf(stderr, "serial sim: lines of %zu bytes are too short (at least %u)\n",
			cfg->line_size, (unsigned int)SMP_SERIAL_LINE_MIN);
		return -EINVAL;
	}
	rc = uart_line_init(&s->to_device, cfg->baud, cfg->bits_per_byte, SERIAL_SIM_LINE_CHUNKS);
	if (rc == 0) {
		rc = uart_line_init(&s->to_host, cfg->baud, cfg->bits_per_byte,
				    SERIAL_SIM_LINE_CHUNKS);
	}
	s->host.pkt = malloc(SMP_SERIAL_PACKET_MAX + SMP_SERIAL_CRC_SIZE);
	s->host.tx_line = malloc(cfg->line_size);
	if (rc < 0 || s->host.pkt == NULL || s->host.tx_line == NULL) {
		fprintf(stderr, "serial sim: %s\n",
			rc == -EINVAL ? "baud rate out of range (1..4000000)" : "out of memory");
		rc = rc < 0 ? rc : -ENOMEM;
		goto out_free;
	}
	smpdfu_smp_serial_rx_init(&s->host.rx, s->host.line, sizeof(s->host.line),
				  SMP_SERIAL_PACKET_MAX, &host_rx_ops, s);
	vport_set_now_us(0);
	dev = cfg->dev;
	dev.program = "smpdfu-serialsim";
	dev.machine = "serial-model";
	dev.transport_init = install_transport;
	dev.transport_arg = s;
	rc = vdevice_open(&s->dev, &dev);
	if (rc == 0) {
		return 0;
	}

out_free:
	free(s->host.tx_line);
	free(s->host.pkt);
	uart_line_deinit(&s->to_host);
	uart_line_deinit(&s->to_device);
	return rc;
}

void serial_sim_close(struct serial_sim *s)
{
	struct serial_sim_host *h = &s->host;

	packet_queue_clear(&h->rsp);
	vdevice_close(&s->dev);
	free(h->tx_line);
	free(h->pkt);
	uart_line_deinit(&s->to_host);
	uart_line_deinit(&s->to_device);
}
