/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command-line parsing for smpdfu-sim, kept apart from main() so the restart command line is built
 * from the same option table that parsed the original one.
 */
#define _GNU_SOURCE /* getopt_long */

#include "sim_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/config.h>

#include "port_posix.h"

/* Kconfig leaves the port undefined when the UDP transport is off; the simulator needs one. */
#ifdef CONFIG_MCUMGR_TRANSPORT_UDP_PORT
#define SIM_DEFAULT_UDP_PORT CONFIG_MCUMGR_TRANSPORT_UDP_PORT
#else
#define SIM_DEFAULT_UDP_PORT 1337
#endif

#define SIM_DEFAULT_FLASH_PATH "./smpdfu-flash.bin"

enum {
	OPT_FLASH = 'f',
	OPT_PORT = 'p',
	OPT_BIND = 'b',
	OPT_HELP = 'h',
	OPT_LOAD_SLOT0 = 0x100,
	OPT_LOG_LEVEL,
	OPT_CUT_AFTER,
	OPT_CUT_MODE,
	OPT_KEY,
	OPT_SERIAL,
	OPT_NO_SERIAL,
	OPT_SERIAL_LINK,
	OPT_CONFIG_CHANNEL,
	OPT_RECOVERY,
};

static const struct option long_options[] = {
	{ "flash", required_argument, NULL, OPT_FLASH },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "load-slot0", required_argument, NULL, OPT_LOAD_SLOT0 },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "cut-after", required_argument, NULL, OPT_CUT_AFTER },
	{ "cut-mode", required_argument, NULL, OPT_CUT_MODE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "serial", no_argument, NULL, OPT_SERIAL },
	{ "no-serial", no_argument, NULL, OPT_NO_SERIAL },
	{ "serial-link", required_argument, NULL, OPT_SERIAL_LINK },
	{ "config-channel", required_argument, NULL, OPT_CONFIG_CHANNEL },
	{ "recovery", no_argument, NULL, OPT_RECOVERY },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void print_usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [OPTION]...\n", prog);
	fputs("The simulated smpdfu device: an SMP server over UDP on a file-backed NOR flash.\n"
	      "\n"
	      "  -f, --flash PATH       flash contents, created if missing\n"
	      "                         (default " SIM_DEFAULT_FLASH_PATH ")\n",
	      out);
	fprintf(out,
		"  -p, --port N           UDP port, 0 picks a free one (default %d)\n"
		"  -b, --bind ADDR        numeric IPv4/IPv6 address to listen on, repeatable\n"
		"                         up to %d times (default 127.0.0.1 and ::1)\n",
		SIM_DEFAULT_UDP_PORT, UDP_TRANSPORT_MAX_SOCKETS);
	fputs("      --load-slot0 FILE  factory programming: erase slot 0 and write FILE\n"
	      "                         into it before starting (not again after a reboot)\n"
	      "      --log-level LEVEL  err, wrn, inf or dbg (default inf)\n"
	      "      --cut-after N      cut the power after N more flash program/erase\n"
	      "                         operations: log \"power cut\", exit with status 99\n"
	      "      --cut-mode MODE    clean (the cut operation does nothing) or torn\n"
	      "                         (it is half done); default clean\n",
	      out);
	fprintf(out,
		"      --key FILE.pem     a key the bootloader trusts (EC P-256 or Ed25519,\n"
		"                         private or public PEM; the public half is used),\n"
		"                         repeatable up to %d times; without it images are\n"
		"                         checked by hash only\n",
		SIM_KEYS_MAX);
	fprintf(out,
		"      --serial           SMP on a pseudo-terminal too (default %s)\n"
		"      --no-serial        no pseudo-terminal\n"
		"      --serial-link PATH keep a symlink PATH to the terminal, also across\n"
		"                         resets (implies --serial)\n",
		CONFIG_MCUMGR_TRANSPORT_UART ? "on" : "off: not in this build");
	fprintf(out,
		"      --config-channel PATH\n"
		"                         the config-channel DFU's Unix socket\n"
		"                         (docs/config_channel.md; default FLASH.cc.sock)%s\n",
		CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE ? "" : "; not in this build");
	fputs("      --recovery         when no slot holds a valid image, serve SMP anyway\n"
	      "                         (like MCUboot's serial recovery) instead of\n"
	      "                         stopping with exit status 3\n"
	      "  -h, --help             this text\n"
	      "\n"
	      "When ready it prints \"smpdfu-sim: listening on udp ADDR:PORT\" per address\n"
	      "and \"smpdfu-sim: listening on serial /dev/pts/N\" for the terminal.\n"
	      "SIGINT/SIGTERM stop it cleanly (exit 0); an SMP reset restarts it in place.\n",
	      out);
}

