/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu: the host tool that talks SMP (MCUmgr) to a device. Parses the global options, opens the
 * transport and hands over to one command; the exit code says who failed (see enum cli_exit).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/prot/smp_serial.h>

#include "cli.h"
#include "cmd_config_dfu.h"
#include "util.h"

struct command {
	const char *group;  /* "image" for the image subcommands, NULL otherwise */
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
	{ NULL, "echo", cmd_echo },
	{ NULL, "params", cmd_params },
	{ NULL, "reset", cmd_reset },
	{ NULL, "bootloader-info", cmd_bootloader_info },
	{ NULL, "os-info", cmd_os_info },
	{ "image", "list", cmd_image_list },
	{ "image", "upload", cmd_image_upload },
	{ "image", "test", cmd_image_test },
	{ "image", "confirm", cmd_image_confirm },
	{ "image", "erase", cmd_image_erase },
	{ "image", "slot-info", cmd_image_slot_info },
	/* Not SMP: the config channel of a simulated nRF Desktop device (its own socket). */
	{ NULL, "config-dfu", cmd_config_dfu },
};

static const char usage_text[] =
	"usage: smpdfu [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"options (before the command):\n"
	"  --host HOST        device address or name (default 127.0.0.1; IPv6 like ::1 works)\n"
	"  --port PORT        UDP port (default 1337)\n"
	"  --transport NAME   udp (default), serial, serial-model or ble-model; the models run\n"
	"                     a simulated device in this process, in virtual time, behind a\n"
	"                     UART line or a Bluetooth LE link model (times they report are\n"
	"                     predictions)\n"
	"  --ble SETTINGS     ble-model: key=value,... e.g. interval=15,latency=0,phy=1m,\n"
	"                     mtu=247,dl=251,flash=nrf52840 (--ble help lists them)\n"
	"  --model-flash FILE serial-model, ble-model: keep the simulated device's flash in\n"
	"                     FILE, so that later commands see what earlier ones did (default:\n"
	"                     RAM; --ble-flash is the same)\n"
	"  --device PATH      serial: the port, e.g. /dev/ttyACM0 or the simulator's /dev/pts/N\n"
	"  --baud N           serial: line speed (default: leave the port as it is);\n"
	"                     serial-model: the modelled line rate, 8N1 (default 115200)\n"
	"  --line-size N      serial, serial-model: longest line sent, markers and newline\n"
	"                     included (default 127)\n"
	"  --line-delay-ms MS serial: pause between lines, for devices with few line buffers\n"
	"                     (default 0; the mcumgr CLI uses 20)\n"
	"  --timeout-ms MS    answer timeout per request (default 2500)\n"
	"  --smp-v1           send SMP version 1 headers (default: version 2)\n"
	"  --json             print each answer as one JSON object, nothing else on stdout\n"
	"                     (nothing at all when the answer is malformed); text the device\n"
	"                     sent that is not UTF-8 has each bad part replaced by U+FFFD,\n"
	"                     and control characters are \\u escapes\n"
	"  --verbose          show every packet on stderr\n"
	"\n"
	"commands:\n"
	"  echo TEXT\n"
	"  params                         MCUmgr buffer size and count\n"
	"  image list                     slots, versions, flags and hashes\n"
	"  image upload FILE [--window N] [--chunk BYTES] [--upgrade] [--no-resume]\n"
	"                                 --no-resume erases the spare slot first, so an\n"
	"                                 interrupted upload of the same file starts over\n"
	"  image test HASH                boot the image with this hash once, on the next reset\n"
	"  image confirm [HASH]           make it permanent (no HASH: the running image)\n"
	"  image erase [SLOT]\n"
	"  image slot-info\n"
	"  reset [--force]\n"
	"  bootloader-info [QUERY]        e.g. 'mode'\n"
	"  os-info [FORMAT]               e.g. 'a' for everything\n"
	"  config-dfu sync | start LENGTH CSUM OFFSET | data HEX | reboot --socket PATH\n"
	"  config-dfu upload FILE --socket PATH [--chunk BYTES] [--wait-s S]\n"
	"                                 the config-channel DFU of a simulated nRF Desktop\n"
	"                                 device, over its socket (docs/config_channel.md)\n"
	"\n"
	"text from the device is shown as sent, except what a terminal would act on: tab,\n"
	"newline and CR as \\t \\n \\r, other control characters and bytes that are not\n"
	"UTF-8 as \\xHH, C1 and bidirectional controls as \\uHHHH\n"
	"\n"
	"exit codes: 0 ok, 1 device error, 2 usage, 3 transport, timeout or malformed answer\n";

static const struct command *find_command(int argc, char **argv, int *consumed)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];

		if (c->group == NULL && strcmp(argv[0], c->name) == 0) {
			*consumed = 0;
			return c;
		}
		if (c->group != NULL && argc > 1 && strcmp(argv[0], c->group) == 0 &&
		    strcmp(argv[1], c->name) == 0) {
			*consumed = 1;
			return c;
		}
	}
	return NULL;
}

