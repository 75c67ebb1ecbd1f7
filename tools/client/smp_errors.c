/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's words for device errors. The numbers are the wire values every MCUmgr peer uses;
 * each error has a general meaning and advice, and a command where it means something more
 * precise (EBUSY on an upload is another client's upload, on a reset an application's veto) says
 * so in the override table. Everything the user reads is here, so one table test covers it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>

#include "safe_text.h"
#include "smp_errors.h"
#include "util.h"

struct err_entry {
	const char *name;
	const char *happened;
	const char *todo;
};

#define ERR_ENTRY(code, happened, todo) [code] = { #code, happened, todo }

#define TODO_RETRY "retry; if it keeps failing, the device's log says more"
#define TODO_PROTOCOL                                                                              \
	"this client and the device disagree on the protocol: please report it, with the "        \
	"output of --verbose"
#define TODO_DAMAGED_SLOT                                                                          \
	"erase the slot (smpdfu image erase) and upload the image again"
#define TODO_FLASH "retry; if it fails again, the device's flash may be failing"

static const struct err_entry mgmt_errs[] = {
	ERR_ENTRY(MGMT_ERR_EOK, "the device reported success with an error code",
		  "nothing: the command worked"),
	ERR_ENTRY(MGMT_ERR_EUNKNOWN, "the device failed without saying why",
		  "an SMP v1 request gets most image errors as this one: run again without "
		  "--smp-v1 for the precise error"),
	ERR_ENTRY(MGMT_ERR_ENOMEM, "the device ran out of buffers or memory",
		  "retry with fewer requests in flight or smaller ones"),
	ERR_ENTRY(MGMT_ERR_EINVAL, "the device could not decode the request or found a value in "
				   "it invalid",
		  "check the command's arguments; if they are right, " TODO_PROTOCOL),
	ERR_ENTRY(MGMT_ERR_ETIMEOUT, "an operation on the device timed out", TODO_RETRY),
	ERR_ENTRY(MGMT_ERR_ENOENT, "the device has no such entry",
		  "check the name or number given"),
	ERR_ENTRY(MGMT_ERR_EBADSTATE, "the device's current state does not allow this command",
		  "run without --smp-v1 to learn which state (v1 answers carry no detail)"),
	ERR_ENTRY(MGMT_ERR_EMSGSIZE, "the answer did not fit the device's buffer",
		  "ask for less at a time"),
	ERR_ENTRY(MGMT_ERR_ENOTSUP, "the device does not have this command",
		  "it was built without it: nothing to do on this device"),
	ERR_ENTRY(MGMT_ERR_ECORRUPT, "the request arrived incomplete",
		  "send smaller packets (the device's params say how large they may be)"),
	ERR_ENTRY(MGMT_ERR_EBUSY, "the device is busy", "retry shortly"),
	ERR_ENTRY(MGMT_ERR_EACCESSDENIED, "an application on the device refused the command",
		  "the device's log says why; retry when the application allows it"),
	ERR_ENTRY(MGMT_ERR_UNSUPPORTED_TOO_OLD, "the device does not speak SMP v1",
		  "run again without --smp-v1"),
	ERR_ENTRY(MGMT_ERR_UNSUPPORTED_TOO_NEW, "the device does not speak SMP v2",
		  "run again with --smp-v1"),
};

