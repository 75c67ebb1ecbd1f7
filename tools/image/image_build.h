/* Builds MCUboot images in memory: header, payload, protected and unprotected TLV areas. */
#ifndef IMAGE_BUILD_H
#define IMAGE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/image.h>

struct image_build_opts {
	struct image_version version;
	uint16_t header_size; /* bytes before the payload, >= 32 */
	bool pad_header;      /* prepend header_size bytes instead of overwriting the input's */
	uint32_t flags;
	uint32_t load_addr;   /* with IMAGE_F_ROM_FIXED: the slot address the image is linked for */
	bool has_security_counter;
	uint32_t security_counter;
	uint32_t slot_size;   /* 0: unchecked; else the image must leave room for a trailer */
};

/*
 * Builds the image for `payload` into a new buffer (*out, *out_len; the caller frees it).
 * Returns 0, -EINVAL (bad options, payload does not fit or its header area is not zero without
 * pad_header), -ENOMEM.
 */
int image_build(const struct image_build_opts *opts, const uint8_t *payload, size_t payload_len,
		uint8_t **out, size_t *out_len);

/* Parses "maj[.min[.rev[+build]]]" like imgtool. Returns 0 or -EINVAL. */
int image_parse_version(const char *s, struct image_version *v);

#endif
