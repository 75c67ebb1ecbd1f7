/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes what the bootloader does with whatever was uploaded: the input is the content of the
 * secondary slot (header, TLV area, signatures and a trailer of its own, if it brings one),
 * behind eight control bytes. The device holds a valid, confirmed image P in the primary slot;
 * the application may mark the secondary for test or for good; then the device boots, in any mode,
 * on any write block, with any set of trusted keys, possibly through a power cut. When a control
 * bit says so, the harness first writes the correct hash, key hash and signatures into the TLV
 * entries the input has, so that odd images with valid signatures are reached too.
 *
 * After every boot the bootloader's promises are checked:
 * - the device boots: a valid primary is there, so "nothing bootable" is never right;
 * - what runs is valid with the trusted keys, and is P or the uploaded image U, byte for byte;
 * - U runs only when it was asked for (the application's request, or a trailer MCUboot reads as
 *   one), never when it is older than P with downgrade prevention, and in direct-xip only when
 *   it is newer than P;
 * - U runs "for good" (image_ok set) only after a permanent request (the application's, or an
 *   uploaded trailer with image_ok set, as imgtool --pad --confirm writes it) or a confirm;
 * - while U runs unconfirmed, P is not lost: the next boot brings it back (modes with revert);
 * - a boot that changed nothing changes nothing the next time, and writes nothing;
 * - neither the bootloader nor the application ever programs flash that is not erased.
 * A violation aborts, and libFuzzer keeps the input.
 *
 * Input: c0 = mode (bits 0-2, modulo 5) | no-downgrade (3) | validate primary (4) | write-block
 * index (5-6) | P has a trailer (7, always in direct-xip with revert, which needs one);
 * c1 = keys (0-1: none, Ed25519, ECDSA, both) | fix hash (2) | fix signatures (3) | application
 * action (4-5: none, test, permanent, none) | confirm after the first boot (6) | power cut (7);
 * c2 = the operation the cut comes after (bits 0-6) | torn (7); t0..t4 = a trailer the upload
 * brings, written over the end of the slot (a short way to what a whole slot's worth of input
 * would say): t0 = which fields (bit 0 magic, 1 image_ok, 2 copy_done, 3 swap_info, 4 swap_size,
 * 5 a foreign magic, 6 non-erased padding in each field's write block), t1 image_ok, t2
 * copy_done, t3 swap_info, t4 swap_size / 256; then the secondary slot's bytes (erased beyond
 * the input).
 */
#include <stdlib.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>

#include "../../src/boot/boot_priv.h"
#include "flash_sim.h"
#include "fuzz_check.h"
#include "fuzz_flash.h"
#include "fuzz_image.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 512u
#define SLOT_PAGES 8u
#define SCRATCH_PAGES 2u
/* Status area for 16 sectors: with a 512-byte page the trailer is one sector at any W. */
#define MAX_SECTORS 16u
#define CTL_BYTES 8u

enum layout { LAYOUT_MOVE, LAYOUT_EQUAL, LAYOUT_COUNT };

static const uint32_t write_blocks[] = { 1, 2, 4, 8 };
#define WB_COUNT ARRAY_SIZE(write_blocks)

/* One flash per layout and write block: move has a spare primary sector, the others a scratch. */
struct rig {
	struct flash_sim flash;
	struct smpdfu_flash_area areas[4];
	size_t area_count;
};

static struct rig rigs[LAYOUT_COUNT][WB_COUNT];

static uint8_t img_p[2048];
static size_t p_len;
static struct smpdfu_image_version p_ver;

/* The scenario one input describes. */
struct scenario {
	enum boot_mode mode;
	bool no_downgrade;
	bool validate_primary;
	bool p_trailer;
	unsigned int keyset;
	unsigned int fix;
	unsigned int action; /* 0 none, 1 test, 2 permanent */
	bool confirm;
	bool cut;
	bool torn;
	uint8_t cut_after;
};

/* What the harness knows about the run so far. */
struct state {
	struct rig *rig;
	const struct smpdfu_flash_area *pri;
	const struct smpdfu_flash_area *sec;
	const uint8_t *u;  /* the uploaded bytes as written, fix-ups included */
	size_t u_len;
	size_t u_img;      /* size of the image they hold, 0 when they hold none */
	struct smpdfu_image_version u_ver;
	bool requested;    /* a request for U stood before the first boot */
	bool perm_allowed; /* a permanent request for U stood before the first boot */
	bool revert_shape; /* the flash looked like a revert interrupted after its fixup */
};

