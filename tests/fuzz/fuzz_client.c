/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes how the client reads and prints device answers. One input picks a command of the smpdfu
 * tool (echo, params, reset, bootloader-info, os-info, image list/test/confirm/erase/slot-info,
 * image upload of an image or of a direct-xip package) with its options (--json, SMP v1,
 * --verbose), then scripts the device: each answer is delivered as given, or with its header made
 * to answer one of the last requests, or as a timeout or a broken link. The command runs against a
 * fake transport on a virtual clock, so timeouts cost nothing.
 *
 * Checked: no memory error or undefined behaviour; every request the client sends is one SMP
 * packet whose payload is a CBOR map; with --json, stdout holds nothing but JSON values, one per
 * line, in UTF-8; and nothing the device says reaches the terminal as a control character
 * (stdout and stderr carry only printable text, tabs and newlines), so a hostile device cannot
 * drive the user's terminal.
 *
 * Input: c0 = command (modulo the table), c1 = options (bit 0 --json, 1 --smp-v1, 2 --verbose,
 * 3-7 the command's variant); then answers, each a control byte (bit 0 fix the header to answer
 * the request bits 4-7 back, 1 fix the length, 2 a timeout instead, 3 a broken link instead), two
 * length bytes and the packet.
 */
#define _GNU_SOURCE /* memfd_create, open_memstream */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <smpdfu/cbor.h>

#include "cli.h"
#include "dfu_zip.h"
#include "fuzz_check.h"
#include "fuzz_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The script of one input and what the fake device saw. */
static struct {
	const uint8_t *p;
	const uint8_t *end;
	uint8_t sent[16][SMP_HDR_SIZE]; /* headers of the last requests, newest at sent_n - 1 */
	unsigned int sent_n;
	bool bad_request;               /* a request that is not one SMP packet with a map */
	uint64_t now_us;
} dev;

static uint64_t virtual_now(void *ctx)
{
	(void)ctx;
	return dev.now_us;
}

static const struct client_clock vclock = { .now_us = virtual_now };

static int fake_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct smpdfu_smp_hdr h;

	(void)ctx;
	smpdfu_smp_hdr_decode(pkt, &h);
	if (len < SMP_HDR_SIZE || h.len != len - SMP_HDR_SIZE ||
	    smpdfu_cbor_decode_map(&(struct cbor_view){ pkt + SMP_HDR_SIZE, h.len }, "", NULL) <
		    0) {
		dev.bad_request = true;
	}
	memcpy(dev.sent[dev.sent_n % 16], pkt, SMP_HDR_SIZE);
	dev.sent_n++;
	dev.now_us += 100;
	return 0;
}

static int fake_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	uint8_t ctl;
	size_t len;

	(void)ctx;
	if (dev.end - dev.p < 3) {
		dev.now_us += (uint64_t)timeout_ms * 1000 + 1000;
		return -ETIMEDOUT;
	}
	ctl = dev.p[0];
	len = (size_t)dev.p[1] << 8 | dev.p[2];
	dev.p += 3;
	len = len < (size_t)(dev.end - dev.p) ? len : (size_t)(dev.end - dev.p);
	if (ctl & 0x08) {
		return -EIO;
	}
	if (ctl & 0x04) {
		dev.now_us += (uint64_t)timeout_ms * 1000 + 1000;
		return -ETIMEDOUT;
	}
	memcpy(buf, dev.p, len < cap ? len : cap);
	dev.p += len;
	if ((ctl & 0x01) && len >= SMP_HDR_SIZE && dev.sent_n > 0) {
		unsigned int back = (ctl >> 4) % (dev.sent_n < 16 ? dev.sent_n : 16);
		const uint8_t *req = dev.sent[(dev.sent_n - 1 - back) % 16];

		buf[0] = (uint8_t)((req[0] & ~0x07) | ((req[0] & 0x07) + 1));
		memcpy(buf + 4, req + 4, 4); /* group, sequence number, command */
	}
	if ((ctl & 0x02) && len >= SMP_HDR_SIZE) {
		buf[2] = (uint8_t)((len - SMP_HDR_SIZE) >> 8);
		buf[3] = (uint8_t)(len - SMP_HDR_SIZE);
	}
	dev.now_us += 1000;
	return (int)len;
}

static void fake_close(void *ctx)
{
	(void)ctx;
}

static const struct transport_ops fake_ops = {
	.send = fake_send, .recv = fake_recv, .close = fake_close,
};

/* Files for "image upload": a plain image and a direct-xip package, in memory. */
static char image_path[64];
static char package_path[64];

static void memfd_file(char *path, size_t cap, const char *name)
{
	int fd = memfd_create(name, 0);

	CHECK(fd >= 0);
	snprintf(path, cap, "/proc/self/fd/%d", fd);
}

