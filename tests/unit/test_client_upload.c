/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's image upload against a scripted device: the engine (upload_run) and the "image
 * upload" command, over a fake transport on a virtual clock. The device is a policy in C that
 * decides the "off" of each answer, so answers a real device would never give (offsets going
 * backwards, huge buffer counts) can be tried. A guard breaks the link after many requests, so
 * a client that would loop forever fails the test instead of hanging it.
 */
#define _GNU_SOURCE /* memfd_create */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>

#include "cli.h"
#include "smp_client.h"
#include "upload.h"

#define IMAGE_SIZE 8000
/* More requests than any sane upload of IMAGE_SIZE bytes needs: beyond, the client loops. */
#define GUARD_REQUESTS 2000

/* What the device answers to an upload request at req_off carrying n bytes (len on off 0). */
typedef uint64_t (*answer_fn)(size_t req_off, size_t n);
/* An answer_fn's "no answer at all". */
#define NO_ANSWER UINT64_MAX

static struct {
	answer_fn answer;
	uint64_t buf_size;
	uint64_t buf_count;
	uint8_t rsp[512];
	size_t rsp_len;
	bool have_rsp;
	unsigned int uploads;
	uint64_t now_us;
	size_t dev_off;     /* the device's own offset, for the policies that keep one */
	unsigned int calls; /* answers given, for the policies that count */
} dev;

static uint8_t image[IMAGE_SIZE];

static uint64_t virtual_now(void *ctx)
{
	(void)ctx;
	return dev.now_us;
}

static const struct client_clock vclock = { .now_us = virtual_now };

static void respond(const struct smpdfu_smp_hdr *req, const uint8_t *body, size_t len)
{
	struct smpdfu_smp_hdr h = *req;

	h.op = req->op == SMP_OP_READ ? SMP_OP_READ_RSP : SMP_OP_WRITE_RSP;
	h.len = (uint16_t)len;
	smpdfu_smp_hdr_encode(&h, dev.rsp);
	memcpy(dev.rsp + SMP_HDR_SIZE, body, len);
	dev.rsp_len = SMP_HDR_SIZE + len;
	dev.have_rsp = true;
}

static int fake_send(void *ctx, const uint8_t *pkt, size_t len)
{
	enum { OFF, DATA, FIELDS };
	static const char fields[] = CBOR_FIELD_UINT("off") CBOR_FIELD_BSTR("data");
	union cbor_value v[FIELDS];
	struct smpdfu_smp_hdr h;
	uint8_t body[128];
	struct cbor_writer w;

	(void)ctx;
	dev.now_us += 1000;
	smpdfu_smp_hdr_decode(pkt, &h);
	smpdfu_cbor_writer_init(&w, body, sizeof(body));
	if (h.group == MGMT_GROUP_ID_OS && h.id == OS_MGMT_ID_MCUMGR_PARAMS) {
		smpdfu_cbor_put_map(&w, 2);
		smpdfu_cbor_put_cstr(&w, "buf_size");
		smpdfu_cbor_put_uint(&w, dev.buf_size);
		smpdfu_cbor_put_cstr(&w, "buf_count");
		smpdfu_cbor_put_uint(&w, dev.buf_count);
		respond(&h, body, w.len);
		return 0;
	}
	if (h.group == MGMT_GROUP_ID_IMAGE && h.id == IMG_MGMT_ID_UPLOAD) {
		int found = smpdfu_cbor_decode_map(
			&(struct cbor_view){ pkt + SMP_HDR_SIZE, len - SMP_HDR_SIZE }, fields, v);

		assert_true(found >= 0);
		assert_true((found & CBOR_FOUND(OFF)) && (found & CBOR_FOUND(DATA)));
		dev.uploads++;
		if (dev.uploads > GUARD_REQUESTS) {
			/* Not answered: the recv below breaks the link. */
			return 0;
		}
		uint64_t off = dev.answer((size_t)v[OFF].u, v[DATA].v.len);

		if (off == NO_ANSWER) {
			return 0;
		}
		smpdfu_cbor_put_map(&w, 2);
		smpdfu_cbor_put_cstr(&w, "rc");
		smpdfu_cbor_put_uint(&w, 0);
		smpdfu_cbor_put_cstr(&w, "off");
		smpdfu_cbor_put_uint(&w, off);
		respond(&h, body, w.len);
		return 0;
	}
	/* Anything else (image state read): an empty state, no images. */
	smpdfu_cbor_put_map(&w, 0);
	respond(&h, body, w.len);
	return 0;
}

static int fake_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	(void)ctx;
	if (dev.uploads > GUARD_REQUESTS) {
		return -EIO;
	}
	if (!dev.have_rsp) {
		dev.now_us += (uint64_t)timeout_ms * 1000 + 1000;
		return -ETIMEDOUT;
	}
	dev.have_rsp = false;
	dev.now_us += 1000;
	memcpy(buf, dev.rsp, dev.rsp_len < cap ? dev.rsp_len : cap);
	return (int)dev.rsp_len;
}

static void fake_close(void *ctx)
{
	(void)ctx;
}

static const struct transport_ops fake_ops = {
	.send = fake_send, .recv = fake_recv, .close = fake_close,
};

static struct transport fake_tr = {
	.ops = &fake_ops, .max_packet = 65535, .clock = &vclock,
};

static int setup(void **state)
{
	(void)state;
	memset(&dev, 0, sizeof(dev));
	dev.buf_size = 512;
	dev.buf_count = 2;
	for (size_t i = 0; i < sizeof(image); i++) {
		image[i] = (uint8_t)(i * 7 + 3);
	}
	return 0;
}

