/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Swap using move (MCUboot's MCUBOOT_SWAP_USING_MOVE): the primary image is first moved up by one
 * sector, then the slots are exchanged sector by sector, each step recorded in the status area of
 * the primary trailer once its copy is complete. A step's source is only overwritten by a later
 * step, so after a power cut the step after the last recorded one is simply done again.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

/* Values of a status entry: its state (move entries use 1); the reader only tests "erased". */
#define MOVE_ENTRY_VALUE 1

struct move {
	struct smpdfu_boot_loader *bl;
	uint32_t sz;                /* sector size (all sectors of both slots) */
	uint32_t trailer_size;      /* status area + trailer fields */
	uint32_t pri_trailer_first; /* first primary sector that holds trailer bytes */
	uint32_t sec_trailer_first;
	uint32_t swap_size;         /* bytes the swap moves: the larger of the two images */
	uint32_t last_idx;          /* sectors the swap moves */
};

static int move_init(struct smpdfu_boot_loader *bl, struct move *m)
{
	uint32_t pri_sectors = bl->pri->size / bl->sector_size;
	uint32_t sec_sectors = bl->sec->size / bl->sector_size;

	memset(m, 0, sizeof(*m));
	m->bl = bl;
	m->sz = bl->sector_size;
	m->trailer_size = smpdfu_boot_trailer_size(bl->align, bl->max_sectors, bl->wsz);
	/* The primary has the secondary's sectors or one more (the spare the move phase uses). */
	if (pri_sectors > bl->max_sectors ||
	    (pri_sectors != sec_sectors && pri_sectors != sec_sectors + 1) ||
	    m->trailer_size >= bl->sec->size) {
		return -EINVAL;
	}
	m->pri_trailer_first =
		smpdfu_boot_trailer_first_sector(bl->pri->size, m->sz, m->trailer_size);
	m->sec_trailer_first =
		smpdfu_boot_trailer_first_sector(bl->sec->size, m->sz, m->trailer_size);
	return m->pri_trailer_first >= 2 ? 0 : -EINVAL;
}

/*
 * The largest image the swap can move: in the primary one free sector must stay below the trailer
 * sectors, in the secondary the image must stay below its trailer sectors.
 */
static uint32_t move_max_image_size(const struct move *m)
{
	const struct smpdfu_boot_loader *bl = m->bl;

	return smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_MOVE, bl->pri->size, bl->sec->size, 0,
					       m->sz, bl->align, bl->max_sectors, bl->wsz);
}

static int move_set_swap_size(struct move *m, uint32_t swap_size)
{
	m->swap_size = swap_size;
	m->last_idx = (swap_size + m->sz - 1) / m->sz;
	if (m->last_idx == 0 || m->last_idx >= m->pri_trailer_first ||
	    m->last_idx > m->sec_trailer_first) {
		return -EFBIG;
	}
	return 0;
}

/* Status entries: S move entries (one per sector), then two per swapped sector. */
static uint32_t move_entry(uint32_t idx)
{
	return idx - 1;
}

static uint32_t swap_entry(const struct move *m, uint32_t idx, uint32_t state)
{
	return m->bl->max_sectors + (idx - 1) * 2 + (state - 1);
}

static uint32_t entry_off(const struct move *m, uint32_t k)
{
	const struct smpdfu_boot_loader *bl = m->bl;

	return smpdfu_boot_status_entry_off(bl->pri->size, bl->align, bl->max_sectors, bl->wsz, k);
}

static int write_entry(struct move *m, uint32_t k, uint8_t value)
{
	return smpdfu_boot_status_write(m->bl, m->bl->pri, entry_off(m, k), value);
}

/* Entries recorded so far in the primary's status area (see smpdfu_boot_status_progress()). */
static int read_progress(struct move *m, uint32_t *done)
{
	struct smpdfu_boot_loader *bl = m->bl;

	return smpdfu_boot_status_progress(bl, bl->pri, entry_off(m, 0),
					   bl->max_sectors * BOOT_STATUS_STATE_COUNT, done);
}

