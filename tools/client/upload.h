/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image upload engine: sends an image in chunks that fill the device's buffer, keeps a window
 * of requests in flight, follows the offset the device reports, resumes and retries. It prints
 * nothing itself; the caller observes progress and events through callbacks.
 */
#ifndef SMPDFU_CLIENT_UPLOAD_H
#define SMPDFU_CLIENT_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/crypto.h>

#include "smp_client.h"
#include "smp_errors.h"

/* The most requests the engine keeps in flight, whatever the device reports. */
#define UPLOAD_MAX_WINDOW 64
/* The device erases inside the first request: wait long for its answer. */
#define UPLOAD_FIRST_TIMEOUT_MS 40000
/* The last chunk finishes the write and checks the hash on the device. */
#define UPLOAD_LAST_TIMEOUT_MS 20000
/* Consecutive failures at one offset before the upload gives up. */
#define UPLOAD_MAX_FAILURES 5
/* The device checks the image header in the first chunk, so it needs at least that much. */
#define UPLOAD_FIRST_CHUNK_MIN 32

enum upload_event {
	UPLOAD_EVENT_RESUMED,   /* the device already had `off` bytes of this image */
	UPLOAD_EVENT_COMPLETE,  /* the device already had the whole image (off = size at once) */
	UPLOAD_EVENT_TIMEOUT,   /* no answer in time: resending from `off` */
	UPLOAD_EVENT_RESYNC,    /* the device expects `off`, not what we sent: resending from it */
	UPLOAD_EVENT_RESTARTED, /* the device forgot the upload: starting over with a first chunk */
};

struct upload_cfg {
	size_t packet_size;   /* whole SMP packets (header + CBOR) are at most this long */
	size_t chunk_max;     /* cap on data bytes per packet, 0 for none */
	unsigned int window;  /* requests in flight after the first, 1..UPLOAD_MAX_WINDOW */
	int timeout_ms;       /* per request, except the first and the last */
	bool upgrade;         /* ask the device to refuse images not newer than the running one */
	uint32_t image;       /* image number sent in the first chunk */

	/*
	 * Observers, any may be NULL; called from inside upload_run(). on_progress is called with
	 * acked 0 just before the first request goes out and again whenever the device moves on.
	 */
	void (*on_progress)(void *arg, size_t acked, size_t size);
	void (*on_event)(void *arg, enum upload_event ev, size_t off);
	void *arg;
};

struct upload_result {
	size_t size;            /* image bytes */
	size_t acked;           /* bytes the device has (size when the upload succeeded) */
	size_t resumed_from;    /* the offset the device resumed at, 0 for a fresh upload;
				   never above acked (lowered when the device loses bytes) */
	double seconds;         /* from the first chunk sent to the last answer */
	size_t data_sent;       /* data bytes sent, resends included */
	unsigned int packets;   /* upload requests sent */
	unsigned int timeouts;
	unsigned int resyncs;
	unsigned int restarts;
	bool match_known;       /* the final answer carried "match" */
	bool match;
	bool device_error;      /* err holds what the device answered */
	const char *failure;    /* why the engine stopped otherwise (static text), or NULL */
	struct smpdfu_smp_err err;
	uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE];
};

/*
 * Largest data bytes that fit a packet of cfg->packet_size at offset off (the first chunk when
 * off is 0). Returns 0 when not even the keys fit.
 */
size_t upload_chunk_capacity(const struct upload_cfg *cfg, size_t image_size, size_t off);

/*
 * Uploads data[0..size) over c. Returns 0 once the device holds every byte (check res->match),
 * -EREMOTEIO when the device answered an error (res->err), -ETIMEDOUT after UPLOAD_MAX_FAILURES
 * at one offset, -EPROTO for answers that make no sense, -EMSGSIZE when the packet size leaves no
 * room for the first chunk, or the transport's -errno. res is filled in every case.
 */
int upload_run(struct smp_client *c, const struct upload_cfg *cfg, const uint8_t *data,
	       size_t size, struct upload_result *res);

#endif /* SMPDFU_CLIENT_UPLOAD_H */