/* Parses the options before the command; returns the index of the command word or -EINVAL. */
static int parse_global(struct cli *cli, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strncmp(argv[i], "-", 1) == 0; i++) {
		const char *val;
		uint64_t num;
		int m;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			exit(CLI_EXIT_OK);
		} else if (strcmp(argv[i], "--smp-v1") == 0) {
			cli->smp_v1 = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			cli->json = true;
		} else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			cli->verbose = true;
		} else if ((m = cli_opt_value(argc, argv, &i, "--host", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			cli->topts.host = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--port", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, UINT16_MAX, &num) || num == 0) {
				return cli_usage_error("--port must be 1..65535");
			}
			cli->topts.port = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--transport", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!transport_name_is_known(val)) {
				return cli_usage_error("unknown transport '%s' (udp, serial, "
						       "serial-model, ble-model)", val);
			}
			cli->topts.name = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--ble", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			cli->topts.ble = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--model-flash", &val)) != 0 ||
			   (m = cli_opt_value(argc, argv, &i, "--ble-flash", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			cli->topts.model_flash = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--device", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			cli->topts.device = val;
		} else if ((m = cli_opt_value(argc, argv, &i, "--baud", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, 4000000, &num) || num == 0) {
				return cli_usage_error("--baud must be 1..4000000");
			}
			cli->topts.baud = (unsigned int)num;
		} else if ((m = cli_opt_value(argc, argv, &i, "--line-size", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, 65536, &num) || num < SMP_SERIAL_LINE_MIN) {
				return cli_usage_error("--line-size must be %d..65536",
						       SMP_SERIAL_LINE_MIN);
			}
			cli->topts.line_size = (size_t)num;
		} else if ((m = cli_opt_value(argc, argv, &i, "--line-delay-ms", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, 10000, &num)) {
				return cli_usage_error("--line-delay-ms must be 0..10000");
			}
			cli->topts.line_delay_ms = (unsigned int)num;
		} else if ((m = cli_opt_value(argc, argv, &i, "--timeout-ms", &val)) != 0) {
			if (m < 0) {
				return m;
			}
			if (!cli_parse_uint(val, 3600000, &num) || num == 0) {
				return cli_usage_error("--timeout-ms must be 1..3600000");
			}
			cli->timeout_ms = (int)num;
		} else {
			return cli_usage_error("unknown option %s", argv[i]);
		}
	}
	if (i == argc) {
		return cli_usage_error("no command given");
	}
	if (strcmp(cli->topts.name, "serial") == 0 && cli->topts.device == NULL) {
		return cli_usage_error("--transport serial needs --device PATH");
	}
	if (strcmp(cli->topts.name, "serial") != 0 && cli->topts.device != NULL) {
		return cli_usage_error("--device is for --transport serial");
	}
	cli->topts.verbose = cli->verbose;
	return i;
}

int main(int argc, char **argv)
{
	static struct cli cli = {
		.topts = { .name = "udp", .host = "127.0.0.1", .port = "1337" },
		.timeout_ms = 2500,
	};
	const struct command *cmd;
	int consumed;
	int first;
	int rc;

	first = parse_global(&cli, argc, argv);
	if (first < 0) {
		return CLI_EXIT_USAGE;
	}
	cmd = find_command(argc - first, argv + first, &consumed);
	if (cmd == NULL) {
		cli_usage_error("unknown command '%s%s%s'", argv[first],
				first + 1 < argc && strcmp(argv[first], "image") == 0 ? " " : "",
				first + 1 < argc && strcmp(argv[first], "image") == 0 ?
					argv[first + 1] : "");
		return CLI_EXIT_USAGE;
	}
	/* The config channel has its own socket: no SMP transport to open. */
	if (cmd->run == cmd_config_dfu) {
		return cli_exit_code(cmd_config_dfu(&cli, argc - first - 1, argv + first + 1));
	}
	rc = transport_open(&cli.topts, &cli.tr);
	if (rc == -ENOSYS) {
		fprintf(stderr, "smpdfu: the %s transport is not built yet; use --transport udp\n",
			cli.topts.name);
		return CLI_EXIT_TRANSPORT;
	}
	if (rc == -ENOENT) {
		cli_usage_error("unknown transport '%s'", cli.topts.name);
		return CLI_EXIT_USAGE;
	}
	if (rc == -EINVAL) {
		return CLI_EXIT_USAGE;
	}
	if (rc < 0) {
		return CLI_EXIT_TRANSPORT;
	}
	rc = smp_client_init(&cli.smp, &cli.tr, cli.smp_v1 ? SMP_VERSION_1 : SMP_VERSION_2,
			     cli.verbose);
	if (rc < 0) {
		fprintf(stderr, "smpdfu: out of memory\n");
		transport_close(&cli.tr);
		return CLI_EXIT_TRANSPORT;
	}
	first += consumed;
	rc = cmd->run(&cli, argc - first, argv + first);
	smp_client_deinit(&cli.smp);
	transport_close(&cli.tr);
	return cli_exit_code(rc);
}
