/* SPDX-License-Identifier: Apache-2.0 */
/* The application fixture of the module tests: boot, clock, event processing and SMP requests. */
#include "app_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/dfu_lock.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/boot_trailer.h>
#include <smpdfu/prot/smp_hdr.h>

#include "app.h"
#include "app_event_table.h"
#include "fake_ble_link.h"
#include "fake_port.h"
#include "test_device.h"

static uint8_t image[APP_FIXTURE_IMAGE_MAX];
static size_t image_len;
static uint8_t image_sha[SMPDFU_SHA256_DIGEST_SIZE];
static uint8_t seq;
static bool device_open;

void app_fixture_device(enum smp_transport_kind kind)
{
	static uint8_t factory[4096];
	size_t factory_len;
	struct sha256_ctx ctx;

	test_device_init(kind);
	device_open = true;
	factory_len = test_make_image(factory, sizeof(factory), 1, 0, 0, 0, 1000, 0, 0);
	test_program_slot(0, factory, factory_len);
	image_len = test_make_image(image, sizeof(image), 2, 0, 0, 0, 20000, 0, 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, image, image_len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, image_sha), 0);
	fake_ble_link_install();
}

void app_fixture_start(void)
{
	assert_int_equal(smpdfu_app_start(), 0);
	app_fixture_process();
}

void app_fixture_boot(enum smp_transport_kind kind)
{
	app_fixture_device(kind);
	app_fixture_start();
}

void app_fixture_primary_magic(bool good)
{
	static const uint8_t magic_a8[SMPDFU_BOOT_MAGIC_SZ] = SMPDFU_BOOT_MAGIC_A8;
	static const uint8_t tail[SMPDFU_BOOT_MAGIC_SZ - 2] = SMPDFU_BOOT_MAGIC_ALIGNED_TAIL;
	const struct smpdfu_flash_area *fa = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	uint8_t magic[SMPDFU_BOOT_MAGIC_SZ];

	if (SMPDFU_BOOT_MAX_ALIGN == 8) {
		memcpy(magic, magic_a8, sizeof(magic));
	} else {
		magic[0] = (uint8_t)SMPDFU_BOOT_MAX_ALIGN;
		magic[1] = (uint8_t)(SMPDFU_BOOT_MAX_ALIGN >> 8);
		memcpy(magic + 2, tail, sizeof(tail));
	}
	if (!good) {
		magic[3] ^= 0x5a;
	}
	assert_int_equal(smpdfu_flash_area_program(fa, smpdfu_boot_magic_off(fa->size), magic,
						   sizeof(magic)),
			 0);
}

int app_fixture_process(void)
{
	int n = 0;

	while (smpdfu_app_event_manager_has_pending()) {
		n += smpdfu_app_event_manager_process();
	}
	return n;
}

void app_fixture_advance(uint32_t ms)
{
	for (uint32_t i = 0; i < ms; i++) {
		fake_clock_advance(1);
		app_fixture_process();
	}
}

void app_fixture_wait_lock_free(void)
{
	for (uint32_t i = 0; i < 10000 && smpdfu_dfu_lock_owner() != NULL; i++) {
		app_fixture_advance(1);
	}
	assert_null(smpdfu_dfu_lock_owner());
}

void app_fixture_end(void)
{
	if (!device_open) {
		return; /* the test skipped before it booted */
	}
	device_open = false;
	app_fixture_process();
	assert_int_equal(smpdfu_app_event_manager_pool_in_use(), 0);
	smpdfu_ble_link_set(NULL);
	test_device_deinit();
}

const uint8_t *app_fixture_image(size_t *len)
{
	*len = image_len;
	return image;
}

const uint8_t *app_fixture_image_sha(void)
{
	return image_sha;
}

/* Reads the next key of a map whose head is `map`; false at its end. `left` counts pairs. */
static bool next_key(struct cbor_reader *rd, const struct cbor_item *map, uint64_t *left,
		     struct cbor_item *key)
{
	if (!map->indefinite && *left == 0) {
		return false;
	}
	assert_int_equal(smpdfu_cbor_read(rd, key), 0);
	if (key->type == CBOR_TYPE_BREAK) {
		assert_true(map->indefinite);
		return false;
	}
	(*left)--;
	return true;
}

static struct smp_answer decode_answer(void)
{
	struct smp_answer a = { -1, -1, -1, -1, -1 };
	struct cbor_reader rd;
	struct cbor_item map;
	struct cbor_item key;
	uint64_t left;

