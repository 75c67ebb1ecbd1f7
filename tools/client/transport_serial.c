/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serial transport: SMP packets framed as console lines by the device's own encoder and
 * decoder (src/transport/smp_serial_frame.c), on a UART, a USB CDC ACM port or the simulated
 * device's pseudo-terminal. Console text between frames is skipped (and shown with --verbose).
 */
#define _DEFAULT_SOURCE /* cfmakeraw, the higher Bxxx speeds */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <smpdfu/transport/smp_serial.h>

#include "mono_time.h"
#include "safe_text.h"
#include "transport.h"
#include "util.h"

/* Lines from the device: far longer than the 127 bytes of the specification, to be lenient. */
#define SERIAL_RX_LINE_MAX 4096
#define SERIAL_READ_CHUNK 4096
/* A line that cannot be written for this long means the device stopped reading. */
#define SERIAL_WRITE_TIMEOUT_MS 10000

struct serial_ctx {
	int fd;
	const char *device;
	struct smp_serial_rx rx;
	uint8_t rx_line[SERIAL_RX_LINE_MAX];
	uint8_t *pkt;             /* SMP_SERIAL_PACKET_MAX + CRC bytes: the decoder puts a packet */
	size_t pkt_len;
	bool pkt_ready;
	uint8_t *tx_line;         /* line_size bytes */
	size_t line_size;
	unsigned int line_delay_ms;
	bool wrote_line;          /* a line went out before: the next one waits line_delay_ms */
	bool verbose;
	uint8_t pend[SERIAL_READ_CHUNK]; /* read from the device, not yet decoded */
	size_t pend_off;
	size_t pend_len;
	/* What the framing costs, reported with --verbose (and read by bench/serial_bench.sh). */
	uint64_t tx_packets;
	uint64_t tx_packet_bytes;
	uint64_t tx_wire_bytes;
	uint64_t rx_wire_bytes;
};

static uint8_t *rx_begin(void *ctx)
{
	struct serial_ctx *s = ctx;

	/* One packet at a time: the decoder stops after each one until recv() hands it over. */
	return s->pkt;
}

static void rx_done(void *ctx, uint8_t *pkt, size_t len)
{
	struct serial_ctx *s = ctx;

	(void)pkt;
	s->pkt_len = len;
	s->pkt_ready = true;
}

static void rx_abort(void *ctx, uint8_t *pkt)
{
	(void)ctx;
	(void)pkt;
}

static void rx_console(void *ctx, const uint8_t *line, size_t len)
{
	struct serial_ctx *s = ctx;

	if (!s->verbose) {
		return;
	}
	/* A console's CR LF ends the line; it is not part of the text. */
	if (len > 0 && line[len - 1] == '\r') {
		len--;
	}
	fputs("smpdfu: console text: ", stderr);
	safe_text_print(stderr, (const char *)line, len);
	fputc('\n', stderr);
}

static const struct smp_serial_rx_ops rx_ops = {
	.begin = rx_begin,
	.done = rx_done,
	.abort = rx_abort,
	.console = rx_console,
};

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Writes all of data, waiting for room when the line is full. */
static int write_all(struct serial_ctx *s, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(s->fd, data, len);
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
		int rc;

		if (n >= 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			return -errno;
		}
		do {
			rc = poll(&pfd, 1, SERIAL_WRITE_TIMEOUT_MS);
		} while (rc < 0 && errno == EINTR);
		if (rc < 0) {
			return -errno;
		}
		if (rc == 0) {
			return -ETIMEDOUT;
		}
	}
	return 0;
}

/* The encoder's write routine: one line, after the pause a slow device asked for. */
static int write_line(void *ctx, const uint8_t *line, size_t len)
{
	struct serial_ctx *s = ctx;

	if (s->line_delay_ms > 0 && s->wrote_line) {
		sleep_ms(s->line_delay_ms);
	}
	s->wrote_line = true;
	s->tx_wire_bytes += len;
	return write_all(s, line, len);
}

static int serial_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct serial_ctx *s = ctx;

	if (len > SMP_SERIAL_PACKET_MAX) {
		return -EMSGSIZE;
	}
	s->tx_packets++;
	s->tx_packet_bytes += len;
	return smpdfu_smp_serial_encode(pkt, len, s->tx_line, s->line_size, write_line, s);
}

/* Decodes what was read before; true when a packet came out of it. */
static bool decode_pending(struct serial_ctx *s)
{
	while (s->pend_off < s->pend_len && !s->pkt_ready) {
		s->pend_off += smpdfu_smp_serial_rx_feed(&s->rx, s->pend + s->pend_off,
							 s->pend_len - s->pend_off);
	}
	return s->pkt_ready;
}

static int serial_recv(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct serial_ctx *s = ctx;
	uint64_t deadline = mono_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);

	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		uint64_t now;
		ssize_t n;
		int rc;

		if (decode_pending(s)) {
			s->pkt_ready = false;
			memcpy(buf, s->pkt, s->pkt_len < cap ? s->pkt_len : cap);
			return (int)s->pkt_len;
		}
		now = mono_ms();
		if (now >= deadline) {
			return -ETIMEDOUT;
		}
		do {
			rc = poll(&pfd, 1, (int)(deadline - now));
		} while (rc < 0 && errno == EINTR);
		if (rc < 0) {
			return -errno;
		}
		if (rc == 0) {
			return -ETIMEDOUT;
		}
		n = read(s->fd, s->pend, sizeof(s->pend));
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
			continue;
		}
		if (n < 0) {
			/* EIO: the master side of a pseudo-terminal closed (the device stopped). */
			return -errno;
		}
		if (n == 0) {
			return -ECONNRESET;
		}
		s->pend_off = 0;
		s->pend_len = (size_t)n;
		s->rx_wire_bytes += (uint64_t)n;
	}
}