/* FUZZ_TRACE=1 in the environment: one line per boot, to see what a reproducer does. */
static bool trace;

static const struct smpdfu_image_key *scenario_keys;
static size_t scenario_key_count;

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = scenario_keys;
	return scenario_key_count;
}

static void rig_open(struct rig *r, enum layout layout, uint32_t wb)
{
	uint32_t pri_pages = layout == LAYOUT_MOVE ? SLOT_PAGES + 1 : SLOT_PAGES;
	uint32_t scratch_pages = layout == LAYOUT_MOVE ? 0 : SCRATCH_PAGES;
	uint32_t total = PAGE * (1 + pri_pages + SLOT_PAGES + scratch_pages);

	CHECK(flash_sim_open(&r->flash, NULL, total, PAGE, wb) == 0);
	r->areas[0] = (struct smpdfu_flash_area){ .id = SMPDFU_FLASH_AREA_BOOTLOADER,
						  .label = "mcuboot",
						  .dev = &r->flash.dev,
						  .off = 0,
						  .size = PAGE };
	r->areas[1] = (struct smpdfu_flash_area){ .id = SMPDFU_FLASH_AREA_IMAGE_PRIMARY,
						  .label = "image-0",
						  .dev = &r->flash.dev,
						  .off = PAGE,
						  .size = PAGE * pri_pages };
	r->areas[2] = (struct smpdfu_flash_area){ .id = SMPDFU_FLASH_AREA_IMAGE_SECONDARY,
						  .label = "image-1",
						  .dev = &r->flash.dev,
						  .off = PAGE * (1 + pri_pages),
						  .size = PAGE * SLOT_PAGES };
	r->areas[3] = (struct smpdfu_flash_area){ .id = SMPDFU_FLASH_AREA_IMAGE_SCRATCH,
					   .label = "image-scratch", .dev = &r->flash.dev,
					   .off = PAGE * (1 + pri_pages + SLOT_PAGES),
					   .size = PAGE * scratch_pages };
	r->area_count = scratch_pages > 0 ? 4 : 3;
}

static void init_once(void)
{
	const struct fuzz_image_spec p = {
		.ver = { .major = 2, .minor = 1, .revision = 0, .build_num = 0 },
		.hdr_size = 0x80,
		.payload_len = 900,
		.seed = 1,
		.sec_cnt = true,
		.sign = (1u << FUZZ_KEY_ED25519) | (1u << FUZZ_KEY_ECDSA),
	};

	trace = getenv("FUZZ_TRACE") != NULL;
	fuzz_keys_init();
	for (size_t l = 0; l < LAYOUT_COUNT; l++) {
		for (size_t w = 0; w < WB_COUNT; w++) {
			rig_open(&rigs[l][w], (enum layout)l, write_blocks[w]);
		}
	}
	p_len = fuzz_image_make(img_p, sizeof(img_p), &p);
	CHECK(p_len > 0);
	p_ver = p.ver;
}

static void decode(const uint8_t *c, struct scenario *s)
{
	static const unsigned int key_sets[4] = { 0, 1u << FUZZ_KEY_ED25519, 1u << FUZZ_KEY_ECDSA,
						  3 };

	s->mode = (enum boot_mode)((c[0] & 7) % 5);
	s->no_downgrade = c[0] & 0x08;
	s->validate_primary = c[0] & 0x10;
	s->p_trailer = (c[0] & 0x80) || s->mode == BOOT_MODE_DIRECT_XIP_REVERT;
	s->keyset = key_sets[c[1] & 3];
	s->fix = (c[1] >> 2) & 3;
	s->action = ((c[1] >> 4) & 3) % 3;
	s->confirm = c[1] & 0x40;
	s->cut = c[1] & 0x80;
	s->cut_after = c[2] & 0x7f;
	s->torn = c[2] & 0x80;
}

static bool mode_is_xip(enum boot_mode m)
{
	return m == BOOT_MODE_DIRECT_XIP || m == BOOT_MODE_DIRECT_XIP_REVERT;
}

