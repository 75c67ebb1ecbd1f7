/* SPDX-License-Identifier: Apache-2.0 */
/* The unit-test device: RAM flash, the board's flash map, SMP server and a capturing transport. */
#include "test_device.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/image.h>

#include "fake_port.h"

struct test_device test_dev;
/* The client test_device_send() speaks as: the first byte of the sender's address. */
static uint8_t current_client;

/*
 * With CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE an error {"rc": N} also carries "rsn": text. The
 * golden bytes have none: every response is checked to carry a well-formed reason, which is then
 * taken out (and out of the header's length) into test_dev.reason, so that the same golden bytes
 * hold in every configuration and a test can still look at the reason.
 */
static void strip_reason(struct test_rsp *r, char reason[24])
{
	static const uint8_t rc_key[] = { 0xbf, 0x62, 'r', 'c' };
	static const uint8_t rsn_key[] = { 0x63, 'r', 's', 'n' };
	uint8_t *body = r->data + SMP_HDR_SIZE;
	size_t body_len = r->len - SMP_HDR_SIZE;
	size_t at;
	size_t text;

	if (!CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE || body_len < 7 ||
	    memcmp(body, rc_key, sizeof(rc_key)) != 0) {
		return;
	}
	at = sizeof(rc_key) + (body[4] < 0x18 ? 1 : 2); /* the rc value: 0..255 */
	assert_true(at + sizeof(rsn_key) + 2 <= body_len);
	assert_memory_equal(body + at, rsn_key, sizeof(rsn_key));
	text = body[at + sizeof(rsn_key)] - 0x60u;
	assert_true(text > 0 && text < 24); /* a short, non-empty tstr */
	assert_int_equal(at + sizeof(rsn_key) + 1 + text + 1, body_len); /* then the break */
	memcpy(reason, body + at + sizeof(rsn_key) + 1, text);
	reason[text] = '\0';
	memmove(body + at, body + at + sizeof(rsn_key) + 1 + text, 1);
	r->len -= sizeof(rsn_key) + 1 + text;
	r->data[2] = (uint8_t)((r->len - SMP_HDR_SIZE) >> 8);
	r->data[3] = (uint8_t)(r->len - SMP_HDR_SIZE);
}

static int capture_send(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
			size_t len)
{
	(void)tp;
	(void)peer;
	assert_true(test_dev.rsp_count < TEST_RSP_MAX);
	assert_true(len <= sizeof(test_dev.rsp[0].data));
	memcpy(test_dev.rsp[test_dev.rsp_count].data, data, len);
	test_dev.rsp[test_dev.rsp_count].len = len;
	test_dev.rsp_count++;
	return 0;
}

void test_device_restart(void)
{
	static const struct os_mgmt_identity id = {
		.kernel_name = "smpdfu", .node_name = "unit", .release = "0.1.0",
		.version = "0.1.0", .machine = "x86_64", .processor = "x86_64",
		.platform = "unit-test", .os = "smpdfu",
	};

	current_client = 0;
	fake_port_reset(); /* the reboot's state reset, the flash map's included */
	assert_int_equal(smpdfu_flash_map_init(test_dev.areas, SMPDFU_FLASH_AREA_COUNT), 0);
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(&id);
	smpdfu_img_mgmt_register();
}

void test_device_init(enum smp_transport_kind kind)
{
	const uint32_t page = CONFIG_SIM_FLASH_PAGE_SIZE;
	const uint32_t sizes[SMPDFU_FLASH_AREA_COUNT] = {
		CONFIG_SIM_BOOT_SIZE, CONFIG_SIM_SLOT_SIZE, CONFIG_SIM_SLOT_SIZE,
		CONFIG_SIM_SCRATCH_SIZE, CONFIG_SIM_STORAGE_SIZE,
	};
	static const char *const labels[SMPDFU_FLASH_AREA_COUNT] = {
		"mcuboot", "image-0", "image-1", "image-scratch", "storage",
	};
	uint32_t off = 0;

	memset(&test_dev, 0, sizeof(test_dev));
	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		off += sizes[i];
	}
	assert_int_equal(flash_sim_open(&test_dev.flash, NULL, off, page,
					CONFIG_SIM_FLASH_WRITE_BLOCK_SIZE),
			 0);
	off = 0;
	for (size_t i = 0; i < SMPDFU_FLASH_AREA_COUNT; i++) {
		test_dev.areas[i] = (struct smpdfu_flash_area){
			.id = (enum smpdfu_flash_area_id)i, .label = labels[i],
			.dev = &test_dev.flash.dev, .off = off, .size = sizes[i],
		};
		off += sizes[i];
	}
	test_dev.tp = (struct smpdfu_smp_transport){
		.name = "test", .kind = kind, .send = capture_send,
	};
	test_device_restart();
}

void test_device_deinit(void)
{
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_int_equal(test_dev.flash.count.violations, 0);
	flash_sim_close(&test_dev.flash);
}

void test_device_set_client(uint8_t peer_id)
{
	current_client = peer_id;
}

