/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application on the unit-test device: the RAM-flash device with its SMP server, the fake
 * Bluetooth LE link, the application started (main READY processed), and SMP requests as the
 * application modules see them, each with its decoded answer.
 */
#ifndef APP_FIXTURE_H
#define APP_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/crypto.h>
#include <smpdfu/smp.h>

/* Largest test image (header, payload, hash TLV). */
#define APP_FIXTURE_IMAGE_MAX (40 * 1024)

/* The answer to one request: -1 for what it did not carry. */
struct smp_answer {
	int64_t rc;        /* "rc" */
	int64_t off;       /* "off" (upload) */
	int64_t err_group; /* "err": {"group", "rc"} */
	int64_t err_rc;
	int64_t match;     /* "match" of a completed upload: 1, 0, or -1 when absent */
};

/* One slot as image state read lists it. */
struct smp_slot_state {
	bool listed;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	bool pending;
	bool confirmed;
	bool active;
	bool permanent;
};

/*
 * A fresh device whose requests arrive over `kind`, the fake link installed, the application
 * started and its events processed. Factory image v1.0.0 in slot 0. app_fixture_device() and
 * app_fixture_start() are its two halves, for tests that prepare the flash or the link first.
 */
void app_fixture_boot(enum smp_transport_kind kind);
void app_fixture_device(enum smp_transport_kind kind);
void app_fixture_start(void);
/*
 * Writes the MCUboot magic into slot 0's trailer: good (the running image is on trial, not
 * confirmed) or damaged (confirming it fails with -EBADMSG). Before app_fixture_start().
 */
void app_fixture_primary_magic(bool good);
/* Processes every queued event (and those they submit). Returns how many. */
int app_fixture_process(void);
/* Advances the fake clock by ms, 1 ms at a time, processing events after each step. */
void app_fixture_advance(uint32_t ms);
/*
 * Waits (on the fake clock) until the config-channel DFU's boot erase is over and the DFU lock
 * is free; immediate when the module is not built. Fails the test after 10 s.
 */
void app_fixture_wait_lock_free(void);
/*
 * Processes what is left, checks that the event pool is empty and closes the device; nothing when
 * no device was opened (a test that skipped).
 */
void app_fixture_end(void);

/*
 * Checks that in the application's event table the last subscriber of `type`, in the order the
 * manager calls them, is `module` at FINAL priority, and that no other subscriber of the type is
 * FINAL: "the module registers itself as the final subscriber of the event".
 */
void app_fixture_assert_final_subscriber(const struct app_event_type *type, const char *module);

/* The image used for uploads: built once per boot (v2.0.0, `size` bytes of payload). */
const uint8_t *app_fixture_image(size_t *len);
/* Its SHA-256 (the "sha" of the first chunk). */
const uint8_t *app_fixture_image_sha(void);

/* Upload request for [off, off + n) of img (the first chunk carries len and sha). */
struct smp_answer app_smp_upload_of(const uint8_t *img, size_t img_len,
				    const uint8_t sha[SMPDFU_SHA256_DIGEST_SIZE], uint32_t off,
				    size_t n);
/* Upload request for [off, off + n) of the fixture image. */
struct smp_answer app_smp_upload(uint32_t off, size_t n);
/* Uploads from off to the end in chunks of n; returns the last answer (stops at an error). */
struct smp_answer app_smp_upload_rest(uint32_t off, size_t n);
struct smp_answer app_smp_image_erase(void);
/* Image state write: test (confirm false) of the fixture image's hash, or confirm. */
struct smp_answer app_smp_image_state_write(bool confirm);
/* Image state write with any hash (32 bytes; NULL leaves "hash" out). */
struct smp_answer app_smp_image_state_write_hash(const uint8_t *hash, bool confirm);
struct smp_answer app_smp_image_state_read(void);
/* Image state read, each slot's entry decoded into slots[0] and slots[1]. */
struct smp_answer app_smp_image_list(struct smp_slot_state slots[2]);
struct smp_answer app_smp_image_slot_info(void);
struct smp_answer app_smp_os_reset(void);
struct smp_answer app_smp_os_echo(void);
struct smp_answer app_smp_os_params(void);
/* Any request (op, group, id) with an empty map payload: for groups nobody serves. */
struct smp_answer app_smp_raw(uint8_t op, uint16_t group, uint8_t id);

#endif
