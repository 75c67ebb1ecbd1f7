/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP GATT transport against a scripted GATT bearer: reassembly of requests from writes, every
 * ATT error the write callback answers with, notification size (ATT_MTU - 3, halved when the stack
 * has no buffer), subscription and disconnection in the middle of a request, that a disconnect
 * takes the connection's queued requests out (other transports' keep their place), and that no
 * malformed fragment sequence disturbs the good request that follows it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/transport/smp_bt.h>

#include "fake_port.h"
#include "test_device.h"
#include "util.h"

#define MAX_NOTES 512

/* The scripted BLE stack: what it was asked to notify, and how it answers. */
static struct fake_bearer {
	uint16_t mtu;
	bool subscribed;
	size_t accept_max;     /* notifications longer than this fail with -ENOMEM (0: no limit) */
	int fail_after;        /* fail with fail_rc after this many notifications (-1: never) */
	int fail_rc;
	size_t note_len[MAX_NOTES];
	size_t notes;
	uint8_t stream[16384]; /* the notified bytes, back to back */
	size_t stream_len;
} fb;

static struct smp_bt bt;

static int fake_notify(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	assert_true(len <= (size_t)fb.mtu - SMP_BT_ATT_HDR_SIZE);
	if (fb.accept_max != 0 && len > fb.accept_max) {
		return -ENOMEM;
	}
	if (fb.fail_after >= 0 && (int)fb.notes >= fb.fail_after) {
		return fb.fail_rc;
	}
	assert_true(fb.notes < MAX_NOTES && fb.stream_len + len <= sizeof(fb.stream));
	fb.note_len[fb.notes++] = len;
	memcpy(&fb.stream[fb.stream_len], data, len);
	fb.stream_len += len;
	return 0;
}

static uint16_t fake_mtu(void *ctx)
{
	(void)ctx;
	return fb.mtu;
}

static bool fake_subscribed(void *ctx)
{
	(void)ctx;
	return fb.subscribed;
}

static const struct smp_bt_bearer_ops fake_ops = {
	.notify = fake_notify,
	.att_mtu = fake_mtu,
	.is_subscribed = fake_subscribed,
};

