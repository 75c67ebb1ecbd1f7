/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flash-fault sweep of the image group: a scenario is a short life of the device (upload, test,
 * reset, confirm; an erase; a permanent request; ...), run once without faults for its operation
 * counts and its outcome. Then every read, program and erase of each swept step fails once (a
 * program or erase also torn, in the default shapes), and:
 * - the step answers the right SMP error: a failed program or erase is never answered with
 *   success; an upload says FLASH_ERASE_FAILED when the erase of the old trailer failed and
 *   FLASH_WRITE_FAILED for the rest, an erase FLASH_ERASE_FAILED, a state write
 *   FLASH_WRITE_FAILED;
 * - nothing claims what did not happen: a failed upload is no longer in progress and its image is
 *   not listed; a failed state write that changed nothing on flash leaves the listed state as it
 *   was; a refused erase erases nothing, whatever read fails;
 * - the same request again works (after a torn trailer write that the flash cannot take back,
 *   "bad trailer", then a new upload makes it work);
 * - the rest of the scenario brings the device to the image the run without faults boots.
 * Reads are many (erased checks read 64 bytes at a time): a sample of at most READ_SAMPLE per step
 * is failed, every one with SMPDFU_SWEEP=full. Each failure names its case
 * (scenario/step/kind/i). The counts per step are the table of docs/testing.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>

#include "../../src/boot/boot_priv.h"
#include "app_fixture.h"
#include "fake_port.h"
#include "test_device.h"

#define IMAGE_CAP 12288
/* Not a multiple of the write block: the flush programs a padded last block. */
#define NEW_PAYLOAD 9003
#define CHUNK 512
#define READ_SAMPLE 150
#define MAX_STEPS 8

enum step {
	STEP_END,
	STEP_UPLOAD,        /* the new image, in CHUNK pieces */
	STEP_ERASE,         /* image erase of the other slot: accepted */
	STEP_ERASE_REFUSED, /* the same, refused: the slot is in use */
	STEP_TEST,          /* state write: test the new image */
	STEP_PERM,          /* state write: the new image for good */
	STEP_CONFIRM,       /* state write: confirm, no hash */
	STEP_CONFIRM_HASH,  /* state write: confirm by the running image's hash */
	STEP_REBOOT,        /* the bootloader, then the application anew (never faulted here) */
};

struct scenario {
	const char *name;
	void (*prepare)(void);
	enum step steps[MAX_STEPS];
	unsigned int swept; /* bit k: step k is swept */
};

/* What a step answered: ok, or the group error (SMP-level errors are negative). */
struct outcome {
	bool ok;
	int rc;
	int match; /* upload: the last answer's "match" */
};

static uint8_t img_factory[IMAGE_CAP];
static uint8_t img_old[IMAGE_CAP];
static uint8_t img_new[IMAGE_CAP];
static size_t factory_len;
static size_t old_len;
static size_t new_len;
static uint8_t new_sha[SMPDFU_SHA256_DIGEST_SIZE];
static uint8_t *snap[MAX_STEPS];
static uint32_t snap_running[MAX_STEPS];
static bool full;
static char case_id[160];
static unsigned long total_points;

/* -------------------------------------------------------------------------------------------- */

static bool state_write_supported(void)
{
	return !CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP;
}

static const uint8_t *hash_of(const uint8_t *img)
{
	return img + test_image_hash_off(img);
}

static int answer_rc(struct smp_answer a)
{
	if (a.err_rc > 0) {
		return (int)a.err_rc;
	}
	return a.rc > 0 ? -(int)a.rc : 0;
}

static struct outcome outcome_of(struct smp_answer a)
{
	int rc = answer_rc(a);

	return (struct outcome){ .ok = rc == 0, .rc = rc, .match = a.match };
}

static struct outcome upload(void)
{
	struct outcome o = { .ok = true, .match = -1 };

	for (uint32_t off = 0; off < new_len; off += CHUNK) {
		size_t n = new_len - off < CHUNK ? new_len - off : CHUNK;
		struct smp_answer a = app_smp_upload_of(img_new, new_len, new_sha, off, n);

		o = outcome_of(a);
		if (!o.ok) {
			return o;
		}
		if (a.off != (int64_t)(off + n)) {
			fail_msg("%s: upload at %u answered off %lld", case_id, (unsigned int)off,
				 (long long)a.off);
		}
	}
	return o;
}

