/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Swap using scratch (MCUboot's MCUBOOT_SWAP_USING_SCRATCH): the slots are exchanged one region at
 * a time through the scratch area, from the region that holds the swap's last sector down to the
 * one that starts at sector 0; a region is as many whole sectors as the scratch holds. A region
 * takes three steps (secondary to scratch, primary to secondary, scratch to primary), each recorded
 * by a status entry once its copy is complete, and a step's source is only overwritten by a later
 * step, so after a power cut the step after the last recorded one is simply done again. The status
 * lives in the primary trailer, except while the first region holds trailer sectors (its last step
 * rewrites the primary trailer): that region's first two entries live in the scratch's own trailer.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/port.h>

#include "boot_priv.h"
#include "log.h"

#define LOG_MODULE "boot"
#define LOG_LEVEL CONFIG_MCUBOOT_LOG_LEVEL

/* The steps of a region; each is one status entry whose value is the step's number. */
enum scratch_step {
	STEP_STAGE = 1,   /* the secondary's region into the scratch */
	STEP_SAVE = 2,    /* the primary's region into the secondary */
	STEP_RESTORE = 3, /* the scratch into the primary's region */
};

_Static_assert(STEP_RESTORE == BOOT_STATUS_STATE_COUNT,
	       "a region takes as many steps as the status area has entries per region");

/* Which trailer records an unfinished swap. */
enum status_src {
	SRC_NONE,
	SRC_PRIMARY,
	SRC_SCRATCH,
};

struct scratch {
	struct smpdfu_boot_loader *bl;
	const struct smpdfu_flash_area *scr;
	uint32_t sz;             /* sector size of both slots */
	uint32_t trailer_size;   /* slot trailer: status area + fields */
	uint32_t trailer_first;  /* first slot sector that holds trailer bytes */
	uint32_t region_sectors; /* sectors of a region: as many as the scratch holds */
	/* The swap: from the request when it starts, from the trailer that records it on resume. */
	int swap_type;
	bool image_ok; /* written into the trailers the swap initialises (a permanent request) */
	uint32_t swap_size; /* bytes the swap moves: the larger of the two images */
	uint32_t copy_end;  /* swap_size rounded up to the write block: copies stop there */
	uint32_t last;      /* last sector the swap moves */
	uint32_t regions;
	bool use_scratch; /* the first region holds trailer sectors: its status is in the scratch */
};

static uint32_t scratch_max_image_size(const struct scratch *s)
{
	const struct smpdfu_boot_loader *bl = s->bl;

	return smpdfu_boot_mode_max_image_size(BOOT_MODE_SWAP_SCRATCH, bl->pri->size, bl->sec->size,
					       s->scr->size, s->sz, bl->align, bl->max_sectors,
					       bl->wsz);
}

static int scratch_init(struct smpdfu_boot_loader *bl, struct scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->bl = bl;
	s->scr = bl->scratch;
	s->sz = bl->sector_size;
	s->trailer_size = smpdfu_boot_trailer_size(bl->align, bl->max_sectors, bl->wsz);
	/* Entries and fields move between the scratch and the primary as they are written. */
	if (s->scr == NULL || s->scr->dev->write_block != bl->wsz ||
	    s->scr->dev->erased_value != bl->pri->dev->erased_value ||
	    scratch_max_image_size(s) == 0) {
		return -EINVAL;
	}
	s->trailer_first = smpdfu_boot_trailer_first_sector(bl->pri->size, s->sz, s->trailer_size);
	s->region_sectors = s->scr->size / s->sz;
	return 0;
}

static int scratch_set_swap_size(struct scratch *s, uint32_t swap_size)
{
	const uint32_t wsz = s->bl->wsz;

	if (swap_size == 0 || swap_size > scratch_max_image_size(s)) {
		return -EFBIG;
	}
	s->swap_size = swap_size;
	s->copy_end = (swap_size + wsz - 1) / wsz * wsz;
	s->last = (swap_size - 1) / s->sz;
	s->regions = s->last / s->region_sectors + 1;
	s->use_scratch = s->last >= s->trailer_first;
	return 0;
}

/* Region idx (1 = the highest): its first sector and one past its last. */
static void region_sectors(const struct scratch *s, uint32_t idx, uint32_t *first, uint32_t *end)
{
	*end = s->last - (idx - 1) * s->region_sectors + 1;
	*first = *end > s->region_sectors ? *end - s->region_sectors : 0;
}

/* The bytes of region idx the swap moves: from its first sector, up to copy_end at most. */
static void region_bytes(const struct scratch *s, uint32_t idx, uint32_t *off, uint32_t *len)
{
	uint32_t first;
	uint32_t end;

	region_sectors(s, idx, &first, &end);
	*off = first * s->sz;
	*len = (end * s->sz < s->copy_end ? end * s->sz : s->copy_end) - *off;
}

/* Erases region idx of a slot but its trailer sectors, which the first region scrambles apart. */
static int erase_region(const struct scratch *s, const struct smpdfu_flash_area *fa, uint32_t idx)
{
	uint32_t first;
	uint32_t end;

	region_sectors(s, idx, &first, &end);
	if (end > s->trailer_first) {
		end = s->trailer_first;
	}
	if (end <= first) {
		return 0;
	}
	return smpdfu_boot_flash_erase(fa, first * s->sz, (end - first) * s->sz);
}

static uint32_t scratch_entries_off(const struct scratch *s)
{
	return s->scr->size - smpdfu_boot_scratch_trailer_size(s->bl->align, s->bl->wsz);
}

static uint32_t primary_entry_off(const struct scratch *s, uint32_t k)
{
	const struct smpdfu_boot_loader *bl = s->bl;

	return smpdfu_boot_status_entry_off(bl->pri->size, bl->align, bl->max_sectors, bl->wsz, k);
}

static int write_entry(struct scratch *s, uint32_t idx, enum scratch_step step)
{
	struct smpdfu_boot_loader *bl = s->bl;
	uint32_t k = (idx - 1) * BOOT_STATUS_STATE_COUNT + step - 1;

	/* The trailer region's last step rewrites the primary trailer: until then, the scratch. */
	if (idx == 1 && s->use_scratch && step != STEP_RESTORE) {
		return smpdfu_boot_status_write(
			bl, s->scr, scratch_entries_off(s) + (step - 1) * bl->wsz, (uint8_t)step);
	}
	return smpdfu_boot_status_write(bl, bl->pri, primary_entry_off(s, k), (uint8_t)step);
}

/* Steps recorded by the source (0 .. 3 per region). */
static int read_progress(struct scratch *s, enum status_src src, uint32_t *done)
{
	struct smpdfu_boot_loader *bl = s->bl;
	int rc;

	if (src == SRC_SCRATCH) {
		/* Without use_scratch the scratch only records the swap until the primary does. */
		if (!s->use_scratch) {
			*done = 0;
			return 0;
		}
		rc = smpdfu_boot_status_progress(bl, s->scr, scratch_entries_off(s),
						 BOOT_STATUS_STATE_COUNT, done);
		/* Step 3 is recorded in the primary: the scratch never says more than 2. */
		if (*done > STEP_SAVE) {
			*done = STEP_SAVE;
		}
		return rc;
	}
	rc = smpdfu_boot_status_progress(bl, bl->pri, primary_entry_off(s, 0),
					 bl->max_sectors * BOOT_STATUS_STATE_COUNT, done);
	if (*done > BOOT_STATUS_STATE_COUNT * s->regions) {
		*done = BOOT_STATUS_STATE_COUNT * s->regions;
	}
	return rc;
}

/* The whole scratch, its record's magic invalidated first (a torn erase may spare the magic). */
static int erase_scratch(const struct scratch *s)
{
	int rc = smpdfu_boot_trailer_invalidate_magic(s->scr, s->bl->align);

	if (rc == 0) {
		rc = smpdfu_boot_flash_erase(s->scr, 0, s->scr->size);
	}
	return rc;
}

/*
 * The page that holds the scratch's record first, then the rest (MCUboot 2.2.0: a cut in an erase
 * that starts at the front could leave a record over half-erased data), the record's magic
 * invalidated before either. The primary outranks a record that survives all the same
 * (status_source()). Only what is not erased: this also runs when a resume finds the record there.
 */
static int erase_scratch_backwards(const struct scratch *s)
{
	const uint32_t page = s->scr->dev->page_size;
	const uint32_t last = s->scr->size - page;
	int rc = smpdfu_boot_trailer_invalidate_magic(s->scr, s->bl->align);

	if (rc == 0) {
		rc = smpdfu_boot_erase_if_needed(s->scr, last, page);
	}
	if (rc == 0) {
		rc = smpdfu_boot_erase_if_needed(s->scr, 0, last);
	}
	return rc;
}

/* The scratch's record of the swap: the area erased, then the fields, the magic last. */
static int init_scratch_trailer(struct scratch *s)
{
	int rc = erase_scratch(s);

	if (rc == 0) {
		rc = smpdfu_boot_swap_write_fields(s->bl, s->scr, s->swap_type, s->image_ok,
						   s->swap_size);
	}
	return rc;
}

/* The primary's record: its trailer sectors erased (nothing of an earlier swap may survive). */
static int init_primary_trailer(struct scratch *s)
{
	struct smpdfu_boot_loader *bl = s->bl;
	int rc = smpdfu_boot_scramble_trailer(bl, bl->pri, s->trailer_size);

	if (rc == 0) {
		rc = smpdfu_boot_swap_write_fields(bl, bl->pri, s->swap_type, s->image_ok,
						   s->swap_size);
	}
	return rc;
}

/*
 * Before the first region is staged: the swap's record in the scratch, then, when the first region
 * leaves the trailer sectors alone, in the primary, and the scratch erased again for the data. A
 * revert has no record but the primary trailer this rewrites, so the scratch's covers that window.
 * A resume keeps a record that is complete (GOOD magic): erasing the only record before the next
 * one is written would lose the swap. With use_scratch the scratch is simply made again: until the
 * secondary trailer is scrambled (step 2) the request, or for a revert the primary trailer, is
 * still there.
 */
static int prepare_records(struct scratch *s, enum status_src src)
{
	int rc = 0;

	if (s->use_scratch || src == SRC_NONE) {
		rc = init_scratch_trailer(s);
	}
	if (rc == 0 && !s->use_scratch && src != SRC_PRIMARY) {
		rc = init_primary_trailer(s);
	}
	if (rc == 0 && !s->use_scratch) {
		rc = erase_scratch(s);
	}
	return rc;
}

static int stage(struct scratch *s, uint32_t idx, enum status_src src)
{
	struct smpdfu_boot_loader *bl = s->bl;
	uint32_t off;
	uint32_t len;
	int rc = idx == 1 ? prepare_records(s, src) : erase_scratch(s);

	region_bytes(s, idx, &off, &len);
	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, bl->sec, off, s->scr, 0, len);
	}
	if (rc == 0) {
		rc = write_entry(s, idx, STEP_STAGE);
	}
	return rc;
}

