/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over a serial console: CRC-16/XMODEM and Base64, the encoder and decoder against the frames
 * captured from a Zephyr device (protocol reference §8.5) byte for byte, the decoder's handling of
 * everything a shared console throws at it, and the device transport on the SMP buffer pool.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/crypto.h>
#include <smpdfu/transport/smp_serial.h>

#include "fake_port.h"
#include "test_device.h"
#include "util.h"

/* ---- Helpers --------------------------------------------------------------------------------- */

/* Everything an encoder wrote, and where each line ended. */
struct wire {
	uint8_t bytes[16384];
	size_t len;
	size_t line_ends[256];
	size_t lines;
};

static struct wire wire;

static int wire_write(void *ctx, const uint8_t *data, size_t len)
{
	struct wire *w = ctx;

	assert_true(w->len + len <= sizeof(w->bytes));
	assert_true(w->lines < ARRAY_SIZE(w->line_ends));
	memcpy(w->bytes + w->len, data, len);
	w->len += len;
	w->line_ends[w->lines++] = w->len;
	return 0;
}

static size_t line_len(const struct wire *w, size_t i)
{
	return w->line_ends[i] - (i == 0 ? 0 : w->line_ends[i - 1]);
}

/* Frames pkt with 127-byte lines into wire (appending). */
static void frame(const uint8_t *pkt, size_t len)
{
	uint8_t line[SMP_SERIAL_LINE_MAX];

	assert_int_equal(smpdfu_smp_serial_encode(pkt, len, line, sizeof(line), wire_write, &wire),
			 0);
}

/* A decoder that collects packets in a list, as a client would. */
#define SINK_MAX_PACKETS 8
#define SINK_PKT_MAX 2044

struct sink {
	uint8_t buf[SINK_PKT_MAX + SMP_SERIAL_CRC_SIZE]; /* begin() gives room for the CRC */
	bool busy;
	uint8_t pkts[SINK_MAX_PACKETS][SINK_PKT_MAX];
	size_t lens[SINK_MAX_PACKETS];
	size_t count;
	size_t aborts;
	size_t console;
	uint8_t last_console[64];
	size_t last_console_len;
};

/*
 * The decoder's count of an outcome is n, where the decoder keeps counts
 * (CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS); what it delivers is checked either way.
 */
#if CONFIG_MCUMGR_TRANSPORT_SERIAL_STATS
#define assert_counted(r, what, n) assert_int_equal((r).stats.what, (n))
#else
#define assert_counted(r, what, n) ((void)0)
#endif

static struct sink sink;
static struct smp_serial_rx rx;
static uint8_t rx_line[128];

static uint8_t *sink_begin(void *ctx)
{
	struct sink *s = ctx;

	assert_false(s->busy);
	s->busy = true;
	return s->buf;
}

static void sink_done(void *ctx, uint8_t *pkt, size_t len)
{
	struct sink *s = ctx;

	assert_ptr_equal(pkt, s->buf);
	assert_true(s->busy);
	assert_true(s->count < SINK_MAX_PACKETS);
	memcpy(s->pkts[s->count], pkt, len);
	s->lens[s->count++] = len;
	s->busy = false;
}

static void sink_abort(void *ctx, uint8_t *pkt)
{
	struct sink *s = ctx;

	assert_ptr_equal(pkt, s->buf);
	assert_true(s->busy);
	s->busy = false;
	s->aborts++;
}

static void sink_console(void *ctx, const uint8_t *line, size_t len)
{
	struct sink *s = ctx;

	s->console++;
	s->last_console_len = len < sizeof(s->last_console) ? len : sizeof(s->last_console);
	memcpy(s->last_console, line, s->last_console_len);
}

static const struct smp_serial_rx_ops sink_ops = {
	.begin = sink_begin,
	.done = sink_done,
	.abort = sink_abort,
	.console = sink_console,
};

/* Feeds everything, continuing after each packet as a caller does. */
static void feed_all(const uint8_t *data, size_t len)
{
	while (len > 0) {
		size_t used = smpdfu_smp_serial_rx_feed(&rx, data, len);

		assert_true(used > 0 && used <= len);
		data += used;
		len -= used;
	}
}

static void feed_str(const char *s)
{
	feed_all((const uint8_t *)s, strlen(s));
}

static int setup(void **state)
{
	(void)state;
	memset(&wire, 0, sizeof(wire));
	memset(&sink, 0, sizeof(sink));
	smpdfu_smp_serial_rx_init(&rx, rx_line, sizeof(rx_line), SINK_PKT_MAX, &sink_ops, &sink);
	return 0;
}

/* Every packet handed out came back: the decoder leaks no buffer. */
static int teardown(void **state)
{
	(void)state;
	smpdfu_smp_serial_rx_reset(&rx);
	assert_false(sink.busy);
	return 0;
}

