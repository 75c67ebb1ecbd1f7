/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads an image file for upload, read whole into memory so the upload engine can hash it once and
 * resend any range without touching the file again: a raw MCUboot image (.bin), or the application
 * image out of a dfu_application.zip (stored entries, chosen by the manifest.json NCS writes).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_file.h"
#include "safe_text.h"

#define ZIP_LOCAL_SIG 0x04034b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_END_SIG 0x06054b50u
#define ZIP_LOCAL_SIZE 30
#define ZIP_CENTRAL_SIZE 46
#define ZIP_END_SIZE 22
#define ZIP_MAX_COMMENT 0xffff
#define ZIP_METHOD_STORED 0
#define ZIP_FLAG_ENCRYPTED 0x0001

#define MANIFEST_NAME "manifest.json"
/* NCS packs one to three files (application, network core, Wi-Fi patch); room to spare. */
#define MANIFEST_MAX_FILES 8
#define MANIFEST_MAX_DEPTH 16
#define MANIFEST_TEXT_MAX 256

static const uint8_t mcuboot_magic[4] = { 0x3d, 0xb8, 0xf3, 0x96 };

static bool is_zip_archive(const struct image_file *img)
{
	static const uint8_t zip_magic[4] = { 'P', 'K', 3, 4 };

	return img->size >= sizeof(zip_magic) &&
	       memcmp(img->data, zip_magic, sizeof(zip_magic)) == 0;
}

/* Reads a regular file whole; the size is learnt by reading, so pipes work as well. */
static int read_whole_file(const char *path, struct image_file *img)
{
	size_t cap = 64 * 1024;
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "rb");
	if (f == NULL) {
		return -errno;
	}
	for (;;) {
		size_t n;

		if (buf == NULL || len == cap) {
			uint8_t *grown;

			if (buf != NULL) {
				cap *= 2;
			}
			grown = realloc(buf, cap);
			if (grown == NULL) {
				rc = -ENOMEM;
				goto out_free;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > IMAGE_FILE_MAX_SIZE) {
			rc = -EFBIG;
			goto out_free;
		}
		if (n == 0) {
			break;
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		goto out_free;
	}
	fclose(f);
	img->owned = buf;
	img->data = buf;
	img->size = len;
	return 0;

out_free:
	free(buf);
	fclose(f);
	return rc;
}

/* ---- ZIP: find one stored member ---------------------------------------------------------- */

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint32_t crc32_of(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return crc ^ 0xffffffffu;
}

/* The central directory, as the end record places it inside the archive. */
struct zip_dir {
	const uint8_t *zip;
	size_t len;
	size_t dir_off;
	size_t dir_end;
	uint32_t count;
};

/* Finds the end record (the last one whose comment reaches the end of the file). */
static int zip_open_dir(const uint8_t *zip, size_t len, struct zip_dir *d)
{
	size_t lowest = len > ZIP_END_SIZE + ZIP_MAX_COMMENT ?
			len - ZIP_END_SIZE - ZIP_MAX_COMMENT : 0;

	if (len < ZIP_END_SIZE) {
		return -EBADMSG;
	}
	for (size_t off = len - ZIP_END_SIZE + 1; off-- > lowest;) {
		const uint8_t *e = zip + off;
		uint32_t dir_size;

		if (get32(e) != ZIP_END_SIG || off + ZIP_END_SIZE + get16(e + 20) != len) {
			continue;
		}
		dir_size = get32(e + 12);
		d->dir_off = get32(e + 16);
		/* 0xffff/0xffffffff mean "see the ZIP64 record": more than a package ever needs. */
		if (get16(e + 10) == 0xffff || d->dir_off == 0xffffffffu) {
			return -ENOTSUP;
		}
		if ((uint64_t)d->dir_off + dir_size > off) {
			return -EBADMSG;
		}
		d->zip = zip;
		d->len = len;
		d->dir_end = d->dir_off + dir_size;
		d->count = get16(e + 10);
		return 0;
	}
	return -EBADMSG;
}

/*
 * The data of the member called name, checked: stored (-ENOTSUP when compressed or encrypted),
 * inside the archive and matching its CRC-32 (-EBADMSG), -ENOENT when there is no such member.
 */
static int zip_find(const struct zip_dir *d, const char *name, const uint8_t **data,
		    size_t *size)
{
	size_t name_len = strlen(name);
	size_t pos = d->dir_off;

	for (uint32_t i = 0; i < d->count; i++) {
		const uint8_t *c = d->zip + pos;
		size_t n;
		size_t entry;

		if (pos + ZIP_CENTRAL_SIZE > d->dir_end || get32(c) != ZIP_CENTRAL_SIG) {
			return -EBADMSG;
		}
		n = get16(c + 28);
		entry = ZIP_CENTRAL_SIZE + n + get16(c + 30) + get16(c + 32);
		if (pos + entry > d->dir_end) {
			return -EBADMSG;
		}
		if (n == name_len && memcmp(c + ZIP_CENTRAL_SIZE, name, n) == 0) {
			uint32_t csize = get32(c + 20);
			uint32_t local = get32(c + 42);
			const uint8_t *l = d->zip + local;
			uint64_t start;

			if ((get16(c + 8) & ZIP_FLAG_ENCRYPTED) ||
			    get16(c + 10) != ZIP_METHOD_STORED) {
				return -ENOTSUP;
			}
			if (csize != get32(c + 24) ||
			    (uint64_t)local + ZIP_LOCAL_SIZE > d->dir_off ||
			    get32(l) != ZIP_LOCAL_SIG) {
				return -EBADMSG;
			}
			start = (uint64_t)local + ZIP_LOCAL_SIZE + get16(l + 26) + get16(l + 28);
			if (start + csize > d->dir_off) {
				return -EBADMSG;
			}
			*data = d->zip + start;
			*size = csize;
			return crc32_of(*data, *size) == get32(c + 16) ? 0 : -EBADMSG;
		}
		pos += entry;
	}
	return -ENOENT;
}

/* ---- manifest.json: the files[] entries we need ---------------------------------------------- */

struct manifest_file {
	char file[MANIFEST_TEXT_MAX];
	char image_index[16]; /* "" when absent */
	char slot[16];        /* "" when absent: not a direct-xip build */
};

struct manifest {
	struct manifest_file files[MANIFEST_MAX_FILES];
	size_t count;
};

struct json {
	const char *p;
	const char *end;
};

static void json_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
		j->p++;
	}
}