static const struct err_entry img_errs[] = {
	ERR_ENTRY(IMG_MGMT_ERR_OK, "the device reported success with an error code",
		  "nothing: the command worked"),
	ERR_ENTRY(IMG_MGMT_ERR_UNKNOWN, "image management failed without saying why", TODO_RETRY),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONFIG_QUERY_FAIL, "the device could not query its flash",
		  TODO_FLASH),
	ERR_ENTRY(IMG_MGMT_ERR_NO_IMAGE, "that slot holds no image",
		  "upload one first (smpdfu image upload)"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_TLVS, "the image in the slot has no TLV area (damaged)",
		  TODO_DAMAGED_SLOT),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_TLV, "the image in the slot has a malformed TLV area",
		  TODO_DAMAGED_SLOT),
	ERR_ENTRY(IMG_MGMT_ERR_TLV_MULTIPLE_HASHES_FOUND,
		  "the image in the slot carries more than one hash", TODO_DAMAGED_SLOT),
	ERR_ENTRY(IMG_MGMT_ERR_TLV_INVALID_SIZE, "a TLV of the image in the slot has a bad size",
		  TODO_DAMAGED_SLOT),
	ERR_ENTRY(IMG_MGMT_ERR_HASH_NOT_FOUND, "no slot holds an image with that hash",
		  "use a hash that 'smpdfu image list' shows (smpdfu-image hash FILE gives a "
		  "file's)"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_FREE_SLOT,
		  "the slot is in use: it runs, is marked for the next boot, or holds the image a "
		  "revert needs",
		  "reset to boot the marked image, or confirm the running one, and try again"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_OPEN_FAILED, "the device could not open the slot's flash",
		  TODO_FLASH),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_READ_FAILED, "reading the device's flash failed", TODO_FLASH),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_WRITE_FAILED, "writing the device's flash failed",
		  TODO_FLASH),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_ERASE_FAILED, "erasing the device's flash failed",
		  TODO_FLASH),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_SLOT, "the device has no such slot",
		  "give slot 0 or 1 (smpdfu image slot-info lists them)"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_FREE_MEMORY, "the device ran out of memory", TODO_RETRY),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONTEXT_ALREADY_SET, "a flash write is already open on the "
							  "device",
		  TODO_RETRY),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONTEXT_NOT_SET, "no flash write is open on the device",
		  "start the upload again"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_AREA_DEVICE_NULL, "the slot has no flash device behind it",
		  "the device is misconfigured: nothing to do from here"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_PAGE_OFFSET, "the offset is not on a flash page boundary",
		  TODO_PROTOCOL),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_OFFSET, "the upload request has no valid offset",
		  TODO_PROTOCOL),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_LENGTH, "the first upload request has no valid length",
		  TODO_PROTOCOL),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_HEADER,
		  "the first chunk is too short to hold an MCUboot image header",
		  "upload with chunks of at least 32 bytes"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC,
		  "the file is not an MCUboot image (no header magic)",
		  "upload a signed image (smpdfu-image sign, or imgtool sign), not the raw binary"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_HASH, "the hash has the wrong length",
		  "give the full 32-byte (64 hex digits) hash that 'smpdfu image list' shows"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_FLASH_ADDRESS,
		  "the image is linked for the other slot (its ROM-fixed address is not this "
		  "slot's)",
		  "upload the build for the slot that is not running (a direct-XIP "
		  "dfu_application.zip holds both)"),
	ERR_ENTRY(IMG_MGMT_ERR_VERSION_GET_FAILED,
		  "the device cannot read its running version to compare (--upgrade)",
		  "upload without --upgrade"),
	ERR_ENTRY(IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER,
		  "the running image is as new as this one or newer (--upgrade)",
		  "upload a newer version, or leave out --upgrade to allow it"),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_ALREADY_PENDING,
		  "another image is already marked for the next boot",
		  "reset to boot it first, or erase it (smpdfu image erase)"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_VECTOR_TABLE, "the image's vector table is invalid",
		  "check that the image was built for this device"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE, "the image is larger than the slot",
		  "check that the image was built for this device (smpdfu image slot-info gives "
		  "the slot size)"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN,
		  "the upload sent more bytes than the length it announced", TODO_PROTOCOL),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_CONFIRMATION_DENIED, "that image may not be confirmed now",
		  "confirm the running image, or test the other one and confirm it once it runs"),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED,
		  "the running image cannot be marked for test",
		  "confirm it instead (smpdfu image confirm)"),
};

