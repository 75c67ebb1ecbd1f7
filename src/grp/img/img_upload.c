/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image upload (command 1): the one upload state of the device, the first-chunk checks in
 * MCUmgr's order, resume by sha, offset mismatches answered with the expected offset, streaming
 * writes that erase ahead page by page, and the SHA-256 check of a completed image, hashed chunk
 * by chunk as each is written so that the last answer costs what any other does.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <smpdfu/boot.h>
#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>

#include "img_mgmt_priv.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "img"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_IMG_LOG_LEVEL

#define UPLOAD_SHA_MAX SMPDFU_SHA256_DIGEST_SIZE /* Zephyr's limit: a SHA-256 */

/* The upload in progress: RAM only, shared by every transport, lost on reset. */
struct img_upload_state {
	/*
	 * Open (writer.fa set) while an upload is active, and its count of bytes taken
	 * (writer.written) is the upload's offset: every end of an upload clears the whole state.
	 * First, as the member the handler uses most.
	 */
	struct stream_writer writer;
	uint32_t slot;
	uint32_t size;
	uint8_t sha[UPLOAD_SHA_MAX];
	uint8_t sha_len;
	/*
	 * The SHA-256 of the bytes written so far, when the client gave a 32-byte sha to check: it
	 * lives and dies with the upload, so a resume continues it and anything that forgets the
	 * upload (a new image, an erase, another DFU transport taking the lock) forgets it too.
	 */
	bool hashing;
#if CONFIG_IMG_ENABLE_IMAGE_CHECK
	struct sha256_ctx hash;
#endif
	/* The client whose first chunk started or resumed the upload: only it may continue. */
	const struct smpdfu_smp_transport *owner_tp;
	uint8_t owner_peer[SMP_PEER_ADDR_SIZE > 0 ? SMP_PEER_ADDR_SIZE : 1];
};

static struct img_upload_state upload;

/* The image's running hash; without the image check there is none, and nothing hashes. */
static struct sha256_ctx *upload_hash(void)
{
#if CONFIG_IMG_ENABLE_IMAGE_CHECK
	return &upload.hash;
#else
	return NULL;
#endif
}

enum {
	UPLOAD_OFF,
	UPLOAD_LEN,
	UPLOAD_IMAGE,
	UPLOAD_UPGRADE,
	UPLOAD_DATA,
	UPLOAD_SHA,
	UPLOAD_FIELDS
};

/* An upload request's fields: its numbers as Zephyr decodes them, 32 bits (more is refused). */
static const char upload_fields[] = CBOR_FIELD_UINT32("off") CBOR_FIELD_UINT32("len")
	CBOR_FIELD_UINT32("image") CBOR_FIELD_BOOL("upgrade") CBOR_FIELD_BSTR("data")
	CBOR_FIELD_BSTR("sha");

/* One upload request, decoded: its values by name, in the array the decoder fills. */
struct upload_req {
	union {
		union cbor_value f[UPLOAD_FIELDS]; /* by upload_fields */
		struct {
			union cbor_value off, len, image, upgrade, data, sha;
		};
	};
	int found; /* CBOR_FOUND() of each field present */
};

_Static_assert(offsetof(struct upload_req, sha) == UPLOAD_SHA * sizeof(union cbor_value),
	       "the named values are the array's, in the fields' order");

static bool upload_is_active(void)
{
	return upload.writer.fa != NULL;
}

void smpdfu_img_upload_init(void)
{
	memset(&upload, 0, sizeof(upload));
}

void smpdfu_img_mgmt_reset_upload(void)
{
	if (upload_is_active()) {
		LOG_INF("upload progress reset at %u of %u bytes",
			(unsigned int)upload.writer.written, (unsigned int)upload.size);
	}
	smpdfu_img_upload_init();
}

uint32_t smpdfu_img_mgmt_upload_offset(void)
{
	return upload.writer.written;
}

static struct smp_status put_offset(struct smp_request *req, uint32_t off)
{
	smpdfu_smp_put_uint(req->rsp, "off", off);
	return smpdfu_smp_ok();
}

static void notify_status(const struct smp_request *req, enum img_mgmt_id_upload status)
{
	if (CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS) {
		struct smpdfu_mgmt_evt_op_cmd_arg arg = {
			.group = MGMT_GROUP_ID_IMAGE, .id = IMG_MGMT_ID_UPLOAD, .status = status
		};

		(void)req;
		smpdfu_mgmt_callback_notify(MGMT_EVT_OP_CMD_STATUS, &arg, sizeof(arg), NULL, NULL);
	}
}

/* An upload that ends in an error forgets its progress and says so to the status hooks. */
static struct smp_status stop_upload(struct smp_status st)
{
	smpdfu_img_mgmt_reset_upload();
	img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED, NULL, 0);
	return st;
}

