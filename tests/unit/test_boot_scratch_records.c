/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Swap-using-scratch against image data that reads as the scratch's own record. A region that fills
 * the scratch up to its end puts the image's bytes where the scratch keeps its trailer, and an
 * image may hold those bytes by chance (a firmware that carries a trailer template) or on purpose
 * (an unprotected TLV at its end, outside the hash and the signature). Each test cuts the power at
 * every operation of a swap of such an image, boots again, and checks the slots byte for byte:
 * whatever the scratch reads as at the cut, the resume must follow the swap's real record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

#include "../../src/boot/boot_priv.h"
#include "boot_fixture.h"

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = NULL;
	return 0;
}

#define PAGE 0x1000
#define SLOT_PAGES 16
#define W 4
#define A SMPDFU_BOOT_MAX_ALIGN
#define OLD_SIZE 42784
#define RECORD_MAX 128 /* room for the scratch's trailer */
/* The TLV area of a hash-only image: the info, then the SHA-256 entry. */
#define HASH_TLVS \
	(SMPDFU_IMAGE_TLV_INFO_SIZE + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + SMPDFU_SHA256_DIGEST_SIZE)

static struct boot_fixture f;
static struct smpdfu_boot_loader bl;
static uint8_t img_old[OLD_SIZE];
static uint8_t img_new[SLOT_PAGES * PAGE];
static size_t new_len;