static struct smpdfu_boot_rsp last_boot;

/* A reset: the bootloader on the device's flash, then the application's RAM state anew. */
static struct outcome reboot(void)
{
	int rc = smpdfu_boot_go(&last_boot);

	if (rc != 0) {
		fail_msg("%s: the bootloader failed (%d)", case_id, rc);
	}
	test_device_restart(); /* the RAM state anew, the running slot 0 among it */
	smpdfu_boot_set_running_slot(last_boot.slot);
	return (struct outcome){ .ok = true, .match = -1 };
}

static struct outcome run_step(enum step s)
{
	const uint8_t *new_hash = hash_of(img_new);
	struct outcome none = { .ok = true, .match = -1 };
	bool sw = state_write_supported();

	switch (s) {
	case STEP_UPLOAD:
		return upload();
	case STEP_ERASE:
	case STEP_ERASE_REFUSED:
		return outcome_of(app_smp_image_erase());
	case STEP_TEST:
		return sw ? outcome_of(app_smp_image_state_write_hash(new_hash, false)) : none;
	case STEP_PERM:
		return sw ? outcome_of(app_smp_image_state_write_hash(new_hash, true)) : none;
	case STEP_CONFIRM:
		return sw ? outcome_of(app_smp_image_state_write_hash(NULL, true)) : none;
	case STEP_CONFIRM_HASH:
		return sw ? outcome_of(app_smp_image_state_write_hash(new_hash, true)) : none;
	case STEP_REBOOT:
		return reboot();
	default:
		fail();
	}
	return none;
}

/* The outcome a step has without faults. */
static bool as_without_faults(enum step s, struct outcome o)
{
	if (s == STEP_ERASE_REFUSED) {
		return o.rc == IMG_MGMT_ERR_NO_FREE_SLOT;
	}
	return o.ok && (s != STEP_UPLOAD || o.match != 0);
}

static const char *step_name(enum step s)
{
	static const char *const names[] = {
		"end", "upload", "erase", "erase-refused", "test", "perm", "confirm",
		"confirm-hash", "reboot",
	};

	return names[s];
}

/* -------------------------------------------------------------------------------------------- */
/* Scenarios: the flash they start from (slot 0 holds the factory image v1.0.0, running). */

static void prep_empty(void)
{
}

/* Slot 1 holds an older image and a trailer left by it (image_ok, no magic): in use by nothing. */
static void prep_old(void)
{
	const struct smpdfu_flash_area *sec =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	test_program_slot(1, img_old, old_len);
	assert_int_equal(smpdfu_boot_trailer_write_image_ok(sec, SMPDFU_BOOT_MAX_ALIGN), 0);
}

/* Slot 1 holds the new image, marked for test (in direct-XIP: simply the higher version). */
static void prep_pending(void)
{
	assert_true(upload().ok);
	assert_true(run_step(STEP_TEST).ok);
}

static const struct scenario scenarios[] = {
	{ "update", prep_empty,
	  { STEP_UPLOAD, STEP_TEST, STEP_REBOOT, STEP_CONFIRM, STEP_REBOOT }, 0x0b },
	{ "update-over-old", prep_old,
	  { STEP_UPLOAD, STEP_TEST, STEP_REBOOT, STEP_CONFIRM, STEP_REBOOT }, 0x01 },
	{ "erase", prep_old,
	  { STEP_ERASE, STEP_UPLOAD, STEP_TEST, STEP_REBOOT, STEP_CONFIRM, STEP_REBOOT }, 0x01 },
	{ "erase-in-use", prep_pending,
	  { STEP_ERASE_REFUSED, STEP_REBOOT, STEP_CONFIRM, STEP_REBOOT }, 0x01 },
	{ "permanent", prep_empty, { STEP_UPLOAD, STEP_PERM, STEP_REBOOT, STEP_REBOOT }, 0x02 },
	{ "confirm-by-hash", prep_empty,
	  { STEP_UPLOAD, STEP_TEST, STEP_REBOOT, STEP_CONFIRM_HASH, STEP_REBOOT }, 0x08 },
};