/*
 * A write that failed can leave what reads as a whole image (its hash TLV written, not its tail),
 * which direct-XIP would take for the next boot and keep the slot busy with until a reset. Its
 * header magic is zeroed (zeros may go over programmed bytes, <smpdfu/flash.h>) so that it is no
 * image at all; should that fail too, the bootloader still refuses the image. Only an upload whose
 * writer is open writes, and the open writer's area has a write block that fits its buffer. The
 * zeros are that buffer once the upload is forgotten: no block of zeros of their own, in flash or
 * on the stack.
 */
static struct smp_status stop_after_flash_failure(struct smp_status st)
{
	const struct smpdfu_flash_area *fa = upload.writer.fa;

	smpdfu_img_mgmt_reset_upload();
	(void)smpdfu_flash_area_program(fa, 0, upload.writer.buf, fa->dev->write_block);
	img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STOPPED, NULL, 0);
	return st;
}

/*
 * The header of the running image, for its version: false when it cannot be read (nor its slot
 * found: the flash layer refuses a NULL area).
 */
static bool read_running_header(struct smpdfu_image_header *hdr)
{
	return smpdfu_image_read_header(smpdfu_boot_slot_area(smpdfu_img_active_slot()), hdr) >= 0;
}

/* The header checks of a first chunk (off == 0), in MCUmgr's order: 0 or the group error. */
static uint16_t inspect_header(const struct upload_req *r, struct smpdfu_image_header *hdr)
{
	if (r->data.v.len < SMPDFU_IMAGE_HEADER_SIZE) {
		return img_refuse(IMG_MGMT_ERR_INVALID_IMAGE_HEADER, "header malformed");
	}
	if (!(r->found & CBOR_FOUND(UPLOAD_LEN))) {
		return img_refuse(IMG_MGMT_ERR_INVALID_LENGTH, "no length");
	}
	smpdfu_image_header_decode(r->data.v.ptr, hdr);
	if (hdr->magic != SMPDFU_IMAGE_MAGIC) {
		return img_refuse(IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC, "magic mismatch");
	}
	if (r->sha.v.len > UPLOAD_SHA_MAX) {
		return img_refuse(IMG_MGMT_ERR_INVALID_HASH, "sha too long");
	}
	return 0;
}

/*
 * Where a new upload would go, and whether it may: the checks after the resume check, 0 or the
 * group error.
 */
static uint16_t inspect_target(const struct upload_req *r, const struct smpdfu_image_header *hdr,
			       uint32_t *slot)
{
	const struct smpdfu_flash_area *fa;

	/*
	 * "image" is not looked at: a single-image build has one place for an upload, the slot
	 * not running, as in Zephyr, and clients name it (smpmgr upgrade --slot 1 sends 1, the Go
	 * mcumgr image upload -n 1 too). Only a multi-image build, which Kconfig does not offer
	 * here, would choose the pair of slots by it.
	 */
	*slot = smpdfu_img_other_slot(smpdfu_img_active_slot());
	if (smpdfu_img_slot_in_use(*slot)) {
		return img_refuse(IMG_MGMT_ERR_NO_FREE_SLOT, "no slot");
	}
	fa = smpdfu_boot_slot_area(*slot);
	if (fa == NULL) {
		return img_refuse(IMG_MGMT_ERR_FLASH_OPEN_FAILED, "no slot");
	}
	/*
	 * The end of the slot is the bootloader's trailer: an upload that reached it could write a
	 * request (or a revert mark) of its own. The limit is the bootloader's, per mode.
	 */
	if (r->len.u32 > fa->size || r->len.u32 > smpdfu_boot_max_image_size()) {
		return img_refuse(IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE, "img too large");
	}
	if (CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT &&
	    (hdr->flags & SMPDFU_IMAGE_F_ROM_FIXED) && hdr->load_addr != fa->off) {
		return img_refuse(IMG_MGMT_ERR_INVALID_FLASH_ADDRESS, "wrong slot");
	}
	if (r->upgrade.b) {
		struct smpdfu_image_header running;

		if (!read_running_header(&running)) {
			return img_refuse(IMG_MGMT_ERR_VERSION_GET_FAILED, "no running version");
		}
		bool use_build = CONFIG_MCUMGR_GRP_IMG_VERSION_CMP_USE_BUILD_NUMBER;

		if (smpdfu_image_version_cmp(&hdr->ver, &running.ver, use_build) <= 0) {
			return img_refuse(IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER, "downgrade");
		}
	}
	return 0;
}

