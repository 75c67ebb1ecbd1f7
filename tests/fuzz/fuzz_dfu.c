/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes a device through whole DFU sessions. Every input starts from one of six states of a
 * device with valid images (factory image only; an image uploaded; marked for test; running on
 * trial; confirmed; marked for good) and plays a sequence of operations from up to four clients:
 * raw request units, well-formed upload chunks of known images (with the input choosing the chunk
 * size, offsets, sha, length and flags), whole uploads, state reads and writes, erases, resets
 * (asked for, or a power cycle), power cuts (clean or torn, at any flash operation) and time. The
 * device is the SMP server with the OS and image groups on a RAM flash, booted by the real
 * bootloader (swap-using-move, Ed25519 and ECDSA keys trusted) at every reset.
 *
 * Checked all along: every answer is one well-formed SMP packet answering its request; no buffer
 * leaks; flash is never programmed unerased; the running image is never touched; a chunk from a
 * client other than the one whose upload is in progress is refused and writes nothing; an upload
 * that ends with "match" left the image it announced in the slot. Checked at every boot: the device
 * boots; what runs is one of the signed images, validated; it changed only by a test or permanent
 * request pending before the boot, or by the revert of an image on trial to the last confirmed
 * one; it runs for good only after a permanent request; and while it runs on trial, a reset
 * brings the confirmed image back (tried on a copy of the flash).
 *
 * Input: the first byte picks the starting state; then operations, each an opcode byte (low four
 * bits) with the client in bits 4-5, followed by its arguments (see the OP_ list).
 */
#include <stdlib.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/cbor.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/smp.h>

#include "fake_port.h"
#include "flash_sim.h"
#include "fuzz_check.h"
#include "fuzz_flash.h"
#include "fuzz_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Small pages and small images keep every run short: each boot validates them and may swap them,
 * each upload writes them. The status area for CONFIG_BOOT_MAX_IMG_SECTORS (6,192 bytes) takes the
 * last 13 pages of each slot, and swap-using-move one more page of the primary: images up to 3 KiB,
 * 6 sectors. The known images span 4 to 6 sectors; A and B take two chunks of the largest size.
 */
#define PAGE 512u
#define WRITE_BLOCK 4u
#define PRI_PAGES 20u
#define SEC_PAGES 19u
#define FLASH_SIZE (PAGE * (1 + PRI_PAGES + SEC_PAGES))
#define CLIENTS 4
#define NETBUF CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE

enum op {
	OP_RAW,          /* 2 length bytes, then a request unit of that many bytes */
	OP_UPLOAD,       /* image in bits 6-7 of the opcode; chunk byte, flags byte (below) */
	OP_UPLOAD_ALL,   /* image byte + flags byte: chunks until done or refused */
	OP_STATE_WRITE,  /* hash choice byte (+32 bytes for "any"), confirm byte */
	OP_STATE_READ,
	OP_ERASE,        /* slot choice byte */
	OP_RESET,        /* force byte: an SMP reset, then the time for it to happen */
	OP_POWER_CYCLE,
	OP_CUT,          /* operations before the cut, torn byte: armed for what follows */
	OP_TIME,         /* byte * 20 ms */
	OP_COUNT
};

/* The images the harness knows: the bootloader may only ever run the signed ones. */
enum img { IMG_P, IMG_A, IMG_B, IMG_UNSIGNED, IMG_TOO_LARGE, IMG_COUNT };

static struct known_image {
	uint8_t data[PAGE * SEC_PAGES];
	size_t len;
	/* SHA-256 of the whole file: what a client sends as "sha" */
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	/* the image hash (SHA256 TLV) the state commands use */
	uint8_t tlv_hash[SMPDFU_SHA256_DIGEST_SIZE];
	bool bootable;
} imgs[IMG_COUNT];

static struct flash_sim flash;
static struct smpdfu_flash_area areas[3];
static const struct smpdfu_flash_area *pri;
static const struct smpdfu_flash_area *sec;

/* What the harness knows about the device between operations. */
struct model {
	int running;         /* enum img */
	bool running_confirmed;
	int confirmed;       /* the last image that ran confirmed */
	uint32_t running_len; /* the bytes of the running image, kept in `running_copy` */
};

