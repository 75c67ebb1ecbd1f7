/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP GATT service as it is on the air: the service and characteristic UUIDs every MCUmgr
 * client looks for, the ATT sizes that bound a write or a notification, and the ATT error codes a
 * GATT write callback answers with when it refuses a fragment.
 */
#ifndef SMPDFU_PROT_SMP_BT_H
#define SMPDFU_PROT_SMP_BT_H

#include <stdint.h>

/* 8D53DC1D-1DB7-4CD3-868B-8A527460AA84, the SMP service. */
#define SMP_BT_SVC_UUID_STR "8D53DC1D-1DB7-4CD3-868B-8A527460AA84"
/* DA2E7828-FBCE-4E01-AE9E-261174997C48: write without response + notify, with a CCCD. */
#define SMP_BT_CHR_UUID_STR "DA2E7828-FBCE-4E01-AE9E-261174997C48"

/* The same UUIDs as 16 bytes in the order ATT carries them (little-endian, last byte first). */
#define SMP_BT_SVC_UUID_LE                                                                         \
	{ 0x84, 0xaa, 0x60, 0x74, 0x52, 0x8a, 0x8b, 0x86,                                          \
	  0xd3, 0x4c, 0xb7, 0x1d, 0x1d, 0xdc, 0x53, 0x8d }
#define SMP_BT_CHR_UUID_LE                                                                         \
	{ 0x48, 0x7c, 0x99, 0x74, 0x11, 0x26, 0x9e, 0xae,                                          \
	  0x01, 0x4e, 0xce, 0xfb, 0x28, 0x78, 0x2e, 0xda }
#define SMP_BT_UUID_SIZE 16

/* An ATT write command or notification spends 3 bytes of the ATT MTU on opcode and handle. */
#define SMP_BT_ATT_HDR_SIZE 3
/* The ATT MTU every LE link starts with, and the largest one ATT allows. */
#define SMP_BT_ATT_MTU_MIN 23
#define SMP_BT_ATT_MTU_MAX 517
/*
 * The smallest notification the transport falls back to when the stack has no buffer for a larger
 * one: the payload of a default-MTU notification (23 - 3).
 */
#define SMP_BT_NOTIFY_MIN 20

/* ATT opcodes the SMP characteristic uses. */
enum smp_bt_att_op {
	SMP_BT_ATT_OP_WRITE_REQ = 0x12,  /* the CCCD write that subscribes */
	SMP_BT_ATT_OP_WRITE_RSP = 0x13,
	SMP_BT_ATT_OP_NOTIFY = 0x1b,
	SMP_BT_ATT_OP_WRITE_CMD = 0x52,  /* write without response: every SMP request fragment */
};

/* What a write of the characteristic is answered with: success or an ATT error code. */
enum smp_bt_att_status {
	SMP_BT_ATT_OK = 0x00,
	SMP_BT_ATT_ERR_INSUFFICIENT_RESOURCES = 0x11,
	SMP_BT_ATT_ERR_VALUE_NOT_ALLOWED = 0x13,
};

/* CCCD value bits. */
#define SMP_BT_CCCD_NOTIFY 0x0001

#endif /* SMPDFU_PROT_SMP_BT_H */