static void write_file(const char *path, const uint8_t *d, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL && fwrite(d, 1, len, f) == len && fclose(f) == 0);
}

static void init_once(void)
{
	static uint8_t img[2][4096];
	struct fuzz_image_spec spec = { .ver = { 1, 2, 3, 4 }, .hdr_size = 0x200,
					.payload_len = 1500, .seed = 7,
					.sign = 1u << FUZZ_KEY_ED25519 };
	size_t len[2];
	struct dfu_zip_image parts[2];
	const struct dfu_zip_opts opts = { .name = "fuzz", .board = "fuzz", .soc = "fuzz",
					   .direct_xip = true };

	for (int s = 0; s < 2; s++) {
		spec.flags = SMPDFU_IMAGE_F_ROM_FIXED;
		spec.load_addr = s == 0 ? 0x10000 : 0x90000;
		len[s] = fuzz_image_make(img[s], sizeof(img[s]), &spec);
		CHECK(len[s] > 0);
		parts[s] = (struct dfu_zip_image){
			.zip_name = s == 0 ? "app.signed.bin" : DFU_ZIP_SECONDARY_NAME,
			.data = img[s], .len = len[s], .load_address = spec.load_addr,
		};
	}
	memfd_file(image_path, sizeof(image_path), "image");
	write_file(image_path, img[0], len[0]);
	memfd_file(package_path, sizeof(package_path), "package");
	CHECK(dfu_zip_write(package_path, &opts, parts, 2) == 0);
}

/* ---- A strict JSON checker (RFC 8259), for what --json prints ---------------------------- */

struct jp {
	const char *p;
	const char *end;
};

static void j_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r')) {
		j->p++;
	}
}

static bool j_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) {
		return false;
	}
	j->p += n;
	return true;
}

static bool j_digits(struct jp *j)
{
	const char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		j->p++;
	}
	return j->p > start;
}

static bool j_number(struct jp *j)
{
	if (j->p < j->end && *j->p == '-') {
		j->p++;
	}
	if (j->p < j->end && *j->p == '0') {
		j->p++;
	} else if (!j_digits(j)) {
		return false;
	}
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!j_digits(j)) {
			return false;
		}
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-')) {
			j->p++;
		}
		return j_digits(j);
	}
	return true;
}

static bool j_string(struct jp *j)
{
	if (j->p >= j->end || *j->p != '"') {
		return false;
	}
	for (j->p++; j->p < j->end; j->p++) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20) {
			return false;
		}
		if (c == '\\') {
			if (++j->p >= j->end) {
				return false;
			}
			if (*j->p == 'u') {
				for (int i = 0; i < 4; i++) {
					char h = ++j->p < j->end ? *j->p : 0;

					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F'))) {
						return false;
					}
				}
			} else if (strchr("\"\\/bfnrt", *j->p) == NULL || *j->p == '\0') {
				return false;
			}
		}
	}
	return false;
}

static bool j_value(struct jp *j, int depth)
{
	char close;

	j_ws(j);
	if (j->p >= j->end || depth > 64) {
		return false;
	}
	if (*j->p == '"') {
		return j_string(j);
	}
	if (*j->p != '{' && *j->p != '[') {
		return j_lit(j, "true") || j_lit(j, "false") || j_lit(j, "null") || j_number(j);
	}
	close = *j->p == '{' ? '}' : ']';
	j->p++;
	j_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		if (close == '}') {
			j_ws(j);
			if (!j_string(j)) {
				return false;
			}
			j_ws(j);
			if (j->p >= j->end || *j->p++ != ':') {
				return false;
			}
		}
		if (!j_value(j, depth + 1)) {
			return false;
		}
		j_ws(j);
		if (j->p >= j->end) {
			return false;
		}
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',') {
			return false;
		}
	}
}

/* The bytes are UTF-8 (JSON text must be): shortest forms, no surrogates, at most U+10FFFF. */
static bool utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		unsigned int c = *p++;
		int more = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 :
			   c >= 0xf0 && c <= 0xf4 ? 3 : -1;
		unsigned int cp = more == 1 ? c & 0x1f : more == 2 ? c & 0x0f : c & 0x07;

		if (more < 0 || end - p < more) {
			return false;
		}
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80) {
				return false;
			}
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((more == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (more == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
			return false;
		}
	}
	return true;
}

/* Every line of out is one JSON value (blank lines are not allowed either). */
static bool json_lines(const char *out, size_t len)
{
	const char *end = out + len;

	if (!utf8(out, len)) {
		return false;
	}

	while (out < end) {
		const char *nl = memchr(out, '\n', (size_t)(end - out));
		struct jp j = { out, nl != NULL ? nl : end };

		if (!j_value(&j, 0)) {
			return false;
		}
		j_ws(&j);
		if (j.p != j.end) {
			return false;
		}
		out = nl != NULL ? nl + 1 : end;
	}
	return true;
}