static uint8_t running_copy[PAGE * PRI_PAGES];
/* The flash before the boot that tries the revert of an image on trial (flash_sim_save()). */
static uint8_t trial_snapshot[FLASH_SIZE + FLASH_SIZE / WRITE_BLOCK];

static struct model dev;

/* Each client's upload as the harness drives it. */
struct client {
	int img;
	uint32_t off;      /* where the device said to go on */
	bool own_sha;      /* the upload in progress was started with this client's image's sha */
};

static struct client clients[CLIENTS];
static uint8_t seq;
/*
 * The client whose first chunk started or took over the upload in progress, as far as the
 * harness knows it; -1 after anything that may have changed it unseen (raw units, erases,
 * resets, an upload that stopped).
 */
static int owner = -1;

/* Starting states: the flash and the model, made once. */
enum start { S_FACTORY, S_UPLOADED, S_TEST, S_TRIAL, S_CONFIRMED, S_PERM, S_COUNT };

static struct {
	uint8_t *snapshot; /* flash_sim_save(): the contents and each block's programs */
	struct model dev;
} starts[S_COUNT];

/* Answers of the request being processed. */
static struct {
	uint8_t data[8][NETBUF];
	size_t len[8];
	size_t count;
} rsp;

static const struct smpdfu_image_key *trusted;

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	*keys = trusted;
	return FUZZ_KEY_COUNT;
}

static int capture(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *d,
		   size_t len)
{
	struct smpdfu_smp_hdr h;

	(void)tp;
	(void)peer;
	CHECK(rsp.count < 8 && len >= SMP_HDR_SIZE + 2 && len <= NETBUF);
	smpdfu_smp_hdr_decode(d, &h);
	CHECK(h.len == len - SMP_HDR_SIZE);
	CHECK(h.op == SMP_OP_READ_RSP || h.op == SMP_OP_WRITE_RSP);
	CHECK(d[SMP_HDR_SIZE] == 0xbf && d[len - 1] == 0xff);
	memcpy(rsp.data[rsp.count], d, len);
	rsp.len[rsp.count++] = len;
	return 0;
}

static struct smpdfu_smp_transport tp = { .name = "fuzz",
					  .kind = SMP_TRANSPORT_UDP,
					  .send = capture };

/* Hands one unit to the device as client c; returns the number of answers. */
static size_t send_unit(int c, const uint8_t *unit, size_t len)
{
	struct smp_buf *b = smpdfu_smp_buf_alloc();

	CHECK(b != NULL && len <= sizeof(b->data));
	memset(b->peer, 0, sizeof(b->peer));
	b->peer[0] = (uint8_t)c;
	memcpy(b->data, unit, len);
	b->len = len;
	b->tp = &tp;
	rsp.count = 0;
	smpdfu_smp_rx_submit(b);
	CHECK(smpdfu_smp_rx_process_one());
	CHECK(!smpdfu_smp_rx_process_one());
	return rsp.count;
}

/* Sends one request the harness built; returns its answer's body (and its length). */
static const uint8_t *request(int c, uint8_t op, uint16_t group, uint8_t id, uint8_t *pkt,
			      size_t payload_len, size_t *body_len)
{
	struct smpdfu_smp_hdr h = { .op = op,
				    .version = SMP_VERSION_2,
				    .len = (uint16_t)payload_len,
				    .group = group,
				    .seq = seq++,
				    .id = id };
	struct smpdfu_smp_hdr a;

	smpdfu_smp_hdr_encode(&h, pkt);
	if (send_unit(c, pkt, SMP_HDR_SIZE + payload_len) != 1) {
		CHECK(flash.powered_off); /* only a lost device may leave a request unanswered */
		*body_len = 0;
		return NULL;
	}
	smpdfu_smp_hdr_decode(rsp.data[0], &a);
	CHECK(a.op == op + 1 && a.group == group && a.id == id && a.seq == h.seq);
	*body_len = rsp.len[0] - SMP_HDR_SIZE;
	return rsp.data[0] + SMP_HDR_SIZE;
}

/* The known image whose SHA256 TLV is hash, or -1. */
static int image_by_tlv_hash(const uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	for (int i = 0; i < IMG_COUNT; i++) {
		if (memcmp(imgs[i].tlv_hash, hash, SMPDFU_SHA256_DIGEST_SIZE) == 0) {
			return i;
		}
	}
	return -1;
}

