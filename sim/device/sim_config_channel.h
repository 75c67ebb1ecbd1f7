/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device's configuration channel: a local (Unix) stream socket that carries the
 * config-channel DFU's commands (start, data, sync, reboot) as text lines, one answer line per
 * request. docs/config_channel.md is the protocol; app/dfu.h does the work.
 */
#ifndef SIM_CONFIG_CHANNEL_H
#define SIM_CONFIG_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest request line (without the newline): "data " and 2048 bytes in hex, with room. */
#define SIM_CC_LINE_MAX 4200
/* Most data bytes one data command may carry (fewer when the sync buffer has less room). */
#define SIM_CC_DATA_MAX 2048
/* Longest socket path (sun_path less its terminating NUL). */
#define SIM_CC_PATH_MAX 107
/* Hosts connected at the same time; more wait in the listen backlog. */
#define SIM_CC_HOSTS_MAX 4
/* Descriptors sim_config_channel_pollfds() may fill. */
#define SIM_CC_POLLFDS_MAX (SIM_CC_HOSTS_MAX + 1)

struct pollfd;

/* One connected host and its partial request line. */
struct sim_cc_host {
	int fd; /* -1: free */
	char line[SIM_CC_LINE_MAX + 1];
	size_t line_len;
	bool discarding; /* the current line was too long: skip to its end */
};

struct sim_config_channel {
	int listen_fd; /* -1: closed */
	char path[SIM_CC_PATH_MAX + 1];
	struct sim_cc_host hosts[SIM_CC_HOSTS_MAX];
	uint8_t data[SIM_CC_DATA_MAX];
};

/*
 * Listens on path (an old socket file there is replaced). Returns 0, -ENAMETOOLONG beyond
 * SIM_CC_PATH_MAX, or the -errno of socket/bind/listen.
 */
int sim_config_channel_open(struct sim_config_channel *cc, const char *path);

/* Stops listening; unlink: remove the socket file (not on a reboot: the next start replaces it). */
void sim_config_channel_close(struct sim_config_channel *cc, bool unlink_path);

/*
 * Fills pfds (room for SIM_CC_POLLFDS_MAX) with the descriptors to wait on for input: the
 * connected hosts, and the listening socket while a host may still connect. Returns the count.
 */
size_t sim_config_channel_pollfds(const struct sim_config_channel *cc, struct pollfd *pfds);

/*
 * Serves what poll() found in pfds[0..n) (as filled above): accepts hosts, reads what they sent
 * and answers each complete line. Returns 0, or -errno for a failure of the listening socket (a
 * host's failure only drops that host). Main context.
 */
int sim_config_channel_service(struct sim_config_channel *cc, const struct pollfd *pfds, size_t n);

/*
 * Answers one request line (no newline) into reply (NUL-terminated, no newline). Exposed for
 * tests of the protocol without a socket.
 */
void sim_config_channel_handle_line(struct sim_config_channel *cc, const char *line, char *reply,
				   size_t reply_size);

#endif /* SIM_CONFIG_CHANNEL_H */
