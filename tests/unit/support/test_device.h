/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A device for unit tests: a RAM flash with the simulated board's map, the SMP server with the OS
 * and image groups, and a transport that captures every response for the test to inspect.
 */
#ifndef TEST_DEVICE_H
#define TEST_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <smpdfu/smp.h>

#include "flash_sim.h"

#define TEST_RSP_MAX 8

struct test_rsp {
	uint8_t data[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	size_t len;
};

struct test_device {
	struct flash_sim flash;
	struct smpdfu_flash_area areas[SMPDFU_FLASH_AREA_COUNT];
	struct smpdfu_smp_transport tp;
	struct test_rsp rsp[TEST_RSP_MAX];
	/* With verbose errors: each response's "rsn", taken out of rsp[] (see test_device.c). */
	char reason[TEST_RSP_MAX][24];
	size_t rsp_count;
};

extern struct test_device test_dev;

/* Fresh device: a reboot (fake_port_reset()), erased flash and its map, the server, both groups. */
void test_device_init(enum smp_transport_kind kind);
void test_device_deinit(void);
/* A reset's worth of RAM state anew (SMP server, groups, hooks, fake clock); the flash is kept. */
void test_device_restart(void);
/* Sends one unit of raw bytes; returns how many responses it produced (kept in test_dev.rsp). */
size_t test_device_send(const uint8_t *req, size_t len);
/* The same from another client: `peer_id` fills the first byte of the sender's address. */
size_t test_device_send_as(uint8_t peer_id, const uint8_t *req, size_t len);
/* Which client test_device_send() speaks as from now on (0 after test_device_init()). */
void test_device_set_client(uint8_t peer_id);
/* Parses hex ("0a 00 ..."; spaces ignored) into out; returns the byte count. */
size_t test_hex(const char *hex, uint8_t *out, size_t cap);
/* Sends hex, expects exactly one response equal to the expected hex. */
void test_expect_exchange(const char *req_hex, const char *rsp_hex);
/* Builds a minimal MCUboot image (header, payload, SHA-256 TLV) into out; returns its size. */
size_t test_make_image(uint8_t *out, size_t cap, uint8_t major, uint8_t minor, uint16_t rev,
		       uint32_t build, size_t payload_len, uint32_t flags, uint32_t load_addr);
/* Where the SHA-256 TLV's value is in an image of test_make_image(), signed or not. */
size_t test_image_hash_off(const uint8_t *img);

/*
 * Signs an image that ends in its SHA-256 TLV with the build's key (KEYHASH and signature TLVs
 * appended): what test_make_image() does in builds that require signatures. Returns the new size.
 */
size_t test_sign_image(uint8_t *img, size_t len, size_t cap);
/* Programs bytes at the start of a slot (erasing it first), like a factory programmer. */
void test_program_slot(uint32_t slot, const uint8_t *data, size_t len);

#endif
