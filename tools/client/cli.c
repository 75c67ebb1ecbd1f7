/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the commands: one way to send a request, one way to report each kind of
 * failure, and the mapping from failures to the documented exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/grp/os_mgmt.h>

#include "cli.h"
#include "json_out.h"
#include "util.h"

int cli_exit_code(int rc)
{
	if (rc == 0) {
		return CLI_EXIT_OK;
	}
	if (rc == -EINVAL) {
		return CLI_EXIT_USAGE;
	}
	if (rc == -EREMOTEIO || rc == -EBADMSG) {
		return CLI_EXIT_DEVICE;
	}
	return CLI_EXIT_TRANSPORT;
}

void cli_payload_begin(struct cli *cli, struct cbor_writer *w)
{
	smpdfu_cbor_writer_init(w, cli->tx + SMP_HDR_SIZE, sizeof(cli->tx) - SMP_HDR_SIZE);
}

void cli_print_transport_error(const struct cli *cli, int rc)
{
	const char *host = cli->topts.host;
	const char *port = cli->topts.port;
	char where[512];

	/* A serial link is named by its device, a network one by host and port. */
	if (cli->topts.device != NULL) {
		snprintf(where, sizeof(where), "%s", cli->topts.device);
	} else {
		snprintf(where, sizeof(where), "%s port %s", host, port);
	}
	switch (rc) {
	case -ETIMEDOUT:
		fprintf(stderr, "smpdfu: no response from %s (%s) in time; is the device "
				"running? (--verbose shows the packets)\n",
			where, cli->topts.name);
		break;
	case -ECONNREFUSED:
		fprintf(stderr, "smpdfu: %s refused the connection: nothing is listening there\n",
			where);
		break;
	case -EIO:
		if (cli->topts.device != NULL) {
			fprintf(stderr, "smpdfu: %s: the other end of the line went away (did the "
					"device stop or restart?)\n", where);
			break;
		}
		/* fall through */
	default:
		fprintf(stderr, "smpdfu: %s transport to %s: %s\n", cli->topts.name, where,
			strerror(-rc));
		break;
	}
}

int cli_bad_response(const char *what)
{
	fprintf(stderr, "smpdfu: unexpected response from the device: %s\n", what);
	return -EPROTO;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("smpdfu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see smpdfu --help)\n", stderr);
	return -EINVAL;
}

int cli_print_body_json(const struct smp_rsp *rsp)
{
	int rc = json_print_cbor(stdout, rsp->body, rsp->body_len);

	if (rc == -ENOMEM) {
		fprintf(stderr, "smpdfu: out of memory\n");
		return rc;
	}
	if (rc < 0) {
		return cli_bad_response("the body is not well-formed CBOR");
	}
	return 0;
}

int cli_request(struct cli *cli, uint8_t op, uint16_t group, uint8_t id,
		const struct cbor_writer *w, int timeout_ms, struct smp_rsp *rsp)
{
	struct smpdfu_smp_err err;
	int rc;

	if (w->overflow) {
		return cli_usage_error("the request does not fit in %zu bytes", sizeof(cli->tx));
	}
	rc = smp_client_transact(&cli->smp, op, group, id, cli->tx, w->len, timeout_ms, rsp);
	if (rc < 0) {
		cli_print_transport_error(cli, rc);
		return rc;
	}
	rc = smp_rsp_error(rsp, &err);
	if (rc < 0) {
		return cli_bad_response("the body is not a CBOR map");
	}
	if (rc > 0) {
		const struct smp_cmd cmd = { .group = group, .id = id, .op = op };

		smp_err_print(stderr, &cmd, &err);
		if (cli->json) {
			cli_print_body_json(rsp);
		}
		return -EREMOTEIO;
	}
	return 0;
}

bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max) {
		return false;
	}
	*out = v;
	return true;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9') {
		return ch - '0';
	}
	if (ch >= 'a' && ch <= 'f') {
		return ch - 'a' + 10;
	}
	if (ch >= 'A' && ch <= 'F') {
		return ch - 'A' + 10;
	}
	return -1;
}

bool cli_parse_hex(const char *s, uint8_t *out, size_t out_len)
{
	if (strlen(s) != out_len * 2) {
		return false;
	}
	for (size_t i = 0; i < out_len; i++) {
		int hi = hex_digit(s[2 * i]);
		int lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			return false;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0) {
		return 0;
	}
	if (arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	if (arg[n] != '\0') {
		return 0;
	}
	if (*i + 1 >= argc) {
		return cli_usage_error("%s needs a value", name);
	}
	*i += 1;
	*val = argv[*i];
	return 1;
}

int cli_read_params(struct cli *cli, uint64_t *buf_size, uint64_t *buf_count, bool *from_device)
{
	struct cbor_writer w;
	struct smp_rsp rsp;
	struct smpdfu_smp_err err;
	int rc;

	*buf_size = 1024;
	*buf_count = 2;
	*from_device = false;
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 0);
	rc = smp_client_transact(&cli->smp, SMP_OP_READ, MGMT_GROUP_ID_OS,
				 OS_MGMT_ID_MCUMGR_PARAMS, cli->tx, w.len, cli->timeout_ms, &rsp);
	if (rc < 0) {
		cli_print_transport_error(cli, rc);
		return rc;
	}
	rc = smp_rsp_error(&rsp, &err);
	if (rc < 0) {
		return cli_bad_response("params: the body is not a CBOR map");
	}
	if (rc > 0 && !err.is_group && err.rc == MGMT_ERR_ENOTSUP) {
		/* An old device without the command: assume the MCUmgr defaults. */
		return 0;
	}
	if (rc > 0) {
		smp_err_print(stderr,
			      &(struct smp_cmd){ .group = MGMT_GROUP_ID_OS,
						 .id = OS_MGMT_ID_MCUMGR_PARAMS,
						 .op = SMP_OP_READ },
			      &err);
		if (cli->json) {
			cli_print_body_json(&rsp);
		}
		return -EREMOTEIO;
	}
	if (smp_rsp_params(&rsp, buf_size, buf_count) < 0) {
		return cli_bad_response("params: no buf_size/buf_count");
	}
	*from_device = true;
	return 0;
}
