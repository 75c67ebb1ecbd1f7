/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ble-model transport: the simulated device and the Bluetooth LE link model of sim/ble run
 * inside the client, in virtual time. It is a model of the radio, not a radio: it predicts what a
 * link with these parameters does to SMP, and every time the client shows is the model's time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/prot/smp_hdr.h>

#include "ble_sim.h"
#include "ble_sim_opts.h"
#include "transport.h"
#include "transport_ble.h"
#include "vport.h"

#ifdef SMPDFU_HAVE_APP
#include "app.h"
#endif

struct ble_ctx {
	struct ble_sim *sim;
	bool owned; /* the transport opened the simulation and closes it */
	struct client_clock clock;
};

static int ble_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct ble_ctx *b = ctx;

	return ble_sim_central_send(b->sim, pkt, len);
}

static int ble_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct ble_ctx *b = ctx;

	return ble_sim_central_recv(b->sim, buf, cap,
				    (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u);
}

static void ble_close(void *ctx)
{
	struct ble_ctx *b = ctx;

	if (b->owned) {
		ble_sim_close(b->sim);
		free(b->sim);
	}
	free(b);
}

static uint64_t ble_now_us(void *ctx)
{
	struct ble_ctx *b = ctx;

	return ble_sim_now(b->sim);
}

static const struct transport_ops ble_ops = {
	.send = ble_send,
	.recv = ble_recv,
	.close = ble_close,
};

int transport_ble_attach(struct ble_sim *sim, bool owned, struct transport *t)
{
	struct ble_ctx *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		return -ENOMEM;
	}
	b->sim = sim;
	b->owned = owned;
	b->clock = (struct client_clock){ .now_us = ble_now_us, .ctx = b };
	t->ops = &ble_ops;
	t->ctx = b;
	/* With reassembly a packet may be as long as SMP allows, else one write's worth. */
	t->max_packet = ble_sim_max_packet(sim);
	t->frame_overhead = 0;
	t->clock = &b->clock;
	return 0;
}

void transport_ble_app_hooks(struct ble_sim_cfg *cfg)
{
#ifdef SMPDFU_HAVE_APP
	cfg->dev.app_start = smpdfu_app_start;
	cfg->dev.state_reset = smpdfu_app_state_reset;
	cfg->dev.app_process = smpdfu_app_event_manager_process;
	cfg->dev.app_has_pending = smpdfu_app_event_manager_has_pending;
#else
	(void)cfg;
#endif
}

int transport_ble_open(const struct transport_opts *opts, struct transport *t)
{
	struct ble_sim_cfg cfg;
	struct ble_sim *sim;
	int rc;

	ble_sim_cfg_defaults(&cfg);
	if (opts->ble != NULL && strcmp(opts->ble, "help") == 0) {
		fprintf(stderr, "ble-model settings (--ble key=value,...):\n%s", ble_sim_cfg_help);
		return -EINVAL;
	}
	if (opts->ble != NULL && ble_sim_cfg_parse_list(&cfg, opts->ble) < 0) {
		return -EINVAL;
	}
	cfg.dev.flash_path = opts->model_flash;
	/* The simulated device's own log, stamped with virtual time, comes with --verbose. */
	vport_set_log_level(opts->verbose ? PORT_LOG_INF : PORT_LOG_ERR);
	transport_ble_app_hooks(&cfg);
	sim = malloc(sizeof(*sim));
	if (sim == NULL) {
		return -ENOMEM;
	}
	rc = ble_sim_open(sim, &cfg);
	if (rc < 0) {
		free(sim);
		return rc;
	}
	rc = transport_ble_attach(sim, true, t);
	if (rc < 0) {
		ble_sim_close(sim);
		free(sim);
	}
	return rc;
}