/* Modes in which an unconfirmed image gives way to the one before it at the next boot. */
static bool mode_reverts(enum boot_mode m)
{
	return m == BOOT_MODE_SWAP_MOVE || m == BOOT_MODE_SWAP_SCRATCH ||
	       m == BOOT_MODE_DIRECT_XIP_REVERT;
}

/* Writes the trailer fields t[0] asks for over the end of the slot image u (SMPDFU_BOOT_MAX_ALIGN).
 */
static void forge_trailer(uint8_t *u, uint32_t size, const uint8_t t[5], uint32_t wb)
{
	const uint32_t cells[4] = {
		smpdfu_boot_trailer_image_ok_off(size, SMPDFU_BOOT_MAX_ALIGN),
		smpdfu_boot_trailer_copy_done_off(size, SMPDFU_BOOT_MAX_ALIGN),
		smpdfu_boot_trailer_swap_info_off(size, SMPDFU_BOOT_MAX_ALIGN),
		smpdfu_boot_trailer_swap_size_off(size, SMPDFU_BOOT_MAX_ALIGN),
	};
	uint8_t magic[SMPDFU_BOOT_MAGIC_SZ];

	smpdfu_boot_trailer_magic(SMPDFU_BOOT_MAX_ALIGN, magic);
	if (t[0] & 0x20) {
		magic[t[4] % SMPDFU_BOOT_MAGIC_SZ] ^= t[1] | 1;
	}
	if (t[0] & 0x21) {
		memcpy(u + smpdfu_boot_magic_off(size), magic, SMPDFU_BOOT_MAGIC_SZ);
	}
	for (int f = 0; f < 4; f++) {
		if (!(t[0] & (2u << f))) {
			continue;
		}
		if (f < 3) {
			u[cells[f]] = t[1 + f];
		} else {
			u[cells[f]] = 0;
			u[cells[f] + 1] = t[4];
			u[cells[f] + 2] = 0;
			u[cells[f] + 3] = 0;
		}
		/* The rest of the write block written too, where the reader does not look. */
		if ((t[0] & 0x40) && wb > 1) {
			u[cells[f] + wb - 1] &= 0x7f;
		}
	}
}

/* Factory state: P in the primary (with a confirmed trailer when asked), U in the secondary. */
static void load_flash(struct state *st, const struct scenario *s)
{
	static uint8_t stage[PAGE * (1 + 2 * SLOT_PAGES + 1 + SCRATCH_PAGES)];
	struct flash_sim *fl = &st->rig->flash;

	CHECK(fl->dev.size <= sizeof(stage));
	memset(stage, 0xff, fl->dev.size);
	memcpy(stage + st->pri->off, img_p, p_len);
	memcpy(stage + st->sec->off, st->u, st->u_len);
	fuzz_flash_load(fl, stage);
	if (s->p_trailer) {
		CHECK(smpdfu_boot_trailer_write_image_ok(st->pri, SMPDFU_BOOT_MAX_ALIGN) == 0);
		CHECK(smpdfu_boot_trailer_write_copy_done(st->pri, SMPDFU_BOOT_MAX_ALIGN) == 0);
		CHECK(smpdfu_boot_trailer_write_magic(st->pri, SMPDFU_BOOT_MAX_ALIGN) == 0);
	}
}

/* The application marks U, as its state-write handler would. */
static void app_action(struct state *st, const struct scenario *s)
{
	struct smpdfu_boot_swap_state ts;
	bool done = false;

	CHECK(smpdfu_boot_trailer_read(st->sec, SMPDFU_BOOT_MAX_ALIGN, &ts) == 0);
	/* A trailer that came with the upload counts as MCUboot reads it (imgtool --pad). */
	st->requested = ts.magic == SMPDFU_BOOT_MAGIC_GOOD;
	st->perm_allowed =
		ts.magic == SMPDFU_BOOT_MAGIC_GOOD && ts.image_ok == SMPDFU_BOOT_FLAG_SET;
	/*
	 * A primary without a trailer beside a secondary marked REVERT with image_ok is what
	 * swap-using-move leaves when a revert is cut after it marked the secondary and erased the
	 * primary trailer: the bootloader must finish that revert, and cannot tell the two apart.
	 * Only the upload path can keep such a trailer out (uploads stop short of the trailer).
	 */
	st->revert_shape = s->mode == BOOT_MODE_SWAP_MOVE && !s->p_trailer && st->perm_allowed &&
			   ts.swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT;
	if (s->action == 0) {
		return;
	}
	if (mode_is_xip(s->mode)) {
		done = smpdfu_boot_set_next_direct_xip(1, s->action == 2) == 0;
	} else {
		done = smpdfu_boot_request_upgrade(s->action == 2) == 0;
	}
	st->requested = st->requested || done;
	st->perm_allowed = st->perm_allowed || (done && s->action == 2);
}