static int setup(void **state)
{
	(void)state;
	test_device_init(SMP_TRANSPORT_BLE);
	memset(&fb, 0, sizeof(fb));
	fb.mtu = 498;
	fb.subscribed = true;
	fb.fail_after = -1;
	assert_int_equal(smpdfu_smp_bt_init(&bt, &fake_ops, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* Whatever a test did, no packet buffer may stay taken. */
	while (smpdfu_smp_rx_process_one()) {
	}
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	test_device_deinit();
	return 0;
}

/* An SMP v2 echo request of text_len bytes ("d": "aaa..."), seq `seq`; returns its length. */
static size_t echo_req(uint8_t *out, size_t text_len, uint8_t seq)
{
	size_t n = SMP_HDR_SIZE;

	out[n++] = 0xa1;
	out[n++] = 0x61;
	out[n++] = 'd';
	if (text_len < 24) {
		out[n++] = (uint8_t)(0x60 | text_len);
	} else if (text_len < 256) {
		out[n++] = 0x78;
		out[n++] = (uint8_t)text_len;
	} else {
		out[n++] = 0x79;
		out[n++] = (uint8_t)(text_len >> 8);
		out[n++] = (uint8_t)text_len;
	}
	memset(&out[n], 'a' + seq % 26, text_len);
	n += text_len;
	out[0] = 0x0a; /* v2 write */
	out[1] = 0;
	out[2] = (uint8_t)((n - SMP_HDR_SIZE) >> 8);
	out[3] = (uint8_t)(n - SMP_HDR_SIZE);
	out[4] = 0;
	out[5] = 0;
	out[6] = seq;
	out[7] = 0;
	return n;
}

/* Checks that the notified stream holds exactly one echo answer to seq with text_len bytes. */
static void expect_echo_answer(uint8_t seq, size_t text_len)
{
	size_t body;

	assert_true(fb.stream_len >= SMP_HDR_SIZE);
	body = (size_t)fb.stream[2] << 8 | fb.stream[3];
	assert_int_equal(fb.stream_len, SMP_HDR_SIZE + body);
	assert_int_equal(fb.stream[0], 0x0b);
	assert_int_equal(fb.stream[6], seq);
	/* bf 61 72 <text head> text ff */
	assert_int_equal(fb.stream[SMP_HDR_SIZE], 0xbf);
	assert_int_equal(fb.stream[fb.stream_len - 1], 0xff);
	assert_true(body > text_len);
	for (size_t i = fb.stream_len - 1 - text_len; i < fb.stream_len - 1; i++) {
		assert_int_equal(fb.stream[i], 'a' + seq % 26);
	}
}

static void clear_notes(void)
{
	fb.notes = 0;
	fb.stream_len = 0;
}

/* Writes req in pieces of the given sizes (the last one takes the rest); expects OK for each. */
static void write_split(const uint8_t *req, size_t len, const size_t *cuts, size_t ncuts)
{
	size_t off = 0;

	for (size_t i = 0; i <= ncuts && off < len; i++) {
		size_t n = i < ncuts ? cuts[i] : len - off;

		assert_int_equal(smpdfu_smp_bt_write(&bt, req + off, n), SMP_BT_ATT_OK);
		off += n;
	}
}

/* A good request sent in one write is answered: the check after every error case. */
static void expect_good_request_works(uint8_t seq)
{
	uint8_t req[64];
	size_t len = echo_req(req, 5, seq);

	clear_notes();
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	expect_echo_answer(seq, 5);
}

static void uuids_are_the_smp_service(void **state)
{
	static const uint8_t svc[] = SMP_BT_SVC_UUID_LE;
	static const uint8_t chr[] = SMP_BT_CHR_UUID_LE;
	const char *strs[] = { SMP_BT_SVC_UUID_STR, SMP_BT_CHR_UUID_STR };
	const uint8_t *bytes[] = { svc, chr };

	(void)state;
	/* The little-endian bytes are the string's hex digits, last byte first. */
	for (size_t u = 0; u < 2; u++) {
		uint8_t be[SMP_BT_UUID_SIZE];
		size_t n = 0;

		for (const char *p = strs[u]; *p != '\0'; p++) {
			unsigned int v;

			if (*p == '-') {
				continue;
			}
			assert_int_equal(sscanf(p, "%2x", &v), 1);
			be[n++] = (uint8_t)v;
			p++;
		}
		assert_int_equal(n, SMP_BT_UUID_SIZE);
		for (size_t i = 0; i < SMP_BT_UUID_SIZE; i++) {
			assert_int_equal(bytes[u][i], be[SMP_BT_UUID_SIZE - 1 - i]);
		}
	}
}

static void whole_request_in_one_write(void **state)
{
	(void)state;
	expect_good_request_works(1);
	assert_int_equal(bt.stats.packets, 1);
	assert_int_equal(bt.stats.notifications, 1);
}

static void request_reassembled_from_fragments(void **state)
{
	uint8_t req[2048];
	size_t len = echo_req(req, 1500, 7);
	/* Inside the header, right after it, and MTU-sized pieces as a phone cuts them. */
	const size_t cuts[] = { 8, 1, 495, 495 };

	(void)state;
	assert_true(len <= CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE);
	write_split(req, len, cuts, 4);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	assert_true(smpdfu_smp_rx_process_one());
	expect_echo_answer(7, 1500);
	/* 1500 + 12 bytes of answer at 495 bytes per notification. */
	assert_int_equal(fb.notes, (fb.stream_len + 494) / 495);
	for (size_t i = 0; i + 1 < fb.notes; i++) {
		assert_int_equal(fb.note_len[i], 495);
	}
}

static void byte_by_byte_after_the_header(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 20, 3);

	(void)state;
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, SMP_HDR_SIZE), SMP_BT_ATT_OK);
	for (size_t i = SMP_HDR_SIZE; i < len; i++) {
		assert_true(smpdfu_smp_bt_is_reassembling(&bt));
		assert_int_equal(smpdfu_smp_bt_write(&bt, &req[i], 1), SMP_BT_ATT_OK);
	}
	assert_true(smpdfu_smp_rx_process_one());
	expect_echo_answer(3, 20);
}

