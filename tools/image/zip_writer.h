/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal ZIP writer: stored (uncompressed) entries, enough for dfu_application.zip. */
#ifndef ZIP_WRITER_H
#define ZIP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct zip_entry {
	const char *name;    /* path inside the archive, ASCII */
	const uint8_t *data;
	size_t len;
	time_t mtime;        /* stored as a DOS date and time, local time like zip tools do */
};

/* CRC-32 as ZIP uses it (reflected polynomial 0xedb88320, initial and final xor 0xffffffff). */
uint32_t zip_crc32(const uint8_t *data, size_t len);

/*
 * Writes a ZIP archive holding the entries in order, each stored, to out. Returns 0, -EFBIG for
 * an archive that would need ZIP64 (4 GiB or 65535 entries), -EINVAL for an empty or overlong
 * name, -EIO on a write error.
 */
int zip_write(FILE *out, const struct zip_entry *entries, size_t count);

#endif
