/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the bytes of an upload come from. The upload engine only sees an image_file: a whole image
 * in memory with its name. Other containers (a dfu_application.zip) plug in here, in
 * image_file_load(), and nowhere else.
 */
#ifndef SMPDFU_CLIENT_IMAGE_FILE_H
#define SMPDFU_CLIENT_IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Larger than any slot we know of; keeps a wrong path (a disk image) from eating memory. */
#define IMAGE_FILE_MAX_SIZE (64u * 1024u * 1024u)

struct image_file {
	uint8_t *data; /* the image to upload; points into the memory image_file_free() releases */
	size_t size;
	/*
	 * A direct-xip dfu_application.zip carries one build per slot (each linked for its slot):
	 * slot_data[s]/slot_size[s] are the build for slot s, NULL/0 otherwise. data/size start as
	 * the slot-1 build (a device running its first image from slot 0 writes slot 1);
	 * image_file_select_slot() picks the right one once the running slot is known.
	 */
	const uint8_t *slot_data[2];
	size_t slot_size[2];
	uint8_t *owned; /* the file's contents */
};

/*
 * Loads the image named by path into memory: a raw MCUboot image (.bin), or a dfu_application.zip
 * as the nRF Connect SDK writes it (stored entries; manifest.json says which file is the
 * application image for the secondary slot, or which two are the direct-xip builds). Returns 0,
 * -EFBIG beyond IMAGE_FILE_MAX_SIZE, -ENOTSUP for a container this build cannot read (a
 * compressed zip entry), -EBADMSG for a broken or unexpected package, -ENOMEM, or the -errno of
 * open/read. Prints the reason for a failure on stderr.
 */
int image_file_load(const char *path, struct image_file *img);

/* True when img came from a direct-xip package (one build per slot). */
bool image_file_has_slot_builds(const struct image_file *img);

/*
 * For a direct-xip package: makes data/size the build linked for `slot`, the slot the upload
 * will write (the one not running, as "image list" shows). Returns 0, or -EINVAL when img has no
 * build for that slot (not a direct-xip package, or slot > 1).
 */
int image_file_select_slot(struct image_file *img, unsigned int slot);

void image_file_free(struct image_file *img);

#endif /* SMPDFU_CLIENT_IMAGE_FILE_H */