static void first_fragment_shorter_than_header(void **state)
{
	uint8_t req[64];

	(void)state;
	echo_req(req, 5, 2);
	for (size_t n = 0; n < SMP_HDR_SIZE; n++) {
		assert_int_equal(smpdfu_smp_bt_write(&bt, req, n),
				 SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED);
		assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	}
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(bt.stats.att_errors, SMP_HDR_SIZE);
	expect_good_request_works(4);
}

static void request_longer_than_a_buffer(void **state)
{
	uint8_t hdr[SMP_HDR_SIZE] = { 0x0a, 0, 0, 0, 0, 0, 9, 0 };
	size_t too_long = CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE - SMP_HDR_SIZE + 1;

	(void)state;
	hdr[2] = (uint8_t)(too_long >> 8);
	hdr[3] = (uint8_t)too_long;
	assert_int_equal(smpdfu_smp_bt_write(&bt, hdr, sizeof(hdr)),
			 SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	/* The largest request that fits is fine. */
	hdr[2] = (uint8_t)((too_long - 1) >> 8);
	hdr[3] = (uint8_t)(too_long - 1);
	assert_int_equal(smpdfu_smp_bt_write(&bt, hdr, sizeof(hdr)), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_bt_is_reassembling(&bt));
	smpdfu_smp_bt_subscription_changed(&bt, false);
	smpdfu_smp_bt_subscription_changed(&bt, true);
	expect_good_request_works(5);
}

static void fragment_past_the_announced_length(void **state)
{
	uint8_t req[128];
	size_t len = echo_req(req, 40, 6);

	(void)state;
	/* A partial request, then a fragment one byte longer than what is missing. */
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, 20), SMP_BT_ATT_OK);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req + 20, len - 20 + 1),
			 SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	assert_int_equal(bt.stats.partial_dropped, 1);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_false(smpdfu_smp_rx_process_one());
	expect_good_request_works(8);
}

static void two_packets_in_one_write(void **state)
{
	uint8_t req[128];
	size_t len = echo_req(req, 5, 9);

	(void)state;
	/* With reassembly a write is part of one request; a second packet in it runs past it. */
	memcpy(req + len, req, len);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, 2 * len), SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED);
	assert_false(smpdfu_smp_rx_process_one());
	expect_good_request_works(10);
}

static void no_free_buffer(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 5, 11);

	(void)state;
	/* Requests take all buffers but the one kept for the answer. */
	for (int i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	}
	assert_int_equal(smpdfu_smp_buf_free_count(), 1);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	for (int i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		assert_true(smpdfu_smp_rx_process_one());
	}
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1);
	expect_good_request_works(12);
}

static void unsubscribe_drops_partial_request(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 30, 13);

	(void)state;
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, 12), SMP_BT_ATT_OK);
	fb.subscribed = false;
	smpdfu_smp_bt_subscription_changed(&bt, false);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	assert_int_equal(bt.stats.partial_dropped, 1);
	fb.subscribed = true;
	smpdfu_smp_bt_subscription_changed(&bt, true);
	/* The rest of the dropped request is not a request of its own. */
	assert_int_equal(smpdfu_smp_bt_write(&bt, req + 12, len - 12 < 8 ? len - 12 : 7),
			 SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED);
	expect_good_request_works(14);
}

static void disconnect_drops_partial_and_queued_requests(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 5, 15);

	(void)state;
	/* One request complete and queued, one half written, then the link drops. */
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, 10), SMP_BT_ATT_OK);
	smpdfu_smp_bt_disconnected(&bt);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	assert_int_equal(bt.stats.partial_dropped, 1);
	assert_int_equal(bt.stats.rx_discarded, 1);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	/* Neither is left to process, and nothing reaches the next connection. */
	clear_notes();
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	expect_good_request_works(16);
}

static void no_notification_without_subscriber(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 5, 17);

	(void)state;
	fb.subscribed = false;
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	assert_int_equal(bt.stats.rsp_dropped, 1);
	fb.subscribed = true;
	expect_good_request_works(18);
}

