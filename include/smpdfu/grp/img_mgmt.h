/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image management group (1): state read/write, upload, erase, slot info, over the flash map's
 * primary and secondary slots. One upload state for the whole device, shared by every transport.
 */
#ifndef SMPDFU_GRP_IMG_MGMT_H
#define SMPDFU_GRP_IMG_MGMT_H

#include <stdbool.h>
#include <stdint.h>

enum img_mgmt_cmd {
	IMG_MGMT_ID_STATE = 0,
	IMG_MGMT_ID_UPLOAD = 1,
	IMG_MGMT_ID_FILE = 2,
	IMG_MGMT_ID_CORELIST = 3,
	IMG_MGMT_ID_CORELOAD = 4,
	IMG_MGMT_ID_ERASE = 5,
	IMG_MGMT_ID_SLOT_INFO = 6,
};

enum img_mgmt_err {
	IMG_MGMT_ERR_OK = 0,
	IMG_MGMT_ERR_UNKNOWN = 1,
	IMG_MGMT_ERR_FLASH_CONFIG_QUERY_FAIL = 2,
	IMG_MGMT_ERR_NO_IMAGE = 3,
	IMG_MGMT_ERR_NO_TLVS = 4,
	IMG_MGMT_ERR_INVALID_TLV = 5,
	IMG_MGMT_ERR_TLV_MULTIPLE_HASHES_FOUND = 6,
	IMG_MGMT_ERR_TLV_INVALID_SIZE = 7,
	IMG_MGMT_ERR_HASH_NOT_FOUND = 8,
	IMG_MGMT_ERR_NO_FREE_SLOT = 9,
	IMG_MGMT_ERR_FLASH_OPEN_FAILED = 10,
	IMG_MGMT_ERR_FLASH_READ_FAILED = 11,
	IMG_MGMT_ERR_FLASH_WRITE_FAILED = 12,
	IMG_MGMT_ERR_FLASH_ERASE_FAILED = 13,
	IMG_MGMT_ERR_INVALID_SLOT = 14,
	IMG_MGMT_ERR_NO_FREE_MEMORY = 15,
	IMG_MGMT_ERR_FLASH_CONTEXT_ALREADY_SET = 16,
	IMG_MGMT_ERR_FLASH_CONTEXT_NOT_SET = 17,
	IMG_MGMT_ERR_FLASH_AREA_DEVICE_NULL = 18,
	IMG_MGMT_ERR_INVALID_PAGE_OFFSET = 19,
	IMG_MGMT_ERR_INVALID_OFFSET = 20,
	IMG_MGMT_ERR_INVALID_LENGTH = 21,
	IMG_MGMT_ERR_INVALID_IMAGE_HEADER = 22,
	IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC = 23,
	IMG_MGMT_ERR_INVALID_HASH = 24,
	IMG_MGMT_ERR_INVALID_FLASH_ADDRESS = 25,
	IMG_MGMT_ERR_VERSION_GET_FAILED = 26,
	IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER = 27,
	IMG_MGMT_ERR_IMAGE_ALREADY_PENDING = 28,
	IMG_MGMT_ERR_INVALID_IMAGE_VECTOR_TABLE = 29,
	IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE = 30,
	IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN = 31,
	IMG_MGMT_ERR_IMAGE_CONFIRMATION_DENIED = 32,
	IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED = 33,
	/* We never emit codes above 33: strict clients (smpclient) reject them. */
};

/* Registers the group. Needs the flash map (primary and secondary slots). */
void smpdfu_img_mgmt_register(void);

/*
 * Forgets the upload in progress: the next chunk at off != 0 gets {"off": 0} and the client must
 * start again (the slot is erased again). Processing context.
 */
void smpdfu_img_mgmt_reset_upload(void);

/* Offset of the upload in progress, 0 when none. */
uint32_t smpdfu_img_mgmt_upload_offset(void);

#endif /* SMPDFU_GRP_IMG_MGMT_H */
