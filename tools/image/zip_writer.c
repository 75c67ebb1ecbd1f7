/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ZIP archives of stored entries: a local header and the data per entry, then the central
 * directory and its end record. No compression, so no library: the images inside are random-looking
 * anyway, and every unzip (and Python's zipfile) reads stored entries.
 */
#define _POSIX_C_SOURCE 200809L

#include "zip_writer.h"

#include <errno.h>
#include <string.h>

#define LOCAL_HEADER_SIG 0x04034b50u
#define CENTRAL_HEADER_SIG 0x02014b50u
#define END_OF_CENTRAL_SIG 0x06054b50u
#define LOCAL_HEADER_SIZE 30
#define CENTRAL_HEADER_SIZE 46
#define END_OF_CENTRAL_SIZE 22
/* Version 1.0 is enough to extract stored entries; "made by" says Unix, spec 2.0. */
#define VERSION_NEEDED 10
#define VERSION_MADE_BY ((3u << 8) | 20u)
#define METHOD_STORED 0
/* Unix permissions rw-r--r-- of a regular file, in the high half of the external attributes. */
#define EXTERNAL_ATTR (0100644u << 16)
#define ZIP32_LIMIT 0xffffffffu

uint32_t zip_crc32(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xffffffffu;

	/* Bitwise: archives here are a few hundred kilobytes, a table would buy nothing. */
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return crc ^ 0xffffffffu;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* DOS date and time (2-second resolution, years 1980..2107) of t in local time. */
static void dos_time(time_t t, uint16_t *dtime, uint16_t *ddate)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || tm.tm_year < 80) {
		*dtime = 0;
		*ddate = (1 << 5) | 1; /* 1980-01-01, the earliest a ZIP can say */
		return;
	}
	if (tm.tm_year > 207) {
		tm.tm_year = 207;
	}
	*dtime = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	*ddate = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

/* The fields local and central headers share, from "version needed" to "extra length". */
static void put_common(uint8_t *p, const struct zip_entry *e, uint32_t crc)
{
	uint16_t dtime;
	uint16_t ddate;

	dos_time(e->mtime, &dtime, &ddate);
	put16(p, VERSION_NEEDED);
	put16(p + 2, 0); /* flags: no data descriptor, no encryption */
	put16(p + 4, METHOD_STORED);
	put16(p + 6, dtime);
	put16(p + 8, ddate);
	put32(p + 10, crc);
	put32(p + 14, (uint32_t)e->len); /* compressed size == size: stored */
	put32(p + 18, (uint32_t)e->len);
	put16(p + 22, (uint32_t)strlen(e->name));
	put16(p + 24, 0); /* no extra field */
}

static int put_bytes(FILE *out, const void *p, size_t len)
{
	return fwrite(p, 1, len, out) == len ? 0 : -EIO;
}

int zip_write(FILE *out, const struct zip_entry *entries, size_t count)
{
	uint8_t h[CENTRAL_HEADER_SIZE];
	uint64_t offset = 0;
	uint64_t central_size = 0;
	int rc;

	if (count >= 0xffff) {
		return -EFBIG;
	}
	for (size_t i = 0; i < count; i++) {
		size_t name_len = strlen(entries[i].name);

		if (name_len == 0 || name_len > 0xffff) {
			return -EINVAL;
		}
		offset += LOCAL_HEADER_SIZE + name_len + entries[i].len;
		central_size += CENTRAL_HEADER_SIZE + name_len;
	}
	if (offset + central_size > ZIP32_LIMIT) {
		return -EFBIG;
	}

	offset = 0;
	for (size_t i = 0; i < count; i++) {
		const struct zip_entry *e = &entries[i];

		put32(h, LOCAL_HEADER_SIG);
		put_common(h + 4, e, zip_crc32(e->data, e->len));
		rc = put_bytes(out, h, LOCAL_HEADER_SIZE);
		if (rc == 0) {
			rc = put_bytes(out, e->name, strlen(e->name));
		}
		if (rc == 0) {
			rc = put_bytes(out, e->data, e->len);
		}
		if (rc < 0) {
			return rc;
		}
	}
	for (size_t i = 0; i < count; i++) {
		const struct zip_entry *e = &entries[i];

		put32(h, CENTRAL_HEADER_SIG);
		put16(h + 4, VERSION_MADE_BY);
		put_common(h + 6, e, zip_crc32(e->data, e->len));
		put16(h + 32, 0); /* no comment */
		put16(h + 34, 0); /* disk 0 */
		put16(h + 36, 0); /* internal attributes: binary */
		put32(h + 38, EXTERNAL_ATTR);
		put32(h + 42, (uint32_t)offset);
		rc = put_bytes(out, h, CENTRAL_HEADER_SIZE);
		if (rc == 0) {
			rc = put_bytes(out, e->name, strlen(e->name));
		}
		if (rc < 0) {
			return rc;
		}
		offset += LOCAL_HEADER_SIZE + strlen(e->name) + e->len;
	}
	put32(h, END_OF_CENTRAL_SIG);
	put16(h + 4, 0); /* this disk */
	put16(h + 6, 0); /* disk of the central directory */
	put16(h + 8, (uint32_t)count);
	put16(h + 10, (uint32_t)count);
	put32(h + 12, (uint32_t)central_size);
	put32(h + 16, (uint32_t)offset);
	put16(h + 20, 0); /* no archive comment */
	return put_bytes(out, h, END_OF_CENTRAL_SIZE);
}