static void server_start(uint32_t slot)
{
	fake_port_reset();
	CHECK(smpdfu_flash_map_init(areas, 3) == 0);
	smpdfu_smp_server_init();
	smpdfu_os_mgmt_register(NULL);
	smpdfu_img_mgmt_register();
	smpdfu_boot_set_running_slot(slot);
	memset(clients, 0, sizeof(clients));
	owner = -1;
}

/* Boots until a boot is not cut short; returns what runs (checked valid and signed). */
static int boot_checked(uint32_t *len)
{
	struct smpdfu_image_validation v;
	struct smpdfu_boot_rsp r;
	int rc = smpdfu_boot_go(&r);
	int which;

	if (flash.powered_off) {
		/* The cut came during the boot: power comes back and it starts again. */
		flash_sim_power_on(&flash);
		rc = smpdfu_boot_go(&r);
	}
	CHECK(rc == 0 && r.slot == 0);
	CHECK(flash.count.violations == 0);
	CHECK(smpdfu_image_validate(pri, trusted, FUZZ_KEY_COUNT, &v) == 0);
	which = image_by_tlv_hash(v.hash);
	CHECK(which >= 0 && imgs[which].bootable);
	*len = v.size;
	smpdfu_boot_set_running_slot(0);
	return which;
}

/* A reset: the bootloader's promises about what runs next, then the application starts. */
static void reboot(void)
{
	struct smpdfu_boot_swap_state ss;
	bool pending_test;
	bool pending_perm;
	bool confirmed;
	bool revert;
	int was = dev.running;
	int now;

	if (flash.powered_off) {
		flash_sim_power_on(&flash);
	}
	CHECK(smpdfu_boot_read_swap_state(sec, &ss) == 0);
	pending_perm = ss.magic == SMPDFU_BOOT_MAGIC_GOOD && ss.image_ok == SMPDFU_BOOT_FLAG_SET;
	pending_test = ss.magic == SMPDFU_BOOT_MAGIC_GOOD && !pending_perm;

	now = boot_checked(&dev.running_len);
	flash_sim_power_on(&flash); /* a cut the boot did not reach is dropped with it */
	memcpy(running_copy, flash.mem + pri->off, dev.running_len);
	confirmed = smpdfu_boot_is_img_confirmed();
	revert = !dev.running_confirmed && now == dev.confirmed;
	if (now != was) {
		CHECK(revert || pending_test || pending_perm);
		CHECK(!confirmed || revert || pending_perm);
	}
	if (!confirmed) {
		/* On trial: the next reset must bring the confirmed image back. Tried on a copy. */
		uint32_t len;

		flash_sim_save(&flash, trial_snapshot);
		CHECK(boot_checked(&len) == dev.confirmed && smpdfu_boot_is_img_confirmed());
		flash_sim_restore(&flash, trial_snapshot);
		smpdfu_boot_set_running_slot(0);
	}
	dev.running = now;
	dev.running_confirmed = confirmed;
	if (confirmed) {
		dev.confirmed = now;
	}
	server_start(0);
}

