/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serial simulation end to end, with times worked out from the line rate: an echo's round trip
 * is exactly its request's and its answer's line time, and a device that resets into a swap hears
 * nothing on the line until its application is up again, like a bootloader that does not listen.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>
#include <smpdfu/prot/smp_serial.h>
#include <smpdfu/transport/smp_serial.h>

#include "serial_sim.h"
#include "sim_image.h"
#include "vport.h"

#define BAUD 115200u
/* Echoes during and after the swap, 100 ms apart: at most 25 s of them (sequence 1..250). */
#define ECHOES 250
#define ECHO_EVERY_US 100000u
/* Echoes sent once one was answered: enough to see the device keeps answering. */
#define ECHOES_AFTER 5

static struct serial_sim sim;

/* Line time of n bytes at BAUD, 8N1, rounded up to whole µs as the model hands it out. */
static uint64_t line_us(uint64_t n)
{
	return (n * UART_BITS_8N1 * 1000000u + BAUD - 1) / BAUD;
}

static size_t make_request(uint8_t *pkt, uint8_t op, uint8_t id, uint8_t seq,
			   const uint8_t *body, size_t body_len)
{
	struct smpdfu_smp_hdr h = {
		.op = op, .version = 1, .len = (uint16_t)body_len,
		.group = MGMT_GROUP_ID_OS, .seq = seq, .id = id,
	};

	smpdfu_smp_hdr_encode(&h, pkt);
	memcpy(pkt + SMP_HDR_SIZE, body, body_len);
	return SMP_HDR_SIZE + body_len;
}

/* {"d": "hi"} */
static const uint8_t echo_body[] = { 0xa1, 0x61, 0x64, 0x62, 0x68, 0x69 };

static void open_sim(const struct flash_timing *flash)
{
	const struct serial_sim_cfg cfg = {
		.baud = BAUD,
		.bits_per_byte = UART_BITS_8N1,
		.line_size = SMP_SERIAL_LINE_MAX,
		.dev = { .flash = flash, .factory_image_size = 16 * 1024 },
	};

	assert_int_equal(serial_sim_open(&sim, &cfg), 0);
	/* The boot banner goes out first; start with both directions quiet. */
	assert_int_equal(serial_sim_run_until(&sim, 10000, NULL), -ETIMEDOUT);
	assert_int_equal(sim.host.traffic.rx_wire_bytes, 30);
}

static bool rebooted(struct serial_sim *s)
{
	return s->dev.reboots > 0;
}

static int teardown(void **state)
{
	(void)state;
	serial_sim_close(&sim);
	return 0;
}

static void an_echo_takes_exactly_its_line_time(void **state)
{
	uint8_t pkt[64];
	uint8_t rsp[64];
	size_t len = make_request(pkt, SMP_OP_WRITE, OS_MGMT_ID_ECHO, 7, echo_body,
				  sizeof(echo_body));
	uint64_t t0;
	uint64_t rx0;
	struct smpdfu_smp_hdr h;
	int n;

	(void)state;
	open_sim(NULL);
	t0 = serial_sim_now(&sim);
	rx0 = sim.host.traffic.rx_wire_bytes;
	assert_int_equal(serial_sim_host_send(&sim, pkt, len), 0);
	assert_int_equal(sim.host.traffic.tx_wire_bytes, smpdfu_smp_serial_encoded_size(len, 127));
	n = serial_sim_host_recv(&sim, rsp, sizeof(rsp), 1000000);
	assert_true(n > SMP_HDR_SIZE);
	smpdfu_smp_hdr_decode(rsp, &h);
	assert_int_equal(h.op, SMP_OP_WRITE_RSP);
	assert_int_equal(h.seq, 7);
	/* The request on one wire, then the answer on the other, with no time in between. */
	assert_int_equal(serial_sim_now(&sim) - t0,
			 line_us(sim.host.traffic.tx_wire_bytes) +
				 line_us(sim.host.traffic.rx_wire_bytes - rx0));
}

