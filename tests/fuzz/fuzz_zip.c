/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzes the client's reader of image files: the input is a file given to "smpdfu image upload",
 * a raw MCUboot image or a dfu_application.zip (central directory, local headers, stored entries,
 * CRC-32, manifest.json with its files[] entries, one build per slot for direct-xip).
 *
 * Checked: no memory error or undefined behaviour; the result is 0 or one of the documented
 * errors; a file that is not a zip is taken whole; an image taken out of a package lies inside
 * the file and starts with the MCUboot magic, and so do both builds of a direct-xip package, which
 * image_file_select_slot() hands out exactly; each is the data of a stored member that the
 * central directory describes with its size and CRC-32 (checked by the harness's own reading of
 * the records, not the reader's); and what was read survives a round trip: packed again by the
 * image tool's own writer (smpdfu-image's dfu_application.zip), it reads back the same.
 */
#define _GNU_SOURCE /* memfd_create */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <smpdfu/prot/image.h>

#include "dfu_zip.h"
#include "fuzz_check.h"
#include "image_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mcuboot_magic[4] = { 0x3d, 0xb8, 0xf3, 0x96 };

static int input_fd;
static char input_path[64];
static char repack_path[64];
static FILE *quiet;

static void init_once(void)
{
	int fd = memfd_create("repack", 0);

	input_fd = memfd_create("input", 0);
	CHECK(input_fd >= 0 && fd >= 0);
	snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
	snprintf(repack_path, sizeof(repack_path), "/proc/self/fd/%d", fd);
	quiet = fopen("/dev/null", "w");
	CHECK(quiet != NULL);
}

/* image_file_load(), its complaints about broken files kept off the fuzzer's log. */
static int load(const char *path, struct image_file *img)
{
	FILE *real = stderr;
	int rc;

	stderr = quiet;
	rc = image_file_load(path, img);
	stderr = real;
	return rc;
}

static bool inside(const uint8_t *p, size_t len, const uint8_t *buf, size_t buf_len)
{
	return p >= buf && len <= buf_len && (size_t)(p - buf) <= buf_len - len;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint32_t crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++) {
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
		}
	}
	return ~crc;
}

/*
 * True when some central directory record in zip[0..size) describes a stored member whose data,
 * behind its local header, is exactly member[0..len), with that CRC-32.
 */
static bool is_member(const uint8_t *zip, size_t size, const uint8_t *member, size_t len)
{
	for (size_t at = 0; at + 46 <= size; at++) {
		const uint8_t *c = zip + at;
		uint64_t local;
		uint64_t data;

		if (get32(c) != 0x02014b50u || get16(c + 10) != 0 || get32(c + 20) != len ||
		    get32(c + 24) != len) {
			continue;
		}
		local = get32(c + 42);
		if (local + 30 > size || get32(zip + local) != 0x04034b50u) {
			continue;
		}
		data = local + 30 + get16(zip + local + 26) + get16(zip + local + 28);
		if (zip + data == member && data + len <= size &&
		    crc32(member, len) == get32(c + 16)) {
			return true;
		}
	}
	return false;
}

static bool is_image(const uint8_t *p, size_t len)
{
	return len >= sizeof(mcuboot_magic) && memcmp(p, mcuboot_magic, 4) == 0;
}

/* Packs what was read with the image tool's writer and reads it back: the same bytes. */
static void round_trip(const struct image_file *img)
{
	const struct dfu_zip_opts opts = { .name = "fuzz", .board = "fuzz", .soc = "fuzz",
					   .direct_xip = image_file_has_slot_builds(img) };
	struct dfu_zip_image parts[2];
	size_t count = opts.direct_xip ? 2 : 1;
	struct image_file back;
	int rc;

	for (size_t s = 0; s < count; s++) {
		parts[s] = (struct dfu_zip_image){
			.zip_name = s == 0 ? "app.signed.bin" : DFU_ZIP_SECONDARY_NAME,
			.data = opts.direct_xip ? img->slot_data[s] : img->data,
			.len = opts.direct_xip ? img->slot_size[s] : img->size,
		};
	}
	rc = dfu_zip_write(repack_path, &opts, parts, count);
	/* The writer needs a whole header for the manifest's version; the reader only the magic. */
	if (rc == -EINVAL && (parts[0].len < SMPDFU_IMAGE_HEADER_SIZE ||
			      parts[count - 1].len < SMPDFU_IMAGE_HEADER_SIZE)) {
		return;
	}
	CHECK(rc == 0);
	CHECK(load(repack_path, &back) == 0);
	CHECK(back.size == parts[count - 1].len &&
	      memcmp(back.data, parts[count - 1].data, back.size) == 0);
	CHECK(image_file_has_slot_builds(&back) == opts.direct_xip);
	if (opts.direct_xip) {
		CHECK(back.slot_size[0] == parts[0].len &&
		      memcmp(back.slot_data[0], parts[0].data, parts[0].len) == 0);
	}
	image_file_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct image_file img;
	bool zip = size >= 4 && memcmp(data, "PK\3\4", 4) == 0;
	int rc;

	if (!ready) {
		init_once();
		ready = true;
	}
	CHECK(ftruncate(input_fd, 0) == 0);
	CHECK(pwrite(input_fd, data, size, 0) == (ssize_t)size);

	rc = load(input_path, &img);
	if (getenv("FUZZ_TRACE") != NULL) {
		fprintf(stderr, "image_file_load: %d, %zu bytes%s\n", rc, rc == 0 ? img.size : 0,
			rc == 0 && image_file_has_slot_builds(&img) ? ", a build per slot" : "");
	}
	CHECK(rc == 0 || rc == -EBADMSG || rc == -ENOTSUP || rc == -EFBIG);
	if (rc < 0) {
		CHECK(img.owned == NULL && img.data == NULL);
		return 0;
	}
	if (!zip) {
		/* Anything else is a raw image, whole, as the device will judge it. */
		CHECK(img.size == size && memcmp(img.data, data, size) == 0);
		CHECK(!image_file_has_slot_builds(&img));
		image_file_free(&img);
		return 0;
	}
	CHECK(inside(img.data, img.size, img.owned, size) && is_image(img.data, img.size));
	CHECK(is_member(img.owned, size, img.data, img.size));
	if (image_file_has_slot_builds(&img)) {
		for (unsigned int s = 0; s < 2; s++) {
			CHECK(inside(img.slot_data[s], img.slot_size[s], img.owned, size));
			CHECK(is_image(img.slot_data[s], img.slot_size[s]));
			CHECK(is_member(img.owned, size, img.slot_data[s], img.slot_size[s]));
			CHECK(image_file_select_slot(&img, s) == 0);
			CHECK(img.data == img.slot_data[s] && img.size == img.slot_size[s]);
		}
	} else {
		CHECK(image_file_select_slot(&img, 1) == -EINVAL);
	}
	CHECK(image_file_select_slot(&img, 2) == -EINVAL);
	round_trip(&img);
	image_file_free(&img);
	return 0;
}
