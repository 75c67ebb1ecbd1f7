/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dfu_application.zip as the nRF Connect SDK build writes it: the signed application image(s)
 * and a manifest.json that says what each file is, so phone apps and our client can take it.
 */
#ifndef DFU_ZIP_H
#define DFU_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One signed image going into the package. */
struct dfu_zip_image {
	const char *zip_name;  /* entry name, e.g. "app.bin" */
	const uint8_t *data;
	size_t len;
	time_t mtime;          /* the manifest's "modtime" and the entry's date */
	uint32_t load_address; /* the manifest's "load_address" */
};

struct dfu_zip_opts {
	const char *name;  /* "name": the application's name */
	const char *board; /* shared keys of every file entry */
	const char *soc;
	time_t time;       /* "time": when the package was made */
	/*
	 * false: one image for the secondary slot (image_index 0, slots 1/2, version_MCUBOOT).
	 * true: direct-xip, images[0] built for slot 0 and images[1] for slot 1
	 * (version_MCUBOOT+XIP, slot 0/1).
	 */
	bool direct_xip;
};

/* The name NCS gives the second build of a direct-xip application. */
#define DFU_ZIP_SECONDARY_NAME "mcuboot_secondary_app.bin"

/*
 * Renders manifest.json for the images (1, or 2 with direct_xip) into a new string (*json, the
 * caller frees it). The version comes from each image's header. Returns 0, -EINVAL when an image
 * is not an MCUboot image, -ENOMEM.
 */
int dfu_zip_manifest(const struct dfu_zip_opts *o, const struct dfu_zip_image *images,
		     size_t count, char **json);

/*
 * Writes the package to path: the images, then manifest.json, as NCS orders them. Returns 0,
 * dfu_zip_manifest()'s codes, or the -errno of writing.
 */
int dfu_zip_write(const char *path, const struct dfu_zip_opts *o,
		  const struct dfu_zip_image *images, size_t count);

#endif