static int save(struct scratch *s, uint32_t idx)
{
	struct smpdfu_boot_loader *bl = s->bl;
	uint32_t off;
	uint32_t len;
	int rc = 0;

	/* The request is consumed now; from here on only the swap's own records describe it. */
	if (idx == 1) {
		rc = smpdfu_boot_scramble_trailer(bl, bl->sec, s->trailer_size);
	}
	if (rc == 0) {
		rc = erase_region(s, bl->sec, idx);
	}
	region_bytes(s, idx, &off, &len);
	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, bl->pri, off, bl->sec, off, len);
	}
	if (rc == 0) {
		rc = write_entry(s, idx, STEP_SAVE);
	}
	return rc;
}

/*
 * The trailer region is back in the primary: the record continues in the primary trailer. Entries
 * first, the magic last (so the primary's record is complete or not GOOD), step 3's entry after.
 */
static int move_record_to_primary(struct scratch *s)
{
	struct smpdfu_boot_loader *bl = s->bl;
	int rc = smpdfu_boot_status_write(bl, bl->pri, primary_entry_off(s, STEP_STAGE - 1),
					  STEP_STAGE);

	if (rc == 0) {
		rc = smpdfu_boot_status_write(bl, bl->pri, primary_entry_off(s, STEP_SAVE - 1),
					      STEP_SAVE);
	}
	if (rc == 0) {
		rc = smpdfu_boot_swap_write_fields(bl, bl->pri, s->swap_type, s->image_ok,
						   s->swap_size);
	}
	return rc;
}

