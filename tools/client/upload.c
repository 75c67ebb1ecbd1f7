/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The upload engine. The device is the truth: every answer carries the offset it expects next, and
 * the engine only ever sends from an offset the device asked for. A window of requests keeps the
 * link busy; anything that goes wrong (a lost request or answer, a device that forgot the upload)
 * comes down to "discard what is in flight and send again from the device's offset".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/cbor.h>
#include <smpdfu/grp/img_mgmt.h>

#include "mono_time.h"
#include "upload.h"
#include "util.h"

/* One request in flight; the window holds them in the order they were sent. */
struct inflight {
	uint8_t seq;
	size_t off;
	size_t end;
	uint64_t deadline_ms;
};

struct upload {
	struct smp_client *c;
	const struct upload_cfg *cfg;
	const uint8_t *data;
	size_t size;
	uint8_t *pkt;
	struct inflight win[UPLOAD_MAX_WINDOW];
	unsigned int nwin;
	size_t acked;           /* the offset the device last said it expects */
	size_t high;            /* the furthest it has said since the upload (re)started */
	size_t next;            /* where the next request starts */
	unsigned int failures;  /* consecutive failures without the device moving on */
	struct upload_result *res;
};

/* A first chunk carries the upload's identity; later ones only their offset. */
static void put_keys(struct cbor_writer *w, const struct upload_cfg *cfg, size_t size, size_t off,
		     const uint8_t *sha)
{
	if (off == 0) {
		smpdfu_cbor_put_map(w, cfg->upgrade ? 6 : 5);
		smpdfu_cbor_put_cstr(w, "image");
		smpdfu_cbor_put_uint(w, cfg->image);
		smpdfu_cbor_put_cstr(w, "len");
		smpdfu_cbor_put_uint(w, size);
		smpdfu_cbor_put_cstr(w, "off");
		smpdfu_cbor_put_uint(w, 0);
		smpdfu_cbor_put_cstr(w, "sha");
		smpdfu_cbor_put_bstr(w, sha, SMPDFU_SHA256_DIGEST_SIZE);
		if (cfg->upgrade) {
			smpdfu_cbor_put_cstr(w, "upgrade");
			smpdfu_cbor_put_bool(w, true);
		}
	} else {
		smpdfu_cbor_put_map(w, 2);
		smpdfu_cbor_put_cstr(w, "off");
		smpdfu_cbor_put_uint(w, off);
	}
	/* "data" goes last so that its length is the one thing left to choose. */
	smpdfu_cbor_put_cstr(w, "data");
}