/* After every operation: nothing leaked, the running image untouched, a cut handled. */
static void after_op(void)
{
	CHECK(smpdfu_smp_buf_free_count() == CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	CHECK(flash.count.violations == 0);
	CHECK(memcmp(flash.mem + pri->off, running_copy, dev.running_len) == 0);
	/* A confirm of the running image makes it the one a revert comes back to. */
	if (!flash.powered_off && !dev.running_confirmed && smpdfu_boot_is_img_confirmed()) {
		dev.running_confirmed = true;
		dev.confirmed = dev.running;
	}
	/* Power lost, or the reset timer fired: the device starts again. */
	if (flash.powered_off || fake_reboot_count() != 0) {
		reboot();
	}
}

/* "off" and "match" of an upload answer (error answers have neither). */
static void answer_fields(const uint8_t *body, size_t len, uint64_t *off, bool *has_off,
			  bool *match, bool *has_match)
{
	union cbor_value a[2] = { { .u = 0 }, { .b = false } };
	int found = smpdfu_cbor_decode_map(&(struct cbor_view){ body, len },
					   CBOR_FIELD_UINT("off") CBOR_FIELD_BOOL("match"), a);

	CHECK(found >= 0);
	*off = a[0].u;
	*match = a[1].b;
	*has_off = (found & CBOR_FOUND(0)) != 0;
	*has_match = (found & CBOR_FOUND(1)) != 0;
}

/*
 * One upload chunk of client c's image at the offset the device last gave. chunk_sel: data bytes
 * / 9 (0: as many as fit). flags: 0x01 no sha, 0x02 a length one too long, 0x04 "upgrade", 0x08
 * the offset moved on by chunk_sel, 0x10 image 1, 0x20 another image's sha, 0x40 from offset 0.
 */
static bool upload_chunk(int c, uint8_t chunk_sel, uint8_t flags)
{
	static uint8_t pkt[NETBUF];
	static uint8_t slot_before[PAGE * SEC_PAGES];
	struct client *cl = &clients[c];
	const struct known_image *im = &imgs[cl->img];
	struct cbor_writer w;
	const uint8_t *body;
	size_t body_len;
	uint32_t off = (flags & 0x40) ? 0 : cl->off;
	size_t chunk = chunk_sel == 0 ? NETBUF : (size_t)chunk_sel * 9;
	bool first;
	uint64_t got_off = 0;
	bool intruder;
	bool has_off;
	bool match = false;
	bool has_match;
	size_t pairs;

	if (flags & 0x08) {
		off += (uint32_t)chunk_sel;
	}
	if (off > im->len) {
		off = (uint32_t)im->len;
	}
	first = off == 0;
	/* Room for the keys and values around the data: at most 81 bytes with every option. */
	if (chunk > NETBUF - SMP_HDR_SIZE - 96) {
		chunk = NETBUF - SMP_HDR_SIZE - 96;
	}
	if (chunk > im->len - off) {
		chunk = im->len - off;
	}
	pairs = 2 + (first ? 1 + !(flags & 0x01) : 0) + !!(flags & 0x04) + !!(flags & 0x10);
	smpdfu_cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, pairs);
	if (flags & 0x10) {
		smpdfu_cbor_put_cstr(&w, "image");
		smpdfu_cbor_put_uint(&w, 1);
	}
	smpdfu_cbor_put_cstr(&w, "off");
	smpdfu_cbor_put_uint(&w, off);
	smpdfu_cbor_put_cstr(&w, "data");
	smpdfu_cbor_put_bstr(&w, im->data + off, chunk);
	if (first) {
		const struct known_image *other = &imgs[(cl->img + 1) % IMG_COUNT];
		const uint8_t *sha = (flags & 0x20) ? other->hash : im->hash;

		smpdfu_cbor_put_cstr(&w, "len");
		smpdfu_cbor_put_uint(&w, im->len + !!(flags & 0x02));
		if (!(flags & 0x01)) {
			smpdfu_cbor_put_cstr(&w, "sha");
			smpdfu_cbor_put_bstr(&w, sha, SMPDFU_SHA256_DIGEST_SIZE);
		}
	}
	if (flags & 0x04) {
		smpdfu_cbor_put_cstr(&w, "upgrade");
		smpdfu_cbor_put_bool(&w, true);
	}
	CHECK(!w.overflow);
	/* Another client's upload in progress: this chunk must be refused and write nothing. */
	intruder = !first && owner >= 0 && owner != c && smpdfu_img_mgmt_upload_offset() != 0;
	if (intruder) {
		memcpy(slot_before, flash.mem + sec->off, sec->size);
	}
	body = request(c, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_UPLOAD, pkt, w.len,
		       &body_len);
	if (body == NULL) {
		owner = -1;
		return false;
	}
	answer_fields(body, body_len, &got_off, &has_off, &match, &has_match);
	if (intruder) {
		CHECK(!has_off);
		CHECK(memcmp(slot_before, flash.mem + sec->off, sec->size) == 0);
	}
	if (!has_off) {
		if (smpdfu_img_mgmt_upload_offset() == 0) {
			owner = -1; /* stopped, or never started */
		}
		return false;
	}
	if (first) {
		cl->own_sha = !(flags & 0x23) && !(flags & 0x10);
		owner = c;
	}
	cl->off = (uint32_t)got_off;
	if (has_match && match && cl->own_sha) {
		/* The device hashed the slot and found the sha we gave: the bytes must be ours. */
		CHECK(got_off == im->len);
		CHECK(memcmp(flash.mem + sec->off, im->data, im->len) == 0);
	}
	return !has_match && got_off < im->len;
}

