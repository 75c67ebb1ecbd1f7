/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every command of the smpdfu tool shares: the open link, the global options, and helpers that
 * send a request, report failures the same way everywhere and turn them into exit codes.
 */
#ifndef SMPDFU_CLIENT_CLI_H
#define SMPDFU_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/cbor.h>

#include "smp_client.h"
#include "transport.h"

/* Process exit codes. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_DEVICE = 1,    /* the device answered with an error (or match: false) */
	CLI_EXIT_USAGE = 2,     /* bad command line or input file */
	CLI_EXIT_TRANSPORT = 3, /* no answer, broken link, malformed answer */
};

/* Requests of the simple commands are small; an echo text is the largest of them. */
#define CLI_TX_SIZE 4096

/* Erase and state writes touch flash synchronously on the device: give them time. */
#define CLI_FLASH_TIMEOUT_MS 40000

struct cli {
	struct transport_opts topts;
	struct transport tr;
	struct smp_client smp;
	int timeout_ms;
	bool smp_v1;
	bool json;
	bool verbose;
	uint8_t tx[CLI_TX_SIZE];
};

/*
 * Commands return 0 or -errno, and the errno says which exit code applies: -EINVAL for a usage
 * error, -EREMOTEIO or -EBADMSG for a device error, anything else for a transport failure.
 */
int cli_exit_code(int rc);

/* Starts a request payload in cli->tx, after the room for the header. */
void cli_payload_begin(struct cli *cli, struct cbor_writer *w);

/*
 * Sends the payload in w as (op, group, id) and waits up to timeout_ms for the answer. Prints a
 * transport failure and returns its -errno; prints a device error (with --json, also the body on
 * stdout) and returns -EREMOTEIO; -EINVAL when the request did not fit.
 */
int cli_request(struct cli *cli, uint8_t op, uint16_t group, uint8_t id,
		const struct cbor_writer *w, int timeout_ms, struct smp_rsp *rsp);

/* Prints why a transport operation failed, naming the device. */
void cli_print_transport_error(const struct cli *cli, int rc);

/*
 * With --json: prints the response body as one line of JSON. Returns 0, or -EPROTO for a body
 * that is not well-formed (or -ENOMEM) after saying so on stderr, and then prints nothing.
 */
int cli_print_body_json(const struct smp_rsp *rsp);

/* Reports a response the client could not make sense of and returns -EPROTO. */
int cli_bad_response(const char *what);

/* Prints a usage error ("smpdfu: ...") and returns -EINVAL. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a decimal (or 0x hex) unsigned number no larger than max. */
bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Parses exactly out_len bytes of hex (upper or lower case). */
bool cli_parse_hex(const char *s, uint8_t *out, size_t out_len);

/*
 * Matches argv[*i] against the option name, as "--name value" or "--name=value". On a match
 * stores the value (advancing *i past it) and returns 1; returns 0 for no match and -EINVAL when
 * the value is missing.
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val);

/* Reads MCUmgr params; a device without the command gets the defaults (1024 bytes, 2 buffers). */
int cli_read_params(struct cli *cli, uint64_t *buf_size, uint64_t *buf_count, bool *from_device);

/* Commands; argv[0] is the command's own name. */
int cmd_echo(struct cli *cli, int argc, char **argv);
int cmd_params(struct cli *cli, int argc, char **argv);
int cmd_reset(struct cli *cli, int argc, char **argv);
int cmd_bootloader_info(struct cli *cli, int argc, char **argv);
int cmd_os_info(struct cli *cli, int argc, char **argv);
/* The slot the device runs from (state read); -ENOENT when none is reported active. */
int image_active_slot(struct cli *cli, unsigned int *slot);
int cmd_image_list(struct cli *cli, int argc, char **argv);
int cmd_image_test(struct cli *cli, int argc, char **argv);
int cmd_image_confirm(struct cli *cli, int argc, char **argv);
int cmd_image_erase(struct cli *cli, int argc, char **argv);
int cmd_image_slot_info(struct cli *cli, int argc, char **argv);
int cmd_image_upload(struct cli *cli, int argc, char **argv);

#endif /* SMPDFU_CLIENT_CLI_H */
