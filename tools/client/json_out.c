/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CBOR to JSON for --json output. Iterative with a fixed stack, so a hostile response cannot make
 * the client recurse; values JSON cannot express (floats, undefined, simple values) become null.
 * A body is converted whole into memory first: one that turns out malformed half-way prints
 * nothing, so stdout never holds half a value.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include <smpdfu/cbor.h>

#include "json_out.h"
#include "utf8.h"

#define JSON_MAX_DEPTH 16

struct json_frame {
	bool is_map;
	bool indefinite;
	uint64_t left;  /* items still to come (keys and values both count in a map) */
	uint64_t index; /* items printed so far */
};

void json_print_string(FILE *f, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;

	fputc('"', f);
	while (len > 0) {
		uint32_t cp = 0;
		bool ok;
		size_t n = utf8_next(p, len, &cp, &ok);

		if (!ok) {
			/* JSON text is UTF-8: what is not becomes U+FFFD, one per bad part. */
			fputs("\\ufffd", f);
		} else if (cp == '"' || cp == '\\') {
			fprintf(f, "\\%c", (char)cp);
		} else if (cp == '\n') {
			fputs("\\n", f);
		} else if (utf8_is_control(cp)) {
			/* JSON needs it for C0 only; --json may go to a terminal, though. */
			fprintf(f, "\\u%04x", (unsigned int)cp);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
		len -= n;
	}
	fputc('"', f);
}

void json_print_hex(FILE *f, const uint8_t *p, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		fprintf(f, "%02x", p[i]);
	}
	fputc('"', f);
}

/* Prints a scalar; keys that are not text are quoted so the output stays valid JSON. */
static void print_scalar(FILE *f, const struct cbor_item *it, bool as_key)
{
	const char *q = as_key ? "\"" : "";

	switch (it->type) {
	case CBOR_TYPE_UINT:
		fprintf(f, "%s%" PRIu64 "%s", q, it->u, q);
		break;
	case CBOR_TYPE_NINT:
		fprintf(f, "%s%" PRId64 "%s", q, it->i, q);
		break;
	case CBOR_TYPE_TSTR:
		json_print_string(f, (const char *)it->v.ptr, it->v.len);
		break;
	case CBOR_TYPE_BSTR:
		json_print_hex(f, it->v.ptr, it->v.len);
		break;
	case CBOR_TYPE_BOOL:
		fprintf(f, "%s%s%s", q, it->b ? "true" : "false", q);
		break;
	default:
		fprintf(f, "%snull%s", q, q);
		break;
	}
}

static bool frame_done(const struct json_frame *fr)
{
	return !fr->indefinite && fr->left == 0;
}

static int cbor_to_json(FILE *f, const uint8_t *buf, size_t len)
{
	struct json_frame stack[JSON_MAX_DEPTH];
	int depth = 0;
	struct cbor_reader r;
	struct cbor_item it;

	if (len == 0) {
		fputs("{}", f);
		return 0;
	}
	smpdfu_cbor_reader_init(&r, buf, len);
	do {
		struct json_frame *top = depth > 0 ? &stack[depth - 1] : NULL;
		bool is_key = top != NULL && top->is_map && top->index % 2 == 0;

		if (smpdfu_cbor_read(&r, &it) < 0) {
			return -EINVAL;
		}
		while (it.type == CBOR_TYPE_TAG) {
			if (smpdfu_cbor_read(&r, &it) < 0) {
				return -EINVAL;
			}
		}
		if (it.type == CBOR_TYPE_BREAK) {
			if (top == NULL || !top->indefinite || (top->is_map && !is_key)) {
				return -EINVAL;
			}
			fputc(top->is_map ? '}' : ']', f);
			depth--;
		} else {
			if (top != NULL) {
				if (is_key && top->index > 0) {
					fputc(',', f);
				} else if (top->is_map && !is_key) {
					fputc(':', f);
				} else if (!top->is_map && top->index > 0) {
					fputc(',', f);
				}
				top->index++;
				top->left -= top->indefinite ? 0 : 1;
			}
			if (it.type == CBOR_TYPE_MAP || it.type == CBOR_TYPE_ARRAY) {
				if (is_key || depth == JSON_MAX_DEPTH) {
					return -EINVAL;
				}
				stack[depth++] = (struct json_frame){
					.is_map = it.type == CBOR_TYPE_MAP,
					.indefinite = it.indefinite,
					.left = it.type == CBOR_TYPE_MAP ? it.u * 2 : it.u,
				};
				fputc(it.type == CBOR_TYPE_MAP ? '{' : '[', f);
			} else {
				print_scalar(f, &it, is_key && it.type != CBOR_TYPE_TSTR &&
							     it.type != CBOR_TYPE_BSTR);
			}
		}
		/* Close every definite container that has just received its last item. */
		while (depth > 0 && frame_done(&stack[depth - 1])) {
			fputc(stack[depth - 1].is_map ? '}' : ']', f);
			depth--;
		}
	} while (depth > 0);
	return 0;
}

int json_print_cbor(FILE *f, const uint8_t *buf, size_t len)
{
	char *text = NULL;
	size_t text_len = 0;
	FILE *mem = open_memstream(&text, &text_len);
	int rc;

	if (mem == NULL) {
		return -ENOMEM;
	}
	rc = cbor_to_json(mem, buf, len);
	if (fclose(mem) != 0 && rc == 0) {
		rc = -ENOMEM;
	}
	if (rc == 0) {
		fwrite(text, 1, text_len, f);
		fputc('\n', f);
	}
	free(text);
	return rc;
}
