/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The main loop of the simulated device. Everything runs in this one context, as the SMP
 * processing context of a device would: socket and terminal reads, SMP processing, timer
 * callbacks. Signals only set a flag.
 */
#define _GNU_SOURCE /* ppoll */

#include "event_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>

#include "port_posix.h"
#include "log.h"

#define LOG_MODULE "main"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

static volatile sig_atomic_t stop_signal;

/* The config-channel DFU's socket, when the device has one. */
static struct sim_config_channel *config_channel;

void event_loop_set_config_channel(struct sim_config_channel *cc)
{
	config_channel = cc;
}

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

int event_loop_init_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	stop_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
		return -errno;
	}
	/* A reader of stdout that went away must not kill the device when it next prints. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0) {
		return -errno;
	}
	return 0;
}

/*
 * The mask to sleep with: the current one without the stop signals. Computed rather than saved at
 * start-up because a reboot execs with them still blocked, and that mask is what a saved copy
 * would hold.
 */
static int wait_mask(sigset_t *mask)
{
	if (sigprocmask(SIG_BLOCK, NULL, mask) != 0) {
		return -errno;
	}
	sigdelset(mask, SIGINT);
	sigdelset(mask, SIGTERM);
	return 0;
}

int event_loop_run(struct udp_transport *udp, struct serial_pty *pty)
{
	struct pollfd pfds[UDP_TRANSPORT_MAX_SOCKETS + 1 + SIM_CC_POLLFDS_MAX];
	size_t nfds = udp->fd_count;
	size_t pty_index = 0;
	size_t cc_count = 0;
	sigset_t mask;
	int rc;

	rc = wait_mask(&mask);
	if (rc < 0) {
		return rc;
	}
	for (size_t i = 0; i < udp->fd_count; i++) {
		pfds[i].fd = udp->fds[i];
		pfds[i].events = POLLIN;
	}
	/* The pseudo-terminal, when there is one, comes after the sockets. */
	if (pty != NULL) {
		pty_index = nfds;
		pfds[nfds].fd = pty->master;
		pfds[nfds].events = POLLIN;
		nfds++;
	}

	for (;;) {
		int32_t next_ms;
		struct timespec timeout;
		int n;

		/* The application's events (module states, transfer events...) before a wait. */
		if (smpdfu_app_event_manager_has_pending()) {
			smpdfu_app_event_manager_process();
		}
		/* Events submitted from elsewhere meanwhile: no sleeping while any wait. */
		next_ms = smpdfu_app_event_manager_has_pending() ? 0 : smpdfu_sys_timers_next_ms();
		/* The config channel last: its descriptors change as hosts come and go. */
		if (config_channel != NULL) {
			cc_count = sim_config_channel_pollfds(config_channel, pfds + nfds);
		}

		if (next_ms >= 0) {
			timeout.tv_sec = next_ms / 1000;
			timeout.tv_nsec = (long)(next_ms % 1000) * 1000000L;
		}
		/* Stop signals are deliverable only inside ppoll(): none slips in unnoticed. */
		n = ppoll(pfds, nfds + cc_count, next_ms >= 0 ? &timeout : NULL, &mask);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			LOG_ERR("poll failed: %s", strerror(errno));
			return rc;
		}
		if (stop_signal != 0) {
			LOG_INF("stopping on signal %d", (int)stop_signal);
			return EVENT_LOOP_STOPPED;
		}

		/*
		 * Each read stops when the buffer pool runs dry and leaves the rest in the kernel
		 * queue; the queue below frees the buffers, and as poll() is level-triggered the
		 * next round reads the rest without waiting.
		 */
		for (size_t i = 0; n > 0 && i < udp->fd_count; i++) {
			if (pfds[i].revents == 0) {
				continue;
			}
			rc = udp_transport_read(udp, i);
			if (rc < 0) {
				return rc;
			}
		}
		/*
		 * The terminal is read like a UART's receive interrupt takes bytes: all that waits,
		 * decoded as it comes. A packet that finds every buffer busy is lost, as on a UART.
		 */
		if (n > 0 && pty != NULL && pfds[pty_index].revents != 0) {
			rc = serial_pty_read(pty);
			if (rc < 0) {
				return rc;
			}
		}
		if (n > 0 && cc_count > 0) {
			rc = sim_config_channel_service(config_channel, pfds + nfds, cc_count);
			if (rc < 0) {
				return rc;
			}
		}
		while (smpdfu_smp_rx_process_one()) {
		}

		smpdfu_sys_timers_process();
		/* What the timers submitted is handled before the next wait, which then is 0. */
		if (smpdfu_app_event_manager_has_pending()) {
			smpdfu_app_event_manager_process();
		}
		if (posix_reboot_requested()) {
			return EVENT_LOOP_REBOOT;
		}
	}
}