/* The same transport and the same peer bytes (a missing peer counts as all zeros). */
static bool is_owner(const struct smp_request *req)
{
	static const uint8_t nobody[sizeof(upload.owner_peer)];
	const uint8_t *peer = req->peer != NULL ? req->peer : nobody;

	return req->tp == upload.owner_tp &&
	       memcmp(peer, upload.owner_peer, SMP_PEER_ADDR_SIZE) == 0;
}

static void take_ownership(const struct smp_request *req)
{
	upload.owner_tp = req->tp;
	if (req->peer != NULL) {
		memcpy(upload.owner_peer, req->peer, SMP_PEER_ADDR_SIZE);
	} else {
		memset(upload.owner_peer, 0, SMP_PEER_ADDR_SIZE);
	}
}

/*
 * The same sha as the upload in progress was started with. An empty sha (h''), like an absent
 * one, names no image: as in MCUmgr, only a sha of at least one byte resumes.
 */
static bool is_resume(const struct upload_req *r)
{
	return upload_is_active() && r->sha.v.len > 0 && r->sha.v.len == upload.sha_len &&
	       memcmp(r->sha.v.ptr, upload.sha, r->sha.v.len) == 0;
}

/* The upload check hook: an application may veto a chunk before anything changes. */
static struct smp_status check_chunk(const struct smp_request *req, const struct upload_req *r,
				     uint32_t slot, uint32_t size)
{
	if (!CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK) {
		return smpdfu_smp_ok();
	}

	struct smpdfu_img_mgmt_upload_action action = {
		.size = size,
		.write_bytes = (uint32_t)r->data.v.len,
		.area_id = slot == 0 ? SMPDFU_FLASH_AREA_IMAGE_PRIMARY
				     : SMPDFU_FLASH_AREA_IMAGE_SECONDARY,
		.proceed = true,
		.erase = r->off.u32 == 0,
	};
	struct smpdfu_img_mgmt_upload_req ureq = {
		.image = r->image.u32,
		.off = r->off.u32,
		.size = size,
		.img_data = r->data.v,
		.data_sha = r->sha.v,
		.upgrade = r->upgrade.b,
	};
	struct smpdfu_img_mgmt_upload_check check = {
		.action = &action, .req = &ureq, .transport = req->tp->kind
	};

	return smpdfu_mgmt_callback_check(MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK, &check, sizeof(check));
}

static int start_upload(const struct upload_req *r, uint32_t slot)
{
	const struct smpdfu_flash_area *fa = smpdfu_boot_slot_area(slot);
	uint32_t last_page;
	int rc;

	smpdfu_img_upload_init();
	rc = smpdfu_stream_writer_open(&upload.writer, fa);
	if (rc < 0) {
		return rc;
	}
	last_page = fa->size - fa->dev->page_size;
	/*
	 * A trailer left at the end of the slot by an older image must not describe the new one;
	 * the data pages themselves are erased ahead as the data arrives.
	 */
	if (r->len.u32 <= last_page) {
		rc = smpdfu_flash_area_erase_if_needed(fa, last_page, fa->dev->page_size);
		if (rc < 0) {
			return rc;
		}
	}
	upload.slot = slot;
	upload.size = r->len.u32;
	upload.sha_len = (uint8_t)r->sha.v.len;
	if (r->sha.v.len != 0) { /* no sha: ptr is NULL, and memcpy from NULL is undefined */
		memcpy(upload.sha, r->sha.v.ptr, r->sha.v.len);
	}
	if (CONFIG_IMG_ENABLE_IMAGE_CHECK) { /* else hashing stays false, as initialised */
		upload.hashing = upload.sha_len == SMPDFU_SHA256_DIGEST_SIZE &&
				 smpdfu_crypto_sha256_init(upload_hash()) == 0;
	}
	LOG_INF("upload of %u bytes to slot %u started", (unsigned int)upload.size,
		(unsigned int)slot);
	return 0;
}

/* Adds a written chunk to the image's hash; a failing hash backend means no match. */
static void hash_chunk(const struct cbor_view *data)
{
	if (CONFIG_IMG_ENABLE_IMAGE_CHECK && upload.hashing) {
		upload.hashing =
			smpdfu_crypto_sha256_update(upload_hash(), data->ptr, data->len) == 0;
	}
}

/* The SHA-256 of everything written equals the client's sha? */
static bool image_matches(void)
{
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];

	return CONFIG_IMG_ENABLE_IMAGE_CHECK && upload.hashing &&
	       smpdfu_crypto_sha256_final(upload_hash(), digest) == 0 &&
	       memcmp(digest, upload.sha, SMPDFU_SHA256_DIGEST_SIZE) == 0;
}