static bool json_take(struct json *j, char c)
{
	json_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

/*
 * A string at j->p into out (NUL-terminated, cut to cap - 1; out may be NULL). Escapes are
 * decoded; \u escapes outside ASCII become '?' (names we compare are ASCII).
 */
static int json_string(struct json *j, char *out, size_t cap)
{
	size_t n = 0;

	if (!json_take(j, '"')) {
		return -EBADMSG;
	}
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if ((unsigned char)c < 0x20) {
			return -EBADMSG;
		}
		if (c == '\\') {
			if (j->p >= j->end) {
				return -EBADMSG;
			}
			c = *j->p++;
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned int v = 0;

				if (j->end - j->p < 4) {
					return -EBADMSG;
				}
				for (int i = 0; i < 4; i++) {
					char h = *j->p++;

					v <<= 4;
					if (h >= '0' && h <= '9') {
						v |= (unsigned int)(h - '0');
					} else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') {
						v |= (unsigned int)((h | 0x20) - 'a' + 10);
					} else {
						return -EBADMSG;
					}
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			case '"': case '\\': case '/': break;
			default: return -EBADMSG;
			}
		}
		if (out != NULL && n + 1 < cap) {
			out[n++] = c;
		}
	}
	if (!json_take(j, '"')) {
		return -EBADMSG;
	}
	if (out != NULL) {
		out[n] = '\0';
	}
	return 0;
}

/* A number, true, false or null: its text into out (may be NULL). */
static int json_bare(struct json *j, char *out, size_t cap)
{
	const char *start;
	size_t n = 0;

	json_ws(j);
	start = j->p;
	while (j->p < j->end && strchr(",}] \t\r\n", *j->p) == NULL) {
		if (out != NULL && n + 1 < cap) {
			out[n++] = *j->p;
		}
		j->p++;
	}
	if (out != NULL) {
		out[n] = '\0';
	}
	return j->p > start ? 0 : -EBADMSG;
}

/* Skips one value of any kind; nesting is bounded so a hostile file cannot exhaust the stack. */
static int json_skip(struct json *j, int depth)
{
	json_ws(j);
	if (depth > MANIFEST_MAX_DEPTH || j->p >= j->end) {
		return -EBADMSG;
	}
	if (*j->p == '"') {
		return json_string(j, NULL, 0);
	}
	if (*j->p != '{' && *j->p != '[') {
		return json_bare(j, NULL, 0);
	}
	char close = *j->p++ == '{' ? '}' : ']';

	if (json_take(j, close)) {
		return 0;
	}
	do {
		if (close == '}' && (json_string(j, NULL, 0) < 0 || !json_take(j, ':'))) {
			return -EBADMSG;
		}
		if (json_skip(j, depth + 1) < 0) {
			return -EBADMSG;
		}
	} while (json_take(j, ','));
	return json_take(j, close) ? 0 : -EBADMSG;
}