	assert_int_equal(test_dev.rsp_count, 1);
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + SMP_HDR_SIZE,
				test_dev.rsp[0].len - SMP_HDR_SIZE);
	assert_int_equal(smpdfu_cbor_read(&rd, &map), 0);
	assert_int_equal(map.type, CBOR_TYPE_MAP);
	left = map.u;
	while (next_key(&rd, &map, &left, &key)) {
		struct cbor_item val;

		assert_int_equal(smpdfu_cbor_read(&rd, &val), 0);
		if (smpdfu_cbor_view_eq(key.v, "rc")) {
			a.rc = (int64_t)val.u;
		} else if (smpdfu_cbor_view_eq(key.v, "off")) {
			a.off = (int64_t)val.u;
		} else if (smpdfu_cbor_view_eq(key.v, "match") && val.type == CBOR_TYPE_BOOL) {
			a.match = val.b;
		} else if (smpdfu_cbor_view_eq(key.v, "err") && val.type == CBOR_TYPE_MAP) {
			uint64_t err_left = val.u;
			struct cbor_item err_key;

			while (next_key(&rd, &val, &err_left, &err_key)) {
				struct cbor_item v2;

				assert_int_equal(smpdfu_cbor_read(&rd, &v2), 0);
				if (smpdfu_cbor_view_eq(err_key.v, "group")) {
					a.err_group = (int64_t)v2.u;
				} else if (smpdfu_cbor_view_eq(err_key.v, "rc")) {
					a.err_rc = (int64_t)v2.u;
				}
			}
		} else {
			assert_int_equal(smpdfu_cbor_skip_rest(&rd, &val), 0);
		}
	}
	return a;
}

static struct smp_answer send_request(uint8_t op, uint16_t group, uint8_t id,
				      const struct cbor_writer *w, const uint8_t *req)
{
	struct smpdfu_smp_hdr h = {
		.op = op, .version = SMP_VERSION_2, .group = group, .seq = seq++, .id = id,
		.len = (uint16_t)w->len,
	};

	assert_false(w->overflow);
	smpdfu_smp_hdr_encode(&h, (uint8_t *)req);
	assert_int_equal(test_device_send(req, SMP_HDR_SIZE + w->len), 1);
	return decode_answer();
}

static uint8_t req_buf[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];

static void begin(struct cbor_writer *w)
{
	smpdfu_cbor_writer_init(w, req_buf + SMP_HDR_SIZE, sizeof(req_buf) - SMP_HDR_SIZE);
}

struct smp_answer app_smp_upload_of(const uint8_t *img, size_t img_len,
				    const uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE], uint32_t off,
				    size_t n)
{
	struct cbor_writer w;

	assert_true(off + n <= img_len);
	begin(&w);
	smpdfu_cbor_put_map(&w, off == 0 ? 5 : 2);
	if (off == 0) {
		smpdfu_cbor_put_cstr(&w, "image");
		smpdfu_cbor_put_uint(&w, 0);
		smpdfu_cbor_put_cstr(&w, "len");
		smpdfu_cbor_put_uint(&w, img_len);
		smpdfu_cbor_put_cstr(&w, "sha");
		smpdfu_cbor_put_bstr(&w, sha, SMPDFU_SHA256_DIGEST_SIZE);
	}
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, off);
	smpdfu_cbor_put_cstr(&w, "data");
	smpdfu_cbor_put_bstr(&w, img + off, n);
	return send_request(SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD, &w, req_buf);
}

struct smp_answer app_smp_upload(uint32_t off, size_t n)
{
	return app_smp_upload_of(image, image_len, image_sha, off, n);
}

struct smp_answer app_smp_upload_rest(uint32_t off, size_t n)
{
	struct smp_answer a = { -1, (int64_t)off, -1, -1, -1 };

	while (off < image_len) {
		size_t len = image_len - off < n ? image_len - off : n;

		a = app_smp_upload(off, len);
		if (a.rc > 0 || a.err_rc > 0 || a.off != (int64_t)(off + len)) {
			return a;
		}
		off += (uint32_t)len;
	}
	return a;
}

struct smp_answer app_smp_image_erase(void)
{
	struct cbor_writer w;

	begin(&w);
	smpdfu_cbor_put_map(&w, 0);
	return send_request(SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_ERASE, &w, req_buf);
}

struct smp_answer app_smp_image_state_write_hash(const uint8_t *hash, bool confirm)
{
	struct cbor_writer w;

	begin(&w);
	smpdfu_cbor_put_map(&w, hash != NULL ? 2 : 1);
	if (hash != NULL) {
		smpdfu_cbor_put_cstr(&w, "hash");
		smpdfu_cbor_put_bstr(&w, hash, 32);
	}
	smpdfu_cbor_put_cstr(&w, "confirm");
	smpdfu_cbor_put_bool(&w, confirm);
	return send_request(SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, &w, req_buf);
}