/* -------------------------------------------------------------------------------------------- */

static int setup(void **state)
{
	struct sha256_ctx ctx;

	(void)state;
	factory_len = test_make_image(img_factory, IMAGE_CAP, 1, 0, 0, 0, 3000, 0, 0);
	old_len = test_make_image(img_old, IMAGE_CAP, 0, 5, 0, 0, 5000, 0, 0);
	new_len = test_make_image(img_new, IMAGE_CAP, 2, 0, 0, 0, NEW_PAYLOAD, 0, 0);
	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, img_new, new_len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, new_sha), 0);
	full = getenv("SMPDFU_SWEEP") != NULL && strcmp(getenv("SMPDFU_SWEEP"), "full") == 0;
	return 0;
}

/* A fresh device in the scenario's starting state, running slot 0. */
static void open_device(const struct scenario *sc)
{
	test_device_init(SMP_TRANSPORT_UDP);
	smpdfu_boot_set_running_slot(0);
	test_program_slot(0, img_factory, factory_len);
	sc->prepare();
	test_device_restart();
}

static void save(uint8_t **buf, uint32_t *running)
{
	if (*buf == NULL) {
		*buf = malloc(flash_sim_snapshot_size(&test_dev.flash));
		assert_non_null(*buf);
	}
	flash_sim_save(&test_dev.flash, *buf);
	*running = smpdfu_boot_running_slot();
}

/* The device as it was before step k: its flash, the running slot, fresh RAM state. */
static void load(size_t k)
{
	flash_sim_restore(&test_dev.flash, snap[k]);
	memset(&test_dev.flash.count, 0, sizeof(test_dev.flash.count));
	test_device_restart();
	smpdfu_boot_set_running_slot(snap_running[k]);
}

struct step_ops {
	uint64_t n[3]; /* reads, programs, erases */
};

static const unsigned int kinds[3] = { FLASH_SIM_OP_READ, FLASH_SIM_OP_PROGRAM,
				       FLASH_SIM_OP_ERASE };
static const char *const kind_names[3] = { "read", "program", "erase" };

/* The run without faults: a snapshot before every step, each step's operations, the last boot. */
static void baseline(const struct scenario *sc, struct step_ops ops[MAX_STEPS],
		     struct smpdfu_boot_rsp *end)
{
	open_device(sc);
	for (size_t k = 0; sc->steps[k] != STEP_END; k++) {
		struct outcome o;

		save(&snap[k], &snap_running[k]);
		memset(&test_dev.flash.count, 0, sizeof(test_dev.flash.count));
		snprintf(case_id, sizeof(case_id), "%s/%s/baseline", sc->name,
			 step_name(sc->steps[k]));
		o = run_step(sc->steps[k]);
		if (!as_without_faults(sc->steps[k], o)) {
			fail_msg("%s: answered %d", case_id, o.rc);
		}
		ops[k].n[0] = test_dev.flash.count.reads;
		ops[k].n[1] = test_dev.flash.count.programs;
		ops[k].n[2] = test_dev.flash.count.erases;
	}
	*end = last_boot;
	assert_int_equal(test_dev.flash.count.violations, 0);
}

/* The erase of the old trailer's page that a first chunk does before anything is written. */
static bool is_trailer_page_erase(void)
{
	const struct smpdfu_flash_area *sec =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	return test_dev.flash.fault_off == sec->off + sec->size - sec->dev->page_size;
}

/* A failed program or erase: the error the step must answer with. */
static int expected_error(enum step s, unsigned int kind)
{
	switch (s) {
	case STEP_ERASE_REFUSED:
		return IMG_MGMT_ERR_NO_FREE_SLOT;
	case STEP_UPLOAD:
		return kind == FLASH_SIM_OP_ERASE && is_trailer_page_erase()
			       ? IMG_MGMT_ERR_FLASH_ERASE_FAILED
			       : IMG_MGMT_ERR_FLASH_WRITE_FAILED;
	case STEP_ERASE:
		return IMG_MGMT_ERR_FLASH_ERASE_FAILED;
	default:
		return IMG_MGMT_ERR_FLASH_WRITE_FAILED;
	}
}