/* The v2 echo request and its answer of §8.1, and their wire form of §8.5 [captured]. */
static const char echo_req_hex[] = "0a 00 00 09 00 00 2b 00 a1 61 64 65 68 65 6c 6c 6f";
static const char echo_rsp_hex[] = "0b 00 00 0a 00 00 2b 00 bf 61 72 65 68 65 6c 6c 6f ff";
static const char echo_req_wire[] = "\x06\x09"
				    "ABMKAAAJAAArAKFhZGVoZWxsb9Jx\n";
static const char echo_rsp_wire[] = "\x06\x09"
				    "ABQLAAAKAAArAL9hcmVoZWxsb/+Hxg==\n";

/* The first upload request of §8.3 (146 bytes) and its 2-line framing by a client [captured]. */
static const char upload_first_wire[] =
	"\x06\x09"
	"AJQKAACKAAEQAaZjbGVuGRIwY29mZgBjc2hhWCAT9SYP0eRzngB8lc2LIkuaCixBlur6qFBFjYN02iNtKWRkYXRh"
	"WEA9uPOWAAAAAAACAAAAEAAAAAAAAAECAwAA\n"
	"\x04\x14"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAZWltYWdlAGd1cGdyYWRl9Oku\n";

static size_t upload_first_packet(uint8_t *out)
{
	static const uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE] = {
		0x13, 0xf5, 0x26, 0x0f, 0xd1, 0xe4, 0x73, 0x9e, 0x00, 0x7c, 0x95,
		0xcd, 0x8b, 0x22, 0x4b, 0x9a, 0x0a, 0x2c, 0x41, 0x96, 0xea, 0xfa,
		0xa8, 0x50, 0x45, 0x8d, 0x83, 0x74, 0xda, 0x23, 0x6d, 0x29,
	};
	size_t n = test_hex("0a 00 00 8a 00 01 10 01 a6 63 6c 65 6e 19 12 30 63 6f 66 66 00"
			    "63 73 68 61 58 20",
			    out, 64);

	memcpy(out + n, sha, sizeof(sha));
	n += sizeof(sha);
	n += test_hex("64 64 61 74 61 58 40 3d b8 f3 96 00 00 00 00 00 02 00 00 00 10 00 00"
		      "00 00 00 00 01 02 03 00",
		      out + n, 64);
	memset(out + n, 0, 40);
	n += 40;
	n += test_hex("65 69 6d 61 67 65 00 67 75 70 67 72 61 64 65 f4", out + n, 64);
	return n;
}

/* ---- CRC and Base64 -------------------------------------------------------------------------- */

static void crc_check_value(void **state)
{
	uint8_t p[32];
	size_t n = test_hex(echo_req_hex, p, sizeof(p));

	(void)state;
	assert_int_equal(
		smpdfu_smp_serial_crc16(SMP_SERIAL_CRC_INIT, (const uint8_t *)"123456789", 9),
		SMP_SERIAL_CRC_CHECK);
	assert_int_equal(SMP_SERIAL_CRC_CHECK, 0x31C3);
	/* §8.5: CRC of the 17-byte echo request. */
	assert_int_equal(smpdfu_smp_serial_crc16(0, p, n), 0xD271);
	/* Continuing a CRC over two pieces equals one pass; over P and its CRC it is 0. */
	assert_int_equal(smpdfu_smp_serial_crc16(smpdfu_smp_serial_crc16(0, p, 5), p + 5, n - 5),
			 0xD271);
	p[n] = 0xD2;
	p[n + 1] = 0x71;
	assert_int_equal(smpdfu_smp_serial_crc16(0, p, n + 2), 0);
	assert_int_equal(smpdfu_smp_serial_crc16(0, p, 0), 0);
}

