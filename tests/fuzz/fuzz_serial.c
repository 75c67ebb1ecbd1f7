/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes SMP over a serial console: one input is a byte stream fed, in pieces of an input-chosen
 * size, to a device's serial transport whose packets the OS group answers. Every response must go
 * out as valid lines that decode to one well-formed packet, no buffer may leak, and the input
 * itself, framed by the encoder at an input-chosen line size, must decode back unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/smp.h>
#include <smpdfu/transport/smp_serial.h>

#include "fake_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The host side: decodes what the device writes, one packet at a time. */
static struct smp_serial_rx host;
static uint8_t host_line[SMP_SERIAL_LINE_MAX + 1];
static uint8_t host_pkt[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE + SMP_SERIAL_CRC_SIZE];
static size_t host_packets;
static size_t host_last_len;
static bool host_busy;

static uint8_t *host_begin(void *ctx)
{
	(void)ctx;
	if (host_busy) {
		abort();
	}
	host_busy = true;
	return host_pkt;
}

static void host_done(void *ctx, uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	host_busy = false;
	host_packets++;
	host_last_len = len;
}

static void host_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	(void)pkt;
	host_busy = false;
}

static const struct smp_serial_rx_ops host_ops = {
	.begin = host_begin,
	.done = host_done,
	.abort = host_abort,
};

/* The device's line output: each line within the limit, marked, ended, and decodable. */
static int device_write(void *ctx, const uint8_t *line, size_t len)
{
	(void)ctx;
	if (len < SMP_SERIAL_LINE_MIN || len > CONFIG_SMPDFU_SERIAL_TX_LINE_MAX ||
	    line[len - 1] != '\n') {
		abort();
	}
	if (!(line[0] == 0x06 && line[1] == 0x09) && !(line[0] == 0x04 && line[1] == 0x14)) {
		abort();
	}
	if (smpdfu_smp_serial_rx_feed(&host, line, len) != len) {
		abort();
	}
	return 0;
}

static struct smp_serial_transport device;

/*
 * What the server was given (linked with --wrap): a unit shorter than a header is dropped
 * unanswered, as by Zephyr, and a unit of several packets gets an answer for each of them up to
 * the first SMP-level error, so one unit must get at least one and at most this many answers.
 */
static size_t unit_answers_max;

void __real_smpdfu_smp_process_unit(struct smpdfu_smp_transport *tp, const uint8_t *peer,
				    const uint8_t *req, size_t len);
void __wrap_smpdfu_smp_process_unit(struct smpdfu_smp_transport *tp, const uint8_t *peer,
				    const uint8_t *req, size_t len);

void __wrap_smpdfu_smp_process_unit(struct smpdfu_smp_transport *tp, const uint8_t *peer,
				    const uint8_t *req, size_t len)
{
	unit_answers_max = len / SMP_HDR_SIZE;
	__real_smpdfu_smp_process_unit(tp, peer, req, len);
}

/* The answers to the unit just processed: as many as it may get, each at least a header. */
static void check_answers(void)
{
	if (unit_answers_max == 0 ? host_packets != 0
				  : host_packets < 1 || host_packets > unit_answers_max ||
					    host_last_len < SMP_HDR_SIZE) {
		abort();
	}
	host_packets = 0;
}

/* Round trip of arbitrary bytes as one packet. */
#define RT_PACKET_MAX 4096
static uint8_t rt_pkt[RT_PACKET_MAX + SMP_SERIAL_CRC_SIZE];
static size_t rt_len;
static size_t rt_count;

static uint8_t *rt_begin(void *ctx)
{
	(void)ctx;
	return rt_pkt;
}

static void rt_done(void *ctx, uint8_t *pkt, size_t len)
{
	(void)ctx;
	(void)pkt;
	rt_len = len;
	rt_count++;
}

static void rt_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	(void)pkt;
	abort(); /* a frame straight from the encoder is never dropped */
}

static const struct smp_serial_rx_ops rt_ops = {
	.begin = rt_begin,
	.done = rt_done,
	.abort = rt_abort,
};

static struct smp_serial_rx rt_rx;
static uint8_t rt_line[512];
static uint8_t rt_wire[4096 * 4];
static size_t rt_wire_len;

static int rt_write(void *ctx, const uint8_t *line, size_t len)
{
	size_t max = *(const size_t *)ctx;

	if (len > max || rt_wire_len + len > sizeof(rt_wire)) {
		abort();
	}
	memcpy(rt_wire + rt_wire_len, line, len);
	rt_wire_len += len;
	return 0;
}

static void round_trip(const uint8_t *p, size_t len, size_t line_max)
{
	uint8_t line[300];

	rt_wire_len = 0;
	rt_count = 0;
	smpdfu_smp_serial_rx_init(&rt_rx, rt_line, sizeof(rt_line), RT_PACKET_MAX, &rt_ops, NULL);
	if (smpdfu_smp_serial_encode(p, len, line, line_max, rt_write, &line_max) != 0 ||
	    rt_wire_len != smpdfu_smp_serial_encoded_size(len, line_max)) {
		abort();
	}
	for (size_t off = 0; off < rt_wire_len;) {
		off += smpdfu_smp_serial_rx_feed(&rt_rx, rt_wire + off, rt_wire_len - off);
	}
	if (rt_count != 1 || rt_len != len || memcmp(rt_pkt, p, len) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct os_mgmt_identity id = {
		.kernel_name = "smpdfu", .node_name = "fuzz", .release = "0.1.0",
		.version = "0.1.0", .machine = "x86_64", .processor = "x86_64",
		.platform = "fuzz", .os = "smpdfu",
	};
	size_t piece;

	if (size < 2) {
		return 0;
	}
	piece = (size_t)data[0] % 64 + 1;

	/* A fresh device each time: pool, queue, group registry, timers. */
	fake_port_reset();
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(&id);
	smpdfu_smp_serial_transport_init(&device, device_write, NULL);
	smpdfu_smp_serial_rx_init(&host, host_line, sizeof(host_line),
				  CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE, &host_ops, NULL);
	host_busy = false;
	host_packets = 0;

	for (size_t off = 1; off < size; off += piece) {
		size_t n = size - off < piece ? size - off : piece;

		smpdfu_smp_serial_transport_rx(&device, data + off, n);
		/* Process between pieces, like the event loop: sometimes all buffers are busy. */
		if (data[0] & 0x80) {
			while (smpdfu_smp_rx_process_one()) {
				check_answers();
			}
		}
	}
	while (smpdfu_smp_rx_process_one()) {
		check_answers();
	}
	smpdfu_smp_serial_transport_reset(&device);
	if (smpdfu_smp_buf_free_count() != CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT) {
		abort();
	}

	round_trip(data + 1, size - 1 < RT_PACKET_MAX ? size - 1 : RT_PACKET_MAX,
		   SMP_SERIAL_LINE_MIN + data[0] % 200);
	return 0;
}