static struct upload_cfg cfg_for(unsigned int window)
{
	return (struct upload_cfg){
		.packet_size = 512, .window = window, .timeout_ms = 2500,
	};
}

/* ---- Policies ---------------------------------------------------------------------------- */

/* Takes every chunk that starts where it is. */
static uint64_t honest(size_t req_off, size_t n)
{
	if (req_off == dev.dev_off) {
		dev.dev_off += n;
	}
	return dev.dev_off;
}

/*
 * Honest up to STUCK_AT; past it, the device answers one chunk back (as if it had lost the last
 * chunk), and takes that chunk again when it comes: the offset swings between two values for ever.
 */
#define STUCK_AT 3000
static size_t last_len;

static uint64_t swinging(size_t req_off, size_t n)
{
	if (req_off >= STUCK_AT && req_off == dev.dev_off) {
		dev.dev_off -= last_len;
		return dev.dev_off;
	}
	if (req_off == dev.dev_off) {
		dev.dev_off += n;
		last_len = n;
	}
	return dev.dev_off;
}

/*
 * Knows this image up to RESUME_AT (an earlier upload), then forgets it (a reset) after the
 * resume, takes one first chunk again and goes silent.
 */
#define RESUME_AT 5000

static uint64_t resume_then_forget(size_t req_off, size_t n)
{
	switch (dev.calls++) {
	case 0:
		return RESUME_AT;
	case 1:
		return 0;
	case 2:
		return req_off == 0 ? n : 0;
	default:
		return NO_ANSWER;
	}
}

/* ---- Tests ------------------------------------------------------------------------------- */

/* The engine with a window of 1 against the device policy given; returns what upload_run does. */
static int run_engine(answer_fn policy, struct upload_result *res)
{
	struct smp_client c;
	struct upload_cfg cfg = cfg_for(1);
	int rc;

	dev.answer = policy;
	assert_int_equal(smp_client_init(&c, &fake_tr, SMP_VERSION_2, false), 0);
	rc = upload_run(&c, &cfg, image, sizeof(image), res);
	smp_client_deinit(&c);
	return rc;
}

static void test_honest_device_completes(void **state)
{
	struct upload_result res;

	(void)state;
	assert_int_equal(run_engine(honest, &res), 0);
	assert_int_equal(res.acked, sizeof(image));
}

/*
 * A device whose offset swings back and forth between two values never gets the upload
 * anywhere; the engine must give up (protocol error), not resend the same two chunks for ever.
 */
static void test_offset_swinging_back_and_forth_ends(void **state)
{
	struct upload_result res;

	(void)state;
	/* On a loop, the guard breaks the link after GUARD_REQUESTS: -EIO. */
	assert_int_equal(run_engine(swinging, &res), -EPROTO);
	assert_true(dev.uploads < 100);
}

/*
 * The device resumed at RESUME_AT and then lost the upload: what it holds at the end (acked) is
 * below where it had resumed. resumed_from must not claim more than the device holds, or the
 * command's "bytes" (acked - resumed_from) wraps around to 2^64 - 4600.
 */
static void test_resume_then_restart_reports_no_more_than_acked(void **state)
{
	struct upload_result res;

	(void)state;
	assert_int_equal(run_engine(resume_then_forget, &res), -ETIMEDOUT);
	assert_true(res.acked > 0 && res.acked < RESUME_AT);
	assert_true(res.resumed_from <= res.acked);
}

/* "image upload FILE" as the tool runs it, against the fake device. */
static int run_upload_command(void)
{
	static struct cli cli;
	char path[64];
	char *argv[] = { "upload", path, NULL };
	int fd = memfd_create("image", 0);
	int rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, image, sizeof(image)), (ssize_t)sizeof(image));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&cli, 0, sizeof(cli));
	cli.topts.name = "fake";
	cli.topts.host = "fake";
	cli.topts.port = "0";
	cli.tr = fake_tr;
	cli.timeout_ms = 2500;
	cli.json = true;
	assert_int_equal(smp_client_init(&cli.smp, &cli.tr, SMP_VERSION_2, false), 0);
	rc = cmd_image_upload(&cli, 2, argv);
	smp_client_deinit(&cli.smp);
	close(fd);
	return rc;
}

static void test_upload_command_with_an_honest_device(void **state)
{
	(void)state;
	dev.answer = honest;
	assert_int_equal(run_upload_command(), 0);
	assert_int_equal(dev.dev_off, sizeof(image));
}

/*
 * A buf_count of 2^32 + 1 is only "very many buffers": the window is capped at
 * UPLOAD_MAX_WINDOW. Cut to unsigned int first it became 0, and the upload failed with
 * "Invalid argument" (a usage error) before sending anything.
 */
static void test_huge_buf_count_caps_the_window(void **state)
{
	(void)state;
	dev.answer = honest;
	dev.buf_count = 0x100000001ull;
	assert_int_equal(run_upload_command(), 0);
	assert_int_equal(dev.dev_off, sizeof(image));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_honest_device_completes, setup),
		cmocka_unit_test_setup(test_offset_swinging_back_and_forth_ends, setup),
		cmocka_unit_test_setup(test_resume_then_restart_reports_no_more_than_acked, setup),
		cmocka_unit_test_setup(test_upload_command_with_an_honest_device, setup),
		cmocka_unit_test_setup(test_huge_buf_count_caps_the_window, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