static int erase_sector(const struct smpdfu_flash_area *fa, const struct move *m, uint32_t idx)
{
	return smpdfu_boot_flash_erase(fa, idx * m->sz, m->sz);
}

/* Move step idx (1-based): primary sector j = last_idx - idx + 1 takes a copy of sector j - 1. */
static int move_sector_up(struct move *m, uint32_t idx)
{
	struct smpdfu_boot_loader *bl = m->bl;
	uint32_t j = m->last_idx - idx + 1;
	int rc = erase_sector(bl->pri, m, j);

	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, bl->pri, (j - 1) * m->sz, bl->pri, j * m->sz, m->sz);
	}
	if (rc == 0) {
		rc = write_entry(m, move_entry(idx), MOVE_ENTRY_VALUE);
	}
	return rc;
}

/*
 * Swap step (idx, state): state 1 brings secondary sector idx-1 into primary sector idx-1, state 2
 * takes the old image's sector idx-1 (moved up to primary sector idx) into the secondary.
 */
static int swap_step(struct move *m, uint32_t idx, uint32_t state)
{
	struct smpdfu_boot_loader *bl = m->bl;
	const struct smpdfu_flash_area *dst = state == 1 ? bl->pri : bl->sec;
	const struct smpdfu_flash_area *src = state == 1 ? bl->sec : bl->pri;
	uint32_t src_idx = state == 1 ? idx - 1 : idx;
	int rc = erase_sector(dst, m, idx - 1);

	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, src, src_idx * m->sz, dst, (idx - 1) * m->sz, m->sz);
	}
	if (rc == 0) {
		rc = write_entry(m, swap_entry(m, idx, state), (uint8_t)state);
	}
	return rc;
}