static void base64_vectors(void **state)
{
	static const struct {
		const char *raw;
		const char *b64;
	} v[] = {
		{ "", "" },		{ "f", "Zg==" },	 { "fo", "Zm8=" },
		{ "foo", "Zm9v" },	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789+/";
	uint8_t out[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		size_t rl = strlen(v[i].raw);
		size_t bl = strlen(v[i].b64);

		assert_int_equal(smpdfu_smp_serial_b64_len(rl), bl);
		assert_int_equal(smpdfu_smp_serial_b64_encode((const uint8_t *)v[i].raw, rl, out),
				 bl);
		assert_memory_equal(out, v[i].b64, bl);
		assert_int_equal(smpdfu_smp_serial_b64_decode((const uint8_t *)v[i].b64, bl, out,
							      sizeof(out)),
				 (int)rl);
		assert_memory_equal(out, v[i].raw, rl);
	}
	/* Every byte value, every length up to 3 groups and some, both ways (and in place). */
	for (size_t len = 0; len <= 256; len++) {
		uint8_t raw[256];
		uint8_t text[344];
		size_t tl;

		for (size_t i = 0; i < len; i++) {
			raw[i] = (uint8_t)(i * 37 + len);
		}
		tl = smpdfu_smp_serial_b64_encode(raw, len, text);
		assert_int_equal(tl, smpdfu_smp_serial_b64_len(len));
		for (size_t i = 0; i < tl; i++) {
			assert_true(text[i] == '=' || strchr(alphabet, text[i]) != NULL);
		}
		assert_int_equal(smpdfu_smp_serial_b64_decode(text, tl, text, sizeof(text)),
				 (int)len);
		assert_memory_equal(text, raw, len);
	}
}

static void base64_rejects(void **state)
{
	static const char *const bad[] = {
		"Zg=",      /* not whole groups */
		"Zm9",      "Z===",	/* three pads */
		"Zg==Zm8=", /* padding before the end */
		"Zm=v",     /* pad inside a group */
		"Zm9v!A==", /* outside the alphabet */
		"Zm9v\r\n", "Zm 9",	 "=AAA",
	};
	uint8_t out[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(smpdfu_smp_serial_b64_decode((const uint8_t *)bad[i],
							      strlen(bad[i]), out, sizeof(out)),
				 -EINVAL);
	}
	/* -ENOSPC before writing anything. */
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(smpdfu_smp_serial_b64_decode((const uint8_t *)"Zm9vYmFy", 8, out, 5),
			 -ENOSPC);
	assert_int_equal(out[0], 0xAA);
	assert_int_equal(smpdfu_smp_serial_b64_decode((const uint8_t *)"Zm9vYmE=", 8, out, 5), 5);
}

/* ---- Encoder: the captured frames, byte for byte --------------------------------------------- */

static void encode_captured_echo(void **state)
{
	uint8_t p[64];
	size_t n;

	(void)state;
	n = test_hex(echo_req_hex, p, sizeof(p));
	frame(p, n);
	assert_int_equal(wire.lines, 1);
	assert_int_equal(wire.len, strlen(echo_req_wire));
	assert_memory_equal(wire.bytes, echo_req_wire, wire.len);
	assert_int_equal(smpdfu_smp_serial_encoded_size(n, SMP_SERIAL_LINE_MAX), wire.len);

	memset(&wire, 0, sizeof(wire));
	n = test_hex(echo_rsp_hex, p, sizeof(p));
	frame(p, n);
	assert_int_equal(wire.lines, 1);
	assert_int_equal(wire.len, strlen(echo_rsp_wire));
	assert_memory_equal(wire.bytes, echo_rsp_wire, wire.len);
}

static void encode_captured_upload_two_lines(void **state)
{
	uint8_t p[256];
	size_t n = upload_first_packet(p);

	(void)state;
	assert_int_equal(n, 146);
	frame(p, n);
	assert_int_equal(wire.lines, 2);
	assert_int_equal(line_len(&wire, 0), SMP_SERIAL_LINE_MAX);
	assert_int_equal(wire.len, strlen(upload_first_wire));
	assert_memory_equal(wire.bytes, upload_first_wire, wire.len);
	assert_int_equal(smpdfu_smp_serial_encoded_size(n, SMP_SERIAL_LINE_MAX), wire.len);
}

/*
 * The captured three-line answer (§8.5): 127 + 127 + 51 bytes, line 3 with 48 characters ending in
 * a padded group that holds only the CRC. That is a 221-byte body, a 217-byte packet.
 */
static void encode_three_line_shape(void **state)
{
	uint8_t p[217];
	const uint8_t *l3;

	(void)state;
	for (size_t i = 0; i < sizeof(p); i++) {
		p[i] = (uint8_t)(i * 7);
	}
	frame(p, sizeof(p));
	assert_int_equal(wire.lines, 3);
	assert_int_equal(line_len(&wire, 0), 127);
	assert_int_equal(line_len(&wire, 1), 127);
	assert_int_equal(line_len(&wire, 2), 51);
	assert_int_equal(wire.bytes[0], 0x06);
	assert_int_equal(wire.bytes[1], 0x09);
	assert_int_equal(wire.bytes[127], 0x04);
	assert_int_equal(wire.bytes[128], 0x14);
	assert_int_equal(wire.bytes[254], 0x04);
	assert_int_equal(wire.bytes[255], 0x14);
	l3 = wire.bytes + wire.line_ends[1];
	/* Length and packet are whole groups (219 bytes): the CRC alone fills the last, padded. */
	assert_int_equal(l3[49], '=');
	assert_true(l3[48] != '=');
	assert_int_equal(l3[50], '\n');
	assert_int_equal(smpdfu_smp_serial_encoded_size(sizeof(p), 127), 127 + 127 + 51);
	/* Each line decodes on its own. */
	for (size_t i = 0; i < wire.lines; i++) {
		uint8_t out[128];
		size_t start = i == 0 ? 0 : wire.line_ends[i - 1];

		assert_true(smpdfu_smp_serial_b64_decode(wire.bytes + start + 2,
							 line_len(&wire, i) - 3, out,
							 sizeof(out)) > 0);
	}
	feed_all(wire.bytes, wire.len);
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], sizeof(p));
	assert_memory_equal(sink.pkts[0], p, sizeof(p));
}