/* The image is whole in flash (the writer flushed): check it, forget the upload, answer. */
static struct smp_status finish_upload(struct smp_request *req)
{
	uint32_t size = upload.size;
	bool match;

	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		/* Complete but refused: it stays in the slot, inert, until the next upload. */
		struct smp_status st = smpdfu_img_require_signature(upload.slot);

		if (!smpdfu_smp_status_is_ok(st)) {
			return stop_upload(st);
		}
	}
	match = image_matches();
	LOG_INF("upload complete: %u bytes in slot %u%s", (unsigned int)size,
		(unsigned int)upload.slot,
		CONFIG_IMG_ENABLE_IMAGE_CHECK ? (match ? ", sha matches" : ", SHA MISMATCH") : "");
	smpdfu_img_upload_init();
	img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_PENDING, NULL, 0);
	put_offset(req, size);
	if (CONFIG_IMG_ENABLE_IMAGE_CHECK) {
		smpdfu_cbor_put_cstr(req->rsp, "match");
		smpdfu_cbor_put_bool(req->rsp, match);
	}
	return smpdfu_smp_ok();
}

/*
 * A request that is merely refused (bad header, overrun, missing fields) leaves the upload in
 * progress as it was: one client's mistake must not throw away another's progress. Only a veto or
 * a flash failure stops the upload.
 */
struct smp_status smpdfu_img_upload(struct smp_request *req)
{
	struct upload_req r;
	struct smpdfu_image_header hdr;
	struct smp_status st;
	uint32_t slot = upload.slot;
	uint32_t size = upload.size;
	bool first;
	bool complete;
	uint16_t refusal;
	int rc;

	memset(&r, 0, sizeof(r));
	r.found = smpdfu_cbor_decode_map(&req->payload, upload_fields, r.f);
	if (r.found < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	if (!(r.found & CBOR_FOUND(UPLOAD_OFF))) {
		return img_err(IMG_MGMT_ERR_INVALID_OFFSET, "no offset");
	}

	first = r.off.u32 == 0;
	if (first) {
		refusal = inspect_header(&r, &hdr);
		if (refusal != 0) {
			return img_status(refusal);
		}
		if (is_resume(&r)) {
			/* The same image again: the client (perhaps a new one) resumes here. */
			take_ownership(req);
			LOG_INF("upload resumed at %u", (unsigned int)upload.writer.written);
			notify_status(req, IMG_MGMT_ID_UPLOAD_STATUS_ONGOING);
			return put_offset(req, upload.writer.written);
		}
		refusal = inspect_target(&r, &hdr, &slot);
		if (refusal != 0) {
			return img_status(refusal);
		}
		size = r.len.u32;
	} else if (upload_is_active() && !is_owner(req)) {
		/*
		 * Two clients must never interleave their chunks in one slot: only the client that
		 * started the upload (or took it over with a first chunk) continues it.
		 */
		return smpdfu_smp_err(MGMT_ERR_EBUSY, "another client's upload");
	} else if (r.off.u32 != upload.writer.written) {
		/* Stale, duplicate, out of order, or no upload (off 0): say where we are. */
		return put_offset(req, upload.writer.written);
	}

	/* off is 0 or where the upload is, so within size. */
	if (r.data.v.len > size - r.off.u32) {
		return img_err(IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN, "data overrun");
	}
	st = check_chunk(req, &r, slot, size);
	if (!smpdfu_smp_status_is_ok(st)) {
		LOG_WRN("upload chunk at %u refused by a hook", (unsigned int)r.off.u32);
		return stop_upload(st);
	}
	if (first) {
		rc = start_upload(&r, slot);
		if (rc < 0) {
			return stop_upload(
				smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_ERASE_FAILED));
		}
		take_ownership(req);
		img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_STARTED, NULL, 0);
	}

	rc = smpdfu_stream_writer_write(&upload.writer, r.data.v.ptr, r.data.v.len);
	/* The writer took the chunk: its count, the upload's offset, moved past it. */
	complete = upload.writer.written == upload.size;
	if (rc >= 0 && complete) {
		/* The last chunk: what the writer holds back goes to flash too. */
		rc = smpdfu_stream_writer_flush(&upload.writer);
	}
	if (rc < 0) {
		return stop_after_flash_failure(
			smpdfu_img_errno_status(rc, IMG_MGMT_ERR_FLASH_WRITE_FAILED));
	}
	hash_chunk(&r.data.v);

	if (complete) {
		notify_status(req, IMG_MGMT_ID_UPLOAD_STATUS_COMPLETE);
		return finish_upload(req);
	}
	img_notify(MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK_WRITE_COMPLETE, NULL, 0);
	notify_status(req, first ? IMG_MGMT_ID_UPLOAD_STATUS_START
				 : IMG_MGMT_ID_UPLOAD_STATUS_ONGOING);
	return put_offset(req, upload.writer.written);
}
