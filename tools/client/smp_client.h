/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of SMP: frames a CBOR payload with the 8-byte header, sends it, and matches
 * responses to requests by sequence number. Requests can be sent and responses received separately,
 * which is what a pipelined upload needs.
 */
#ifndef SMPDFU_CLIENT_SMP_CLIENT_H
#define SMPDFU_CLIENT_SMP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/prot/smp_hdr.h>

#include "smp_errors.h"
#include "transport.h"

/* The largest SMP packet there can be: a 16-bit payload length plus the header. */
#define SMP_CLIENT_MAX_PACKET (SMP_HDR_SIZE + 65535)

struct smp_client {
	struct transport *tr;
	uint8_t version; /* SMP_VERSION_1 or SMP_VERSION_2, put in every request */
	uint8_t seq;     /* sequence number of the next request */
	bool verbose;    /* hex dumps of every packet on stderr */
	uint8_t *rx;     /* SMP_CLIENT_MAX_PACKET bytes; responses are views into it */
};

/* A received response; body points into the client's receive buffer until the next receive. */
struct smp_rsp {
	struct smpdfu_smp_hdr hdr;
	const uint8_t *body;
	size_t body_len;
};

/* Returns 0 or -ENOMEM. The transport stays owned by the caller. */
int smp_client_init(struct smp_client *c, struct transport *tr, uint8_t version, bool verbose);
void smp_client_deinit(struct smp_client *c);

/*
 * Sends one request with the next sequence number, stored in *seq when seq is not NULL. pkt holds
 * SMP_HDR_SIZE free bytes followed by payload_len bytes of CBOR; the header is written in place.
 * Returns 0 or the transport's -errno.
 */
int smp_client_send(struct smp_client *c, uint8_t op, uint16_t group, uint8_t id, uint8_t *pkt,
		    size_t payload_len, uint8_t *seq);

/*
 * Waits up to timeout_ms for the next well-formed response packet of any sequence number.
 * Malformed packets are skipped (and shown when verbose). Returns 0, -ETIMEDOUT or -errno.
 */
int smp_client_recv(struct smp_client *c, int timeout_ms, struct smp_rsp *rsp);

/* True when rsp answers a request (op, group, id) sent with sequence number seq. */
bool smp_rsp_matches(const struct smp_rsp *rsp, uint8_t op, uint16_t group, uint8_t id,
		     uint8_t seq);

/*
 * One request and its response: sends, then waits up to timeout_ms in total for the response
 * that matches, ignoring stale ones. Returns 0, -ETIMEDOUT or the transport's -errno. The body
 * may still hold an error: see smp_rsp_error().
 */
int smp_client_transact(struct smp_client *c, uint8_t op, uint16_t group, uint8_t id,
			uint8_t *pkt, size_t payload_len, int timeout_ms, struct smp_rsp *rsp);

/*
 * Looks for an error in a response body: a non-zero top-level "rc" or an "err" map (also by its
 * short-lived name "ret") with a non-zero "rc", plus an optional "rsn". Returns 1 and fills *err
 * when there is one, 0 for a success, -EPROTO when the body is not a well-formed map.
 */
int smp_rsp_error(const struct smp_rsp *rsp, struct smpdfu_smp_err *err);

/*
 * Reads the buffer size and count from the body of an MCUmgr parameters answer (OS group,
 * command 6). Returns 0, or -EPROTO when the body is not a map holding both as unsigned integers.
 */
int smp_rsp_params(const struct smp_rsp *rsp, uint64_t *buf_size, uint64_t *buf_count);

#endif /* SMPDFU_CLIENT_SMP_CLIENT_H */