static void responses_cut_at_mtu_minus_3(void **state)
{
	static const uint16_t mtus[] = { 23, 24, 64, 185, 247, 498, 517 };
	uint8_t req[512];
	size_t len = echo_req(req, 400, 19);

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(mtus); m++) {
		size_t piece = (size_t)mtus[m] - 3;

		fb.mtu = mtus[m];
		clear_notes();
		assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
		assert_true(smpdfu_smp_rx_process_one());
		expect_echo_answer(19, 400);
		assert_int_equal(fb.notes, (fb.stream_len + piece - 1) / piece);
		for (size_t i = 0; i < fb.notes; i++) {
			size_t want = i + 1 < fb.notes ? piece : fb.stream_len - i * piece;

			assert_int_equal(fb.note_len[i], want);
		}
	}
}

/* Below ATT's minimum MTU (23) nothing is notified: the answer is dropped and counted. */
static void no_notification_below_the_minimum_mtu(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 10, 21);

	(void)state;
	fb.mtu = 22;
	clear_notes();
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	assert_int_equal(bt.stats.rsp_dropped, 1);
}

static void no_buffer_halves_the_piece_down_to_20(void **state)
{
	uint8_t req[512];
	size_t len = echo_req(req, 300, 20);

	(void)state;
	/* MTU 247: 244 -> 122 -> 61 -> 30 fits a stack that takes at most 40 bytes. */
	fb.mtu = 247;
	fb.accept_max = 40;
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	expect_echo_answer(20, 300);
	assert_int_equal(bt.stats.halvings, 3);
	for (size_t i = 0; i + 1 < fb.notes; i++) {
		assert_int_equal(fb.note_len[i], 30);
	}

	/* Room for 20 only: halved down to the floor and not below. */
	fb.accept_max = 20;
	bt.stats.halvings = 0;
	clear_notes();
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	expect_echo_answer(20, 300);
	assert_int_equal(bt.stats.halvings, 4); /* 244 -> 122 -> 61 -> 30 -> 20 */
	assert_int_equal(fb.note_len[0], SMP_BT_NOTIFY_MIN);

	/* No room at all: the response is given up after the floor, nothing half sent. */
	fb.accept_max = 10;
	clear_notes();
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	assert_int_equal(bt.stats.rsp_dropped, 1);
	fb.accept_max = 0;
	expect_good_request_works(21);
}

static void failure_after_first_piece_gives_up(void **state)
{
	uint8_t req[512];
	size_t len = echo_req(req, 300, 22);

	(void)state;
	fb.mtu = 64;
	fb.fail_after = 2;
	fb.fail_rc = -ENOMEM;
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	/* No halving once a piece is out: the pieces must line up for the client. */
	assert_int_equal(fb.notes, 2);
	assert_int_equal(bt.stats.halvings, 0);
	assert_int_equal(bt.stats.rsp_dropped, 1);

	fb.fail_after = 0;
	fb.fail_rc = -ENOTCONN;
	clear_notes();
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	assert_int_equal(bt.stats.rsp_dropped, 2);
	fb.fail_after = -1;
	expect_good_request_works(23);
}

static void garbage_request_then_good_one(void **state)
{
	/* A complete packet with an invalid op and group: the server answers or drops it, and the
	 * transport is back at a packet boundary. */
	uint8_t junk[16] = { 0x0f, 0xff, 0x00, 0x08, 0xff, 0xff, 0x33, 0xee,
			     1,	   2,	 3,    4,    5,	   6,	 7,    8 };

	(void)state;
	assert_int_equal(smpdfu_smp_bt_write(&bt, junk, sizeof(junk)), SMP_BT_ATT_OK);
	assert_false(smpdfu_smp_bt_is_reassembling(&bt));
	while (smpdfu_smp_rx_process_one()) {
	}
	expect_good_request_works(24);
}

/* ---- A disconnect discards the connection's queued requests ------------------------------- */

static uint8_t image[2048];
static size_t image_len;
static uint8_t image_sha[SMPDFU_SHA256_DIGEST_SIZE];

static void make_image(void)
{
	struct sha256_ctx ctx;

	image_len = test_make_image(image, sizeof(image), 1, 0, 0, 0, 1200, 0, 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, image, image_len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, image_sha), 0);
}