static void state_write(int c, const uint8_t *hash, bool confirm)
{
	static uint8_t pkt[128];
	struct cbor_writer w;
	size_t len;

	smpdfu_cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, hash != NULL ? 2 : 1);
	if (hash != NULL) {
		smpdfu_cbor_put_cstr(&w, "hash");
		smpdfu_cbor_put_bstr(&w, hash, SMPDFU_SHA256_DIGEST_SIZE);
	}
	smpdfu_cbor_put_cstr(&w, "confirm");
	smpdfu_cbor_put_bool(&w, confirm);
	(void)request(c, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, pkt, w.len, &len);
}

/* A state read: slot 0 is listed, active, with the running image's hash. */
static void state_read(int c)
{
	static uint8_t pkt[16];
	const uint8_t *body;
	struct cbor_reader r;
	struct cbor_item it;
	size_t len;
	bool slot0_seen = false;

	pkt[SMP_HDR_SIZE] = 0xa0;
	body = request(c, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, pkt, 1, &len);
	if (body == NULL) {
		return;
	}
	/* {"images": [ {...}, ... ], ...}: the server writes indefinite containers. */
	smpdfu_cbor_reader_init(&r, body, len);
	CHECK(smpdfu_cbor_read(&r, &it) == 0 && it.type == CBOR_TYPE_MAP);
	CHECK(smpdfu_cbor_read(&r, &it) == 0 && it.type == CBOR_TYPE_TSTR &&
	      smpdfu_cbor_view_eq(it.v, "images"));
	CHECK(smpdfu_cbor_read(&r, &it) == 0 && it.type == CBOR_TYPE_ARRAY);
	while (smpdfu_cbor_read(&r, &it) == 0 && it.type == CBOR_TYPE_MAP) {
		uint64_t slot = 99;
		bool active = false;
		struct cbor_view hash = { 0 };

		while (smpdfu_cbor_read(&r, &it) == 0 && it.type == CBOR_TYPE_TSTR) {
			struct cbor_view key = it.v;

			CHECK(smpdfu_cbor_read(&r, &it) == 0);
			if (smpdfu_cbor_view_eq(key, "slot")) {
				slot = it.u;
			} else if (smpdfu_cbor_view_eq(key, "hash")) {
				hash = it.v;
			} else if (smpdfu_cbor_view_eq(key, "active")) {
				active = it.b;
			}
		}
		CHECK(it.type == CBOR_TYPE_BREAK);
		if (slot == 0) {
			CHECK(hash.len == SMPDFU_SHA256_DIGEST_SIZE);
			CHECK(memcmp(hash.ptr, imgs[dev.running].tlv_hash, hash.len) == 0);
			CHECK(active);
			slot0_seen = true;
		}
	}
	CHECK(slot0_seen);
}

static void erase(int c, uint8_t sel)
{
	static uint8_t pkt[32];
	struct cbor_writer w;
	size_t len;

	smpdfu_cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, sel % 4 == 3 ? 0 : 1);
	if (sel % 4 != 3) {
		smpdfu_cbor_put_cstr(&w, "slot");
		smpdfu_cbor_put_uint(&w, sel % 4 == 2 ? sel : sel % 4);
	}
	(void)request(c, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_ERASE, pkt, w.len, &len);
}

static void reset(int c, bool force)
{
	static uint8_t pkt[32];
	struct cbor_writer w;
	size_t len;

	smpdfu_cbor_writer_init(&w, pkt + SMP_HDR_SIZE, sizeof(pkt) - SMP_HDR_SIZE);
	smpdfu_cbor_put_map(&w, force ? 1 : 0);
	if (force) {
		smpdfu_cbor_put_cstr(&w, "force");
		smpdfu_cbor_put_bool(&w, true);
	}
	(void)request(c, SMP_OP_WRITE, MGMT_GROUP_ID_OS, OS_MGMT_ID_RESET, pkt, w.len, &len);
	fake_clock_advance(5000);
}

