/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The feature probe: a device built like a firmware image (only the core sources its
 * configuration names, linked with --gc-sections) that answers one request per command of the
 * OS and image groups and says what its hooks saw. tests/features/test_features.py builds it with
 * each feature option off and on, and checks both the answers and the symbols of the link.
 *
 * Output, one line each: "<name> <response body in hex>" for the requests, then "hooks <event
 * counts>", then what a serial decoder made of two frames. Nothing of a group, a hook or a
 * transport is referenced unless its option is on.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/config.h>
#include <smpdfu/flash.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/state_reset.h>
#include <smpdfu/timer.h>
#include <smpdfu/transport/smp_serial.h>

#include "flash_sim.h"
#include "util.h"

/* ---- The port ------------------------------------------------------------------------------ */

uint32_t smpdfu_port_uptime_ms(void)
{
	return 0;
}

void smpdfu_port_reboot(void)
{
}

void smpdfu_port_log(enum port_log_level level, const char *module, const char *fmt, ...)
{
	(void)level;
	(void)module;
	(void)fmt;
}

_Noreturn void smpdfu_port_assert_fail(const char *file, int line)
{
	fprintf(stderr, "probe: assertion failed at %s:%d\n", file, line);
	abort();
}

unsigned int smpdfu_port_critical_enter(void)
{
	return 0;
}

void smpdfu_port_critical_exit(unsigned int key)
{
	(void)key;
}

/* ---- Hooks that count, and veto what a test asks them to ------------------------------------ */

static unsigned int seen_recv;
static unsigned int seen_dfu_started;
/* The upload check hook refuses chunks while this is set. */
static bool refuse_chunks;

static enum mgmt_cb_return hook(uint32_t event, enum mgmt_cb_return prev, int32_t *rc,
				uint16_t *group, bool *abort_more, void *data, size_t size)
{
	(void)prev;
	(void)group;
	(void)abort_more;
	(void)data;
	(void)size;
	switch (event) {
	case MGMT_EVT_OP_CMD_RECV:
		seen_recv++;
		return MGMT_CB_OK;
	case MGMT_EVT_OP_IMG_MGMT_DFU_STARTED:
		seen_dfu_started++;
		return MGMT_CB_OK;
	case MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK:
		if (!refuse_chunks) {
			return MGMT_CB_OK;
		}
		*rc = MGMT_ERR_EACCESSDENIED;
		return MGMT_CB_ERROR_RC;
	default:
		/* The vetoable checks (upload chunk, reset, erase) all refuse: rc 11. */
		*rc = MGMT_ERR_EACCESSDENIED;
		return MGMT_CB_ERROR_RC;
	}
}

static struct smpdfu_mgmt_callback callbacks[] = {
	{ .callback = hook, .event_id = MGMT_EVT_OP_CMD_RECV },
	{ .callback = hook, .event_id = MGMT_EVT_OP_IMG_MGMT_DFU_STARTED },
	{ .callback = hook, .event_id = MGMT_EVT_OP_OS_MGMT_RESET },
	{ .callback = hook, .event_id = MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK },
	{ .callback = hook, .event_id = MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK },
};

/* ---- The device ---------------------------------------------------------------------------- */

#define PAGE 4096
#define SLOT (16 * PAGE)

static struct flash_sim flash;
static struct smpdfu_flash_area areas[] = {
	{ SMPDFU_FLASH_AREA_BOOTLOADER, "mcuboot", &flash.dev, 0, 2 * PAGE },
	{ SMPDFU_FLASH_AREA_IMAGE_PRIMARY, "image-0", &flash.dev, 2 * PAGE, SLOT },
	{ SMPDFU_FLASH_AREA_IMAGE_SECONDARY, "image-1", &flash.dev, 2 * PAGE + SLOT, SLOT },
};

static uint8_t answer[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
static size_t answer_len;

static int capture(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
		   size_t len)
{
	(void)tp;
	(void)peer;
	memcpy(answer, data, len);
	answer_len = len;
	return 0;
}

static struct smpdfu_smp_transport transport = {
	.name = "probe", .kind = SMP_TRANSPORT_OTHER, .send = capture,
};

/* ---- A serial decoder, its packets counted here ------------------------------------------- */

#define SERIAL_PKT_MAX 64
static uint8_t serial_pkt[SERIAL_PKT_MAX + SMP_SERIAL_CRC_SIZE];
static unsigned int serial_packets;

static uint8_t *serial_begin(void *ctx)
{
	(void)ctx;
	return serial_pkt;
}

static void serial_done(void *ctx, uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	(void)len;
	serial_packets++;
}

static void serial_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	(void)pkt;
}

/*
 * The echo request framed twice, the first time with a bad CRC: prints the packets delivered
 * (1 whatever the options) and the bytes of the decoder's state (its counters are options).
 */
static void probe_serial(void)
{
	static const struct smp_serial_rx_ops ops = {
		.begin = serial_begin, .done = serial_done, .abort = serial_abort,
	};
	static const char frames[] = "\x06\x09"
				     "ABMKAAAJAAArAKFhZGVoZWxsb9Jy\n"
				     "\x06\x09"
				     "ABMKAAAJAAArAKFhZGVoZWxsb9Jx\n";
	struct smp_serial_rx rx;
	uint8_t line[128];
	size_t len = sizeof(frames) - 1;

	smpdfu_smp_serial_rx_init(&rx, line, sizeof(line), SERIAL_PKT_MAX, &ops, NULL);
	for (size_t off = 0; off < len;) {
		off += smpdfu_smp_serial_rx_feed(&rx, (const uint8_t *)frames + off, len - off);
	}
	printf("serial packets=%u state_bytes=%u\n", serial_packets, (unsigned int)sizeof(rx));
}