size_t test_device_send(const uint8_t *req, size_t len)
{
	return test_device_send_as(current_client, req, len);
}

size_t test_device_send_as(uint8_t peer_id, const uint8_t *req, size_t len)
{
	struct smp_buf *b = smpdfu_smp_buf_alloc();

	assert_non_null(b);
	assert_true(len <= sizeof(b->data));
	memset(smpdfu_smp_buf_peer(b), 0, SMP_PEER_ADDR_SIZE);
	smpdfu_smp_buf_peer(b)[0] = peer_id;
	memcpy(b->data, req, len);
	b->len = len;
	b->tp = &test_dev.tp;
	test_dev.rsp_count = 0;
	smpdfu_smp_rx_submit(b);
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	for (size_t i = 0; i < test_dev.rsp_count; i++) {
		strip_reason(&test_dev.rsp[i], test_dev.reason[i]);
	}
	return test_dev.rsp_count;
}

size_t test_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		int v;

		if (*p >= '0' && *p <= '9') {
			v = *p - '0';
		} else if (*p >= 'a' && *p <= 'f') {
			v = *p - 'a' + 10;
		} else if (*p >= 'A' && *p <= 'F') {
			v = *p - 'A' + 10;
		} else {
			continue;
		}
		if (hi < 0) {
			hi = v;
		} else {
			assert_true(n < cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	assert_int_equal(hi, -1);
	return n;
}

static void print_hex(const char *what, const uint8_t *b, size_t n)
{
	fprintf(stderr, "%s:", what);
	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, " %02x", b[i]);
	}
	fputc('\n', stderr);
}

void test_expect_exchange(const char *req_hex, const char *rsp_hex)
{
	static uint8_t req[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	static uint8_t want[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	size_t req_len = test_hex(req_hex, req, sizeof(req));
	size_t want_len = test_hex(rsp_hex, want, sizeof(want));

	assert_int_equal(test_device_send(req, req_len), 1);
	if (test_dev.rsp[0].len != want_len || memcmp(test_dev.rsp[0].data, want, want_len) != 0) {
		print_hex("expected", want, want_len);
		print_hex("got     ", test_dev.rsp[0].data, test_dev.rsp[0].len);
		fail_msg("response differs");
	}
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

size_t test_make_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor, uint16_t rev,
		       uint32_t build, size_t payload_len, uint32_t flags, uint32_t load_addr)
{
	const size_t hdr_size = 0x200;
	size_t body = hdr_size + payload_len;
	size_t total = body + SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + 32;
	struct sha256_ctx ctx;

	assert_true(total <= cap);
	memset(out, 0xff, hdr_size);
	memset(out, 0, SMPDFU_IMAGE_HEADER_SIZE);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_MAGIC);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR, load_addr);
	put_le16(out + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE, (uint16_t)hdr_size);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE, (uint32_t)payload_len);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_FLAGS, flags);
	out[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR] = major;
	out[SMPDFU_IMAGE_HDR_OFF_VER_MINOR] = minor;
	put_le16(out + SMPDFU_IMAGE_HDR_OFF_VER_REVISION, rev);
	put_le32(out + SMPDFU_IMAGE_HDR_OFF_VER_BUILD, build);
	for (size_t i = 0; i < payload_len; i++) {
		out[hdr_size + i] = (uint8_t)(i * 7 + major);
	}
	put_le16(out + body, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put_le16(out + body + 2, SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + 32);
	put_le16(out + body + 4, SMPDFU_IMAGE_TLV_SHA256);
	put_le16(out + body + 6, 32);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, out, body), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, out + body + 8), 0);
	/* A device that requires signatures takes only signed images: sign as its build would. */
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		total = test_sign_image(out, total, cap);
	}
	return total;
}

size_t test_image_hash_off(const uint8_t *img)
{
	size_t hdr_size = (size_t)img[SMPDFU_IMAGE_HDR_OFF_HDR_SIZE] |
			  (size_t)img[SMPDFU_IMAGE_HDR_OFF_HDR_SIZE + 1] << 8;
	size_t payload = (size_t)img[SMPDFU_IMAGE_HDR_OFF_IMG_SIZE] |
			 (size_t)img[SMPDFU_IMAGE_HDR_OFF_IMG_SIZE + 1] << 8 |
			 (size_t)img[SMPDFU_IMAGE_HDR_OFF_IMG_SIZE + 2] << 16;

	return hdr_size + payload + SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE;
}

void test_program_slot(uint32_t slot, const uint8_t *data, size_t len)
{
	const struct smpdfu_flash_area *fa = smpdfu_flash_area_get(
		slot == 0 ? SMPDFU_FLASH_AREA_IMAGE_PRIMARY : SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	struct stream_writer sw;

	assert_non_null(fa);
	assert_int_equal(smpdfu_flash_area_erase(fa, 0, fa->size), 0);
	assert_int_equal(smpdfu_stream_writer_open(&sw, fa), 0);
	assert_int_equal(smpdfu_stream_writer_write(&sw, data, len), 0);
	assert_int_equal(smpdfu_stream_writer_flush(&sw), 0);
}
