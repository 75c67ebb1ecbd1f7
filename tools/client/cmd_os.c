/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OS group commands of the tool: echo, params, reset, bootloader-info and os-info. Each builds
 * its request, prints the answer for people, or with --json the decoded body as it came.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <smpdfu/grp/os_mgmt.h>

#include "cli.h"
#include "safe_text.h"
#include "util.h"

/* MCUboot's mode numbers as bootloader info reports them. */
static const char *const mcuboot_modes[] = {
	"single slot",
	"swap using scratch",
	"overwrite only",
	"swap using move",
	"direct-xip",
	"direct-xip with revert",
	"RAM load",
	"firmware loader",
	"single slot RAM load",
	"swap using offset",
};

static const char *mcuboot_mode_name(int64_t mode)
{
	if (mode >= 0 && (uint64_t)mode < ARRAY_SIZE(mcuboot_modes)) {
		return mcuboot_modes[mode];
	}
	return mode == -1 ? "unknown / not MCUboot" : "a mode this client does not know";
}

/* A command with at most max_pos positional arguments and no options. */
static int positional(int argc, char **argv, int max_pos, const char **pos)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			return cli_usage_error("%s: unknown option %s", argv[0], argv[i]);
		}
		if (n == max_pos) {
			return cli_usage_error("%s: too many arguments", argv[0]);
		}
		pos[n++] = argv[i];
	}
	return n;
}

/*
 * Prints the single text field of a flat response (a field list of one CBOR_FIELD_TSTR), or the
 * body with --json.
 */
static int print_text_field(struct cli *cli, const struct smp_rsp *rsp, const char *text_field)
{
	const struct cbor_view body = { rsp->body, rsp->body_len };
	union cbor_value text;

	if (cli->json) {
		return cli_print_body_json(rsp);
	}
	if (smpdfu_cbor_decode_map(&body, text_field, &text) <= 0) {
		return cli_bad_response("no text in the answer");
	}
	safe_text_print(stdout, (const char *)text.v.ptr, text.v.len);
	putchar('\n');
	return 0;
}

int cmd_echo(struct cli *cli, int argc, char **argv)
{
	const char *text = NULL;
	struct cbor_writer w;
	struct smp_rsp rsp;
	int n = positional(argc, argv, 1, &text);
	int rc;

	if (n < 0) {
		return n;
	}
	if (n == 0) {
		return cli_usage_error("echo needs a TEXT");
	}
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 1);
	smpdfu_cbor_put_cstr(&w, "d");
	smpdfu_cbor_put_cstr(&w, text);
	rc = cli_request(cli, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_ECHO, &w, cli->timeout_ms,
			 &rsp);
	if (rc < 0) {
		return rc;
	}
	return print_text_field(cli, &rsp, CBOR_FIELD_TSTR("r"));
}

int cmd_params(struct cli *cli, int argc, char **argv)
{
	uint64_t size;
	uint64_t count;
	bool from_device;
	int rc = positional(argc, argv, 0, NULL);

	if (rc < 0) {
		return rc;
	}
	rc = cli_read_params(cli, &size, &count, &from_device);
	if (rc < 0) {
		return rc;
	}
	if (cli->json) {
		printf("{\"buf_size\":%" PRIu64 ",\"buf_count\":%" PRIu64 "%s}\n", size, count,
		       from_device ? "" : ",\"default\":true");
		return 0;
	}
	printf("buf_size: %" PRIu64 "\nbuf_count: %" PRIu64 "\n", size, count);
	if (!from_device) {
		printf("(the device does not know the command: these are MCUmgr's defaults)\n");
	}
	return 0;
}

int cmd_reset(struct cli *cli, int argc, char **argv)
{
	bool force = false;
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else {
			return cli_usage_error("reset: unexpected argument %s", argv[i]);
		}
	}
	cli_payload_begin(cli, &w);
	/* Send "force" only when asked for: a plain reset stays vetoable by the application. */
	smpdfu_cbor_put_map(&w, force ? 1 : 0);
	if (force) {
		smpdfu_cbor_put_cstr(&w, "force");
		smpdfu_cbor_put_bool(&w, true);
	}
	rc = cli_request(cli, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_RESET, &w,
			 cli->timeout_ms, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (cli->json) {
		return cli_print_body_json(&rsp);
	}
	printf("reset requested%s; the device reboots shortly\n", force ? " (forced)" : "");
	return 0;
}

int cmd_bootloader_info(struct cli *cli, int argc, char **argv)
{
	const char *query = NULL;
	enum { NAME, MODE, NO_DOWNGRADE, FIELDS };
	static const char fields[] = CBOR_FIELD_TSTR("bootloader") CBOR_FIELD_INT("mode")
		CBOR_FIELD_BOOL("no-downgrade");
	union cbor_value bl[FIELDS];
	int found;
	struct cbor_writer w;
	struct smp_rsp rsp;
	int n = positional(argc, argv, 1, &query);
	int rc;

	if (n < 0) {
		return n;
	}
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, query != NULL ? 1 : 0);
	if (query != NULL) {
		smpdfu_cbor_put_cstr(&w, "query");
		smpdfu_cbor_put_cstr(&w, query);
	}
	rc = cli_request(cli, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_BOOTLOADER_INFO, &w,
			 cli->timeout_ms, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (cli->json) {
		return cli_print_body_json(&rsp);
	}
	found = smpdfu_cbor_decode_map(&(struct cbor_view){ rsp.body, rsp.body_len }, fields, bl);
	if (found < 0) {
		return cli_bad_response("bootloader info is not a flat map");
	}
	if (found & CBOR_FOUND(NAME)) {
		printf("bootloader: ");
		safe_text_print(stdout, (const char *)bl[NAME].v.ptr, bl[NAME].v.len);
		putchar('\n');
	}
	if (found & CBOR_FOUND(MODE)) {
		printf("mode: %" PRId64 " (%s)\n", bl[MODE].i, mcuboot_mode_name(bl[MODE].i));
	}
	if (found & CBOR_FOUND(NO_DOWNGRADE)) {
		printf("no-downgrade: %s\n", bl[NO_DOWNGRADE].b ? "true" : "false");
	}
	if (found == 0) {
		printf("(no answer to that query; --json shows the whole response)\n");
	}
	return 0;
}

int cmd_os_info(struct cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	struct cbor_writer w;
	struct smp_rsp rsp;
	int n = positional(argc, argv, 1, &format);
	int rc;

	if (n < 0) {
		return n;
	}
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, format != NULL ? 1 : 0);
	if (format != NULL) {
		smpdfu_cbor_put_cstr(&w, "format");
		smpdfu_cbor_put_cstr(&w, format);
	}
	rc = cli_request(cli, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_INFO, &w, cli->timeout_ms,
			 &rsp);
	if (rc < 0) {
		return rc;
	}
	return print_text_field(cli, &rsp, CBOR_FIELD_TSTR("output"));
}