static bool lists_equal(const struct smp_slot_state *a, const struct smp_slot_state *b)
{
	for (int s = 0; s < 2; s++) {
		if (a[s].listed != b[s].listed ||
		    (a[s].listed && memcmp(&a[s], &b[s], sizeof(a[s])) != 0)) {
			return false;
		}
	}
	return true;
}

/*
 * Nothing claims what a failed (or refused) step did not do. An upload whose data is all written
 * but whose signature check could not read it (FLASH_READ_FAILED) leaves a whole image, listed
 * but not pending.
 */
static void check_claims(enum step s, struct outcome o, bool torn,
			 const struct smp_slot_state *before)
{
	struct smp_slot_state now[2];
	bool whole;

	assert_int_equal(answer_rc(app_smp_image_list(now)), 0);
	switch (s) {
	case STEP_UPLOAD:
		if (smpdfu_img_mgmt_upload_offset() != 0) {
			fail_msg("%s: the failed upload is still in progress", case_id);
		}
		whole = now[1].listed && memcmp(now[1].hash, hash_of(img_new), 32) == 0;
		if (whole && o.rc != IMG_MGMT_ERR_FLASH_READ_FAILED) {
			fail_msg("%s: the image of a failed upload is listed", case_id);
		}
		if (whole && now[1].pending && state_write_supported()) {
			fail_msg("%s: the image of a failed upload is pending", case_id);
		}
		/* A failed write leaves no image at all (nothing for direct-XIP to boot). */
		if (o.rc == IMG_MGMT_ERR_FLASH_WRITE_FAILED && now[1].listed) {
			fail_msg("%s: a failed write left an image in the slot", case_id);
		}
		break;
	case STEP_ERASE:
		if (smpdfu_img_mgmt_upload_offset() != 0) {
			fail_msg("%s: an upload is in progress after the erase", case_id);
		}
		break;
	case STEP_ERASE_REFUSED:
		if (!lists_equal(before, now)) {
			fail_msg("%s: the refused erase changed the slots", case_id);
		}
		break;
	default:
		if (!torn && !lists_equal(before, now)) {
			fail_msg("%s: a failed state write changed the state", case_id);
		}
		break;
	}
}

/* The same request again; after a torn trailer write "bad trailer", then an upload first. */
static void retry(enum step s, bool torn)
{
	struct outcome o = run_step(s);

	if (!o.ok && torn && o.rc == IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC &&
	    (s == STEP_TEST || s == STEP_PERM)) {
		if (!upload().ok) {
			fail_msg("%s: the upload after a bad trailer failed", case_id);
		}
		o = run_step(s);
	}
	if (!as_without_faults(s, o)) {
		fail_msg("%s: the request again answered %d", case_id, o.rc);
	}
}