static void encode_line_sizes_and_errors(void **state)
{
	uint8_t p[700];
	uint8_t line[300];

	(void)state;
	for (size_t i = 0; i < sizeof(p); i++) {
		p[i] = (uint8_t)(i ^ 0x5A);
	}
	/* Every line length from the shortest to 300: lines within the limit, the packet intact. */
	for (size_t max = SMP_SERIAL_LINE_MIN; max <= sizeof(line); max++) {
		uint8_t big_line[300];
		struct smp_serial_rx big;

		memset(&wire, 0, sizeof(wire));
		assert_int_equal(
			smpdfu_smp_serial_encode(p, sizeof(p), line, max, wire_write, &wire), 0);
		assert_int_equal(smpdfu_smp_serial_encoded_size(sizeof(p), max), wire.len);
		for (size_t i = 0; i < wire.lines; i++) {
			assert_true(line_len(&wire, i) <= max);
		}
		smpdfu_smp_serial_rx_init(&big, big_line, sizeof(big_line), SINK_PKT_MAX, &sink_ops,
					  &sink);
		sink.count = 0;
		for (size_t off = 0; off < wire.len;) {
			off += smpdfu_smp_serial_rx_feed(&big, wire.bytes + off, wire.len - off);
		}
		assert_int_equal(sink.count, 1);
		assert_memory_equal(sink.pkts[0], p, sizeof(p));
	}
	assert_int_equal(
		smpdfu_smp_serial_encode(p, 1, line, SMP_SERIAL_LINE_MIN - 1, wire_write, &wire),
		-EINVAL);
	assert_int_equal(smpdfu_smp_serial_encoded_size(1, SMP_SERIAL_LINE_MIN - 1), 0);
	assert_int_equal(smpdfu_smp_serial_encode(p, SMP_SERIAL_PACKET_MAX + 1, line, 127,
						  wire_write, &wire),
			 -EINVAL);
}

static int failing_write(void *ctx, const uint8_t *data, size_t len)
{
	size_t *calls = ctx;

	(void)data;
	(void)len;
	return ++*calls == 2 ? -EIO : 0;
}

static void encode_stops_at_write_error(void **state)
{
	uint8_t p[300] = { 0 };
	uint8_t line[127];
	size_t calls = 0;

	(void)state;
	assert_int_equal(
		smpdfu_smp_serial_encode(p, sizeof(p), line, sizeof(line), failing_write, &calls),
		-EIO);
	assert_int_equal(calls, 2);
}

/* ---- Decoder --------------------------------------------------------------------------------- */

static void decode_captured_frames(void **state)
{
	uint8_t p[256];
	size_t n;

	(void)state;
	feed_str(echo_req_wire);
	feed_str(echo_rsp_wire);
	feed_str(upload_first_wire);
	assert_int_equal(sink.count, 3);
	n = test_hex(echo_req_hex, p, sizeof(p));
	assert_int_equal(sink.lens[0], n);
	assert_memory_equal(sink.pkts[0], p, n);
	n = test_hex(echo_rsp_hex, p, sizeof(p));
	assert_int_equal(sink.lens[1], n);
	assert_memory_equal(sink.pkts[1], p, n);
	n = upload_first_packet(p);
	assert_int_equal(sink.lens[2], n);
	assert_memory_equal(sink.pkts[2], p, n);
	assert_counted(rx, packets, 3);
	assert_counted(rx, console_lines, 0);
}

static void decode_skips_console_text_and_cr(void **state)
{
	(void)state;
	feed_str("*** Booting Zephyr OS ***\r\n");
	feed_str("\r\n\n"); /* empty lines: nothing */
	/* The upload frame with a log line between its two lines and CRLF endings. */
	feed_str("\x06\x09"
		 "AJQKAACKAAEQAaZjbGVuGRIwY29mZgBjc2hhWCAT9SYP0eRzngB8lc2LIkuaCixBlur6qFBFjYN02iN"
		 "tKWRkYXRhWEA9uPOWAAAAAAACAAAAEAAAAAAAAAECAwAA\r\n");
	feed_str("[00:00:01.000,000] <inf> app: tick\n");
	feed_str("\r\r\x04\x14"
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "ZWltYWdlAGd1cGdyYWRl9Oku\r\n");
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], 146);
	assert_counted(rx, console_lines, 2);
	assert_int_equal(sink.console, 2);
	assert_int_equal(sink.last_console_len, strlen("[00:00:01.000,000] <inf> app: tick"));
	/* Text that merely contains a marker is still text; a frame needs it at the line start. */
	feed_str("log \x06\x09" "ABMKAAAJAAArAKFhZGVoZWxsb9Jx\n");
	assert_int_equal(sink.count, 1);
	assert_counted(rx, console_lines, 3);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 2);
}

