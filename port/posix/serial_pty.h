/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP over a serial console for the simulated device: a pseudo-terminal stands in for the UART. The
 * device holds the master side; a client opens /dev/pts/N (or the optional symlink) as it would a
 * real serial port. The caller's poll() loop watches the master.
 */
#ifndef SERIAL_PTY_H
#define SERIAL_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/transport/smp_serial.h>

/* How long a response line may wait for room in the terminal before it is dropped. */
#define SERIAL_PTY_TX_TIMEOUT_MS 1000

struct serial_pty {
	struct smp_serial_transport st; /* the portable transport: framing, buffer pool */
	int master;                     /* -1 while closed */
	int slave;                      /* held open so the master never reports a hang-up */
	char path[64];                  /* the slave's name, e.g. /dev/pts/3 */
	const char *link;               /* the symlink to path, or NULL */
	uint32_t tx_dropped;            /* lines not written within SERIAL_PTY_TX_TIMEOUT_MS */
	bool is_open;                   /* false for a zeroed or closed struct: close is harmless */
};

/*
 * Creates a pseudo-terminal in raw mode (no echo, no line editing, no CR/LF translation), makes
 * the master non-blocking, sets up the SMP serial transport on it (call after
 * smpdfu_smp_server_init()) and writes `banner` (console text, may be NULL) to it. With link not
 * NULL, also points the symlink `link` at the slave, replacing an older symlink there atomically.
 * Returns 0; -EEXIST when link exists and is not a symlink; or the failing call's -errno. On
 * failure nothing stays open.
 */
int serial_pty_open(struct serial_pty *sp, const char *link, const char *banner);

/*
 * Closes both sides; harmless on a zeroed, failed or closed struct. With remove_link, also
 * removes the symlink if it still points at this terminal (a reboot keeps it: the restarted
 * device points it at its new terminal).
 */
void serial_pty_close(struct serial_pty *sp, bool remove_link);

/*
 * Reads what the master has (up to a bound per call, so a flood cannot starve the loop) and
 * feeds it to the decoder, which queues complete packets. Returns the bytes read or -errno.
 * Main loop context.
 */
int serial_pty_read(struct serial_pty *sp);

#endif /* SERIAL_PTY_H */