/* One fault point: step k with operation i of `kind` failing, then the rest of the scenario. */
static void fault_point(const struct scenario *sc, size_t k, unsigned int kind, uint64_t i,
			bool torn, const struct smpdfu_boot_rsp *end)
{
	enum step s = sc->steps[k];
	struct smp_slot_state before[2];
	struct outcome o;

	load(k);
	assert_int_equal(answer_rc(app_smp_image_list(before)), 0);
	test_dev.flash.tear = (struct flash_sim_tear){ .seed = (uint32_t)i + 1 };
	flash_sim_fail(&test_dev.flash,
		       &(struct flash_sim_fault){ .ops = kind, .after = i, .torn = torn });
	o = run_step(s);
	if (test_dev.flash.count.faults != 1) {
		fail_msg("%s: the fault did not fire", case_id);
	}
	flash_sim_fail(&test_dev.flash, &(struct flash_sim_fault){ 0 });
	if (kind != FLASH_SIM_OP_READ) {
		if (o.rc != expected_error(s, kind)) {
			fail_msg("%s: answered %d, not %d", case_id, o.rc, expected_error(s, kind));
		}
	} else if (s == STEP_ERASE_REFUSED && o.rc != IMG_MGMT_ERR_NO_FREE_SLOT &&
		   o.rc != IMG_MGMT_ERR_FLASH_READ_FAILED) {
		fail_msg("%s: a refused erase answered %d", case_id, o.rc);
	}
	if (s == STEP_UPLOAD && o.ok && o.match == 0) {
		/*
		 * The image is whole; the check that read it failed. The client uploads again, but
		 * in direct-XIP a whole newer image is the next boot's already, and stays.
		 */
		if (kind != FLASH_SIM_OP_READ) {
			fail_msg("%s: a mismatch without a failed read", case_id);
		}
		if (state_write_supported()) {
			retry(s, torn);
		}
	} else if (!as_without_faults(s, o)) {
		check_claims(s, o, torn, before);
		retry(s, torn);
	}
	for (size_t j = k + 1; sc->steps[j] != STEP_END; j++) {
		o = run_step(sc->steps[j]);
		if (!as_without_faults(sc->steps[j], o)) {
			fail_msg("%s: the later step %s answered %d", case_id,
				 step_name(sc->steps[j]), o.rc);
		}
	}
	if (last_boot.slot != end->slot ||
	    smpdfu_image_version_cmp(&last_boot.hdr.ver, &end->hdr.ver, true) != 0) {
		fail_msg("%s: booted slot %u version %u, not slot %u version %u", case_id,
			 (unsigned int)last_boot.slot, last_boot.hdr.ver.major,
			 (unsigned int)end->slot, end->hdr.ver.major);
	}
	if (test_dev.flash.count.violations != 0) {
		fail_msg("%s: NOR violations", case_id);
	}
}

/* Every fault point of a scenario's swept steps; prints one line per step and kind. */
static void sweep(const struct scenario *sc)
{
	struct step_ops ops[MAX_STEPS];
	struct smpdfu_boot_rsp end;

	baseline(sc, ops, &end);
	for (size_t k = 0; sc->steps[k] != STEP_END; k++) {
		if (!(sc->swept & (1u << k))) {
			continue;
		}
		for (size_t t = 0; t < 3; t++) {
			uint64_t n = ops[k].n[t];
			uint64_t stride = kinds[t] != FLASH_SIM_OP_READ || full || n <= READ_SAMPLE
						  ? 1
						  : (n + READ_SAMPLE - 1) / READ_SAMPLE;
			unsigned long points = 0;

			int tears = kinds[t] == FLASH_SIM_OP_READ ? 1 : 2;

			for (uint64_t i = 0; i < n; i += stride) {
				for (int torn = 0; torn < tears; torn++) {
					snprintf(case_id, sizeof(case_id), "%s/%s/%s%s/i=%llu",
						 sc->name, step_name(sc->steps[k]), kind_names[t],
						 torn ? "-torn" : "", (unsigned long long)i);
					fault_point(sc, k, kinds[t], i, torn, &end);
					points++;
				}
			}
			print_message("[ FAULTS   ] %-16s %-13s %-7s %6llu ops %6lu points\n",
				      sc->name, step_name(sc->steps[k]), kind_names[t],
				      (unsigned long long)n, points);
			total_points += points;
		}
	}
	test_device_deinit();
}

#define SCENARIO_TEST(fn, i)                                                                       \
	static void fn(void **state)                                                               \
	{                                                                                          \
		(void)state;                                                                       \
		sweep(&scenarios[i]);                                                              \
	}

SCENARIO_TEST(test_update, 0)
SCENARIO_TEST(test_update_over_old, 1)
SCENARIO_TEST(test_erase, 2)
SCENARIO_TEST(test_erase_in_use, 3)
SCENARIO_TEST(test_permanent, 4)
SCENARIO_TEST(test_confirm_by_hash, 5)

static int teardown(void **state)
{
	(void)state;
	print_message("[ FAULTS   ] total: %lu fault points%s\n", total_points,
		      full ? " (full: every read)" : "");
	for (size_t k = 0; k < MAX_STEPS; k++) {
		free(snap[k]);
		snap[k] = NULL;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_update_over_old),
		cmocka_unit_test(test_erase),
		cmocka_unit_test(test_erase_in_use),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_confirm_by_hash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
