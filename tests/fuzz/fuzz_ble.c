/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes the SMP GATT transport's reassembly. One input is a script of what a BLE stack
 * reports: writes of any length and content, CCCD changes, disconnections, MTU changes, a stack
 * that runs out of notification buffers, and the processing of queued requests, against a device
 * with the OS group. The transport may never leak a packet buffer or hold more than one for a
 * partial request; a disconnection must discard every queued request; every notification must
 * fit the MTU, every response sent whole must be well-formed; and when the script ends, a good
 * request must be answered correctly once the transport is at a request boundary (after a CCCD
 * off/on if it was in the middle of one).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/smp.h>
#include <smpdfu/transport/smp_bt.h>

#include "fake_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
	OP_WRITE,        /* len byte, then that many bytes (fewer when the input ends) */
	OP_WRITE_LONG,   /* 2 length bytes (up to the buffer size + 8), then the bytes */
	OP_WRITE_HEADER, /* an echo header with a length from 2 bytes, alone */
	OP_CCCD,         /* toggles notifications */
	OP_DISCONNECT,   /* the link drops and comes back */
	OP_PROCESS,      /* the SMP context handles one queued request */
	OP_MTU,          /* 1 byte: MTU = 23 + 2 * byte */
	OP_NO_BUFFERS,   /* 1 byte: the stack takes notifications of at most that many bytes */
	OP_COUNT
};

static struct {
	uint16_t mtu;
	bool subscribed;
	size_t accept_max;
	uint8_t rsp[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE]; /* the response being notified */
	size_t rsp_len;
} fb;

static struct smp_bt bt;
static size_t queued;

static int fuzz_notify(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	if (len == 0 || len > (size_t)fb.mtu - SMP_BT_ATT_HDR_SIZE) {
		abort();
	}
	if (fb.accept_max != 0 && len > fb.accept_max) {
		return -ENOMEM;
	}
	if (fb.rsp_len + len > sizeof(fb.rsp)) {
		abort(); /* one response never exceeds a buffer */
	}
	memcpy(&fb.rsp[fb.rsp_len], data, len);
	fb.rsp_len += len;
	return 0;
}

static uint16_t fuzz_mtu(void *ctx)
{
	(void)ctx;
	return fb.mtu;
}

static bool fuzz_subscribed(void *ctx)
{
	(void)ctx;
	return fb.subscribed;
}

static const struct smp_bt_bearer_ops ops = {
	.notify = fuzz_notify,
	.att_mtu = fuzz_mtu,
	.is_subscribed = fuzz_subscribed,
};

static void check_buffers(void)
{
	size_t held = queued + (smpdfu_smp_bt_is_reassembling(&bt) ? 1 : 0);

	if (smpdfu_smp_buf_free_count() + held != CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT) {
		abort();
	}
}

/* Handles one queued request; a response that went out whole must be one well-formed packet. */
static void process_one(void)
{
	uint32_t dropped = bt.stats.rsp_dropped;

	fb.rsp_len = 0;
	if (!smpdfu_smp_rx_process_one()) {
		return;
	}
	queued--;
	if (bt.stats.rsp_dropped != dropped || fb.rsp_len == 0) {
		return; /* given up (no subscriber, no buffer) or nothing to answer */
	}
	if (fb.rsp_len < SMP_HDR_SIZE ||
	    fb.rsp_len != SMP_HDR_SIZE + ((size_t)fb.rsp[2] << 8 | fb.rsp[3]) ||
	    ((fb.rsp[0] & 0x07) != SMP_OP_READ_RSP && (fb.rsp[0] & 0x07) != SMP_OP_WRITE_RSP) ||
	    fb.rsp[SMP_HDR_SIZE] != 0xbf ||
	    fb.rsp[fb.rsp_len - 1] != 0xff) {
		abort();
	}
}

