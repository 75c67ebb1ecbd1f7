/*
 * Error code tables for the messages the client prints. The numbers are the wire values every
 * MCUmgr peer uses; the explanations are ours and aim at what the user can do about it.
 */
#include <inttypes.h>
#include <stdio.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>

#include "smp_errors.h"

struct err_entry {
	const char *name;
	const char *desc;
};

#define ERR_ENTRY(code, text) [code] = { #code, text }

static const struct err_entry mgmt_errs[] = {
	ERR_ENTRY(MGMT_ERR_EOK, "success"),
	ERR_ENTRY(MGMT_ERR_EUNKNOWN,
		  "unspecified failure (v1 devices report most group errors so)"),
	ERR_ENTRY(MGMT_ERR_ENOMEM, "the device ran out of buffers or memory"),
	ERR_ENTRY(MGMT_ERR_EINVAL, "the device could not decode the request or a value is invalid"),
	ERR_ENTRY(MGMT_ERR_ETIMEOUT, "an operation on the device timed out"),
	ERR_ENTRY(MGMT_ERR_ENOENT, "no such entry"),
	ERR_ENTRY(MGMT_ERR_EBADSTATE, "the device's current state does not allow this command"),
	ERR_ENTRY(MGMT_ERR_EMSGSIZE, "the response did not fit the device's buffer"),
	ERR_ENTRY(MGMT_ERR_ENOTSUP, "the device does not support this group, command or operation"),
	ERR_ENTRY(MGMT_ERR_ECORRUPT,
		  "the packet arrived incomplete (larger than the device's buffer?)"),
	ERR_ENTRY(MGMT_ERR_EBUSY, "the device is busy; for reset, retry with --force"),
	ERR_ENTRY(MGMT_ERR_EACCESSDENIED,
		  "the device refused the command (an application hook or lock)"),
	ERR_ENTRY(MGMT_ERR_UNSUPPORTED_TOO_OLD, "the device does not speak SMP v1; drop --smp-v1"),
	ERR_ENTRY(MGMT_ERR_UNSUPPORTED_TOO_NEW, "the device does not speak SMP v2; try --smp-v1"),
};

static const struct err_entry img_errs[] = {
	ERR_ENTRY(IMG_MGMT_ERR_OK, "success"),
	ERR_ENTRY(IMG_MGMT_ERR_UNKNOWN, "unspecified image management failure"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONFIG_QUERY_FAIL,
		  "the device could not query its flash layout"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_IMAGE, "no image in that slot"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_TLVS, "the image has no TLV area"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_TLV, "the image's TLV area is malformed"),
	ERR_ENTRY(IMG_MGMT_ERR_TLV_MULTIPLE_HASHES_FOUND,
		  "the image carries more than one hash TLV"),
	ERR_ENTRY(IMG_MGMT_ERR_TLV_INVALID_SIZE, "a TLV in the image has an invalid size"),
	ERR_ENTRY(IMG_MGMT_ERR_HASH_NOT_FOUND,
		  "no slot holds an image with that hash (use the hash from 'image list')"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_FREE_SLOT,
		  "no slot free for the upload: the other slot is pending or in use; reset first"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_OPEN_FAILED, "the device could not open the flash area"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_READ_FAILED, "reading flash failed on the device"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_WRITE_FAILED, "writing flash failed on the device"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_ERASE_FAILED, "erasing flash failed on the device"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_SLOT, "no such slot"),
	ERR_ENTRY(IMG_MGMT_ERR_NO_FREE_MEMORY, "the device ran out of memory"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONTEXT_ALREADY_SET, "a flash write context is already open"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_CONTEXT_NOT_SET, "no flash write context is open"),
	ERR_ENTRY(IMG_MGMT_ERR_FLASH_AREA_DEVICE_NULL, "the flash area has no device behind it"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_PAGE_OFFSET, "the offset is not on a flash page boundary"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_OFFSET, "the upload request has no valid offset"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_LENGTH,
		  "the first upload request has no valid total length"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_HEADER,
		  "the first chunk is too short to hold an MCUboot image header"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC,
		  "the file is not an MCUboot image (bad magic); sign it with imgtool"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_HASH, "the hash has the wrong length or is missing"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_FLASH_ADDRESS,
		  "the image is linked for another slot (ROM-fixed load address mismatch)"),
	ERR_ENTRY(IMG_MGMT_ERR_VERSION_GET_FAILED, "the device could not read its running version"),
	ERR_ENTRY(IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER,
		  "--upgrade: the running image is as new or newer than this one"),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_ALREADY_PENDING,
		  "another image is already pending for the next boot; reset or confirm first"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_VECTOR_TABLE, "the image's vector table is invalid"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE, "the image is larger than the slot"),
	ERR_ENTRY(IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN,
		  "the upload sent more bytes than the announced length"),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_CONFIRMATION_DENIED,
		  "confirming that slot is not allowed (it belongs to an image not running)"),
	ERR_ENTRY(IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED,
		  "the running image cannot be marked for test; confirm it instead"),
};