/* An upload request for image[off..off+n), a first chunk with len and sha; returns its length. */
static size_t upload_req(uint8_t *out, size_t cap, uint32_t off, size_t n, uint8_t seq)
{
	struct cbor_writer w;
	struct smpdfu_smp_hdr h = {
		.op = SMP_OP_WRITE, .version = SMP_VERSION_2, .group = 1, .seq = seq, .id = 1,
	};

	smpdfu_cbor_writer_init(&w, out + SMP_HDR_SIZE, cap - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, off == 0 ? 4 : 2);
	if (off == 0) {
		smpdfu_cbor_put_cstr(&w, "len");
		smpdfu_cbor_put_uint(&w, image_len);
		smpdfu_cbor_put_cstr(&w, "sha");
		smpdfu_cbor_put_bstr(&w, image_sha, sizeof(image_sha));
	}
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, off);
	smpdfu_cbor_put_cstr(&w, "data");
	smpdfu_cbor_put_bstr(&w, image + off, n);
	h.len = (uint16_t)w.len;
	smpdfu_smp_hdr_encode(&h, out);
	return SMP_HDR_SIZE + w.len;
}

/* Queues req as the test device's own transport would, without processing it. */
static void queue_from_other_transport(const uint8_t *req, size_t len)
{
	struct smp_buf *b = smpdfu_smp_buf_alloc();

	assert_non_null(b);
	memcpy(b->data, req, len);
	b->len = len;
	memset(smpdfu_smp_buf_peer(b), 0, SMP_PEER_ADDR_SIZE);
	b->tp = &test_dev.tp;
	smpdfu_smp_rx_submit(b);
}

static void disconnect_discards_queued_upload_chunk_and_reset(void **state)
{
	static const uint8_t reset[] = { 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x42, 0x05, 0xa0 };
	uint8_t req[512];
	size_t len;

	(void)state;
	make_image();
	len = upload_req(req, sizeof(req), 0, 400, 1);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 400);

	/* The next chunk and a reset are queued when the link drops. */
	len = upload_req(req, sizeof(req), 400, 400, 2);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_int_equal(smpdfu_smp_bt_write(&bt, reset, sizeof(reset)), SMP_BT_ATT_OK);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 2);
	fake_log_clear();
	smpdfu_smp_bt_disconnected(&bt);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_int_equal(bt.stats.rx_discarded, 2);
	assert_int_equal(fake_log_count("INF smp_bt: disconnected: 2 queued request(s) discarded"),
			 1);

	/* Neither takes effect: nothing written, no reboot, nothing notified. */
	clear_notes();
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 400);
	fake_clock_advance(CONFIG_MCUMGR_GRP_OS_RESET_MS);
	assert_int_equal(fake_reboot_count(), 0);
	assert_int_equal(fb.notes, 0);

	/* The client comes back and resumes by sha from the offset the device kept. */
	smpdfu_smp_bt_subscription_changed(&bt, true);
	len = upload_req(req, sizeof(req), 0, 400, 3);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_true(fb.notes > 0);
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 400);
	len = upload_req(req, sizeof(req), 400, 400, 4);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(smpdfu_img_mgmt_upload_offset(), 800);
	assert_false(smpdfu_smp_rx_process_one());
}