/* Marks the echoes answered so far (by sequence number); returns how many there were. */
static size_t collect_answers(bool *answered)
{
	uint8_t rsp[64];
	size_t count = 0;

	while (packet_queue_pop(&sim.host.rsp, rsp, sizeof(rsp)) >= SMP_HDR_SIZE) {
		struct smpdfu_smp_hdr h;

		smpdfu_smp_hdr_decode(rsp, &h);
		assert_true(h.seq >= 1 && h.seq <= ECHOES);
		answered[h.seq - 1] = true;
		count++;
	}
	return count;
}

/*
 * A test swap is requested, the device is reset, and echoes go out every 100 ms meanwhile. Only
 * those that arrive once the transport is up again (rx_on_at) are answered: while the bootloader
 * copies (seconds of nRF52840 flash work) nobody listens.
 */
static void the_bootloader_does_not_listen_while_it_swaps(void **state)
{
	const struct smpdfu_flash_area *sec =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	uint8_t *img;
	uint8_t pkt[64];
	uint8_t rsp[64];
	uint64_t arrival[ECHOES];
	bool answered[ECHOES] = { false };
	size_t sent = 0;
	size_t after = 0;
	size_t len;
	int n;

	(void)state;
	open_sim(&flash_timing_nrf52840);
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP ||
	    CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		/* Direct-xip boots the newer slot where it is: no copy, so no deaf time to see. */
		skip();
		return;
	}
	img = sim_image_make(64 * 1024, 2, 0, 0, 0xfeedu);
	assert_non_null(img);
	memcpy(&sim.dev.flash.mem[sec->off], img, 64 * 1024);
	free(img);
	vport_set_now_us(serial_sim_now(&sim));
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);

	len = make_request(pkt, SMP_OP_WRITE, OS_MGMT_ID_RESET, 0, (const uint8_t *)"\xa0", 1);
	assert_int_equal(serial_sim_host_send(&sim, pkt, len), 0);
	n = serial_sim_host_recv(&sim, rsp, sizeof(rsp), 1000000);
	assert_true(n >= SMP_HDR_SIZE);
	/* The reset waits for its answer to go out; the echoes start at the reboot. */
	assert_int_equal(serial_sim_run_until(&sim, serial_sim_now(&sim) + 5000000, rebooted), 0);

	while (sent < ECHOES && after < ECHOES_AFTER) {
		len = make_request(pkt, SMP_OP_WRITE, OS_MGMT_ID_ECHO, (uint8_t)(sent + 1),
				   echo_body, sizeof(echo_body));
		arrival[sent] =
			serial_sim_now(&sim) + line_us(smpdfu_smp_serial_encoded_size(len, 127));
		assert_int_equal(serial_sim_host_send(&sim, pkt, len), 0);
		sent++;
		serial_sim_run_until(&sim, serial_sim_now(&sim) + ECHO_EVERY_US, NULL);
		if (collect_answers(answered) > 0 || after > 0) {
			after++;
		}
	}
	serial_sim_run_until(&sim, serial_sim_now(&sim) + 1000000, NULL);
	collect_answers(answered);

	assert_int_equal(sim.dev.reboots, 1);
	assert_false(sim.dev.halted);
	/* The swap took seconds: the transport came back long after the reset. */
	assert_true(sim.rx_on_at > arrival[0] + 1000000);
	assert_true(after == ECHOES_AFTER);
	for (size_t i = 0; i < sent; i++) {
		assert_int_equal(answered[i], arrival[i] >= sim.rx_on_at);
	}
	/* The swap did happen: the primary slot holds version 2 (ih_ver.major at offset 20). */
	assert_int_equal(
		sim.dev.flash.mem[smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY)->off + 20],
		2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(an_echo_takes_exactly_its_line_time, teardown),
		cmocka_unit_test_teardown(the_bootloader_does_not_listen_while_it_swaps, teardown),
	};

	if (!CONFIG_MCUMGR_TRANSPORT_UART) {
		printf("skipped: the build has no serial transport\n");
		return 0;
	}

	return cmocka_run_group_tests(tests, NULL, NULL);
}