/* Runs one operation from data[*i]; advances *i past it. */
static void play(const uint8_t *data, size_t size, size_t *i)
{
	uint8_t code = data[(*i)++];
	int c = (code >> 4) & 3;
	uint8_t a = *i < size ? data[*i] : 0;
	uint8_t b = *i + 1 < size ? data[*i + 1] : 0;

	switch ((enum op)((code & 0x0f) % OP_COUNT)) {
	case OP_RAW: {
		size_t len = ((size_t)a << 8 | b) % (NETBUF + 1);

		*i += 2;
		len = *i < size ? (len < size - *i ? len : size - *i) : 0;
		if (len >= 1) {
			(void)send_unit(c, data + *i, len);
			owner = -1;
		}
		*i += len;
		break;
	}
	case OP_UPLOAD:
		*i += 2;
		clients[c].img = (code >> 6) % IMG_COUNT;
		(void)upload_chunk(c, a, b);
		break;
	case OP_UPLOAD_ALL:
		*i += 2;
		clients[c].img = a % IMG_COUNT;
		clients[c].off = 0;
		for (int n = 0; n < 32 && upload_chunk(c, 0, n == 0 ? b : b & ~0x48); n++) {
		}
		break;
	case OP_STATE_WRITE: {
		const uint8_t *hash = NULL;

		*i += 2;
		if (a % 8 < IMG_COUNT) {
			hash = imgs[a % 8].tlv_hash;
		} else if (a % 8 == IMG_COUNT && *i + 32 <= size) {
			hash = data + *i;
			*i += 32;
		}
		state_write(c, hash, b & 1);
		break;
	}
	case OP_STATE_READ:
		state_read(c);
		break;
	case OP_ERASE:
		*i += 1;
		erase(c, a);
		owner = -1;
		break;
	case OP_RESET:
		*i += 1;
		reset(c, a & 1);
		break;
	case OP_POWER_CYCLE:
		reboot();
		break;
	case OP_CUT:
		*i += 2;
		flash_sim_cut_power(&flash, (b & 1) ? FLASH_SIM_CUT_TORN : FLASH_SIM_CUT_CLEAN, a);
		break;
	case OP_TIME:
		*i += 1;
		fake_clock_advance(20u * a);
		break;
	case OP_COUNT:
		break;
	}
	if (*i > size) {
		*i = size;
	}
	after_op();
}

static void make_image(enum img id, const struct fuzz_image_spec *spec, bool bootable)
{
	struct known_image *im = &imgs[id];
	struct sha256_ctx ctx;

	im->len = fuzz_image_make(im->data, sizeof(im->data), spec);
	CHECK(im->len > 0);
	CHECK(smpdfu_crypto_sha256_init(&ctx) == 0 &&
	      smpdfu_crypto_sha256_update(&ctx, im->data, im->len) == 0 &&
	      smpdfu_crypto_sha256_final(&ctx, im->hash) == 0);
	CHECK(fuzz_image_hash(im->data, im->len, im->tlv_hash));
	im->bootable = bootable;
}

static void save_start(enum start s)
{
	starts[s].snapshot = malloc(flash_sim_snapshot_size(&flash));
	CHECK(starts[s].snapshot != NULL);
	flash_sim_save(&flash, starts[s].snapshot);
	starts[s].dev = dev;
}

/*
 * A snapshot, not a reload through the simulator's operations: two copies instead of an erase
 * and a program of every written block, and each block's count of programs as the device left
 * it, so that nothing of the run before carries over.
 */
static void load_start(enum start s)
{
	flash_sim_restore(&flash, starts[s].snapshot);
	flash_sim_power_on(&flash);
	memset(&flash.count, 0, sizeof(flash.count));
	dev = starts[s].dev;
	memcpy(running_copy, flash.mem + pri->off, dev.running_len);
	server_start(0);
}

/*
 * The flash as it is, with a known image (or nothing: IMG_COUNT) in a slot, as a factory
 * programmer would put it there.
 */