static const struct err_entry os_errs[] = {
	ERR_ENTRY(OS_MGMT_ERR_OK, "success"),
	ERR_ENTRY(OS_MGMT_ERR_UNKNOWN, "unspecified OS management failure"),
	ERR_ENTRY(OS_MGMT_ERR_INVALID_FORMAT, "the device does not know a letter of that format"),
	ERR_ENTRY(OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER, "the device has no answer to that query"),
	ERR_ENTRY(OS_MGMT_ERR_RTC_NOT_SET, "the device's clock has not been set"),
	ERR_ENTRY(OS_MGMT_ERR_RTC_COMMAND_FAILED, "the device's clock command failed"),
	/* Newer devices use 6; our headers stop at 5, so it is spelled out here. */
	[6] = { "OS_MGMT_ERR_QUERY_RESPONSE_VALUE_NOT_VALID",
		"the answer to the query is not valid" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct err_entry *err_lookup(const struct err_entry *tab, size_t n, int64_t rc)
{
	if (rc < 0 || (uint64_t)rc >= n || tab[rc].name == NULL) {
		return NULL;
	}
	return &tab[rc];
}

const char *smp_err_name(int64_t rc, char *buf, size_t cap)
{
	const struct err_entry *e = err_lookup(mgmt_errs, COUNT(mgmt_errs), rc);

	if (e != NULL) {
		return e->name;
	}
	if (rc >= MGMT_ERR_EPERUSER) {
		snprintf(buf, cap, "MGMT_ERR_EPERUSER+%" PRId64, rc - MGMT_ERR_EPERUSER);
		return buf;
	}
	return "unknown";
}

const char *smp_err_desc(int64_t rc)
{
	const struct err_entry *e = err_lookup(mgmt_errs, COUNT(mgmt_errs), rc);

	if (e != NULL) {
		return e->desc;
	}
	if (rc >= MGMT_ERR_EPERUSER) {
		return "an application-defined error";
	}
	return "an error code this client does not know";
}

static const struct err_entry *group_table(uint16_t group, size_t *n)
{
	switch (group) {
	case MGMT_GROUP_ID_OS:
		*n = COUNT(os_errs);
		return os_errs;
	case MGMT_GROUP_ID_IMAGE:
		*n = COUNT(img_errs);
		return img_errs;
	default:
		*n = 0;
		return NULL;
	}
}

const char *smp_group_err_name(uint16_t group, int64_t rc, char *buf, size_t cap)
{
	size_t n;
	const struct err_entry *tab = group_table(group, &n);
	const struct err_entry *e = tab != NULL ? err_lookup(tab, n, rc) : NULL;

	if (e != NULL) {
		return e->name;
	}
	snprintf(buf, cap, "group %u error %" PRId64, (unsigned int)group, rc);
	return buf;
}

const char *smp_group_err_desc(uint16_t group, int64_t rc)
{
	size_t n;
	const struct err_entry *tab = group_table(group, &n);
	const struct err_entry *e = tab != NULL ? err_lookup(tab, n, rc) : NULL;

	if (e != NULL) {
		return e->desc;
	}
	return tab != NULL ? "an error code this client does not know" :
			     "a code of a group this client has no table for";
}

void smp_err_print(FILE *f, const struct smp_err *e)
{
	char buf[48];
	const char *name;
	const char *desc;

	if (e->is_group) {
		name = smp_group_err_name(e->group, e->rc, buf, sizeof(buf));
		desc = smp_group_err_desc(e->group, e->rc);
	} else {
		name = smp_err_name(e->rc, buf, sizeof(buf));
		desc = smp_err_desc(e->rc);
	}
	fprintf(f, "smpdfu: device error: %s (%" PRId64 "): %s", name, e->rc, desc);
	if (e->rsn[0] != '\0') {
		fprintf(f, " - device says: \"%s\"", e->rsn);
	}
	fputc('\n', f);
}