/* Sends one request (version 2, or 1 for v1) and prints its answer's CBOR body in hex. */
static void ask(const char *name, uint8_t version, uint8_t op, uint16_t group, uint8_t id,
		const char *cbor_hex)
{
	uint8_t req[256];
	size_t len = SMP_HDR_SIZE;
	struct smpdfu_smp_hdr hdr = { .op = op, .version = version, .group = group, .id = id };

	for (const char *p = cbor_hex; p[0] != '\0' && p[1] != '\0'; p += 2) {
		unsigned int byte;

		sscanf(p, "%2x", &byte);
		req[len++] = (uint8_t)byte;
	}
	hdr.len = (uint16_t)(len - SMP_HDR_SIZE);
	smpdfu_smp_hdr_encode(&hdr, req);
	answer_len = 0;
	smpdfu_smp_process_unit(&transport, NULL, req, len);
	printf("%s ", name);
	for (size_t i = SMP_HDR_SIZE; i < answer_len; i++) {
		printf("%02x", answer[i]);
	}
	printf("\n");
}

/* A first chunk: "off" 0, "len" 64, "data" (a valid header, 32 bytes of payload), "image" 0. */
#define UPLOAD_FIRST                                                                               \
	"a4636f666600636c656e1840646461746158403db8f396000000002000000020"                         \
	"0000000000000001000000000000000000000000000000000000000000000000"                         \
	"0000000000000000000000000000000000000065696d61676500"

/*
 * An image in the running slot (0) for a state read to list: version 1.2.3, no payload, a SHA-256
 * TLV (its value not checked by a state read).
 */
static void program_running_image(void)
{
	static const uint8_t image[] = {
		0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, /* magic, hdr_size */
		0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* version 1.2.3 */
		0x07, 0x69, 40, 0, 0x10, 0, 32, 0, /* TLV info, 40 bytes; SHA-256, 32 bytes */
		[72 - 1] = 0xa5,
	};

	(void)smpdfu_flash_area_program(&areas[1], 0, image, sizeof(image));
}

int main(void)
{
	/* As a simulation reboots: the table references only what the configuration compiled. */
	smpdfu_state_reset();
	if (flash_sim_open(&flash, NULL, 2 * PAGE + 2 * SLOT, PAGE, 4) < 0 ||
	    (CONFIG_FLASH_MAP && smpdfu_flash_map_init(areas, ARRAY_SIZE(areas)) < 0)) {
		return 1;
	}
	if (CONFIG_BOOTLOADER_MCUBOOT) {
		smpdfu_boot_set_running_slot(0);
	}
	if (!CONFIG_MCUMGR) {
		/* Nothing of SMP in this image: only the flash it would have used. */
		printf("mcumgr off\n");
		return 0;
	}
	smpdfu_smp_server_init();
	if (CONFIG_MCUMGR_GRP_OS) {
		smpdfu_os_mgmt_register(NULL);
	}
	if (CONFIG_MCUMGR_GRP_IMG) {
		smpdfu_img_mgmt_register();
	}
	if (CONFIG_MCUMGR_MGMT_NOTIFICATION_HOOKS) {
		for (size_t i = 0; i < ARRAY_SIZE(callbacks); i++) {
			smpdfu_mgmt_callback_register(&callbacks[i]);
		}
	}

	ask("echo", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_ECHO, "a1616462686f");
	ask("echo_v1", SMP_VERSION_1, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_ECHO,
	    "a1616462686f");
	ask("reset", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_RESET, "a0");
	ask("params", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_MCUMGR_PARAMS, "a0");
	ask("info", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_OS, OS_MGMT_ID_INFO, "a0");
	ask("bootloader_info", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_OS,
	    OS_MGMT_ID_BOOTLOADER_INFO, "a0");
	ask("state_read", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, "a0");
	ask("slot_info", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_SLOT_INFO,
	    "a0");
	/* An upload that is not a map: rc 3, with its reason when errors are verbose. */
	ask("upload_bad", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD,
	    "01");
	ask("upload", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD,
	    UPLOAD_FIRST);
	refuse_chunks = true;
	ask("upload_refused", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE,
	    IMG_MGMT_ID_UPLOAD, UPLOAD_FIRST);
	ask("erase", SMP_VERSION_2, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_ERASE,
	    "a164736c6f7401");
	if (CONFIG_MCUMGR_GRP_IMG) {
		program_running_image();
		ask("state_read_image", SMP_VERSION_2, SMP_OP_READ, MGMT_GROUP_ID_IMAGE,
		    IMG_MGMT_ID_STATE, "a0");
	}
	printf("hooks recv=%u dfu_started=%u\n", seen_recv, seen_dfu_started);
	/* What a buffer keeps of a request's sender is sized by the configured transports. */
	printf("peer_bytes %u\n", (unsigned int)SMP_PEER_ADDR_SIZE);
	if (CONFIG_MCUMGR_TRANSPORT_UART) {
		probe_serial();
	}
	if (CONFIG_SMPDFU_SYS_TIMER) {
		smpdfu_sys_timers_reset();
	}
	flash_sim_close(&flash);
	return 0;
}