static void decode_bad_crc_then_good(void **state)
{
	char bad[64];

	(void)state;
	strcpy(bad, echo_req_wire);
	bad[10] = bad[10] == 'A' ? 'B' : 'A'; /* one character of the packet */
	feed_str(bad);
	assert_int_equal(sink.count, 0);
	assert_counted(rx, bad_crc, 1);
	assert_int_equal(sink.aborts, 1);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 1);
	/* The CRC's own bytes damaged ("9Jx" -> "9Jy"). */
	strcpy(bad, echo_req_wire);
	bad[strlen(bad) - 2] = 'y';
	feed_str(bad);
	assert_counted(rx, bad_crc, 2);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 2);
}

static void decode_bad_base64(void **state)
{
	(void)state;
	/* A first line that is not Base64: the packet never starts; its continuation is skipped. */
	feed_str("\x06\x09" "AJQK*ACK\n");
	feed_str("\x04\x14" "AAAA\n");
	assert_counted(rx, bad_base64, 1);
	assert_counted(rx, orphans, 0);
	/* A bad continuation line drops the packet. */
	feed_all((const uint8_t *)upload_first_wire, 127);
	feed_str("\x04\x14" "AAA\n");
	assert_counted(rx, bad_base64, 2);
	assert_int_equal(sink.aborts, 1);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 1);
}

static void decode_garbage_then_good(void **state)
{
	uint8_t junk[3000];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	/* Markers in the junk too, so frame paths are taken. */
	for (size_t i = 0; i + 40 < sizeof(junk); i += 97) {
		junk[i] = '\n';
		junk[i + 1] = (i / 97) % 2 ? 0x06 : 0x04;
		junk[i + 2] = (i / 97) % 2 ? 0x09 : 0x14;
		memcpy(junk + i + 3, "AAAAAAAA", 8);
	}
	feed_all(junk, sizeof(junk));
	feed_str("\n");
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], 17);
	assert_false(sink.busy);
}

static void decode_truncated_then_new_first_line(void **state)
{
	(void)state;
	/* The first line of the 2-line upload request alone, then a whole echo request. */
	feed_all((const uint8_t *)upload_first_wire, 127);
	assert_true(sink.busy);
	feed_str(echo_req_wire);
	assert_counted(rx, restarted, 1);
	assert_int_equal(sink.aborts, 1);
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], 17);
	/* The orphaned second line of the upload is now a continuation without a packet. */
	feed_str(upload_first_wire + 127);
	assert_counted(rx, orphans, 1);
	assert_int_equal(sink.count, 1);
}

static void decode_overlong_line(void **state)
{
	char line[300];

	(void)state;
	/* A 200-character first line (more than the 128-byte line buffer): dropped, and so is
	 * its packet: the following continuation line is skipped, not an orphan. */
	line[0] = 0x06;
	line[1] = 0x09;
	memset(line + 2, 'A', 200);
	line[202] = '\n';
	line[203] = '\0';
	feed_str(line);
	feed_str("\x04\x14" "AAAA\n");
	assert_counted(rx, overlong, 1);
	assert_counted(rx, orphans, 0);
	/* Counted once, as overlong: the part kept is not judged as Base64. */
	assert_counted(rx, bad_base64, 0);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 1);

	/* An overlong continuation line kills the packet in progress. */
	feed_all((const uint8_t *)upload_first_wire, 127);
	line[0] = 0x04;
	line[1] = 0x14;
	feed_str(line);
	assert_counted(rx, overlong, 2);
	assert_int_equal(sink.aborts, 1);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 2);

	/* Long console text in the middle of a packet is just text. */
	feed_all((const uint8_t *)upload_first_wire, 127);
	memset(line, 'x', 250);
	line[250] = '\n';
	line[251] = '\0';
	feed_str(line);
	feed_str(upload_first_wire + 127);
	assert_counted(rx, overlong, 3);
	assert_int_equal(sink.count, 3);
	assert_int_equal(sink.lens[2], 146);

	/* A sender with 131-byte lines (130 bytes before the newline) is not heard at all. */
	memset(&wire, 0, sizeof(wire));
	{
		uint8_t p[100] = { 1, 2, 3 };
		uint8_t l[131];

		assert_int_equal(
			smpdfu_smp_serial_encode(p, sizeof(p), l, sizeof(l), wire_write, &wire), 0);
		assert_int_equal(line_len(&wire, 0), 131);
		feed_all(wire.bytes, wire.len);
		assert_counted(rx, overlong, 4);
		assert_int_equal(sink.count, 3);
	}
}