static const struct err_entry os_errs[] = {
	ERR_ENTRY(OS_MGMT_ERR_OK, "the device reported success with an error code",
		  "nothing: the command worked"),
	ERR_ENTRY(OS_MGMT_ERR_UNKNOWN, "the OS group failed without saying why", TODO_RETRY),
	ERR_ENTRY(OS_MGMT_ERR_INVALID_FORMAT, "the device does not know a letter of that format",
		  "use the letters s n r v b m p i o, or a for all"),
	ERR_ENTRY(OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER, "the device has no answer to that query",
		  "ask without a query, or for \"mode\""),
	ERR_ENTRY(OS_MGMT_ERR_RTC_NOT_SET, "the device's clock has not been set",
		  "set the clock first"),
	ERR_ENTRY(OS_MGMT_ERR_RTC_COMMAND_FAILED, "the device's clock command failed", TODO_RETRY),
	/* Newer devices use 6; our headers stop at 5, so it is spelled out here. */
	[6] = { "OS_MGMT_ERR_QUERY_RESPONSE_VALUE_NOT_VALID",
		"the answer to the query is not valid", TODO_RETRY },
};


/* A command and an error whose meaning for that command is more precise than the table's. */
struct err_override {
	uint16_t group;
	uint8_t id;
	uint8_t op;
	bool is_group;
	uint16_t err_group;
	int64_t rc;
	const char *happened;
	const char *todo;
};

#define ANY_OP 0xff
#define MGMT(cmd_group, cmd_id, cmd_op, code) cmd_group, cmd_id, cmd_op, false, 0, code
#define IMG(cmd_group, cmd_id, cmd_op, code)                                                      \
	cmd_group, cmd_id, cmd_op, true, MGMT_GROUP_ID_IMAGE, code

#define LOCK_HAPPENED                                                                              \
	"another DFU transport holds the device's DFU lock (on nRF Desktop the config-channel "   \
	"DFU, also while it erases the slot after a boot)"
#define LOCK_TODO "retry when it is done: the lock is given back 5 s after its last activity"

#define G_IMG MGMT_GROUP_ID_IMAGE
#define G_OS MGMT_GROUP_ID_OS

