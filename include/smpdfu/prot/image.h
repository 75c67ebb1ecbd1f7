/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCUboot image format on flash: the 32-byte little-endian header at the start of a slot and
 * the TLV areas after the payload. Values are MCUboot's, so images from imgtool read the same.
 */
#ifndef SMPDFU_PROT_IMAGE_H
#define SMPDFU_PROT_IMAGE_H

#include <stdint.h>

#define IMAGE_MAGIC 0x96f3b83du
#define IMAGE_HEADER_SIZE 32

/* Field offsets in the header (all little-endian). */
#define IMAGE_HDR_OFF_MAGIC 0
#define IMAGE_HDR_OFF_LOAD_ADDR 4
#define IMAGE_HDR_OFF_HDR_SIZE 8
#define IMAGE_HDR_OFF_PROTECT_TLV_SIZE 10
#define IMAGE_HDR_OFF_IMG_SIZE 12
#define IMAGE_HDR_OFF_FLAGS 16
#define IMAGE_HDR_OFF_VER_MAJOR 20
#define IMAGE_HDR_OFF_VER_MINOR 21
#define IMAGE_HDR_OFF_VER_REVISION 22
#define IMAGE_HDR_OFF_VER_BUILD 24

enum image_flags {
	IMAGE_F_PIC = 0x00000001,
	IMAGE_F_ENCRYPTED_AES128 = 0x00000004,
	IMAGE_F_ENCRYPTED_AES256 = 0x00000008,
	IMAGE_F_NON_BOOTABLE = 0x00000010,
	IMAGE_F_RAM_LOAD = 0x00000020,
	IMAGE_F_ROM_FIXED = 0x00000100,
	IMAGE_F_COMPRESSED_LZMA1 = 0x00000200,
	IMAGE_F_COMPRESSED_LZMA2 = 0x00000400,
	IMAGE_F_COMPRESSED_ARM_THUMB = 0x00000800,
};

#define IMAGE_TLV_INFO_MAGIC 0x6907u      /* unprotected area */
#define IMAGE_TLV_PROT_INFO_MAGIC 0x6908u /* protected area */
#define IMAGE_TLV_INFO_SIZE 4             /* u16 magic, u16 total size (including these 4) */
#define IMAGE_TLV_ENTRY_HDR_SIZE 4        /* u16 type, u16 len */

enum image_tlv_type {
	IMAGE_TLV_KEYHASH = 0x01,
	IMAGE_TLV_PUBKEY = 0x02,
	IMAGE_TLV_SHA256 = 0x10,
	IMAGE_TLV_SHA384 = 0x11,
	IMAGE_TLV_SHA512 = 0x12,
	IMAGE_TLV_RSA2048_PSS = 0x20,
	IMAGE_TLV_ECDSA_SIG = 0x22,
	IMAGE_TLV_RSA3072_PSS = 0x23,
	IMAGE_TLV_ED25519 = 0x24,
	IMAGE_TLV_SIG_PURE = 0x25,
	IMAGE_TLV_DEPENDENCY = 0x40,
	IMAGE_TLV_SEC_CNT = 0x50,
	IMAGE_TLV_ANY = 0xffff,
};

#endif /* SMPDFU_PROT_IMAGE_H */