/* Frames body (length field and all, as given) as one first line. */
static void feed_body(const uint8_t *body, size_t n)
{
	uint8_t line[130];
	size_t len = 0;

	line[len++] = 0x06;
	line[len++] = 0x09;
	len += smpdfu_smp_serial_b64_encode(body, n, line + len);
	line[len++] = '\n';
	feed_all(line, len);
}

static void decode_length_field_lies(void **state)
{
	uint8_t p[32];
	uint8_t body[40];
	size_t n = test_hex(echo_req_hex, p, sizeof(p));
	uint16_t crc = smpdfu_smp_serial_crc16(0, p, n);

	(void)state;
	/* Says more than comes: the packet waits, then a new first line cuts it. */
	body[0] = 0;
	body[1] = (uint8_t)(n + 2 + 10);
	memcpy(body + 2, p, n);
	body[2 + n] = (uint8_t)(crc >> 8);
	body[3 + n] = (uint8_t)crc;
	feed_body(body, n + 4);
	assert_int_equal(sink.count, 0);
	assert_true(sink.busy);
	feed_str(echo_req_wire);
	assert_counted(rx, restarted, 1);
	assert_int_equal(sink.count, 1);

	/* Says less than comes: too many bytes. */
	body[1] = (uint8_t)(n + 2 - 3);
	feed_body(body, n + 4);
	assert_counted(rx, bad_length, 1);
	assert_int_equal(sink.count, 1);
	/* One byte more than it says is as bad (the bound's edge): the buffer goes back. */
	body[1] = (uint8_t)(n + 2 - 1);
	feed_body(body, n + 4);
	assert_counted(rx, bad_length, 2);
	assert_false(sink.busy);

	/* Shorter than the CRC, and a line too short for the length field. */
	body[0] = 0;
	body[1] = 1;
	feed_body(body, 3);
	feed_body(body, 1);
	assert_counted(rx, bad_length, 4);

	/* Larger than the buffer: refused before a buffer is taken. */
	body[0] = (uint8_t)((SINK_PKT_MAX + 3) >> 8);
	body[1] = (uint8_t)(SINK_PKT_MAX + 3);
	feed_body(body, n + 4);
	assert_counted(rx, too_large, 1);
	assert_false(sink.busy);
	/* Exactly the buffer is fine (the packet then never completes here: cut by the next). */
	body[0] = (uint8_t)((SINK_PKT_MAX + 2) >> 8);
	body[1] = (uint8_t)(SINK_PKT_MAX + 2);
	feed_body(body, n + 4);
	assert_true(sink.busy);
	feed_str(echo_req_wire);
	assert_int_equal(sink.count, 2);
}

static void decode_byte_at_a_time(void **state)
{
	const char *all[] = { "noise\r\n", echo_req_wire, upload_first_wire, echo_rsp_wire };

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(all); k++) {
		for (size_t i = 0; all[k][i] != '\0'; i++) {
			assert_int_equal(
				smpdfu_smp_serial_rx_feed(&rx, (const uint8_t *)all[k] + i, 1), 1);
		}
	}
	assert_int_equal(sink.count, 3);
	assert_int_equal(sink.lens[0], 17);
	assert_int_equal(sink.lens[1], 146);
	assert_int_equal(sink.lens[2], 18);
	assert_counted(rx, console_lines, 1);
}

static void decode_stops_after_each_packet(void **state)
{
	char two[128];
	size_t used;

	(void)state;
	strcpy(two, echo_req_wire);
	strcat(two, echo_rsp_wire);
	used = smpdfu_smp_serial_rx_feed(&rx, (const uint8_t *)two, strlen(two));
	assert_int_equal(used, strlen(echo_req_wire));
	assert_int_equal(sink.count, 1);
	used = smpdfu_smp_serial_rx_feed(&rx, (const uint8_t *)two + used, strlen(two) - used);
	assert_int_equal(used, strlen(echo_rsp_wire));
	assert_int_equal(sink.count, 2);
}

static void decode_big_packet_in_pieces(void **state)
{
	static uint8_t p[SINK_PKT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(p); i++) {
		p[i] = (uint8_t)(i * 131 + 7);
	}
	frame(p, sizeof(p));
	assert_int_equal(wire.lines, (sizeof(p) + 4 + 92) / 93);
	/* Odd-sized pieces that cut lines and markers anywhere. */
	for (size_t off = 0; off < wire.len;) {
		size_t piece = wire.len - off < 61 ? wire.len - off : 61;
		size_t used = smpdfu_smp_serial_rx_feed(&rx, wire.bytes + off, piece);

		off += used;
	}
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], sizeof(p));
	assert_memory_equal(sink.pkts[0], p, sizeof(p));
}