/* Runs every step after the `done` recorded entries. */
static int move_run(struct move *m, uint32_t done)
{
	const uint32_t s = m->bl->max_sectors;
	int rc;

	if (done < s) {
		for (uint32_t idx = done + 1; idx <= m->last_idx; idx++) {
			rc = move_sector_up(m, idx);
			if (rc < 0) {
				return rc;
			}
		}
		done = s;
	}
	for (uint32_t e = done - s; e < 2 * m->last_idx; e++) {
		rc = swap_step(m, e / 2 + 1, e % 2 + 1);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* The primary trailer is the status source while a swap it records is not finished. */
static bool status_in_primary(const struct smpdfu_boot_swap_state *ps,
			      const struct smpdfu_boot_swap_state *ss)
{
	return ps->magic == SMPDFU_BOOT_MAGIC_GOOD && ps->copy_done == SMPDFU_BOOT_FLAG_UNSET &&
	       ss->magic != SMPDFU_BOOT_MAGIC_GOOD && ps->swap_type != SMPDFU_BOOT_SWAP_TYPE_NONE;
}

/*
 * A fresh trailer for the swap in the primary: its magic invalidated, then erased (nothing of an
 * earlier swap may survive), the magic last, so that a GOOD magic means every other field is in
 * place.
 */
static int init_primary_trailer(struct move *m, int swap_type, bool image_ok)
{
	struct smpdfu_boot_loader *bl = m->bl;
	uint32_t off = m->pri_trailer_first * m->sz;
	int rc = smpdfu_boot_trailer_invalidate_magic(bl->pri, bl->align);

	if (rc == 0) {
		rc = smpdfu_boot_flash_erase(bl->pri, off, bl->pri->size - off);
	}

	if (rc == 0) {
		rc = smpdfu_boot_swap_write_fields(bl, bl->pri, swap_type, image_ok, m->swap_size);
	}
	return rc;
}

/*
 * Before a revert rewrites the primary trailer (the only record that a revert is due), the
 * secondary is marked permanent: a cut in between then still brings the old image back. Its
 * swap_info says REVERT so that the next boot knows it is no downgrade request.
 */
static int fixup_revert(struct move *m)
{
	struct smpdfu_boot_loader *bl = m->bl;
	int rc = smpdfu_boot_scramble_trailer(bl, bl->sec, m->trailer_size);

	if (rc == 0) {
		rc = smpdfu_boot_swap_write_fields(bl, bl->sec, SMPDFU_BOOT_SWAP_TYPE_REVERT, true,
						   m->swap_size);
	}
	return rc;
}

/* Steps after the primary trailer is initialised: clear the secondary trailer, move, swap. */
static int swap_from_start(struct move *m, int swap_type)
{
	struct smpdfu_boot_loader *bl = m->bl;
	int rc;

	LOG_INF("swapping %u sectors", (unsigned int)m->last_idx);
	/* The request is consumed now; from here on only the primary trailer records the swap. */
	rc = smpdfu_boot_scramble_trailer(bl, bl->sec, m->trailer_size);
	if (rc == 0) {
		rc = move_run(m, 0);
	}
	if (rc == 0) {
		rc = smpdfu_boot_swap_finish(m->bl, swap_type);
	}
	return rc;
}

static int start_swap(struct move *m, int swap_type)
{
	struct smpdfu_boot_loader *bl = m->bl;
	struct smpdfu_boot_swap_state ss;
	int rc = 0;

	if (swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT) {
		LOG_INF("reverting");
		rc = smpdfu_boot_trailer_read(bl->sec, bl->align, &ss);
		if (rc == 0 &&
		    !(ss.magic == SMPDFU_BOOT_MAGIC_GOOD && ss.image_ok == SMPDFU_BOOT_FLAG_SET)) {
			rc = fixup_revert(m);
		}
	}
	if (rc == 0) {
		rc = smpdfu_boot_trailer_read(bl->sec, bl->align, &ss);
	}
	if (rc == 0) {
		rc = init_primary_trailer(m, swap_type, ss.image_ok == SMPDFU_BOOT_FLAG_SET);
	}
	if (rc == 0) {
		rc = swap_from_start(m, swap_type);
	}
	return rc;
}

/* A swap the primary trailer records: finished if it made progress, else started over. */
static int resume_swap(struct move *m, const struct smpdfu_boot_swap_state *ps, int *did)
{
	struct smpdfu_boot_loader *bl = m->bl;
	uint32_t swap_size;
	uint32_t done;
	int rc = smpdfu_boot_trailer_read_swap_size(bl->pri, bl->align, &swap_size);

	if (rc == 0) {
		rc = read_progress(m, &done);
	}
	if (rc < 0) {
		return rc;
	}
	if (move_set_swap_size(m, swap_size) < 0) {
		/* Written before the magic, so never torn: the trailer is not ours. Boot as is. */
		LOG_ERR("swap status with an impossible swap size %u: ignored",
			(unsigned int)swap_size);
		return 0;
	}
	*did = ps->swap_type;
	if (done > 0) {
		char ver[SMPDFU_IMAGE_VERSION_STR_MAX] = "?";
		uint32_t steps =
			done < bl->max_sectors ? done : m->last_idx + done - bl->max_sectors;
		const struct smpdfu_flash_area *fa;
		struct smpdfu_image_header hdr;
		uint32_t off;

		if (smpdfu_boot_swap_move_locate(bl, true, &fa, &off) == 0 &&
		    smpdfu_boot_read_header_at(fa, off, &hdr) == 0) {
			smpdfu_image_version_str(&hdr.ver, ver);
		}
		LOG_INF("resuming an interrupted %s swap to version %s (%u of %u steps done)",
			smpdfu_boot_swap_type_name(ps->swap_type), ver, (unsigned int)steps,
			(unsigned int)(3 * m->last_idx));
		rc = move_run(m, done);
		return rc < 0 ? rc : smpdfu_boot_swap_finish(m->bl, ps->swap_type);
	}
	/* Cut after the trailer was initialised, before anything moved: check and start again. */
	LOG_INF("an interrupted %s swap had moved nothing yet: starting it again",
		smpdfu_boot_swap_type_name(ps->swap_type));
	rc = smpdfu_boot_swap_recheck_secondary(bl, move_max_image_size(m));
	if (rc < 0) {
		return rc;
	}
	if (rc > 0) {
		*did = SMPDFU_BOOT_SWAP_TYPE_FAIL;
		/* Marked done, so that the next boot does not try again. */
		return smpdfu_boot_swap_finish(bl, SMPDFU_BOOT_SWAP_TYPE_FAIL);
	}
	return swap_from_start(m, ps->swap_type);
}

int smpdfu_boot_swap_move_locate(struct smpdfu_boot_loader *bl, bool incoming,
				 const struct smpdfu_flash_area **fa, uint32_t *off)
{
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state ss;
	struct move m;
	uint32_t swap_size;
	uint32_t done;
	uint32_t swaps;

	if (move_init(bl, &m) < 0 || smpdfu_boot_trailer_read(bl->pri, bl->align, &ps) < 0 ||
	    smpdfu_boot_trailer_read(bl->sec, bl->align, &ss) < 0 || !status_in_primary(&ps, &ss) ||
	    smpdfu_boot_trailer_read_swap_size(bl->pri, bl->align, &swap_size) < 0 ||
	    move_set_swap_size(&m, swap_size) < 0 || read_progress(&m, &done) < 0) {
		return -ENOENT;
	}
	swaps = done > bl->max_sectors ? done - bl->max_sectors : 0;
	*off = 0;
	if (incoming) {
		/* In the secondary until swap step (1, 1) has copied its first sector over. */
		*fa = swaps >= 1 ? bl->pri : bl->sec;
		return 0;
	}
	if (swaps >= 2) {
		*fa = bl->sec; /* step (1, 2) took it over */
		return 0;
	}
	*fa = bl->pri;
	/*
	 * Primary sector 0 keeps it during the whole move phase; once the move is complete a copy
	 * is in sector 1, and sector 0 is the next one erased.
	 */
	if (swaps == 1 || done >= m.last_idx) {
		*off = m.sz;
	}
	return 0;
}

int smpdfu_boot_go_swap_move(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp)
{
	struct boot_swap_limits lim;
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state ss;
	struct move m;
	uint32_t max_boot = smpdfu_boot_trailer_swap_info_off(bl->pri->size, bl->align);
	uint32_t swap_size;
	int did = SMPDFU_BOOT_SWAP_TYPE_NONE;
	int type;
	int rc;

	if (smpdfu_boot_loader_check(bl) < 0) {
		return -EINVAL;
	}
	if (move_init(bl, &m) < 0) {
		LOG_WRN("slots unusable for swap-using-move: upgrades disabled");
		goto boot_primary;
	}
	max_boot = bl->pri->size - m.trailer_size;
	rc = smpdfu_boot_trailer_read(bl->pri, bl->align, &ps);
	if (rc == 0) {
		rc = smpdfu_boot_trailer_read(bl->sec, bl->align, &ss);
	}
	if (rc < 0) {
		return rc;
	}
	if (status_in_primary(&ps, &ss)) {
		rc = resume_swap(&m, &ps, &did);
		if (rc < 0) {
			return rc;
		}
		goto boot_primary;
	}

	lim.max_image_size = move_max_image_size(&m);
	lim.trailer_size = m.trailer_size;
	lim.revert_fixup = true; /* fixup_revert() marks the secondary */
	rc = smpdfu_boot_swap_plan(bl, &lim, &ps, &ss, &type, &swap_size);
	if (rc < 0) {
		return rc;
	}
	/* The plan held swap_size to the limit that move_set_swap_size() applies. */
	if (rc > 0 || move_set_swap_size(&m, swap_size) < 0) {
		goto boot_primary;
	}
	rc = start_swap(&m, type);
	if (rc < 0) {
		return rc;
	}
	did = type;

boot_primary:
	return smpdfu_boot_from_primary(bl, max_boot, did, rsp);
}
