/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device's main context: waits on the transports (UDP sockets, the serial
 * pseudo-terminal) and the next timer deadline, feeds received units to the SMP server, runs
 * timers, and ends on a signal or a reboot request.
 */
#ifndef EVENT_LOOP_H
#define EVENT_LOOP_H

#include "serial_pty.h"
#include "sim_config_channel.h"
#include "udp_transport.h"

enum event_loop_end {
	EVENT_LOOP_STOPPED,  /* SIGINT or SIGTERM: shut down and exit 0 */
	EVENT_LOOP_REBOOT,   /* smpdfu_port_reboot() was called: restart the device */
};

/*
 * Blocks SIGINT and SIGTERM so they are only taken while the loop waits (no wake-up is lost between
 * checking the stop flag and sleeping), installs their handlers and ignores SIGPIPE. Call first
 * thing in main(): a signal that arrives during start-up then ends the loop as soon as it runs.
 * Returns 0 or -errno.
 */
int event_loop_init_signals(void);

/*
 * Runs until the device stops or reboots; pty may be NULL (no serial transport). Returns an enum
 * event_loop_end, or -errno on failure.
 */
int event_loop_run(struct udp_transport *udp, struct serial_pty *pty);

/*
 * Also waits on the config-channel DFU's socket and serves it (NULL: none). Before
 * event_loop_run(); cc stays owned by the caller.
 */
void event_loop_set_config_channel(struct sim_config_channel *cc);

#endif /* EVENT_LOOP_H */