static void other_transports_requests_survive_in_order(void **state)
{
	/*
	 * test_dev keeps TEST_RSP_MAX answers; the shipped pools have 4 buffers, of which requests
	 * take all but the answer's.
	 */
	const uint8_t fill = CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT < 7 ?
				     CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1 : 6;
	uint8_t req[64];
	size_t len;
	size_t others = 0;

	(void)state;
	/* BLE and the other transport taking turns, BLE first. */
	for (uint8_t i = 0; i < fill; i++) {
		len = echo_req(req, 5, (uint8_t)(40 + i));
		if (i % 2 == 0) {
			assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
		} else {
			queue_from_other_transport(req, len);
			others++;
		}
	}
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - fill);
	smpdfu_smp_bt_disconnected(&bt);
	assert_int_equal(bt.stats.rx_discarded, fill - others);
	assert_int_equal(smpdfu_smp_buf_free_count(),
			 CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - others);

	/* Exactly the other transport's requests are left, answered in the order they came. */
	clear_notes();
	test_dev.rsp_count = 0;
	for (size_t k = 0; k < others; k++) {
		assert_true(smpdfu_smp_rx_process_one());
	}
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 0);
	assert_int_equal(test_dev.rsp_count, others);
	for (size_t k = 0; k < others; k++) {
		assert_int_equal(test_dev.rsp[k].data[6], 40 + 2 * k + 1);
	}

	/* A disconnect that takes the last queued request: what comes next still goes last. */
	test_dev.rsp_count = 0;
	len = echo_req(req, 5, 50);
	queue_from_other_transport(req, len);
	len = echo_req(req, 5, 51);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	smpdfu_smp_bt_disconnected(&bt);
	assert_int_equal(bt.stats.rx_discarded, fill - others + 1);
	len = echo_req(req, 5, 52);
	queue_from_other_transport(req, len);
	assert_true(smpdfu_smp_rx_process_one());
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(test_dev.rsp_count, 2);
	assert_int_equal(test_dev.rsp[0].data[6], 50);
	assert_int_equal(test_dev.rsp[1].data[6], 52);
	expect_good_request_works(53);
}

static void request_queued_after_reconnect_is_processed(void **state)
{
	uint8_t req[64];
	size_t len;

	(void)state;
	len = echo_req(req, 5, 60);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	smpdfu_smp_bt_disconnected(&bt);
	smpdfu_smp_bt_subscription_changed(&bt, true);
	len = echo_req(req, 5, 61);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_int_equal(bt.stats.rx_discarded, 1);
	clear_notes();
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	expect_echo_answer(61, 5);
	/* A second disconnect with nothing queued discards nothing more. */
	smpdfu_smp_bt_disconnected(&bt);
	assert_int_equal(bt.stats.rx_discarded, 1);
}

/* A handler during which the link drops, as a stack's context preempting the processing would. */
static unsigned int hang_up_calls;

static struct smp_status hang_up(struct smp_request *req)
{
	(void)req;
	hang_up_calls++;
	smpdfu_smp_bt_disconnected(&bt);
	return smpdfu_smp_ok();
}

static const struct smp_handler hang_up_handlers[] = {
	{ .ops = SMP_OPS_WRITE, .fn = hang_up },
};
static struct smp_group hang_up_group = {
	.id = 64, .handlers = hang_up_handlers, .handler_count = 1,
};

static void request_in_progress_at_disconnect_finishes_unanswered(void **state)
{
	uint8_t req[64];
	size_t len;

	(void)state;
	hang_up_calls = 0;
	smpdfu_smp_group_register(&hang_up_group);
	len = test_hex("0a 00 00 00 00 40 36 00", req, sizeof(req));
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	len = echo_req(req, 5, 55);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);

	/* The first one is taken and runs; the echo behind it goes with the connection. */
	clear_notes();
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(hang_up_calls, 1);
	assert_int_equal(bt.stats.rx_discarded, 1);
	assert_int_equal(bt.stats.rsp_dropped, 1);
	assert_int_equal(fb.notes, 0);
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	expect_good_request_works(56);
}

static void unsubscribe_keeps_queued_requests(void **state)
{
	uint8_t req[64];
	size_t len = echo_req(req, 5, 57);

	(void)state;
	/* The client is still there: its request runs, only the answer has nowhere to go. */
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	fb.subscribed = false;
	smpdfu_smp_bt_subscription_changed(&bt, false);
	assert_int_equal(bt.stats.rx_discarded, 0);
	clear_notes();
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(bt.stats.rsp_dropped, 1);
	assert_int_equal(fb.notes, 0);
	fb.subscribed = true;
	smpdfu_smp_bt_subscription_changed(&bt, true);
	expect_good_request_works(58);
}

static void init_without_bt_is_refused_only_when_off(void **state)
{
	struct smp_bt other;

	(void)state;
	assert_int_equal(smpdfu_smp_bt_init(&other, &fake_ops, NULL),
			 CONFIG_MCUMGR_TRANSPORT_BT ? 0 : -ENOTSUP);
}