static void program_slot(const struct smpdfu_flash_area *fa, enum img id)
{
	static uint8_t stage[FLASH_SIZE];

	memcpy(stage, flash.mem, sizeof(stage));
	memset(stage + fa->off, 0xff, fa->size);
	if (id < IMG_COUNT) {
		memcpy(stage + fa->off, imgs[id].data, imgs[id].len);
	}
	fuzz_flash_load(&flash, stage);
}

static void init_once(void)
{
	const uint32_t sizes[3] = { PAGE, PAGE * PRI_PAGES, PAGE * SEC_PAGES };
	const uint32_t ed = 1u << FUZZ_KEY_ED25519;
	const uint32_t ec = 1u << FUZZ_KEY_ECDSA;
	uint32_t off = 0;

	trusted = fuzz_keys();
	CHECK(flash_sim_open(&flash, NULL, FLASH_SIZE, PAGE, WRITE_BLOCK) == 0);
	CHECK(flash_sim_snapshot_size(&flash) == sizeof(trial_snapshot));
	for (int i = 0; i < 3; i++) {
		areas[i] = (struct smpdfu_flash_area){ .id = (enum smpdfu_flash_area_id)i,
						       .label = "area",
						       .dev = &flash.dev,
						       .off = off,
						       .size = sizes[i] };
		off += sizes[i];
	}
	CHECK(smpdfu_flash_map_init(areas, 3) == 0);
	pri = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	sec = smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_SECONDARY);

	make_image(IMG_P, &(struct fuzz_image_spec){ .ver = { 1, 0, 0, 0 }, .hdr_size = 0x200,
						     .payload_len = 900, .seed = 1, .sign = ed },
		   true);
	make_image(IMG_A, &(struct fuzz_image_spec){ .ver = { 2, 0, 0, 0 }, .hdr_size = 0x200,
						     .payload_len = 1400, .seed = 2,
						     .sec_cnt = true, .sign = ed },
		   true);
	make_image(IMG_B, &(struct fuzz_image_spec){ .ver = { 1, 5, 0, 0 }, .hdr_size = 0x80,
						     .payload_len = 2300, .seed = 3, .sign = ec },
		   true);
	make_image(IMG_UNSIGNED, &(struct fuzz_image_spec){ .ver = { 9, 0, 0, 0 },
							    .hdr_size = 0x200, .payload_len = 1200,
							    .seed = 4 },
		   false);
	/* Fits the slot, not the bootloader's limit (one sector kept free, the trailer). */
	make_image(IMG_TOO_LARGE, &(struct fuzz_image_spec){ .ver = { 3, 0, 0, 0 },
							     .hdr_size = 0x200,
							     .payload_len = 3500, .seed = 5,
							     .sign = ed },
		   false);

	/* The starting states, each made from the one before by what a client or a boot does. */
	program_slot(pri, IMG_P);
	program_slot(sec, IMG_COUNT);
	dev = (struct model){ .running = IMG_P, .running_confirmed = true, .confirmed = IMG_P,
			      .running_len = (uint32_t)imgs[IMG_P].len };
	memcpy(running_copy, imgs[IMG_P].data, imgs[IMG_P].len);
	save_start(S_FACTORY);
	program_slot(sec, IMG_A);
	save_start(S_UPLOADED);
	CHECK(smpdfu_boot_request_upgrade(false) == 0);
	save_start(S_TEST);
	reboot();
	CHECK(dev.running == IMG_A && !dev.running_confirmed);
	save_start(S_TRIAL);
	CHECK(smpdfu_boot_write_img_confirmed() == 0);
	reboot();
	CHECK(dev.running == IMG_A && dev.running_confirmed);
	save_start(S_CONFIRMED);
	load_start(S_FACTORY);
	program_slot(sec, IMG_B);
	CHECK(smpdfu_boot_request_upgrade(true) == 0);
	save_start(S_PERM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	size_t i = 1;

	if (!ready) {
		fuzz_keys_init();
		init_once();
		ready = true;
	}
	if (size < 1) {
		return 0;
	}
	load_start((enum start)(data[0] % S_COUNT));
	while (i < size) {
		play(data, size, &i);
	}
	/* Whatever happened, a last reset finds a device that boots as promised. */
	reboot();
	state_read(0);
	return 0;
}