/* A string or bare value as text (NCS writes "image_index": "0"; others may write 0). */
static int json_scalar(struct json *j, char *out, size_t cap)
{
	json_ws(j);
	if (j->p < j->end && *j->p == '"') {
		return json_string(j, out, cap);
	}
	if (j->p < j->end && (*j->p == '{' || *j->p == '[')) {
		return -EBADMSG;
	}
	return json_bare(j, out, cap);
}

static int parse_file_entry(struct json *j, struct manifest_file *f)
{
	char key[64];

	memset(f, 0, sizeof(*f));
	if (!json_take(j, '{')) {
		return -EBADMSG;
	}
	if (json_take(j, '}')) {
		return 0;
	}
	do {
		int rc = json_string(j, key, sizeof(key));

		if (rc < 0 || !json_take(j, ':')) {
			return -EBADMSG;
		}
		if (strcmp(key, "file") == 0) {
			rc = json_scalar(j, f->file, sizeof(f->file));
		} else if (strcmp(key, "image_index") == 0) {
			rc = json_scalar(j, f->image_index, sizeof(f->image_index));
		} else if (strcmp(key, "slot") == 0) {
			rc = json_scalar(j, f->slot, sizeof(f->slot));
		} else {
			rc = json_skip(j, 2);
		}
		if (rc < 0) {
			return rc;
		}
	} while (json_take(j, ','));
	return json_take(j, '}') ? 0 : -EBADMSG;
}

static int parse_manifest(const uint8_t *text, size_t len, struct manifest *m)
{
	struct json j = { (const char *)text, (const char *)text + len };
	char key[64];

	m->count = 0;
	if (!json_take(&j, '{')) {
		return -EBADMSG;
	}
	if (json_take(&j, '}')) {
		return 0;
	}
	do {
		if (json_string(&j, key, sizeof(key)) < 0 || !json_take(&j, ':')) {
			return -EBADMSG;
		}
		if (strcmp(key, "files") != 0) {
			if (json_skip(&j, 1) < 0) {
				return -EBADMSG;
			}
			continue;
		}
		if (!json_take(&j, '[')) {
			return -EBADMSG;
		}
		if (json_take(&j, ']')) {
			continue;
		}
		do {
			if (m->count == MANIFEST_MAX_FILES) {
				return -EBADMSG;
			}
			if (parse_file_entry(&j, &m->files[m->count++]) < 0) {
				return -EBADMSG;
			}
		} while (json_take(&j, ','));
		if (!json_take(&j, ']')) {
			return -EBADMSG;
		}
	} while (json_take(&j, ','));
	return json_take(&j, '}') ? 0 : -EBADMSG;
}

/* ---- Choosing the image out of the package ------------------------------------------------ */

/* Image 0 is the application; other indexes are the network core or a Wi-Fi patch. */
static bool is_application(const struct manifest_file *f)
{
	return f->image_index[0] == '\0' || strcmp(f->image_index, "0") == 0;
}

/* A name out of the package as it may be printed: a hostile manifest may hold escape codes. */
struct shown_name {
	char text[4 * MANIFEST_TEXT_MAX];
};

static const char *shown(struct shown_name *buf, const char *name)
{
	safe_text_format(buf->text, sizeof(buf->text), name, strlen(name));
	return buf->text;
}

static int load_member(const char *path, const struct zip_dir *d, const char *name,
		       const uint8_t **data, size_t *size)
{
	struct shown_name sn;
	int rc = zip_find(d, name, data, size);

	if (rc == -ENOENT) {
		fprintf(stderr, "smpdfu: %s: manifest.json names %s, which the package lacks\n",
			path, shown(&sn, name));
		return -EBADMSG;
	}
	if (rc == -ENOTSUP) {
		fprintf(stderr, "smpdfu: %s: %s is compressed or encrypted; only stored entries "
				"are read (as NCS writes them)\n", path, shown(&sn, name));
		return rc;
	}
	if (rc < 0) {
		fprintf(stderr, "smpdfu: %s: %s is damaged (bad offsets or CRC)\n", path,
			shown(&sn, name));
		return rc;
	}
	if (*size < sizeof(mcuboot_magic) || memcmp(*data, mcuboot_magic, 4) != 0) {
		fprintf(stderr, "smpdfu: %s: %s is not an MCUboot image\n", path,
			shown(&sn, name));
		return -EBADMSG;
	}
	return 0;
}

