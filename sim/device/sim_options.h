/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line of smpdfu-sim, and the command line it restarts itself with on a reboot (the
 * same device, minus the one-time factory programming).
 */
#ifndef SIM_OPTIONS_H
#define SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/port.h>

#include "flash_sim.h"
#include "sim_keys.h"
#include "udp_transport.h"

struct sim_options {
	const char *flash_path;
	uint16_t port;
	const char *binds[UDP_TRANSPORT_MAX_SOCKETS];
	size_t bind_count; /* 0: the loopbacks */
	const char *load_slot0; /* NULL: no factory programming */
	enum port_log_level log_level;
	enum flash_sim_cut_mode cut_mode; /* FLASH_SIM_CUT_NONE unless --cut-after was given */
	uint64_t cut_after;
	const char *keys[SIM_KEYS_MAX]; /* PEM files of the keys the bootloader trusts */
	size_t key_count;               /* 0: images are checked by hash only */
	bool serial;                    /* SMP on a pseudo-terminal (default: the Kconfig choice) */
	const char *serial_link;        /* symlink kept pointing at the terminal, or NULL */
	/* The config-channel DFU's socket (--config-channel); NULL: next to the flash file. */
	const char *config_channel;
	/* Nothing valid to boot: serve SMP (recovery) instead of stopping with exit status 3. */
	bool recovery;
};

/*
 * Fills opt from argv (argv is permuted, as getopt_long does) and loads the --key files as the
 * trusted keys (sim_keys_load()), so that a bad key file stops the device before it starts.
 * Returns 0 to run, 1 when --help was printed (exit 0), or -EINVAL after printing what was wrong
 * (exit 2).
 */
int sim_options_parse(struct sim_options *opt, int argc, char **argv);

/* Room for the longest command line sim_options_restart_argv() builds. */
#define SIM_RESTART_ARGC_MAX (1 + 2 * (10 + UDP_TRANSPORT_MAX_SOCKETS + SIM_KEYS_MAX) + 1)

struct sim_restart_argv {
	char *argv[SIM_RESTART_ARGC_MAX];
	char port[8];
	char cut_after[24];
};

/*
 * Builds the command line of the device after a reboot: the options in opt without --load-slot0
 * (slot 0 is programmed once, like at the factory) and with the same --key files, listening on
 * `bound_port` so that clients find the device where it was even when it was started with --port 0.
 * Pointers in out->argv point into opt, argv0 and out itself.
 */
void sim_options_restart_argv(const struct sim_options *opt, const char *argv0,
			      uint16_t bound_port, struct sim_restart_argv *out);

#endif /* SIM_OPTIONS_H */
