/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMP request/response over any transport. Sequence numbers start at a random value so that a
 * late answer to an earlier run of the tool is not mistaken for an answer to this one.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <smpdfu/cbor.h>

#include "cbor_walk.h"
#include "mono_time.h"
#include "smp_client.h"
#include "util.h"

static void hexdump(const char *dir, const uint8_t *p, size_t len)
{
	/* Long upload packets would flood the terminal; the head is what tells them apart. */
	size_t shown = len > 64 ? 64 : len;

	fprintf(stderr, "%s %zu:", dir, len);
	for (size_t i = 0; i < shown; i++) {
		fprintf(stderr, " %02x", p[i]);
	}
	fprintf(stderr, "%s\n", shown < len ? " ..." : "");
}

int smp_client_init(struct smp_client *c, struct transport *tr, uint8_t version, bool verbose)
{
	memset(c, 0, sizeof(*c));
	c->rx = malloc(SMP_CLIENT_MAX_PACKET);
	if (c->rx == NULL) {
		return -ENOMEM;
	}
	c->tr = tr;
	c->version = version;
	c->verbose = verbose;
	c->seq = (uint8_t)(getpid() ^ time(NULL));
	return 0;
}

void smp_client_deinit(struct smp_client *c)
{
	free(c->rx);
	c->rx = NULL;
}

int smp_client_send(struct smp_client *c, uint8_t op, uint16_t group, uint8_t id, uint8_t *pkt,
		    size_t payload_len, uint8_t *seq)
{
	struct smpdfu_smp_hdr h = {
		.op = op,
		.version = c->version,
		.len = (uint16_t)payload_len,
		.group = group,
		.seq = c->seq,
		.id = id,
	};

	if (payload_len > UINT16_MAX) {
		return -EMSGSIZE;
	}
	smpdfu_smp_hdr_encode(&h, pkt);
	if (c->verbose) {
		hexdump("->", pkt, SMP_HDR_SIZE + payload_len);
	}
	if (seq != NULL) {
		*seq = c->seq;
	}
	c->seq++;
	return c->tr->ops->send(c->tr->ctx, pkt, SMP_HDR_SIZE + payload_len);
}

int smp_client_recv(struct smp_client *c, int timeout_ms, struct smp_rsp *rsp)
{
	uint64_t deadline = clock_ms(c->tr->clock) + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);

	for (;;) {
		uint64_t now = clock_ms(c->tr->clock);
		int left = now >= deadline ? 0 : (int)(deadline - now);
		int n = c->tr->ops->recv(c->tr->ctx, c->rx, SMP_CLIENT_MAX_PACKET, left);

		if (n < 0) {
			return n;
		}
		if (c->verbose) {
			hexdump("<-", c->rx, (size_t)n);
		}
		if (n < SMP_HDR_SIZE) {
			if (c->verbose) {
				fprintf(stderr, "smpdfu: skipping a %d-byte packet\n", n);
			}
			continue;
		}
		smpdfu_smp_hdr_decode(c->rx, &rsp->hdr);
		if ((size_t)n < SMP_HDR_SIZE + (size_t)rsp->hdr.len) {
			if (c->verbose) {
				fprintf(stderr, "smpdfu: skipping a truncated packet (%d/%u)\n",
					n, SMP_HDR_SIZE + rsp->hdr.len);
			}
			continue;
		}
		/* Bytes past the header's length would be a second packet; devices send none. */
		rsp->body = c->rx + SMP_HDR_SIZE;
		rsp->body_len = rsp->hdr.len;
		return 0;
	}
}

bool smp_rsp_matches(const struct smp_rsp *rsp, uint8_t op, uint16_t group, uint8_t id,
		     uint8_t seq)
{
	uint8_t want_op = op == SMP_OP_READ ? SMP_OP_READ_RSP : SMP_OP_WRITE_RSP;

	return rsp->hdr.seq == seq && rsp->hdr.op == want_op && rsp->hdr.group == group &&
	       rsp->hdr.id == id;
}

int smp_client_transact(struct smp_client *c, uint8_t op, uint16_t group, uint8_t id,
			uint8_t *pkt, size_t payload_len, int timeout_ms, struct smp_rsp *rsp)
{
	uint64_t deadline = clock_ms(c->tr->clock) + (uint64_t)timeout_ms;
	uint8_t seq;
	int rc = smp_client_send(c, op, group, id, pkt, payload_len, &seq);

	if (rc < 0) {
		return rc;
	}
	for (;;) {
		uint64_t now = clock_ms(c->tr->clock);

		if (now >= deadline) {
			return -ETIMEDOUT;
		}
		rc = smp_client_recv(c, (int)(deadline - now), rsp);
		if (rc < 0) {
			return rc;
		}
		if (smp_rsp_matches(rsp, op, group, id, seq)) {
			return 0;
		}
		if (c->verbose) {
			fprintf(stderr, "smpdfu: ignoring a response with seq %u (want %u)\n",
				rsp->hdr.seq, seq);
		}
	}
}

struct err_scan {
	int64_t rc;
	int64_t group_rc;
	int64_t group;
	bool has_err;
	struct smpdfu_smp_err *out;
};

static int visit_err_map(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct err_scan *s = arg;

	if (smpdfu_cbor_view_eq(key, "group")) {
		return walk_read_int(r, &s->group, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "rc")) {
		return walk_read_int(r, &s->group_rc, NULL);
	}
	return walk_skip_value(r);
}

static int visit_top(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct err_scan *s = arg;
	struct cbor_item it;
	int rc;

	if (smpdfu_cbor_view_eq(key, "rc")) {
		return walk_read_int(r, &s->rc, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "rsn")) {
		return walk_read_text(r, s->out->rsn, sizeof(s->out->rsn), NULL);
	}
	if (!smpdfu_cbor_view_eq(key, "err") && !smpdfu_cbor_view_eq(key, "ret")) {
		return walk_skip_value(r);
	}
	rc = walk_read_head(r, &it);
	if (rc < 0) {
		return rc;
	}
	if (it.type != CBOR_TYPE_MAP) {
		return smpdfu_cbor_skip_rest(r, &it) < 0 ? -EINVAL : 0;
	}
	s->has_err = true;
	return walk_map(r, &it, visit_err_map, s);
}

int smp_rsp_error(const struct smp_rsp *rsp, struct smpdfu_smp_err *err)
{
	struct err_scan s = { .out = err };

	memset(err, 0, sizeof(*err));
	if (walk_body(rsp->body, rsp->body_len, visit_top, &s) < 0) {
		return -EPROTO;
	}
	if (s.has_err && s.group_rc != 0) {
		err->is_group = true;
		err->group = (uint16_t)s.group;
		err->rc = s.group_rc;
		return 1;
	}
	if (s.rc != 0) {
		err->rc = s.rc;
		return 1;
	}
	err->rsn[0] = '\0';
	return 0;
}

int smp_rsp_params(const struct smp_rsp *rsp, uint64_t *buf_size, uint64_t *buf_count)
{
	enum { BUF_SIZE, BUF_COUNT, FIELDS };
	static const char fields[] = CBOR_FIELD_UINT("buf_size") CBOR_FIELD_UINT("buf_count");
	union cbor_value params[FIELDS];

	if (smpdfu_cbor_decode_map(&(struct cbor_view){ rsp->body, rsp->body_len }, fields,
				   params) != (CBOR_FOUND(BUF_SIZE) | CBOR_FOUND(BUF_COUNT))) {
		return -EPROTO;
	}
	*buf_size = params[BUF_SIZE].u;
	*buf_count = params[BUF_COUNT].u;
	return 0;
}