/* The direct-xip form: one application build per slot, "slot" "0" and "1". */
static int load_slot_builds(const char *path, const struct zip_dir *d, const struct manifest *m,
			    struct image_file *img)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct manifest_file *f = &m->files[i];
		unsigned int s;
		int rc;

		if (!is_application(f)) {
			continue;
		}
		if (strcmp(f->slot, "0") != 0 && strcmp(f->slot, "1") != 0) {
			struct shown_name file;
			struct shown_name slot;

			fprintf(stderr, "smpdfu: %s: application file %s has slot '%s'\n", path,
				shown(&file, f->file), shown(&slot, f->slot));
			return -EBADMSG;
		}
		s = (unsigned int)(f->slot[0] - '0');
		if (img->slot_data[s] != NULL) {
			fprintf(stderr, "smpdfu: %s: two builds for slot %u\n", path, s);
			return -EBADMSG;
		}
		rc = load_member(path, d, f->file, &img->slot_data[s], &img->slot_size[s]);
		if (rc < 0) {
			return rc;
		}
	}
	if (img->slot_data[0] == NULL || img->slot_data[1] == NULL) {
		fprintf(stderr, "smpdfu: %s: a direct-xip package needs a build for slot 0 and one "
				"for slot 1\n", path);
		return -EBADMSG;
	}
	img->data = (uint8_t *)img->slot_data[1];
	img->size = img->slot_size[1];
	return 0;
}

static int load_from_package(const char *path, struct image_file *img)
{
	struct manifest *m = malloc(sizeof(*m));
	const struct manifest_file *app = NULL;
	const uint8_t *text;
	struct zip_dir d;
	size_t text_len;
	bool per_slot = false;
	int rc;

	if (m == NULL) {
		return -ENOMEM;
	}
	rc = zip_open_dir(img->owned, img->size, &d);
	if (rc < 0) {
		fprintf(stderr, "smpdfu: %s: %s\n", path,
			rc == -ENOTSUP ? "ZIP64 archives are not read" :
					 "not a readable zip archive");
		goto out;
	}
	rc = zip_find(&d, MANIFEST_NAME, &text, &text_len);
	if (rc < 0 || parse_manifest(text, text_len, m) < 0) {
		fprintf(stderr, "smpdfu: %s: no readable manifest.json: "
				"not a dfu_application.zip?\n", path);
		rc = rc == -ENOTSUP ? rc : -EBADMSG;
		goto out;
	}
	for (size_t i = 0; i < m->count; i++) {
		if (!is_application(&m->files[i])) {
			continue;
		}
		per_slot = per_slot || m->files[i].slot[0] != '\0';
		if (app != NULL && !per_slot) {
			fprintf(stderr, "smpdfu: %s: more than one application image\n", path);
			rc = -EBADMSG;
			goto out;
		}
		app = &m->files[i];
	}
	if (app == NULL) {
		fprintf(stderr, "smpdfu: %s: manifest.json lists no application image\n", path);
		rc = -EBADMSG;
		goto out;
	}
	if (per_slot) {
		rc = load_slot_builds(path, &d, m, img);
	} else {
		const uint8_t *data;

		rc = load_member(path, &d, app->file, &data, &img->size);
		img->data = (uint8_t *)data; /* into img->owned, which is ours to hand out */
	}
out:
	free(m);
	return rc;
}

int image_file_load(const char *path, struct image_file *img)
{
	int rc;

	memset(img, 0, sizeof(*img));
	rc = read_whole_file(path, img);
	if (rc == -EFBIG) {
		fprintf(stderr, "smpdfu: %s: larger than %u bytes, not an image\n", path,
			IMAGE_FILE_MAX_SIZE);
		return rc;
	}
	if (rc < 0) {
		fprintf(stderr, "smpdfu: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	if (is_zip_archive(img)) {
		rc = load_from_package(path, img);
		if (rc < 0) {
			image_file_free(img);
			return rc;
		}
	}
	return 0;
}

bool image_file_has_slot_builds(const struct image_file *img)
{
	return img->slot_data[0] != NULL && img->slot_data[1] != NULL;
}

int image_file_select_slot(struct image_file *img, unsigned int slot)
{
	if (slot > 1 || !image_file_has_slot_builds(img)) {
		return -EINVAL;
	}
	img->data = (uint8_t *)img->slot_data[slot];
	img->size = img->slot_size[slot];
	return 0;
}

void image_file_free(struct image_file *img)
{
	free(img->owned);
	memset(img, 0, sizeof(*img));
}