struct smp_answer app_smp_image_state_write(bool confirm)
{
	/* The image hash is its SHA-256 TLV (signed or not, the first TLV of a test image). */
	return app_smp_image_state_write_hash(image + test_image_hash_off(image), confirm);
}

struct smp_answer app_smp_raw(uint8_t op, uint16_t group, uint8_t id)
{
	struct cbor_writer w;

	begin(&w);
	smpdfu_cbor_put_map(&w, 0);
	return send_request(op, group, id, &w, req_buf);
}

struct smp_answer app_smp_image_state_read(void)
{
	return app_smp_raw(SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE);
}

/* One entry of the "images" array (its map head read) into slots[]. */
static void decode_slot(struct cbor_reader *rd, const struct cbor_item *map,
			struct smp_slot_state slots[2])
{
	struct smp_slot_state st = { .listed = true };
	uint64_t left = map->u;
	int64_t slot = -1;
	struct cbor_item key;

	while (next_key(rd, map, &left, &key)) {
		struct cbor_item val;
		bool *flag = smpdfu_cbor_view_eq(key.v, "pending")     ? &st.pending
			     : smpdfu_cbor_view_eq(key.v, "confirmed") ? &st.confirmed
			     : smpdfu_cbor_view_eq(key.v, "active")    ? &st.active
			     : smpdfu_cbor_view_eq(key.v, "permanent") ? &st.permanent
								: NULL;

		assert_int_equal(smpdfu_cbor_read(rd, &val), 0);
		if (flag != NULL) {
			*flag = val.b;
		} else if (smpdfu_cbor_view_eq(key.v, "slot")) {
			slot = (int64_t)val.u;
		} else if (smpdfu_cbor_view_eq(key.v, "hash")) {
			assert_int_equal(val.v.len, 32);
			memcpy(st.hash, val.v.ptr, 32);
		} else {
			assert_int_equal(smpdfu_cbor_skip_rest(rd, &val), 0);
		}
	}
	assert_true(slot == 0 || slot == 1);
	assert_false(slots[slot].listed);
	slots[slot] = st;
}

struct smp_answer app_smp_image_list(struct smp_slot_state slots[2])
{
	struct smp_answer a = app_smp_image_state_read();
	struct cbor_reader rd;
	struct cbor_item it;

	memset(slots, 0, 2 * sizeof(*slots));
	if (a.rc > 0 || a.err_rc > 0) {
		return a;
	}
	/* {"images": [{...}, ...], ...}: each map inside the array is a slot. */
	smpdfu_cbor_reader_init(&rd, test_dev.rsp[0].data + SMP_HDR_SIZE,
				test_dev.rsp[0].len - SMP_HDR_SIZE);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_true(smpdfu_cbor_view_eq(it.v, "images"));
	assert_int_equal(smpdfu_cbor_read(&rd, &it), 0);
	assert_int_equal(it.type, CBOR_TYPE_ARRAY);
	for (uint64_t n = 0; it.indefinite || n < it.u; n++) {
		struct cbor_item entry;

		assert_int_equal(smpdfu_cbor_read(&rd, &entry), 0);
		if (entry.type == CBOR_TYPE_BREAK) {
			break;
		}
		assert_int_equal(entry.type, CBOR_TYPE_MAP);
		decode_slot(&rd, &entry, slots);
	}
	return a;
}

struct smp_answer app_smp_image_slot_info(void)
{
	return app_smp_raw(SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_SLOT_INFO);
}

struct smp_answer app_smp_os_reset(void)
{
	return app_smp_raw(SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_RESET);
}

struct smp_answer app_smp_os_echo(void)
{
	struct cbor_writer w;

	begin(&w);
	smpdfu_cbor_put_map(&w, 1);
	smpdfu_cbor_put_cstr(&w, "d");
	smpdfu_cbor_put_cstr(&w, "hello");
	return send_request(SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_ECHO, &w, req_buf);
}

struct smp_answer app_smp_os_params(void)
{
	return app_smp_raw(SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_MCUMGR_PARAMS);
}

void app_fixture_assert_final_subscriber(const struct app_event_type *type, const char *module)
{
	const struct app_event_subscriber *last = NULL;
	size_t finals = 0;

	for (size_t i = 0; i < smpdfu_app_event_table.subscriber_count; i++) {
		const struct app_event_subscriber *s = &smpdfu_app_event_table.subscribers[i];

		if (s->type == type) {
			last = s;
			finals += s->priority == APP_EVENT_PRIORITY_FINAL;
		}
	}
	assert_non_null(last);
	assert_string_equal(last->module, module);
	assert_int_equal(last->priority, APP_EVENT_PRIORITY_FINAL);
	assert_int_equal(finals, 1);
}