/* Text for a terminal: no control characters but tab and newline (and no NUL, no DEL). */
static bool terminal_safe(const char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			return false;
		}
	}
	return true;
}

/* ---- The commands ------------------------------------------------------------------------- */

static int run_command(struct cli *cli, uint8_t which, uint8_t variant)
{
	static const char hash[] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *argv[8] = { 0 };
	char window[16];
	int argc = 1;

	switch (which % 12) {
	case 0:
		argv[0] = "echo";
		argv[argc++] = variant & 1 ? "" : "hello";
		return cmd_echo(cli, argc, argv);
	case 1:
		argv[0] = "params";
		return cmd_params(cli, argc, argv);
	case 2:
		argv[0] = "reset";
		if (variant & 1) {
			argv[argc++] = "--force";
		}
		return cmd_reset(cli, argc, argv);
	case 3:
		argv[0] = "bootloader-info";
		if (variant & 1) {
			argv[argc++] = "mode";
		}
		return cmd_bootloader_info(cli, argc, argv);
	case 4:
		argv[0] = "os-info";
		if (variant & 1) {
			argv[argc++] = "a";
		}
		return cmd_os_info(cli, argc, argv);
	case 5:
		argv[0] = "list";
		return cmd_image_list(cli, argc, argv);
	case 6:
		argv[0] = "test";
		argv[argc++] = (char *)hash;
		return cmd_image_test(cli, argc, argv);
	case 7:
		argv[0] = "confirm";
		if (variant & 1) {
			argv[argc++] = (char *)hash;
		}
		return cmd_image_confirm(cli, argc, argv);
	case 8:
		argv[0] = "erase";
		if (variant & 1) {
			argv[argc++] = "1";
		}
		return cmd_image_erase(cli, argc, argv);
	case 9:
		argv[0] = "slot-info";
		return cmd_image_slot_info(cli, argc, argv);
	default:
		argv[0] = "upload";
		argv[argc++] = which % 12 == 10 ? image_path : package_path;
		if (variant & 1) {
			snprintf(window, sizeof(window), "%u", 1 + (variant >> 1) % 8);
			argv[argc++] = "--window";
			argv[argc++] = window;
		}
		if (variant & 2) {
			argv[argc++] = "--upgrade";
		}
		if (variant & 4) {
			argv[argc++] = "--no-resume";
		}
		if (variant & 8) {
			argv[argc++] = "--chunk";
			argv[argc++] = "100";
		}
		return cmd_image_upload(cli, argc, argv);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static struct cli cli;
	FILE *real_out = stdout;
	FILE *real_err = stderr;
	char *out = NULL;
	char *err = NULL;
	size_t out_len = 0;
	size_t err_len = 0;

	if (!ready) {
		init_once();
		ready = true;
	}
	if (size < 2) {
		return 0;
	}
	memset(&dev, 0, sizeof(dev));
	dev.p = data + 2;
	dev.end = data + size;
	memset(&cli, 0, sizeof(cli));
	cli.topts = (struct transport_opts){ .name = "fuzz", .host = "device", .port = "1337" };
	cli.timeout_ms = 2500;
	cli.json = data[1] & 1;
	cli.smp_v1 = data[1] & 2;
	cli.verbose = data[1] & 4;
	cli.tr = (struct transport){ .ops = &fake_ops, .max_packet = 65535 + SMP_HDR_SIZE,
				     .clock = &vclock };
	CHECK(smp_client_init(&cli.smp, &cli.tr, cli.smp_v1 ? SMP_VERSION_1 : SMP_VERSION_2,
			      cli.verbose) == 0);
	cli.smp.seq = 0; /* not from the clock and the pid: the same input, the same run */

	/* What the command prints goes to memory, to be checked. */
	stdout = open_memstream(&out, &out_len);
	stderr = open_memstream(&err, &err_len);
	CHECK(stdout != NULL && stderr != NULL);
	(void)cli_exit_code(run_command(&cli, data[0], data[1] >> 3));
	fclose(stdout);
	fclose(stderr);
	stdout = real_out;
	stderr = real_err;
	smp_client_deinit(&cli.smp);
	if (getenv("FUZZ_TRACE") != NULL) {
		fprintf(stderr, "--- stdout\n%.*s--- stderr\n%.*s---\n", (int)out_len, out,
			(int)err_len, err);
	}

	CHECK(!dev.bad_request);
	if (cli.json) {
		CHECK(json_lines(out, out_len));
	}
	CHECK(terminal_safe(out, out_len));
	CHECK(terminal_safe(err, err_len));
	free(out);
	free(err);
	return 0;
}
