/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Factory programming for the simulated device: like a programmer attached before first boot, it
 * writes an image straight into slot 0, outside of SMP and before any power cut is armed.
 */
#define _POSIX_C_SOURCE 200809L

#include "sim_factory.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <smpdfu/flash.h>
#include <smpdfu/port.h>
#include "log.h"

#define LOG_MODULE "factory"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

int sim_factory_program_slot0(const char *path)
{
	const struct smpdfu_flash_area *slot =
		smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY);
	struct stream_writer sw;
	uint8_t chunk[4096];
	struct stat st;
	FILE *f;
	size_t n;
	int rc;

	if (slot == NULL) {
		return -ENODEV;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = -errno;
		LOG_ERR("cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) != 0) {
		rc = -errno;
		goto out_close;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > slot->size) {
		LOG_ERR("%s has %lld bytes; slot 0 holds %u", path, (long long)st.st_size,
			(unsigned int)slot->size);
		rc = -EFBIG;
		goto out_close;
	}

	/* The whole slot, not just the file's pages: no trailer of an earlier image may survive. */
	rc = smpdfu_flash_area_erase(slot, 0, slot->size);
	if (rc < 0) {
		goto out_flash;
	}
	rc = smpdfu_stream_writer_open(&sw, slot);
	if (rc < 0) {
		goto out_flash;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = smpdfu_stream_writer_write(&sw, chunk, n);
		if (rc < 0) {
			goto out_flash;
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		LOG_ERR("reading %s failed", path);
		goto out_close;
	}
	rc = smpdfu_stream_writer_flush(&sw);
	if (rc < 0) {
		goto out_flash;
	}
	LOG_INF("factory programming: %s (%lld bytes) written to slot 0", path,
		(long long)st.st_size);
	fclose(f);
	return 0;

out_flash:
	LOG_ERR("factory programming of slot 0 failed: flash error %d", rc);
out_close:
	fclose(f);
	return rc;
}