/* Equal 16-page slots and a 1-page scratch: a region is one sector, and fills the scratch. */
static int setup(void **state)
{
	const struct boot_geom g = { .page = PAGE, .write_block = W, .pri_pages = SLOT_PAGES,
				     .sec_pages = SLOT_PAGES, .scratch_pages = 1 };

	(void)state;
	bfx_open(&f, &g);
	assert_int_equal(bfx_make_image(img_old, sizeof(img_old), 1, 0, 0,
					OLD_SIZE - BFX_OVERHEAD, 1, 0, 0),
			 OLD_SIZE);
	smpdfu_boot_set_running_slot(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(f.flash.count.violations, 0);
	bfx_close(&f);
	return 0;
}

static int boot(struct smpdfu_boot_rsp *rsp)
{
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	memset(rsp, 0, sizeof(*rsp));
	return smpdfu_boot_go_loader(&bl, BOOT_MODE_SWAP_SCRATCH, rsp);
}

/* Version 2.0.0, hash-only, into img_new. */
static void make_new_image(size_t payload_len)
{
	new_len = bfx_make_image(img_new, sizeof(img_new), 2, 0, 0, payload_len, 2, 0, 0);
}

static uint32_t slot_trailer_size(void)
{
	return smpdfu_boot_trailer_size(A, CONFIG_BOOT_MAX_IMG_SECTORS, W);
}

/* The first sector of a slot that holds trailer bytes. */
static uint32_t trailer_first(void)
{
	return smpdfu_boot_trailer_first_sector(SLOT_PAGES * PAGE, PAGE, slot_trailer_size());
}

/*
 * The scratch's trailer as the bootloader writes it for a swap of swap_size bytes with `steps` of
 * its first region done: written into the scratch by the bootloader's own writers, then read out.
 * The scratch is left erased. Returns the record's length (it ends at the scratch's end).
 */
static size_t scratch_record(uint8_t rec[RECORD_MAX], uint32_t swap_size, unsigned int steps)
{
	const uint32_t len = smpdfu_boot_scratch_trailer_size(A, W);
	const uint32_t off = f.scratch->size - len; /* its status entries come first */
	struct smpdfu_boot_swap_state st;

	assert_true(len <= RECORD_MAX);
	assert_int_equal(smpdfu_boot_loader_init(&bl), 0);
	assert_int_equal(smpdfu_flash_area_erase(f.scratch, 0, f.scratch->size), 0);
	assert_int_equal(smpdfu_boot_swap_write_fields(&bl, f.scratch, SMPDFU_BOOT_SWAP_TYPE_TEST,
						       false, swap_size),
			 0);
	for (unsigned int s = 1; s <= steps; s++) {
		assert_int_equal(smpdfu_boot_status_write(&bl, f.scratch, off + (s - 1) * W,
							  (uint8_t)s),
				 0);
	}
	assert_int_equal(smpdfu_boot_trailer_read(f.scratch, A, &st), 0);
	assert_int_equal(st.magic, SMPDFU_BOOT_MAGIC_GOOD);
	memcpy(rec, bfx_mem(&f, f.scratch) + off, len);
	assert_int_equal(smpdfu_flash_area_erase(f.scratch, 0, f.scratch->size), 0);
	return len;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void sha256(const uint8_t *p, size_t len, uint8_t *digest)
{
	struct sha256_ctx ctx;

	assert_int_equal(smpdfu_crypto_sha256_init(&ctx), 0);
	assert_int_equal(smpdfu_crypto_sha256_update(&ctx, p, len), 0);
	assert_int_equal(smpdfu_crypto_sha256_final(&ctx, digest), 0);
}

/* True when the scratch reads as a record of a swap and the primary trailer records one too. */
static bool both_record_a_swap(void)
{
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state cs;

	assert_int_equal(smpdfu_boot_trailer_read(f.pri, A, &ps), 0);
	assert_int_equal(smpdfu_boot_trailer_read(f.scratch, A, &cs), 0);
	return cs.magic == SMPDFU_BOOT_MAGIC_GOOD && cs.swap_type != SMPDFU_BOOT_SWAP_TYPE_NONE &&
	       ps.magic == SMPDFU_BOOT_MAGIC_GOOD && ps.copy_done == SMPDFU_BOOT_FLAG_UNSET &&
	       ps.swap_type != SMPDFU_BOOT_SWAP_TYPE_NONE;
}

/*
 * The old image in the primary, the new one in the secondary with a test request; the power cut
 * at every operation of the swap (a clean cut: a record is in place or not), then a boot: the new
 * image runs, both slots hold their image byte for byte, the scratch no record. Returns the cuts
 * after which the scratch read as a record beside the primary's.
 */
static unsigned int sweep_test_swap(void)
{
	struct smpdfu_boot_rsp rsp;
	unsigned int both = 0;
	bool pri_new;
	bool sec_old;
	uint64_t ops;
	int rc;

	bfx_load(&f, f.pri, img_old, OLD_SIZE);
	bfx_load(&f, f.sec, img_new, new_len);
	assert_int_equal(smpdfu_boot_request_upgrade(false), 0);
	bfx_snapshot(&f);
	bfx_restore(&f);
	assert_int_equal(boot(&rsp), 0);
	assert_int_equal(rsp.hdr.ver.major, 2);
	ops = bfx_ops(&f);
	for (uint64_t i = 0; i < ops; i++) {
		struct smpdfu_boot_swap_state cs;

		bfx_restore(&f);
		flash_sim_cut_power(&f.flash, FLASH_SIM_CUT_CLEAN, i);
		assert_int_not_equal(boot(&rsp), 0);
		flash_sim_power_on(&f.flash);
		both += both_record_a_swap();
		rc = boot(&rsp);
		pri_new = memcmp(bfx_mem(&f, f.pri), img_new, new_len) == 0;
		sec_old = memcmp(bfx_mem(&f, f.sec), img_old, OLD_SIZE) == 0;
		if (rc != 0 || rsp.hdr.ver.major != 2 || !pri_new || !sec_old) {
			fail_msg("cut at operation %u: boot %d (version %u), primary %s, "
				 "secondary %s",
				 (unsigned int)i, rc, rsp.hdr.ver.major, pri_new ? "new" : "wrong",
				 sec_old ? "old" : "wrong");
		}
		assert_int_equal(rsp.slot, 0);
		assert_int_equal(rsp.swap_type, SMPDFU_BOOT_SWAP_TYPE_TEST);
		assert_int_equal(smpdfu_boot_trailer_read(f.scratch, A, &cs), 0);
		assert_int_not_equal(cs.magic, SMPDFU_BOOT_MAGIC_GOOD);
		assert_int_equal(f.flash.count.violations, 0);
	}
	return both;
}

/*
 * An image that reaches into the first trailer sector (its first region's status is in the
 * scratch), every other sector ending in what the scratch's record says after that region's
 * second step: the record is in the scratch each time a later region is staged. The primary then
 * records the first region's last step, and outranks it.
 */
static void test_region_data_reads_as_the_first_regions_record(void **state)
{
	const uint32_t limit = SLOT_PAGES * PAGE - slot_trailer_size();
	const uint32_t body = limit - HASH_TLVS;
	uint8_t rec[RECORD_MAX];
	size_t rec_len;

	(void)state;
	assert_int_equal(smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, f.pri->size,
							 f.sec->size, f.scratch->size, PAGE, A,
							 CONFIG_BOOT_MAX_IMG_SECTORS, W),
			 limit);
	/* It ends in the first trailer sector: its first region's status is in the scratch. */
	assert_int_equal((limit - 1) / PAGE, trailer_first());
	make_new_image(body - BFX_HEADER_SIZE);
	assert_int_equal(new_len, limit);
	rec_len = scratch_record(rec, limit, 2);
	for (uint32_t s = 0; s < trailer_first(); s++) {
		memcpy(img_new + (s + 1) * PAGE - rec_len, rec, rec_len);
	}
	sha256(img_new, body, img_new + new_len - SMPDFU_SHA256_DIGEST_SIZE);
	/* Each later region staged: once before its entry, once before the next erase's zeroing. */
	/* The record beside the primary's: from each region's copy to the next region's erase. */
	assert_true(sweep_test_swap() >= trailer_first());
}

/*
 * An image that ends at a sector boundary below the trailer (its status is in the primary from the
 * start), with an unprotected TLV last whose value ends in a scratch record of a one-sector swap.
 * Once the first region is staged, that record is in the scratch before the primary records a
 * step: the primary's complete record must outrank it all the same.
 */
static void test_image_end_reads_as_a_record_before_the_first_step(void **state)
{
	const uint32_t len = trailer_first() * PAGE;
	const uint16_t tlv_len = 64;
	const uint32_t tlvs = HASH_TLVS + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + tlv_len;
	const uint32_t body = len - tlvs;
	uint8_t *tlv = img_new + body + HASH_TLVS;
	uint8_t rec[RECORD_MAX];
	size_t rec_len;

	(void)state;
	make_new_image(body - BFX_HEADER_SIZE);
	assert_int_equal(new_len, body + HASH_TLVS);
	/* The TLV info's total grows by the entry; the hash covers header and payload only. */
	put_le16(img_new + body + 2, (uint16_t)tlvs);
	put_le16(tlv, SMPDFU_IMAGE_TLV_ED25519);
	put_le16(tlv + 2, tlv_len);
	memset(tlv + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE, 0, tlv_len);
	rec_len = scratch_record(rec, PAGE, 0);
	assert_true(rec_len <= tlv_len);
	new_len = len;
	memcpy(img_new + new_len - rec_len, rec, rec_len);
	/* The record beside the primary's: from the first region's copy to the next erase. */
	assert_true(sweep_test_swap() > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_region_data_reads_as_the_first_regions_record,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_image_end_reads_as_a_record_before_the_first_step, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