static void serial_close(void *ctx)
{
	struct serial_ctx *s = ctx;
	const struct smp_serial_rx_stats *st = &s->rx.stats;
	uint32_t bad = st->bad_crc + st->bad_base64 + st->bad_length + st->too_large +
		       st->overlong + st->orphans + st->restarted;

	if (s->verbose) {
		fprintf(stderr,
			"smpdfu: serial: sent %llu packets, %llu bytes as %llu wire bytes "
			"(%.2f %%); received %u packets in %llu wire bytes, %u console lines, "
			"%u bad frames\n",
			(unsigned long long)s->tx_packets, (unsigned long long)s->tx_packet_bytes,
			(unsigned long long)s->tx_wire_bytes,
			s->tx_wire_bytes != 0 ? 100.0 * (double)s->tx_packet_bytes /
							(double)s->tx_wire_bytes :
						0.0,
			(unsigned int)st->packets, (unsigned long long)s->rx_wire_bytes,
			(unsigned int)st->console_lines, (unsigned int)bad);
	}
	close(s->fd);
	free(s->tx_line);
	free(s->pkt);
	free(s);
}

static const struct transport_ops serial_ops = {
	.send = serial_send,
	.recv = serial_recv,
	.close = serial_close,
};

struct baud_rate {
	unsigned int rate;
	speed_t code;
};

static const struct baud_rate baud_rates[] = {
	{ 1200, B1200 },       { 2400, B2400 },       { 4800, B4800 },
	{ 9600, B9600 },       { 19200, B19200 },     { 38400, B38400 },
	{ 57600, B57600 },     { 115200, B115200 },   { 230400, B230400 },
	{ 460800, B460800 },   { 500000, B500000 },   { 576000, B576000 },
	{ 921600, B921600 },   { 1000000, B1000000 }, { 1500000, B1500000 },
	{ 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
};

/* Raw 8N1 without flow control or modem lines; the speed only when one was asked for. */
static int configure_line(int fd, unsigned int baud, const char *device)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) != 0) {
		return -errno;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= ~(tcflag_t)CRTSCTS;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (baud != 0) {
		const struct baud_rate *br = NULL;

		for (size_t i = 0; i < ARRAY_SIZE(baud_rates); i++) {
			if (baud_rates[i].rate == baud) {
				br = &baud_rates[i];
				break;
			}
		}
		if (br == NULL) {
			fprintf(stderr, "smpdfu: %s: %u baud is not a standard rate\n", device,
				baud);
			return -EINVAL;
		}
		cfsetispeed(&tio, br->code);
		cfsetospeed(&tio, br->code);
	}
	if (tcsetattr(fd, TCSANOW, &tio) != 0) {
		return -errno;
	}
	return 0;
}

int transport_serial_open(const struct transport_opts *opts, struct transport *t)
{
	size_t line_size = opts->line_size != 0 ? opts->line_size : SMP_SERIAL_LINE_MAX;
	struct serial_ctx *s;
	int rc;

	if (opts->device == NULL) {
		fprintf(stderr, "smpdfu: the serial transport needs --device PATH\n");
		return -EINVAL;
	}
	if (line_size < SMP_SERIAL_LINE_MIN) {
		fprintf(stderr, "smpdfu: --line-size must be at least %d\n", SMP_SERIAL_LINE_MIN);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return -ENOMEM;
	}
	s->device = opts->device;
	s->line_size = line_size;
	s->line_delay_ms = opts->line_delay_ms;
	s->verbose = opts->verbose;
	s->pkt = malloc(SMP_SERIAL_PACKET_MAX + SMP_SERIAL_CRC_SIZE);
	s->tx_line = malloc(line_size);
	if (s->pkt == NULL || s->tx_line == NULL) {
		rc = -ENOMEM;
		goto out_free;
	}
	/* Non-blocking: every wait has a deadline (poll), a stuck line must not hang the tool. */
	s->fd = open(opts->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		rc = -errno;
		fprintf(stderr, "smpdfu: cannot open %s: %s\n", opts->device, strerror(-rc));
		/* -ENOENT means "no such transport" to transport_open()'s callers. */
		rc = rc == -ENOENT ? -ENODEV : rc;
		goto out_free;
	}
	if (isatty(s->fd)) {
		rc = configure_line(s->fd, opts->baud, opts->device);
		if (rc < 0) {
			if (rc != -EINVAL) {
				fprintf(stderr, "smpdfu: cannot set up %s: %s\n", opts->device,
					strerror(-rc));
			}
			goto out_close;
		}
	}
	/*
	 * What the device printed before we came (its boot banner, answers nobody read) stays in
	 * the input: the decoder skips the text, and stale answers have other sequence numbers.
	 */
	smpdfu_smp_serial_rx_init(&s->rx, s->rx_line, sizeof(s->rx_line), SMP_SERIAL_PACKET_MAX,
				  &rx_ops, s);
	t->ops = &serial_ops;
	t->ctx = s;
	t->max_packet = SMP_SERIAL_PACKET_MAX;
	/* The device decodes length and CRC into its buf_size buffer too. */
	t->frame_overhead = SMP_SERIAL_FRAME_OVERHEAD;
	return 0;

out_close:
	close(s->fd);
out_free:
	free(s->tx_line);
	free(s->pkt);
	free(s);
	return rc;
}