static int boot_once(const struct scenario *s, struct smpdfu_boot_rsp *rsp)
{
	static struct smpdfu_boot_loader bl;

	CHECK(smpdfu_boot_loader_init(&bl) == 0);
	bl.max_sectors = MAX_SECTORS;
	bl.no_downgrade = s->no_downgrade;
	bl.validate_primary = s->validate_primary;
	memset(rsp, 0, sizeof(*rsp));
	return smpdfu_boot_go_loader(&bl, s->mode, rsp);
}

enum which { RUNS_P, RUNS_U };

/* The result of one boot that must succeed. */
struct outcome {
	enum which which;
	uint32_t slot;
	bool confirmed; /* the running slot's trailer: no magic, or image_ok set */
};

/* Boots and checks what runs: valid, P or U byte for byte. */
static struct outcome boot_and_check(struct state *st, const struct scenario *s)
{
	const struct smpdfu_flash_area *fa;
	struct smpdfu_image_validation v;
	struct smpdfu_boot_rsp rsp;
	struct outcome o;
	const uint8_t *mem;

	CHECK(boot_once(s, &rsp) == 0);
	CHECK(st->rig->flash.count.violations == 0);
	CHECK(rsp.slot == 0 || (mode_is_xip(s->mode) && rsp.slot == 1));
	fa = rsp.slot == 0 ? st->pri : st->sec;
	CHECK(smpdfu_image_validate(fa, scenario_keys, scenario_key_count, &v) == 0);
	CHECK(memcmp(&v.hdr, &rsp.hdr, sizeof(v.hdr)) == 0);
	mem = st->rig->flash.mem + fa->off;
	if (v.size == p_len && memcmp(mem, img_p, p_len) == 0) {
		o.which = RUNS_P;
	} else {
		if (trace) {
			size_t i = 0;

			while (i < v.size && i < st->u_len && mem[i] == st->u[i]) {
				i++;
			}
			fprintf(stderr, "runs: size %u, U %zu, first difference at %zu\n",
				(unsigned int)v.size, st->u_img, i);
		}
		CHECK(v.size == st->u_img && memcmp(mem, st->u, st->u_img) == 0);
		o.which = RUNS_U;
	}
	o.slot = rsp.slot;
	smpdfu_boot_set_running_slot(rsp.slot);
	o.confirmed = smpdfu_boot_is_img_confirmed();
	if (trace) {
		fprintf(stderr, "boot: slot %u runs %s %u.%u.%u, %s, swap type %d\n",
			(unsigned int)o.slot, o.which == RUNS_P ? "P" : "U", v.hdr.ver.major,
			v.hdr.ver.minor, v.hdr.ver.revision,
			o.confirmed ? "confirmed" : "unconfirmed", rsp.swap_type);
	}
	/* Direct-xip never moves an image: P stays where it was, whatever ran. */
	if (mode_is_xip(s->mode)) {
		CHECK(memcmp(st->rig->flash.mem + st->pri->off, img_p, p_len) == 0);
		CHECK(o.which == RUNS_P ? o.slot == 0 : o.slot == 1);
	}
	return o;
}