static void bt_write(const uint8_t *p, size_t len)
{
	uint32_t before = bt.stats.packets;
	enum smp_bt_att_status st = smpdfu_smp_bt_write(&bt, p, len);

	if (st != SMP_BT_ATT_OK && st != SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES &&
	    st != SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED) {
		abort();
	}
	/* A refused write never completes a request; an accepted one completes at most one. */
	if (bt.stats.packets - before > (st == SMP_BT_ATT_OK ? 1u : 0u)) {
		abort();
	}
	queued += bt.stats.packets - before;
}

/* The check every input ends with: a good echo (cut in two writes) is answered exactly. */
static void good_request_is_answered(void)
{
	static const uint8_t req[] = { 0x0a, 0x00, 0x00, 0x09, 0x00, 0x00, 0x5a, 0x00, 0xa1,
				       0x61, 0x64, 0x65, 0x68, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t rsp[] = { 0x0b, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x5a, 0x00, 0xbf,
				       0x61, 0x72, 0x65, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0xff };

	while (queued > 0) {
		process_one();
	}
	if (smpdfu_smp_bt_is_reassembling(&bt)) {
		smpdfu_smp_bt_subscription_changed(&bt, false);
	}
	fb.subscribed = true;
	smpdfu_smp_bt_subscription_changed(&bt, true);
	fb.mtu = 247;
	fb.accept_max = 0;
	check_buffers();
	if (smpdfu_smp_buf_free_count() != CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT) {
		abort();
	}
	if (CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY) {
		bt_write(req, 10);
		bt_write(req + 10, sizeof(req) - 10);
	} else {
		bt_write(req, sizeof(req)); /* each write is a whole unit */
	}
	if (queued != 1) {
		abort();
	}
	process_one();
	if (fb.rsp_len != sizeof(rsp) || memcmp(fb.rsp, rsp, sizeof(rsp)) != 0) {
		abort();
	}
	check_buffers();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	/* A fresh device and link for every input. */
	fake_port_reset();
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(NULL);
	if (smpdfu_smp_bt_init(&bt, &ops, NULL) < 0) {
		return 0; /* a build without the BLE transport: nothing to fuzz */
	}
	memset(&fb, 0, sizeof(fb));
	fb.mtu = 498;
	fb.subscribed = true;
	queued = 0;

	while (i < size) {
		enum op op = (enum op)(data[i++] % OP_COUNT);
		size_t len;

		switch (op) {
		case OP_WRITE:
			len = i < size ? data[i++] : 0;
			len = len < size - i ? len : size - i;
			bt_write(data + i, len);
			i += len;
			break;
		case OP_WRITE_LONG:
			len = i + 1 < size ? ((size_t)data[i] << 8 | data[i + 1]) : 0;
			i += i + 1 < size ? 2 : size - i;
			len %= CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE + 9;
			len = len < size - i ? len : size - i;
			bt_write(data + i, len);
			i += len;
			break;
		case OP_WRITE_HEADER: {
			uint8_t hdr[SMP_HDR_SIZE] = { 0x0a, 0, 0, 0, 0, 0, 1, 0 };

			if (i + 1 < size) {
				hdr[2] = data[i];
				hdr[3] = data[i + 1];
				i += 2;
			}
			bt_write(hdr, sizeof(hdr));
			break;
		}
		case OP_CCCD:
			fb.subscribed = !fb.subscribed;
			smpdfu_smp_bt_subscription_changed(&bt, fb.subscribed);
			break;
		case OP_DISCONNECT: {
			uint32_t discarded = bt.stats.rx_discarded;

			smpdfu_smp_bt_disconnected(&bt);
			/* Only this transport queues: the disconnect must take every request. */
			if (bt.stats.rx_discarded - discarded != queued) {
				abort();
			}
			queued = 0;
			break;
		}
		case OP_PROCESS:
			process_one();
			break;
		case OP_MTU:
			if (i < size) {
				fb.mtu = (uint16_t)(SMP_BT_ATT_MTU_MIN + 2u * data[i++]);
			}
			break;
		case OP_NO_BUFFERS:
			if (i < size) {
				fb.accept_max = data[i++];
			}
			break;
		case OP_COUNT:
			break;
		}
		check_buffers();
	}
	good_request_is_answered();
	return 0;
}