static int restore(struct scratch *s, uint32_t idx)
{
	struct smpdfu_boot_loader *bl = s->bl;
	const bool trailer_region = idx == 1 && s->use_scratch;
	uint32_t off;
	uint32_t len;
	int rc = 0;

	if (trailer_region) {
		rc = smpdfu_boot_scramble_trailer(bl, bl->pri, s->trailer_size);
	}
	if (rc == 0) {
		rc = erase_region(s, bl->pri, idx);
	}
	region_bytes(s, idx, &off, &len);
	if (rc == 0) {
		rc = smpdfu_boot_copy(bl, s->scr, 0, bl->pri, off, len);
	}
	if (rc == 0 && trailer_region) {
		rc = move_record_to_primary(s);
	}
	if (rc == 0) {
		rc = write_entry(s, idx, STEP_RESTORE);
	}
	/* A record left in the scratch would be resumed from at the next boot. */
	if (rc == 0 && trailer_region) {
		rc = erase_scratch_backwards(s);
	}
	return rc;
}

/* Runs every step after the `done` recorded ones; src: the record a resume found (step 1 only). */
static int scratch_run(struct scratch *s, uint32_t done, enum status_src src)
{
	for (uint32_t e = done; e < BOOT_STATUS_STATE_COUNT * s->regions; e++) {
		uint32_t idx = e / BOOT_STATUS_STATE_COUNT + 1;
		int rc;

		switch (e % BOOT_STATUS_STATE_COUNT + 1) {
		case STEP_STAGE:
			rc = stage(s, idx, e == done ? src : SRC_NONE);
			break;
		case STEP_SAVE:
			rc = save(s, idx);
			break;
		default:
			rc = restore(s, idx);
			break;
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/*
 * Before a swap is marked done or abandoned: a scratch record still readable (a cut in its erase,
 * region data that reads as one, or the record the primary's took over from) is erased, because
 * once copy_done is set the primary no longer outranks it.
 */
static int erase_scratch_record(const struct scratch *s)
{
	struct smpdfu_boot_swap_state cs;
	int rc = smpdfu_boot_trailer_read(s->scr, s->bl->align, &cs);

	if (rc == 0 && cs.magic == SMPDFU_BOOT_MAGIC_GOOD) {
		rc = erase_scratch_backwards(s);
	}
	return rc;
}

/* After the data: the scratch's record, then image_ok and copy_done. */
static int scratch_finish(struct scratch *s, int swap_type)
{
	int rc = erase_scratch_record(s);

	if (rc == 0) {
		rc = smpdfu_boot_swap_finish(s->bl, swap_type);
	}
	return rc;
}

static bool primary_records_swap(const struct smpdfu_boot_swap_state *ps)
{
	return ps->magic == SMPDFU_BOOT_MAGIC_GOOD && ps->copy_done == SMPDFU_BOOT_FLAG_UNSET &&
	       ps->swap_type != SMPDFU_BOOT_SWAP_TYPE_NONE;
}

static bool scratch_records_swap(const struct smpdfu_boot_swap_state *cs)
{
	/* Image 0's only: with several images the scratch names its owner in swap_info. */
	return cs->magic == SMPDFU_BOOT_MAGIC_GOOD && cs->swap_type != SMPDFU_BOOT_SWAP_TYPE_NONE &&
	       cs->image_num == 0;
}

/*
 * Which trailer records an unfinished swap (MCUboot's status-source table): the scratch while it
 * holds a record, else the primary while it records a swap without copy_done, else none. One
 * addition: a primary that records the trailer region's last step (without use_scratch: a primary
 * that records the swap at all, which it does before the scratch is erased for the data) outranks
 * a scratch record. That record is stale then: the cut came in the erase that follows (a torn page
 * erase leaves the page's end, where the record is), or region data in the scratch happens to read
 * as one (a region that fills the scratch). MCUboot's simulator never tears an erase, so it needs
 * no such rule.
 */
static int status_source(struct scratch *s, const struct smpdfu_boot_swap_state *ps,
			 const struct smpdfu_boot_swap_state *cs, enum status_src *src)
{
	struct smpdfu_boot_loader *bl = s->bl;
	uint32_t swap_size;
	uint32_t done;
	int rc;

	*src = SRC_NONE;
	if (!scratch_records_swap(cs)) {
		if (primary_records_swap(ps)) {
			*src = SRC_PRIMARY;
		}
		return 0;
	}
	*src = SRC_SCRATCH;
	if (!primary_records_swap(ps)) {
		return 0;
	}
	rc = smpdfu_boot_trailer_read_swap_size(bl->pri, bl->align, &swap_size);
	if (rc < 0) {
		return rc;
	}
	if (scratch_set_swap_size(s, swap_size) < 0) {
		return 0; /* not a record of ours */
	}
	if (!s->use_scratch) {
		*src = SRC_PRIMARY;
		return 0;
	}
	rc = read_progress(s, SRC_PRIMARY, &done);
	if (rc < 0) {
		return rc;
	}
	if (done >= STEP_RESTORE) {
		*src = SRC_PRIMARY;
	}
	return 0;
}

/*
 * Reads the trailers and the record of an unfinished swap: 0 with *src (and s set up), or the
 * flash's error.
 */
static int find_record(struct scratch *s, struct smpdfu_boot_swap_state *ps,
		       struct smpdfu_boot_swap_state *cs, enum status_src *src, uint32_t *done)
{
	struct smpdfu_boot_loader *bl = s->bl;
	const struct smpdfu_flash_area *fa;
	uint32_t swap_size;
	int rc;

	*done = 0;
	rc = smpdfu_boot_trailer_read(bl->pri, bl->align, ps);
	if (rc == 0) {
		rc = smpdfu_boot_trailer_read(s->scr, bl->align, cs);
	}
	if (rc < 0) {
		return rc;
	}
	rc = status_source(s, ps, cs, src);
	if (rc < 0 || *src == SRC_NONE) {
		return rc;
	}
	fa = *src == SRC_SCRATCH ? s->scr : bl->pri;
	rc = smpdfu_boot_trailer_read_swap_size(fa, bl->align, &swap_size);
	if (rc < 0) {
		return rc;
	}
	if (scratch_set_swap_size(s, swap_size) < 0) {
		/* Written before the magic, so never torn: the record is not ours. Boot as is. */
		LOG_ERR("swap status with an impossible swap size %u: ignored",
			(unsigned int)swap_size);
		*src = SRC_NONE;
		return 0;
	}
	return read_progress(s, *src, done);
}

int smpdfu_boot_swap_scratch_locate(struct smpdfu_boot_loader *bl, bool incoming,
				    const struct smpdfu_flash_area **fa, uint32_t *off)
{
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state cs;
	struct scratch s;
	enum status_src src;
	uint32_t done;
	uint32_t base;

	if (scratch_init(bl, &s) < 0 || find_record(&s, &ps, &cs, &src, &done) < 0 ||
	    src == SRC_NONE) {
		return -ENOENT;
	}
	/* Both headers are in sector 0, which the last region moves. */
	base = BOOT_STATUS_STATE_COUNT * (s.regions - 1);
	*off = 0;
	if (incoming) {
		if (done < base + STEP_STAGE) {
			*fa = bl->sec;
		} else {
			*fa = done < base + STEP_RESTORE ? s.scr : bl->pri;
		}
		return 0;
	}
	*fa = done < base + STEP_SAVE ? bl->pri : bl->sec;
	return 0;
}

/* Abandons a recorded swap whose secondary no longer validates (it was scrubbed). */
static int abandon_swap(struct scratch *s)
{
	struct smpdfu_boot_swap_state ps;
	int rc = erase_scratch_record(s);

	if (rc == 0) {
		rc = smpdfu_boot_trailer_read(s->bl->pri, s->bl->align, &ps);
	}
	/* Marked done where the primary carries a trailer, so that no later boot tries again. */
	if (rc == 0 && ps.magic == SMPDFU_BOOT_MAGIC_GOOD) {
		rc = smpdfu_boot_swap_finish(s->bl, SMPDFU_BOOT_SWAP_TYPE_FAIL);
	}
	return rc;
}

/* A swap a trailer records: finished if it made progress, else checked and started over. */
static int resume_swap(struct scratch *s, enum status_src src,
		       const struct smpdfu_boot_swap_state *st, uint32_t done, int *did)
{
	struct smpdfu_boot_loader *bl = s->bl;
	char ver[SMPDFU_IMAGE_VERSION_STR_MAX] = "?";
	const struct smpdfu_flash_area *fa;
	struct smpdfu_image_header hdr;
	uint32_t off;
	int rc;

	s->swap_type = st->swap_type;
	s->image_ok = st->image_ok == SMPDFU_BOOT_FLAG_SET;
	*did = s->swap_type;
	if (smpdfu_boot_swap_scratch_locate(bl, true, &fa, &off) == 0 &&
	    smpdfu_boot_read_header_at(fa, off, &hdr) == 0) {
		smpdfu_image_version_str(&hdr.ver, ver);
	}
	LOG_INF("resuming an interrupted %s swap to version %s (%u of %u steps done, status in the "
		"%s)",
		smpdfu_boot_swap_type_name(s->swap_type), ver, (unsigned int)done,
		(unsigned int)(BOOT_STATUS_STATE_COUNT * s->regions),
		src == SRC_SCRATCH ? "scratch" : "primary");
	if (done == 0) {
		/* Cut after the swap was recorded, before anything moved: check and start again. */
		rc = smpdfu_boot_swap_recheck_secondary(bl, scratch_max_image_size(s));
		if (rc < 0) {
			return rc;
		}
		if (rc > 0) {
			*did = SMPDFU_BOOT_SWAP_TYPE_FAIL;
			return abandon_swap(s);
		}
	}
	rc = scratch_run(s, done, src);
	return rc < 0 ? rc : scratch_finish(s, s->swap_type);
}

static int start_swap(struct scratch *s, int swap_type, bool image_ok)
{
	int rc;

	s->swap_type = swap_type;
	s->image_ok = image_ok;
	LOG_INF("%s %u sectors in %u regions of %u through the scratch%s",
		swap_type == SMPDFU_BOOT_SWAP_TYPE_REVERT ? "reverting:" : "swapping",
		(unsigned int)(s->last + 1), (unsigned int)s->regions,
		(unsigned int)s->region_sectors,
		s->use_scratch ? " (first region's status in the scratch)" : "");
	rc = scratch_run(s, 0, SRC_NONE);
	return rc < 0 ? rc : scratch_finish(s, swap_type);
}

int smpdfu_boot_go_swap_scratch(struct smpdfu_boot_loader *bl, struct smpdfu_boot_rsp *rsp)
{
	struct boot_swap_limits lim;
	struct smpdfu_boot_swap_state ps;
	struct smpdfu_boot_swap_state ss;
	struct smpdfu_boot_swap_state cs;
	struct scratch s;
	enum status_src src;
	uint32_t max_boot = smpdfu_boot_trailer_swap_info_off(bl->pri->size, bl->align);
	uint32_t swap_size;
	uint32_t done;
	int did = SMPDFU_BOOT_SWAP_TYPE_NONE;
	int type;
	int rc;

	if (smpdfu_boot_loader_check(bl) < 0) {
		return -EINVAL;
	}
	if (scratch_init(bl, &s) < 0) {
		LOG_WRN("slots or scratch area unusable for swap-using-scratch: upgrades disabled");
		goto boot_primary;
	}
	max_boot = bl->pri->size - s.trailer_size;
	rc = find_record(&s, &ps, &cs, &src, &done);
	if (rc < 0) {
		return rc;
	}
	if (src != SRC_NONE) {
		rc = resume_swap(&s, src, src == SRC_SCRATCH ? &cs : &ps, done, &did);
		if (rc < 0) {
			return rc;
		}
		goto boot_primary;
	}

	rc = smpdfu_boot_trailer_read(bl->sec, bl->align, &ss);
	if (rc < 0) {
		return rc;
	}
	lim.max_image_size = scratch_max_image_size(&s);
	lim.trailer_size = s.trailer_size;
	lim.revert_fixup = false; /* the scratch record covers a revert: no fixup */
	rc = smpdfu_boot_swap_plan(bl, &lim, &ps, &ss, &type, &swap_size);
	if (rc < 0) {
		return rc;
	}
	/* The plan held swap_size to the limit that scratch_set_swap_size() applies. */
	if (rc > 0 || scratch_set_swap_size(&s, swap_size) < 0) {
		goto boot_primary;
	}
	/* A permanent request's image_ok goes into the swap's records (MCUboot's status init). */
	rc = start_swap(&s, type, ss.image_ok == SMPDFU_BOOT_FLAG_SET);
	if (rc < 0) {
		return rc;
	}
	did = type;

boot_primary:
	return smpdfu_boot_from_primary(bl, max_boot, did, rsp);
}