/* The promises about the first boot after the upload and the application's action. */
static void check_first(const struct state *st, const struct scenario *s, struct outcome o)
{
	if (o.which == RUNS_P) {
		CHECK(o.confirmed);
		return;
	}
	if (s->mode == BOOT_MODE_DIRECT_XIP) {
		/* No requests here: the higher version wins, and a tie goes to the primary. */
		CHECK(smpdfu_image_version_cmp(&st->u_ver, &p_ver, false) > 0);
		return;
	}
	CHECK(st->requested);
	if (s->no_downgrade && !mode_is_xip(s->mode) && !st->revert_shape) {
		CHECK(smpdfu_image_version_cmp(&st->u_ver, &p_ver, false) >= 0);
	}
	if (s->mode == BOOT_MODE_DIRECT_XIP_REVERT) {
		CHECK(smpdfu_image_version_cmp(&st->u_ver, &p_ver, false) > 0);
	}
	/* Overwrite-only cannot go back: there a test request is as good as a permanent one. */
	if (o.confirmed && s->mode != BOOT_MODE_OVERWRITE_ONLY) {
		CHECK(st->perm_allowed);
	}
}

static void run(struct state *st, const struct scenario *s)
{
	struct outcome first;
	struct outcome next;
	uint64_t ops;

	load_flash(st, s);
	app_action(st, s);
	/* The application's own trailer writes must respect the flash too. */
	CHECK(st->rig->flash.count.violations == 0);
	if (s->cut) {
		enum flash_sim_cut_mode how = s->torn ? FLASH_SIM_CUT_TORN : FLASH_SIM_CUT_CLEAN;
		struct smpdfu_boot_rsp rsp;

		flash_sim_cut_power(&st->rig->flash, how, s->cut_after);
		(void)boot_once(s, &rsp);
		flash_sim_power_on(&st->rig->flash);
		CHECK(st->rig->flash.count.violations == 0);
	}
	first = boot_and_check(st, s);
	check_first(st, s, first);

	if (s->confirm && first.which == RUNS_U) {
		int rc = mode_is_xip(s->mode) ? smpdfu_boot_set_next_direct_xip(first.slot, true)
					      : smpdfu_boot_write_img_confirmed();

		if (rc == 0) {
			first.confirmed = smpdfu_boot_is_img_confirmed();
		}
	}
	next = boot_and_check(st, s);
	if (first.which == RUNS_U && !first.confirmed && mode_reverts(s->mode)) {
		/* The unconfirmed image had its one chance: P comes back, confirmed. */
		CHECK(next.which == RUNS_P && next.confirmed);
	} else {
		CHECK(next.which == first.which);
	}

	/* Nothing is pending any more: the same image again, and not one flash operation. */
	ops = flash_sim_op_count(&st->rig->flash);
	first = next;
	next = boot_and_check(st, s);
	CHECK(next.which == first.which && next.slot == first.slot);
	CHECK(flash_sim_op_count(&st->rig->flash) == ops);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint8_t u[PAGE * SLOT_PAGES];
	struct scenario s;
	struct state st;
	struct rig *r;

	if (!ready) {
		init_once();
		ready = true;
	}
	if (size < CTL_BYTES) {
		return 0;
	}
	decode(data, &s);
	r = &rigs[s.mode == BOOT_MODE_SWAP_MOVE ? LAYOUT_MOVE : LAYOUT_EQUAL]
		 [(data[0] >> 5) & 3];
	CHECK(smpdfu_flash_map_init(r->areas, r->area_count) == 0);
	scenario_keys = s.keyset == 2 ? &fuzz_keys()[FUZZ_KEY_ECDSA] : fuzz_keys();
	scenario_key_count = s.keyset == 0 ? 0 : s.keyset == 3 ? 2 : 1;

	memset(&st, 0, sizeof(st));
	st.rig = r;
	st.pri = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	st.sec = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);
	/* The whole slot as the upload leaves it: the input, then erased bytes. */
	memset(u, 0xff, sizeof(u));
	memcpy(u, data + CTL_BYTES, size - CTL_BYTES < sizeof(u) ? size - CTL_BYTES : sizeof(u));
	st.u_len = sizeof(u);
	if (data[3] != 0) {
		forge_trailer(u, sizeof(u), data + 3, write_blocks[(data[0] >> 5) & 3]);
	}
	fuzz_image_fixup(u, st.u_len, s.fix);
	st.u = u;
	st.u_img = fuzz_image_size(u, st.u_len);
	if (st.u_img > 0) {
		struct smpdfu_image_header h;

		smpdfu_image_header_decode(u, &h);
		st.u_ver = h.ver;
	}
	run(&st, &s);
	return 0;
}
