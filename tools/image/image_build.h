/* SPDX-License-Identifier: Apache-2.0 */
/* Builds MCUboot images in memory: header, payload, protected and unprotected TLV areas. */
#ifndef IMAGE_BUILD_H
#define IMAGE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/image.h>

#include "image_trailer.h"
#include "key_pem.h"

#define IMAGE_BUILD_MAX_DEPS 8

/* A DEPENDENCY TLV: image `image_id` must be at least `version`. */
struct image_dependency {
	uint8_t image_id;
	struct smpdfu_image_version version;
};

struct image_build_opts {
	struct smpdfu_image_version version;
	uint16_t header_size; /* bytes before the payload, >= 32 */
	bool pad_header;      /* prepend header_size bytes instead of overwriting the input's */
	uint32_t flags;
	uint32_t load_addr; /* with SMPDFU_IMAGE_F_ROM_FIXED: the slot address the image is linked
			       for */
	bool has_security_counter;
	uint32_t security_counter;
	struct image_dependency deps[IMAGE_BUILD_MAX_DEPS];
	size_t dep_count;
	const struct key_pem *key; /* NULL: hash only; else KEYHASH + signature (private key) */
	uint32_t slot_size;   /* 0: unchecked; else the image must leave room for a trailer */
	struct image_trailer_opts trailer; /* the trailer the slot check leaves room for */
};

/*
 * Builds the image for `payload` into a new buffer (*out, *out_len; the caller frees it), in
 * imgtool's layout and TLV order. Returns 0, -EINVAL (bad options, payload does not fit the slot
 * or its header area is not zero without pad_header), -ENOMEM, -EIO (signing failed).
 */
int image_build(const struct image_build_opts *opts, const uint8_t *payload, size_t payload_len,
		uint8_t **out, size_t *out_len);

/* Parses "maj[.min[.rev[+build]]]" like imgtool (no leading zeros). Returns 0 or -EINVAL. */
int image_parse_version(const char *s, struct smpdfu_image_version *v);

/*
 * Parses imgtool's dependency list, "(id,maj.min.rev+build)" one or more times (blanks and commas
 * between them allowed), into opts->deps. Returns 0, or -EINVAL (also for more than
 * IMAGE_BUILD_MAX_DEPS).
 */
int image_parse_dependencies(const char *s, struct image_build_opts *opts);

#endif