static const struct err_override overrides[] = {
	/* The DFU lock refuses every command that writes DFU flash or reboots. */
	{ MGMT(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, MGMT_ERR_EACCESSDENIED), LOCK_HAPPENED,
	  LOCK_TODO },
	{ MGMT(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, MGMT_ERR_EACCESSDENIED), LOCK_HAPPENED,
	  LOCK_TODO },
	{ MGMT(G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE, MGMT_ERR_EACCESSDENIED), LOCK_HAPPENED,
	  LOCK_TODO },
	{ MGMT(G_OS, OS_MGMT_ID_RESET, SMP_OP_WRITE, MGMT_ERR_EACCESSDENIED), LOCK_HAPPENED,
	  LOCK_TODO },
	/* EBUSY: another client's upload, or an application's veto of a reset. */
	{ MGMT(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, MGMT_ERR_EBUSY),
	  "another client is uploading to this device, and only it may continue that upload",
	  "wait for it to finish, or run this upload again to take it over (the same image "
	  "resumes where it stands)" },
	{ MGMT(G_OS, OS_MGMT_ID_RESET, SMP_OP_WRITE, MGMT_ERR_EBUSY),
	  "an application on the device does not want to be reset now",
	  "retry later, or with 'reset --force' to reset anyway" },
	/* Slots in use, per command. */
	{ IMG(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, IMG_MGMT_ERR_NO_FREE_SLOT),
	  "the slot an upload goes to holds an image marked for the next boot, or the one a "
	  "revert needs",
	  "reset to boot the marked image (and confirm it), or erase that slot, then upload" },
	{ IMG(G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE, IMG_MGMT_ERR_NO_FREE_SLOT),
	  "that slot holds the running image, one marked for the next boot, or the one a revert "
	  "needs",
	  "the running slot is never erased; reset or confirm first to free the other one" },
	{ IMG(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC),
	  "the slot's trailer is damaged, so it cannot be marked",
	  "erase the slot (smpdfu image erase) and upload the image again" },
	{ IMG(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, IMG_MGMT_ERR_UNKNOWN),
	  "the device could not read its boot state", TODO_RETRY },
	/* A device that requires signatures refuses an image without a valid one (so says Kconfig's
	 * BOOT_SIGNATURE_TYPE); other devices answer this only for a damaged TLV area. */
	{ IMG(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, IMG_MGMT_ERR_INVALID_TLV),
	  "the device refuses the uploaded image: it is not signed by a key the device trusts, or "
	  "its TLV area is damaged (the device's console says which)",
	  "sign it with the key the device was built with (smpdfu-image sign --key) and upload it "
	  "again" },
	{ IMG(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, IMG_MGMT_ERR_INVALID_TLV),
	  "the device will not boot that image: it is not signed by a key the device trusts, or "
	  "its TLV area is damaged (the device's console says which)",
	  "upload an image signed with the device's key" },
	/* v1 answers carry one rc for several group errors. */
	{ MGMT(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, MGMT_ERR_EBADSTATE),
	  "the other slot is in use (marked for the next boot, or needed for a revert), or, with "
	  "--upgrade, the running image is as new as this one",
	  "reset (or confirm) to free the slot, or upload a newer version; run without --smp-v1 "
	  "to learn which" },
	{ MGMT(G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE, MGMT_ERR_EBADSTATE),
	  "that slot holds the running image, one marked for the next boot, or the one a revert "
	  "needs",
	  "the running slot is never erased; reset or confirm first to free the other one" },
	{ MGMT(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, MGMT_ERR_EBADSTATE),
	  "another image is already marked for the next boot",
	  "reset to boot it first, or erase it (smpdfu image erase)" },
	/* A command the build lacks. */
	{ MGMT(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, MGMT_ERR_ENOTSUP),
	  "the device cannot mark images: its bootloader runs the higher version by itself "
	  "(direct-XIP without revert)",
	  "just reset after the upload; the newer image boots" },
	{ MGMT(G_IMG, IMG_MGMT_ID_SLOT_INFO, SMP_OP_READ, MGMT_ERR_ENOTSUP),
	  "the device was built without slot info", "use 'smpdfu image list' instead" },
	{ MGMT(G_OS, OS_MGMT_ID_INFO, SMP_OP_READ, MGMT_ERR_ENOTSUP),
	  "the device was built without OS info", "nothing to do on this device" },
	{ MGMT(G_OS, OS_MGMT_ID_BOOTLOADER_INFO, SMP_OP_READ, MGMT_ERR_ENOTSUP),
	  "the device has no bootloader info (it does not run MCUboot, or was built without "
	  "it)",
	  "nothing to do on this device" },
	/* Zephyr answers an unknown bootloader-info query with the plain rc 3. */
	{ MGMT(G_OS, OS_MGMT_ID_BOOTLOADER_INFO, SMP_OP_READ, MGMT_ERR_EINVAL),
	  "the device has no answer to that query, or could not decode it",
	  "ask without a query, or for \"mode\"" },
	{ MGMT(G_OS, OS_MGMT_ID_INFO, SMP_OP_READ, MGMT_ERR_EINVAL),
	  "the device does not know a letter of that format",
	  "use the letters s n r v b m p i o, or a for all" },
	{ MGMT(G_OS, OS_MGMT_ID_ECHO, ANY_OP, MGMT_ERR_EMSGSIZE),
	  "the echo answer would not fit the device's buffer", "send a shorter text" },
	{ MGMT(G_IMG, IMG_MGMT_ID_STATE, SMP_OP_READ, MGMT_ERR_EMSGSIZE),
	  "the image list did not fit the device's buffer",
	  "the device's buffer is too small for its own answer: report it" },
	{ MGMT(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, MGMT_ERR_ECORRUPT),
	  "the upload chunk arrived incomplete",
	  "use smaller chunks (--chunk) or, over serial, check --line-size" },
	{ MGMT(G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, MGMT_ERR_ENOMEM),
	  "the device ran out of buffers for the chunks in flight", "upload with --window 1" },
};

static const struct err_entry *table_of(const struct smpdfu_smp_err *e, size_t *n)
{
	if (!e->is_group) {
		*n = ARRAY_SIZE(mgmt_errs);
		return mgmt_errs;
	}
	switch (e->group) {
	case MGMT_GROUP_ID_OS:
		*n = ARRAY_SIZE(os_errs);
		return os_errs;
	case MGMT_GROUP_ID_IMAGE:
		*n = ARRAY_SIZE(img_errs);
		return img_errs;
	default:
		*n = 0;
		return NULL;
	}
}