/* ---- The device transport on the SMP buffer pool --------------------------------------------- */

static struct smp_serial_transport st;

static int device_setup(void **state)
{
	setup(state);
	test_device_init(SMP_TRANSPORT_SERIAL);
	smpdfu_smp_serial_transport_init(&st, wire_write, &wire);
	return 0;
}

static int device_teardown(void **state)
{
	while (smpdfu_smp_rx_process_one()) {
	}
	smpdfu_smp_serial_transport_reset(&st);
	/* No buffer leaked by any path: all back in the pool. */
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	test_device_deinit();
	return teardown(state);
}

static void device_answers_captured_echo(void **state)
{
	(void)state;
	smpdfu_smp_serial_transport_rx(&st, (const uint8_t *)echo_req_wire, strlen(echo_req_wire));
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1);
	assert_true(smpdfu_smp_rx_process_one());
	assert_int_equal(wire.lines, 1);
	assert_int_equal(wire.len, strlen(echo_rsp_wire));
	assert_memory_equal(wire.bytes, echo_rsp_wire, wire.len);
	assert_counted(st.rx, packets, 1);
	assert_int_equal(st.smp.kind, SMP_TRANSPORT_SERIAL);
}

/* Echo of n 'a's through the device; returns the response lines' lengths in wire. */
static void device_echo(size_t n)
{
	uint8_t req[300];
	size_t len = 0;
	uint8_t line[SMP_SERIAL_LINE_MAX];
	struct wire in;

	memset(&in, 0, sizeof(in));
	len += test_hex("0a 00 00 00 00 00 2b 00 a1 61 64 78", req, sizeof(req));
	req[len++] = (uint8_t)n;
	memset(req + len, 'a', n);
	len += n;
	req[3] = (uint8_t)(len - SMP_HDR_SIZE);
	assert_int_equal(smpdfu_smp_serial_encode(req, len, line, sizeof(line), wire_write, &in),
			 0);
	smpdfu_smp_serial_transport_rx(&st, in.bytes, in.len);
	memset(&wire, 0, sizeof(wire));
	assert_true(smpdfu_smp_rx_process_one());
}

static void device_long_echo_lines(void **state)
{
	(void)state;
	/* 203 characters: a 217-byte answer, the 127/127/51 shape of the capture. */
	device_echo(203);
	assert_int_equal(wire.lines, 3);
	assert_int_equal(line_len(&wire, 0), 127);
	assert_int_equal(line_len(&wire, 1), 127);
	assert_int_equal(line_len(&wire, 2), 51);
	/* 200 characters: a 214-byte answer, 127/127/47. */
	device_echo(200);
	assert_int_equal(wire.lines, 3);
	assert_int_equal(line_len(&wire, 2), 47);
	/* And the client side reads it back. */
	feed_all(wire.bytes, wire.len);
	assert_int_equal(sink.count, 1);
	assert_int_equal(sink.lens[0], 214);
	assert_int_equal(sink.pkts[0][0], 0x0b);
	assert_memory_equal(sink.pkts[0] + 8, "\xbf\x61\x72\x78\xc8" "aaaa", 9);
}

static void device_all_buffers_busy(void **state)
{
	/* Requests may hold all but one: the last is the answer's. */
	struct smp_buf *held[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1];

	(void)state;
	for (size_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		held[i] = smpdfu_smp_buf_alloc();
		assert_non_null(held[i]);
	}
	smpdfu_smp_serial_transport_rx(&st, (const uint8_t *)upload_first_wire,
				       strlen(upload_first_wire));
	assert_counted(st.rx, no_buffer, 1);
	assert_counted(st.rx, orphans, 0); /* its second line was skipped quietly */
	assert_false(smpdfu_smp_rx_process_one());
	for (size_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		smpdfu_smp_buf_free(held[i]);
	}
	/* The next packet finds a buffer. */
	smpdfu_smp_serial_transport_rx(&st, (const uint8_t *)echo_req_wire, strlen(echo_req_wire));
	assert_true(smpdfu_smp_rx_process_one());
	assert_memory_equal(wire.bytes, echo_rsp_wire, strlen(echo_rsp_wire));
}

static void device_pipelined_requests_in_one_read(void **state)
{
	char three[256];
	struct wire in;

	(void)state;
	/* Three requests (a window of buf_count - 1) arrive in one read, with console noise. */
	memset(&in, 0, sizeof(in));
	strcpy(three, echo_req_wire);
	strcat(three, "noise\n");
	strcat(three, echo_req_wire);
	strcat(three, echo_req_wire);
	smpdfu_smp_serial_transport_rx(&st, (const uint8_t *)three, strlen(three));
	assert_counted(st.rx, packets, 3);
	assert_true(smpdfu_smp_rx_process_one());
	assert_true(smpdfu_smp_rx_process_one());
	assert_true(smpdfu_smp_rx_process_one());
	assert_false(smpdfu_smp_rx_process_one());
	assert_int_equal(wire.lines, 3);
	feed_all(wire.bytes, wire.len);
	assert_int_equal(sink.count, 3);
}