/* ---- Without reassembly (CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY=n, Zephyr's default) -------- */

static void unit_with_two_packets_gets_two_answers(void **state)
{
	uint8_t req[128];
	size_t len = echo_req(req, 5, 30);

	(void)state;
	len += echo_req(req + len, 6, 31);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, len), SMP_BT_ATT_OK);
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(fb.notes, 2);
	assert_int_equal(fb.note_len[0], 18);
	assert_int_equal(fb.stream[6], 30);
	assert_int_equal(fb.stream[18 + 6], 31);
}

static void unit_longer_than_a_buffer(void **state)
{
	static uint8_t big[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE + 1];

	(void)state;
	assert_int_equal(smpdfu_smp_bt_write(&bt, big, sizeof(big)),
			 SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES);
	assert_false(smpdfu_smp_rx_process_one());
	expect_good_request_works(32);
}

static void unit_with_half_a_packet_is_corrupt(void **state)
{
	uint8_t req[128];
	size_t len = echo_req(req, 40, 33);

	(void)state;
	/* A client that split the packet, assuming reassembly: the server answers the first
	 * piece with rc 9 (ECORRUPT) and cannot make sense of the rest. */
	assert_int_equal(smpdfu_smp_bt_write(&bt, req, 20), SMP_BT_ATT_OK);
	assert_int_equal(smpdfu_smp_bt_write(&bt, req + 20, len - 20), SMP_BT_ATT_OK);
	while (smpdfu_smp_rx_process_one()) {
	}
	assert_true(fb.notes >= 1);
	assert_int_equal(fb.stream[6], 33);
	assert_int_equal(fb.stream[fb.note_len[0] - 2], MGMT_ERR_ECORRUPT);
	expect_good_request_works(34);
}

static void unit_of_zero_bytes_is_ignored(void **state)
{
	(void)state;
	assert_int_equal(smpdfu_smp_bt_write(&bt, NULL, 0), SMP_BT_ATT_OK);
	assert_false(smpdfu_smp_rx_process_one());
	expect_good_request_works(35);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest either[] = {
		cmocka_unit_test(uuids_are_the_smp_service),
		T(whole_request_in_one_write),
		T(no_free_buffer),
		T(no_notification_without_subscriber),
		T(responses_cut_at_mtu_minus_3),
		T(no_notification_below_the_minimum_mtu),
		T(no_buffer_halves_the_piece_down_to_20),
		T(failure_after_first_piece_gives_up),
		T(garbage_request_then_good_one),
		T(init_without_bt_is_refused_only_when_off),
		T(disconnect_discards_queued_upload_chunk_and_reset),
		T(other_transports_requests_survive_in_order),
		T(request_queued_after_reconnect_is_processed),
		T(request_in_progress_at_disconnect_finishes_unanswered),
		T(unsubscribe_keeps_queued_requests),
	};
	const struct CMUnitTest reassembly[] = {
		T(request_reassembled_from_fragments),
		T(byte_by_byte_after_the_header),
		T(first_fragment_shorter_than_header),
		T(request_longer_than_a_buffer),
		T(fragment_past_the_announced_length),
		T(two_packets_in_one_write),
		T(unsubscribe_drops_partial_request),
		T(disconnect_drops_partial_and_queued_requests),
	};
	const struct CMUnitTest units[] = {
		T(unit_with_two_packets_gets_two_answers),
		T(unit_longer_than_a_buffer),
		T(unit_with_half_a_packet_is_corrupt),
		T(unit_of_zero_bytes_is_ignored),
	};
	int failed;

	if (!CONFIG_MCUMGR_TRANSPORT_BT) {
		printf("skipped: the build has no BLE transport (CONFIG_MCUMGR_TRANSPORT_BT=n)\n");
		return 0;
	}
	failed = cmocka_run_group_tests_name("either mode", either, NULL, NULL);
	if (CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY) {
		failed += cmocka_run_group_tests_name("reassembly", reassembly, NULL, NULL);
	} else {
		failed += cmocka_run_group_tests_name("one unit per write", units, NULL, NULL);
	}
	return failed;
}