static const struct err_entry *lookup(const struct smpdfu_smp_err *e)
{
	size_t n;
	const struct err_entry *tab = table_of(e, &n);

	if (tab == NULL || e->rc < 0 || (uint64_t)e->rc >= n || tab[e->rc].name == NULL) {
		return NULL;
	}
	return &tab[e->rc];
}

const char *smp_cmd_name(const struct smp_cmd *cmd)
{
	static const struct {
		uint16_t group;
		uint8_t id;
		uint8_t op;
		const char *name;
	} names[] = {
		{ G_OS, OS_MGMT_ID_ECHO, ANY_OP, "echo" },
		{ G_OS, OS_MGMT_ID_RESET, SMP_OP_WRITE, "reset" },
		{ G_OS, OS_MGMT_ID_MCUMGR_PARAMS, SMP_OP_READ, "params" },
		{ G_OS, OS_MGMT_ID_INFO, SMP_OP_READ, "os-info" },
		{ G_OS, OS_MGMT_ID_BOOTLOADER_INFO, SMP_OP_READ, "bootloader-info" },
		{ G_IMG, IMG_MGMT_ID_STATE, SMP_OP_READ, "image list" },
		{ G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE, "image test/confirm" },
		{ G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE, "image upload" },
		{ G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE, "image erase" },
		{ G_IMG, IMG_MGMT_ID_SLOT_INFO, SMP_OP_READ, "image slot-info" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].group == cmd->group && names[i].id == cmd->id &&
		    (names[i].op == ANY_OP || names[i].op == cmd->op)) {
			return names[i].name;
		}
	}
	return "request";
}

const char *smp_err_name(const struct smpdfu_smp_err *e, char *buf, size_t cap)
{
	const struct err_entry *entry = lookup(e);

	if (entry != NULL) {
		return entry->name;
	}
	if (!e->is_group && e->rc >= MGMT_ERR_EPERUSER) {
		snprintf(buf, cap, "MGMT_ERR_EPERUSER+%" PRId64, e->rc - MGMT_ERR_EPERUSER);
	} else if (e->is_group) {
		snprintf(buf, cap, "group %u error %" PRId64, (unsigned int)e->group, e->rc);
	} else {
		snprintf(buf, cap, "error %" PRId64, e->rc);
	}
	return buf;
}

struct smp_err_advice smp_err_advise(const struct smp_cmd *cmd, const struct smpdfu_smp_err *e)
{
	const struct err_entry *entry;
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(overrides); i++) {
		const struct err_override *o = &overrides[i];

		if (o->group == cmd->group && o->id == cmd->id &&
		    (o->op == ANY_OP || o->op == cmd->op) && o->is_group == e->is_group &&
		    (!e->is_group || o->err_group == e->group) && o->rc == e->rc) {
			return (struct smp_err_advice){ o->happened, o->todo };
		}
	}
	entry = lookup(e);
	if (entry != NULL) {
		return (struct smp_err_advice){ entry->happened, entry->todo };
	}
	if (!e->is_group && e->rc >= MGMT_ERR_EPERUSER) {
		return (struct smp_err_advice){ "an application on the device returned an error "
						"of its own",
						"the device's documentation or log says what it "
						"means" };
	}
	return (struct smp_err_advice){
		table_of(e, &n) != NULL ? "the device answered with an error code this client "
					  "does not know" :
					  "the device answered with a code of a group this client "
					  "has no table for",
		"the device's log or documentation says what it means"
	};
}

void smp_err_print(FILE *f, const struct smp_cmd *cmd, const struct smpdfu_smp_err *e)
{
	char buf[48];
	struct smp_err_advice a = smp_err_advise(cmd, e);

	fprintf(f, "smpdfu: %s: the device answered %s (%" PRId64 "): %s", smp_cmd_name(cmd),
		smp_err_name(e, buf, sizeof(buf)), e->rc, a.happened);
	if (e->rsn[0] != '\0') {
		fputs(" (device says: \"", f);
		safe_text_print(f, e->rsn, strlen(e->rsn));
		fputs("\")", f);
	}
	fprintf(f, "\nsmpdfu: what to do: %s\n", a.todo);
}