/* A reset in the middle of a packet gives its pool buffer back, and the next packet is whole. */
static void device_reset_returns_the_packet_in_progress(void **state)
{
	static uint8_t req[300];
	uint8_t line[SMP_SERIAL_LINE_MAX];
	size_t len = test_hex("0a 00 00 00 00 00 2b 00 a1 61 64 78 c8", req, sizeof(req));
	const uint8_t *eol;
	struct wire in;

	(void)state;
	memset(req + len, 'a', 200);
	len += 200;
	req[3] = (uint8_t)(len - SMP_HDR_SIZE);
	memset(&in, 0, sizeof(in));
	assert_int_equal(smpdfu_smp_serial_encode(req, len, line, sizeof(line), wire_write, &in),
			 0);
	assert_true(in.lines > 1);
	/* Its first line only: a buffer is taken. */
	eol = memchr(in.bytes, '\n', in.len);
	smpdfu_smp_serial_transport_rx(&st, in.bytes, (size_t)(eol + 1 - in.bytes));
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1);
	smpdfu_smp_serial_transport_reset(&st);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	/* The rest of the cut packet belongs to nobody; the packet after it is answered. */
	smpdfu_smp_serial_transport_rx(&st, eol + 1, in.len - (size_t)(eol + 1 - in.bytes));
	assert_false(smpdfu_smp_rx_process_one());
	device_echo(5);
	assert_int_equal(wire.lines, 1);
}

static void device_largest_packet_is_buf_size_minus_4(void **state)
{
	static uint8_t req[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];
	static uint8_t line[SMP_SERIAL_LINE_MAX];
	size_t max = CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE - 4;
	struct wire in;

	(void)state;
	/* An echo whose text fills the packet to buf_size - 4 exactly: answered. */
	memset(req, 'z', sizeof(req));
	test_hex("0a 00 00 00 00 00 2b 00 a1 61 64 79", req, 12);
	req[12] = (uint8_t)((max - 14) >> 8);
	req[13] = (uint8_t)(max - 14);
	req[2] = (uint8_t)((max - 8) >> 8);
	req[3] = (uint8_t)(max - 8);
	memset(&in, 0, sizeof(in));
	assert_int_equal(smpdfu_smp_serial_encode(req, max, line, sizeof(line), wire_write, &in),
			 0);
	smpdfu_smp_serial_transport_rx(&st, in.bytes, in.len);
	assert_counted(st.rx, packets, 1);
	while (smpdfu_smp_rx_process_one()) {
	}
	/* One byte more: silently dropped. */
	memset(&in, 0, sizeof(in));
	assert_int_equal(
		smpdfu_smp_serial_encode(req, max + 1, line, sizeof(line), wire_write, &in), 0);
	smpdfu_smp_serial_transport_rx(&st, in.bytes, in.len);
	assert_counted(st.rx, too_large, 1);
	assert_false(smpdfu_smp_rx_process_one());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(crc_check_value, setup, teardown),
		cmocka_unit_test_setup_teardown(base64_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(base64_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(encode_captured_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(encode_captured_upload_two_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(encode_three_line_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(encode_line_sizes_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(encode_stops_at_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_captured_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_skips_console_text_and_cr, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_bad_crc_then_good, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_bad_base64, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_garbage_then_good, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_truncated_then_new_first_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(decode_overlong_line, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_length_field_lies, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_byte_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_stops_after_each_packet, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_big_packet_in_pieces, setup, teardown),
	};
	const struct CMUnitTest device_tests[] = {
		cmocka_unit_test_setup_teardown(device_answers_captured_echo, device_setup,
						device_teardown),
		cmocka_unit_test_setup_teardown(device_long_echo_lines, device_setup,
						device_teardown),
		cmocka_unit_test_setup_teardown(device_all_buffers_busy, device_setup,
						device_teardown),
		cmocka_unit_test_setup_teardown(device_pipelined_requests_in_one_read, device_setup,
						device_teardown),
		cmocka_unit_test_setup_teardown(device_reset_returns_the_packet_in_progress,
						device_setup, device_teardown),
		cmocka_unit_test_setup_teardown(device_largest_packet_is_buf_size_minus_4,
						device_setup, device_teardown),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	/* The framing needs no transport; the device tests need it in the configuration. */
	if (CONFIG_MCUMGR_TRANSPORT_UART) {
		failed += cmocka_run_group_tests(device_tests, NULL, NULL);
	}
	return failed;
}
