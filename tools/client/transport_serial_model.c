/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serial-model transport: the simulated device and the UART line model of sim/serial run
 * inside the client, in virtual time. It is a model of the line, not a UART: it predicts what a
 * line rate does to SMP, and every time the client shows is the model's time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <smpdfu/prot/smp_serial.h>

#include "serial_sim.h"
#include "transport.h"
#include "transport_serial_model.h"
#include "vport.h"

/* What the model assumes when the command line does not say (--baud, --line-size). */
#define SERIAL_MODEL_BAUD 115200u
#define SERIAL_MODEL_FACTORY_IMAGE (32u * 1024u)

struct serial_model_ctx {
	struct serial_sim *sim;
	bool owned; /* the transport opened the simulation and closes it */
	struct client_clock clock;
};

static int model_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct serial_model_ctx *m = ctx;

	return serial_sim_host_send(m->sim, pkt, len);
}

static int model_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct serial_model_ctx *m = ctx;

	return serial_sim_host_recv(m->sim, buf, cap,
				    (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u);
}

static void model_close(void *ctx)
{
	struct serial_model_ctx *m = ctx;

	if (m->owned) {
		serial_sim_close(m->sim);
		free(m->sim);
	}
	free(m);
}

static uint64_t model_now_us(void *ctx)
{
	struct serial_model_ctx *m = ctx;

	return serial_sim_now(m->sim);
}

static const struct transport_ops model_ops = {
	.send = model_send,
	.recv = model_recv,
	.close = model_close,
};

int transport_serial_model_attach(struct serial_sim *sim, bool owned, struct transport *t)
{
	struct serial_model_ctx *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		return -ENOMEM;
	}
	m->sim = sim;
	m->owned = owned;
	m->clock = (struct client_clock){ .now_us = model_now_us, .ctx = m };
	t->ops = &model_ops;
	t->ctx = m;
	t->max_packet = SMP_SERIAL_PACKET_MAX;
	/* The length and CRC share the device's buffer, as on a real serial line. */
	t->frame_overhead = SMP_SERIAL_FRAME_OVERHEAD;
	t->clock = &m->clock;
	return 0;
}

int transport_serial_model_open(const struct transport_opts *opts, struct transport *t)
{
	const struct serial_sim_cfg cfg = {
		.baud = opts->baud != 0 ? opts->baud : SERIAL_MODEL_BAUD,
		.bits_per_byte = UART_BITS_8N1,
		.line_size = opts->line_size != 0 ? opts->line_size : SMP_SERIAL_LINE_MAX,
		.dev = {
			.flash_path = opts->model_flash,
			.factory_image_size = SERIAL_MODEL_FACTORY_IMAGE,
		},
	};
	struct serial_sim *sim = malloc(sizeof(*sim));
	int rc;

	if (sim == NULL) {
		return -ENOMEM;
	}
	/* The simulated device's own log, stamped with virtual time, comes with --verbose. */
	vport_set_log_level(opts->verbose ? PORT_LOG_INF : PORT_LOG_ERR);
	rc = serial_sim_open(sim, &cfg);
	if (rc < 0) {
		free(sim);
		return rc;
	}
	rc = transport_serial_model_attach(sim, true, t);
	if (rc < 0) {
		serial_sim_close(sim);
		free(sim);
	}
	return rc;
}
