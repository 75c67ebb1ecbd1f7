/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 8-byte SMP header as it is on the wire (big-endian), with op and version values, group ids
 * and the base error codes every MCUmgr peer agrees on.
 */
#ifndef SMPDFU_PROT_SMP_HDR_H
#define SMPDFU_PROT_SMP_HDR_H

#include <stddef.h>
#include <stdint.h>

#define SMP_HDR_SIZE 8

/* byte 0: [7:5] reserved, [4:3] version, [2:0] op */
enum smp_op {
	SMP_OP_READ = 0,
	SMP_OP_READ_RSP = 1,
	SMP_OP_WRITE = 2,
	SMP_OP_WRITE_RSP = 3,
};

enum smp_version {
	SMP_VERSION_1 = 0, /* "original" protocol: errors only as a top-level rc */
	SMP_VERSION_2 = 1, /* group errors in an "err" map */
};

struct smpdfu_smp_hdr {
	uint8_t op;      /* 0..7 as received; only 0..3 are defined */
	uint8_t version; /* 0..3 as received */
	uint8_t flags;
	uint16_t len;    /* payload bytes after the header */
	uint16_t group;
	uint8_t seq;
	uint8_t id;
};

enum mgmt_group_id {
	MGMT_GROUP_ID_OS = 0,
	MGMT_GROUP_ID_IMAGE = 1,
	MGMT_GROUP_ID_STAT = 2,
	MGMT_GROUP_ID_SETTINGS = 3,
	MGMT_GROUP_ID_FS = 8,
	MGMT_GROUP_ID_SHELL = 9,
	MGMT_GROUP_ID_ENUM = 10,
	MGMT_GROUP_ID_PERUSER = 64,
};

/* SMP-level result codes (mcumgr_err_t), carried as "rc". */
enum mcumgr_err {
	MGMT_ERR_EOK = 0,
	MGMT_ERR_EUNKNOWN = 1,
	MGMT_ERR_ENOMEM = 2,
	MGMT_ERR_EINVAL = 3,
	MGMT_ERR_ETIMEOUT = 4,
	MGMT_ERR_ENOENT = 5,
	MGMT_ERR_EBADSTATE = 6,
	MGMT_ERR_EMSGSIZE = 7,
	MGMT_ERR_ENOTSUP = 8,
	MGMT_ERR_ECORRUPT = 9,
	MGMT_ERR_EBUSY = 10,
	MGMT_ERR_EACCESSDENIED = 11,
	MGMT_ERR_UNSUPPORTED_TOO_OLD = 12,
	MGMT_ERR_UNSUPPORTED_TOO_NEW = 13,
	MGMT_ERR_EPERUSER = 256,
};

/* Reads a header from at least SMP_HDR_SIZE bytes. */
static inline void smpdfu_smp_hdr_decode(const uint8_t *b, struct smpdfu_smp_hdr *h)
{
	h->op = b[0] & 0x07;
	h->version = (b[0] >> 3) & 0x03;
	h->flags = b[1];
	h->len = (uint16_t)((b[2] << 8) | b[3]);
	h->group = (uint16_t)((b[4] << 8) | b[5]);
	h->seq = b[6];
	h->id = b[7];
}

/* Writes the payload length of the header at b (an answer's, once its payload is written). */
static inline void smpdfu_smp_hdr_set_len(uint8_t *b, uint16_t len)
{
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
}

/* Writes a header into SMP_HDR_SIZE bytes (reserved bits 0). */
static inline void smpdfu_smp_hdr_encode(const struct smpdfu_smp_hdr *h, uint8_t *b)
{
	b[0] = (uint8_t)((h->op & 0x07) | ((h->version & 0x03) << 3));
	b[1] = h->flags;
	smpdfu_smp_hdr_set_len(b, h->len);
	b[4] = (uint8_t)(h->group >> 8);
	b[5] = (uint8_t)h->group;
	b[6] = h->seq;
	b[7] = h->id;
}

#endif /* SMPDFU_PROT_SMP_HDR_H */
