/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest of dfu_application.zip, key by key in the order NCS's generate_zip.py writes them
 * (shared keys, then the per-file keys of the build, then size, file, modtime; values the build
 * passes as text stay JSON strings, "0x" numbers become integers), indented by four like
 * Python's json.dumps(indent=4).
 */
#define _POSIX_C_SOURCE 200809L

#include "dfu_zip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpdfu/image.h>

#include "zip_writer.h"

/* A growing string for the JSON text. */
struct text {
	char *buf;
	size_t len;
	size_t cap;
	int err;
};

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->err) {
		return;
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->err = -EINVAL;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		char *grown = realloc(t->buf, t->cap * 2 + (size_t)n);

		if (grown == NULL) {
			t->err = -ENOMEM;
			return;
		}
		t->buf = grown;
		t->cap = t->cap * 2 + (size_t)n;
	}
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 passes through. */
static void add_string(struct text *t, const char *s)
{
	add(t, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			add(t, "\\%c", c);
		} else if (c < 0x20) {
			add(t, "\\u%04x", c);
		} else {
			add(t, "%c", c);
		}
	}
	add(t, "\"");
}

/* `"key": "value"` at file-entry depth, with the separator of the previous pair. */
static void add_str_key(struct text *t, const char *key, const char *value)
{
	add(t, ",\n            ");
	add_string(t, key);
	add(t, ": ");
	add_string(t, value);
}

static void add_int_key(struct text *t, const char *key, long long value)
{
	add(t, ",\n            ");
	add_string(t, key);
	add(t, ": %lld", value);
}

/* "maj.min.rev+build", the form of CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION. */
static int image_version_text(const struct dfu_zip_image *img, char *out, size_t cap)
{
	struct smpdfu_image_header hdr;

	if (img->len < SMPDFU_IMAGE_HEADER_SIZE) {
		return -EINVAL;
	}
	smpdfu_image_header_decode(img->data, &hdr);
	if (hdr.magic != SMPDFU_IMAGE_MAGIC) {
		return -EINVAL;
	}
	snprintf(out, cap, "%u.%u.%u+%u", hdr.ver.major, hdr.ver.minor, hdr.ver.revision,
		 (unsigned int)hdr.ver.build_num);
	return 0;
}

static void add_file(struct text *t, const struct dfu_zip_opts *o, const struct dfu_zip_image *img,
		     size_t index, const char *version)
{
	add(t, "%s        {\n            ", index == 0 ? "" : ",\n");
	add_string(t, "type");
	add(t, ": ");
	add_string(t, "application");
	add_str_key(t, "board", o->board);
	add_str_key(t, "soc", o->soc);
	add_int_key(t, "load_address", img->load_address);
	if (o->direct_xip) {
		add_str_key(t, "version_MCUBOOT+XIP", version);
		add_str_key(t, "image_index", "0");
		add_str_key(t, "slot", index == 0 ? "0" : "1");
	} else {
		add_str_key(t, "image_index", "0");
		add_str_key(t, "slot_index_primary", "1");
		add_str_key(t, "slot_index_secondary", "2");
		add_str_key(t, "version_MCUBOOT", version);
	}
	add_int_key(t, "size", (long long)img->len);
	add_str_key(t, "file", img->zip_name);
	add_int_key(t, "modtime", (long long)img->mtime);
	add(t, "\n        }");
}

int dfu_zip_manifest(const struct dfu_zip_opts *o, const struct dfu_zip_image *images,
		     size_t count, char **json)
{
	struct text t = { .buf = malloc(1024), .cap = 1024 };
	char version[SMPDFU_IMAGE_VERSION_STR_MAX + 16];

	if (t.buf == NULL) {
		return -ENOMEM;
	}
	if (count != (o->direct_xip ? 2u : 1u)) {
		free(t.buf);
		return -EINVAL;
	}
	add(&t, "{\n    \"format-version\": 1,\n    \"time\": %lld,\n    \"files\": [\n",
	    (long long)o->time);
	for (size_t i = 0; i < count; i++) {
		if (image_version_text(&images[i], version, sizeof(version)) < 0) {
			free(t.buf);
			return -EINVAL;
		}
		add_file(&t, o, &images[i], i, version);
	}
	add(&t, "\n    ],\n    \"name\": ");
	add_string(&t, o->name);
	add(&t, "\n}");
	if (t.err) {
		free(t.buf);
		return t.err;
	}
	*json = t.buf;
	return 0;
}

int dfu_zip_write(const char *path, const struct dfu_zip_opts *o,
		  const struct dfu_zip_image *images, size_t count)
{
	struct zip_entry entries[3];
	char *json;
	FILE *f;
	int rc = dfu_zip_manifest(o, images, count, &json);

	if (rc < 0) {
		return rc;
	}
	for (size_t i = 0; i < count; i++) {
		entries[i] = (struct zip_entry){ images[i].zip_name, images[i].data, images[i].len,
						 images[i].mtime };
	}
	entries[count] = (struct zip_entry){ "manifest.json", (const uint8_t *)json, strlen(json),
					     o->time };
	f = fopen(path, "wb");
	if (f == NULL) {
		rc = -errno;
		goto out_free;
	}
	rc = zip_write(f, entries, count + 1);
	if (fclose(f) != 0 && rc == 0) {
		rc = -EIO;
	}
	if (rc < 0) {
		remove(path);
	}
out_free:
	free(json);
	return rc;
}