static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (text[0] < '0' || text[0] > '9') {
		return -EINVAL; /* strtoull would accept a sign or blanks */
	}
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0' || v > max) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_cut_mode(const char *text, enum flash_sim_cut_mode *mode)
{
	if (strcmp(text, "clean") == 0) {
		*mode = FLASH_SIM_CUT_CLEAN;
	} else if (strcmp(text, "torn") == 0) {
		*mode = FLASH_SIM_CUT_TORN;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int bad_value(const char *prog, const char *option, const char *value)
{
	fprintf(stderr, "%s: invalid value for --%s: '%s' (see --help)\n", prog, option, value);
	return -EINVAL;
}

int sim_options_parse(struct sim_options *opt, int argc, char **argv)
{
	const char *prog = argv[0];
	enum flash_sim_cut_mode cut_mode = FLASH_SIM_CUT_CLEAN;
	bool cut_given = false;
	uint64_t v;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->flash_path = SIM_DEFAULT_FLASH_PATH;
	opt->port = SIM_DEFAULT_UDP_PORT;
	opt->log_level = PORT_LOG_INF;
	opt->cut_mode = FLASH_SIM_CUT_NONE;
	opt->serial = CONFIG_MCUMGR_TRANSPORT_UART;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:p:b:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FLASH:
			opt->flash_path = optarg;
			break;
		case OPT_PORT:
			if (parse_u64(optarg, UINT16_MAX, &v) < 0) {
				return bad_value(prog, "port", optarg);
			}
			opt->port = (uint16_t)v;
			break;
		case OPT_BIND:
			if (opt->bind_count == UDP_TRANSPORT_MAX_SOCKETS) {
				fprintf(stderr, "%s: at most %d --bind options\n", prog,
					UDP_TRANSPORT_MAX_SOCKETS);
				return -EINVAL;
			}
			opt->binds[opt->bind_count++] = optarg;
			break;
		case OPT_LOAD_SLOT0:
			opt->load_slot0 = optarg;
			break;
		case OPT_LOG_LEVEL:
			if (posix_log_level_parse(optarg, &opt->log_level) < 0) {
				return bad_value(prog, "log-level", optarg);
			}
			break;
		case OPT_CUT_AFTER:
			if (parse_u64(optarg, UINT64_MAX, &opt->cut_after) < 0) {
				return bad_value(prog, "cut-after", optarg);
			}
			cut_given = true;
			break;
		case OPT_CUT_MODE:
			if (parse_cut_mode(optarg, &cut_mode) < 0) {
				return bad_value(prog, "cut-mode", optarg);
			}
			break;
		case OPT_KEY:
			if (opt->key_count == SIM_KEYS_MAX) {
				fprintf(stderr, "%s: at most %d --key options\n", prog,
					SIM_KEYS_MAX);
				return -EINVAL;
			}
			opt->keys[opt->key_count++] = optarg;
			break;
		case OPT_SERIAL:
			opt->serial = true;
			break;
		case OPT_NO_SERIAL:
			opt->serial = false;
			opt->serial_link = NULL;
			break;
		case OPT_SERIAL_LINK:
			opt->serial = true;
			opt->serial_link = optarg;
			break;
		case OPT_RECOVERY:
			opt->recovery = true;
			break;
		case OPT_CONFIG_CHANNEL:
			opt->config_channel = optarg;
			break;
		case OPT_HELP:
			print_usage(stdout, prog);
			return 1;
		default:
			/* getopt_long has already said what was wrong. */
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", prog, argv[optind]);
		return -EINVAL;
	}
	if (opt->serial && !CONFIG_MCUMGR_TRANSPORT_UART) {
		fprintf(stderr, "%s: --serial: this build has no serial transport "
				"(CONFIG_MCUMGR_TRANSPORT_UART=n)\n", prog);
		return -EINVAL;
	}
	/* --cut-mode alone arms nothing: the cut needs to know when. */
	if (cut_given) {
		opt->cut_mode = cut_mode;
	}
	/* sim_keys_load() has said which file and why; add how to get help, as for other values. */
	if (sim_keys_load(opt->keys, opt->key_count) < 0) {
		fprintf(stderr, "%s: invalid value for --key (see --help)\n", prog);
		return -EINVAL;
	}
	return 0;
}

void sim_options_restart_argv(const struct sim_options *opt, const char *argv0,
			      uint16_t bound_port, struct sim_restart_argv *out)
{
	static const char *const level_names[] = {
		[PORT_LOG_ERR] = "err",
		[PORT_LOG_WRN] = "wrn",
		[PORT_LOG_INF] = "inf",
		[PORT_LOG_DBG] = "dbg",
	};
	size_t n = 0;

	/* execv() takes char *const[] but never writes through them: dropping const is safe. */
	out->argv[n++] = (char *)argv0;
	out->argv[n++] = "--flash";
	out->argv[n++] = (char *)opt->flash_path;
	snprintf(out->port, sizeof(out->port), "%u", (unsigned int)bound_port);
	out->argv[n++] = "--port";
	out->argv[n++] = out->port;
	for (size_t i = 0; i < opt->bind_count; i++) {
		out->argv[n++] = "--bind";
		out->argv[n++] = (char *)opt->binds[i];
	}
	out->argv[n++] = "--log-level";
	out->argv[n++] = (char *)level_names[opt->log_level];
	if (opt->cut_mode != FLASH_SIM_CUT_NONE) {
		snprintf(out->cut_after, sizeof(out->cut_after), "%llu",
			 (unsigned long long)opt->cut_after);
		out->argv[n++] = "--cut-after";
		out->argv[n++] = out->cut_after;
		out->argv[n++] = "--cut-mode";
		out->argv[n++] = opt->cut_mode == FLASH_SIM_CUT_TORN ? "torn" : "clean";
	}
	for (size_t i = 0; i < opt->key_count; i++) {
		out->argv[n++] = "--key";
		out->argv[n++] = (char *)opt->keys[i];
	}
	/* Explicit either way, so the restarted device does not depend on the default. */
	out->argv[n++] = opt->serial ? "--serial" : "--no-serial";
	if (opt->serial_link != NULL) {
		out->argv[n++] = "--serial-link";
		out->argv[n++] = (char *)opt->serial_link;
	}
	if (opt->recovery) {
		out->argv[n++] = "--recovery";
	}
	if (opt->config_channel != NULL) {
		out->argv[n++] = "--config-channel";
		out->argv[n++] = (char *)opt->config_channel;
	}
	out->argv[n] = NULL;
}