/* The longest byte string whose head and bytes together fit in avail bytes. */
static size_t bstr_fit(size_t avail)
{
	size_t n;

	if (avail < 1) {
		return 0;
	}
	n = avail - 1;
	while (n > 0 && smpdfu_cbor_head_size(n) + n > avail) {
		n--;
	}
	return n;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Data bytes for a chunk at off, honouring the packet size, the chunk cap and the image end. */
static size_t chunk_len(const struct upload_cfg *cfg, size_t keys_len, size_t size, size_t off)
{
	size_t n = bstr_fit(cfg->packet_size - SMP_HDR_SIZE - keys_len);

	if (cfg->chunk_max != 0) {
		n = min_size(n, cfg->chunk_max);
	}
	return min_size(n, size - off);
}

size_t upload_chunk_capacity(const struct upload_cfg *cfg, size_t image_size, size_t off)
{
	static const uint8_t zero_sha[SMPDFU_SHA256_DIGEST_SIZE];
	uint8_t buf[128];
	struct cbor_writer w;

	if (cfg->packet_size <= SMP_HDR_SIZE) {
		return 0;
	}
	smpdfu_cbor_writer_init(&w, buf, min_size(sizeof(buf), cfg->packet_size - SMP_HDR_SIZE));
	put_keys(&w, cfg, image_size, off, zero_sha);
	if (w.overflow) {
		return 0;
	}
	return chunk_len(cfg, w.len, image_size, off);
}

/* Builds the request for the chunk at off in up->pkt; returns its payload length. */
static int encode_chunk(struct upload *up, size_t off, size_t *payload_len, size_t *data_len)
{
	struct cbor_writer w;
	size_t n;

	smpdfu_cbor_writer_init(&w, up->pkt + SMP_HDR_SIZE, up->cfg->packet_size - SMP_HDR_SIZE);
	put_keys(&w, up->cfg, up->size, off, up->res->sha);
	if (w.overflow) {
		return -EMSGSIZE;
	}
	n = chunk_len(up->cfg, w.len, up->size, off);
	if (n == 0 || !smpdfu_cbor_put_bstr(&w, up->data + off, n)) {
		return -EMSGSIZE;
	}
	*payload_len = w.len;
	*data_len = n;
	return 0;
}

/* Sends the chunk at off; on success *end is where it stops and *seq its sequence number. */
static int send_chunk(struct upload *up, size_t off, size_t *end, uint8_t *seq)
{
	size_t payload_len;
	size_t n;
	int rc = encode_chunk(up, off, &payload_len, &n);

	if (rc < 0) {
		return rc;
	}
	rc = smp_client_send(up->c, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD, up->pkt,
			     payload_len, seq);
	/* A full socket buffer loses this request like the network could: the timeout covers it. */
	if (rc < 0 && rc != -ENOBUFS && rc != -EAGAIN) {
		return rc;
	}
	up->res->packets++;
	up->res->data_sent += n;
	*end = off + n;
	return 0;
}

/* The link's clock: virtual time on a simulated link, the host's monotonic clock otherwise. */
static uint64_t now_ms(const struct upload *up)
{
	return clock_ms(up->c->tr->clock);
}

static bool answers_upload(const struct smp_rsp *rsp, uint8_t seq)
{
	return smp_rsp_matches(rsp, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD, seq);
}

/* Reads off (and match) from an upload answer; -EREMOTEIO when it is an error. */
static int parse_answer(struct upload *up, const struct smp_rsp *rsp, size_t *off)
{
	enum { OFF, MATCH, FIELDS };
	static const char fields[] = CBOR_FIELD_UINT("off") CBOR_FIELD_BOOL("match");
	union cbor_value a[FIELDS];
	int found;
	int rc = smp_rsp_error(rsp, &up->res->err);

	if (rc < 0) {
		up->res->failure = "an upload answer that is not a CBOR map";
		return -EPROTO;
	}
	if (rc > 0) {
		up->res->device_error = true;
		return -EREMOTEIO;
	}
	found = smpdfu_cbor_decode_map(&(struct cbor_view){ rsp->body, rsp->body_len }, fields, a);
	if (found < 0 || !(found & CBOR_FOUND(OFF)) || a[OFF].u > up->size) {
		up->res->failure = "an upload answer without a valid \"off\"";
		return -EPROTO;
	}
	*off = (size_t)a[OFF].u;
	if (*off == up->size && found & CBOR_FOUND(MATCH)) {
		up->res->match_known = true;
		up->res->match = a[MATCH].b;
	}
	return 0;
}

/*
 * The device now expects off. What it resumed with counts only while it still holds it: after it
 * lost the upload or went back, resumed_from follows, so acked - resumed_from stays the bytes
 * this run brought.
 */
static void set_acked(struct upload *up, size_t off)
{
	up->acked = off;
	if (up->res->resumed_from > off) {
		up->res->resumed_from = off;
	}
}

static void emit(struct upload *up, enum upload_event ev, size_t off)
{
	if (up->cfg->on_event != NULL) {
		up->cfg->on_event(up->cfg->arg, ev, off);
	}
}

static void progress(struct upload *up)
{
	if (up->cfg->on_progress != NULL) {
		up->cfg->on_progress(up->cfg->arg, up->acked, up->size);
	}
}

static int timeout_ms_at_least(int timeout_ms, int floor_ms)
{
	return timeout_ms > floor_ms ? timeout_ms : floor_ms;
}

/*
 * Sends a first chunk alone and waits for its answer, which may take long (the device erases).
 * The answer tells whether the device resumes an earlier upload of the same file (initial only).
 */
static int run_first(struct upload *up, bool initial)
{
	int timeout = timeout_ms_at_least(up->cfg->timeout_ms, UPLOAD_FIRST_TIMEOUT_MS);

	up->failures = 0;
	for (;;) {
		uint64_t deadline = now_ms(up) + (uint64_t)timeout;
		struct smp_rsp rsp;
		size_t end;
		size_t off;
		uint8_t seq;
		int rc = send_chunk(up, 0, &end, &seq);

		if (rc < 0) {
			return rc;
		}
		do {
			uint64_t now = now_ms(up);

			rc = now >= deadline ? -ETIMEDOUT :
					       smp_client_recv(up->c, (int)(deadline - now), &rsp);
		} while (rc == 0 && !answers_upload(&rsp, seq));
		if (rc == -ETIMEDOUT) {
			up->res->timeouts++;
			if (++up->failures >= UPLOAD_MAX_FAILURES) {
				up->res->failure = "no answer to the first chunk";
				return -ETIMEDOUT;
			}
			emit(up, UPLOAD_EVENT_TIMEOUT, 0);
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		rc = parse_answer(up, &rsp, &off);
		if (rc < 0) {
			return rc;
		}
		if (off == 0) {
			/* Nothing taken, no error: a device in trouble. Retry, but not forever. */
			if (++up->failures >= UPLOAD_MAX_FAILURES) {
				up->res->failure = "the device takes no data of the first chunk";
				return -EPROTO;
			}
			continue;
		}
		set_acked(up, off);
		up->high = off;
		up->failures = 0;
		if (off != end) {
			/* The device knew this sha and skipped to where it had got to. */
			if (initial) {
				up->res->resumed_from = off;
			}
			emit(up, off == up->size ? UPLOAD_EVENT_COMPLETE : UPLOAD_EVENT_RESUMED,
			     off);
		}
		progress(up);
		return 0;
	}
}

static void window_clear(struct upload *up, size_t from)
{
	up->nwin = 0;
	up->next = from;
}

static int fill_window(struct upload *up)
{
	while (up->nwin < up->cfg->window && up->next < up->size) {
		struct inflight *f = &up->win[up->nwin];
		int rc = send_chunk(up, up->next, &f->end, &f->seq);
		int timeout = up->cfg->timeout_ms;

		if (rc < 0) {
			return rc;
		}
		if (f->end == up->size) {
			timeout = timeout_ms_at_least(timeout, UPLOAD_LAST_TIMEOUT_MS);
		}
		f->off = up->next;
		f->deadline_ms = now_ms(up) + (uint64_t)timeout;
		up->next = f->end;
		up->nwin++;
	}
	return 0;
}

static uint64_t earliest_deadline(const struct upload *up)
{
	uint64_t d = UINT64_MAX;

	for (unsigned int i = 0; i < up->nwin; i++) {
		if (up->win[i].deadline_ms < d) {
			d = up->win[i].deadline_ms;
		}
	}
	return d;
}

static int find_inflight(const struct upload *up, const struct smp_rsp *rsp)
{
	for (unsigned int i = 0; i < up->nwin; i++) {
		if (answers_upload(rsp, up->win[i].seq)) {
			return (int)i;
		}
	}
	return -1;
}

/* No answer in time: whatever is in flight is lost or late; start again where the device is. */
static int on_timeout(struct upload *up)
{
	up->res->timeouts++;
	if (++up->failures >= UPLOAD_MAX_FAILURES) {
		up->res->failure = "no answer to the chunk at that offset";
		return -ETIMEDOUT;
	}
	emit(up, UPLOAD_EVENT_TIMEOUT, up->acked);
	window_clear(up, up->acked);
	return 0;
}

/*
 * Handles the answer to window entry k. Answers come in request order, so it also stands for the
 * entries before k whose answers were lost. Returns 0, -EAGAIN when the upload must start over,
 * or an error.
 */
static int on_answer(struct upload *up, unsigned int k, const struct smp_rsp *rsp)
{
	size_t sent_end = up->win[k].end;
	bool moved_on;
	size_t off;
	int rc = parse_answer(up, rsp, &off);

	if (rc < 0) {
		return rc;
	}
	memmove(&up->win[0], &up->win[k + 1], (up->nwin - k - 1) * sizeof(up->win[0]));
	up->nwin -= k + 1;
	if (off == 0) {
		/* The device lost the upload (reset, erase, timeout): only a first chunk helps. */
		if (++up->res->restarts > UPLOAD_MAX_FAILURES) {
			up->res->failure = "the device keeps forgetting the upload";
			return -EPROTO;
		}
		emit(up, UPLOAD_EVENT_RESTARTED, 0);
		set_acked(up, 0);
		window_clear(up, 0);
		return -EAGAIN;
	}
	/*
	 * Only an offset beyond any the device gave before is progress: one that swings back and
	 * forth between two values would otherwise reset the failure count for ever.
	 */
	moved_on = off > up->high;
	set_acked(up, off);
	if (moved_on) {
		up->high = off;
		up->failures = 0;
		progress(up);
	}
	if (off == up->size || off == sent_end) {
		return 0;
	}
	/*
	 * The device expects another offset than the end of this chunk: a request before it was
	 * lost, or a resent one arrived twice. Everything in flight was sent for the wrong offset.
	 */
	up->res->resyncs++;
	if (!moved_on && ++up->failures >= UPLOAD_MAX_FAILURES) {
		up->res->failure = "the device keeps rejecting the chunk at that offset";
		return -EPROTO;
	}
	emit(up, UPLOAD_EVENT_RESYNC, off);
	window_clear(up, off);
	return 0;
}

static int run_window(struct upload *up)
{
	window_clear(up, up->acked);
	while (up->acked < up->size) {
		uint64_t deadline;
		uint64_t now;
		struct smp_rsp rsp;
		int k;
		int rc = fill_window(up);

		if (rc < 0) {
			return rc;
		}
		deadline = earliest_deadline(up);
		now = now_ms(up);
		rc = smp_client_recv(up->c, deadline > now ? (int)(deadline - now) : 0, &rsp);
		if (rc == -ETIMEDOUT) {
			rc = on_timeout(up);
			if (rc < 0) {
				return rc;
			}
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		k = find_inflight(up, &rsp);
		if (k < 0) {
			/* An answer to a request we already gave up on. */
			continue;
		}
		rc = on_answer(up, (unsigned int)k, &rsp);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int hash_image(const uint8_t *data, size_t size, uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;
	int rc = smpdfu_crypto_sha256_init(&ctx);

	if (rc == 0) {
		rc = smpdfu_crypto_sha256_update(&ctx, data, size);
	}
	if (rc == 0) {
		rc = smpdfu_crypto_sha256_final(&ctx, sha);
	}
	return rc;
}

int upload_run(struct smp_client *c, const struct upload_cfg *cfg, const uint8_t *data,
	       size_t size, struct upload_result *res)
{
	struct upload *up;
	double start;
	int rc;

	memset(res, 0, sizeof(*res));
	res->size = size;
	if (cfg->window < 1 || cfg->window > UPLOAD_MAX_WINDOW || size == 0) {
		return -EINVAL;
	}
	if (upload_chunk_capacity(cfg, size, 0) < min_size(UPLOAD_FIRST_CHUNK_MIN, size)) {
		return -EMSGSIZE;
	}
	rc = hash_image(data, size, res->sha);
	if (rc < 0) {
		return rc;
	}
	up = calloc(1, sizeof(*up));
	if (up == NULL) {
		return -ENOMEM;
	}
	up->pkt = malloc(cfg->packet_size);
	if (up->pkt == NULL) {
		rc = -ENOMEM;
		goto out_free_up;
	}
	up->c = c;
	up->cfg = cfg;
	up->data = data;
	up->size = size;
	up->res = res;

	start = clock_seconds(c->tr->clock);
	progress(up);
	rc = run_first(up, true);
	while (rc == 0 && up->acked < size) {
		rc = run_window(up);
		if (rc == -EAGAIN) {
			rc = run_first(up, false);
		}
	}
	res->seconds = clock_seconds(c->tr->clock) - start;
	res->acked = up->acked;

	free(up->pkt);
out_free_up:
	free(up);
	return rc;
}
