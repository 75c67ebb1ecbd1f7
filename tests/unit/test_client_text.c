/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the client prints what a device says (tools/client/safe_text.c, json_out.c, utf8.c,
 * cbor_walk.c): for people, printable text as it came and everything a terminal would act on as
 * an escape; with --json, valid UTF-8 JSON, and a whole value or nothing. The test checks with a
 * UTF-8 reader of its own.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/cbor.h>

#include "cbor_walk.h"
#include "json_out.h"
#include "safe_text.h"
#include "util.h"


/* What was printed to a FILE, as a string (freed at the next call). */
struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static void capture_begin(struct capture *c)
{
	free(c->text);
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
}

static const char *capture_end(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->text;
}

static struct capture cap;

static const char *shown(const char *s, size_t len, size_t *width)
{
	size_t w;

	capture_begin(&cap);
	w = safe_text_print(cap.f, s, len);
	if (width != NULL) {
		*width = w;
	}
	return capture_end(&cap);
}

static const char *json_string(const char *s, size_t len)
{
	capture_begin(&cap);
	json_print_string(cap.f, s, len);
	return capture_end(&cap);
}

/*
 * The test's own oracle, independent of utf8.c: the bytes are well-formed UTF-8 (shortest forms,
 * no surrogates, at most U+10FFFF) and hold no character a terminal acts on but the newline.
 */
static bool terminal_safe_utf8(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	const uint8_t *end = p + len;

	while (p < end) {
		uint32_t c = *p++;
		int more = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 :
			   c >= 0xf0 && c <= 0xf4 ? 3 : -1;

		if (more < 0 || end - p < more) {
			return false;
		}
		c &= more == 0 ? 0x7f : more == 1 ? 0x1f : more == 2 ? 0x0f : 0x07;
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80) {
				return false;
			}
			c = c << 6 | (*p & 0x3fu);
		}
		if ((more == 2 && c < 0x800) || (more == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
			return false;
		}
		if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) || c == 0x61c ||
		    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069)) {
			return false;
		}
	}
	return true;
}

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *in;
	size_t in_len;
	const char *out;
	size_t width;
} shown_cases[] = {
	/* Printable text, ASCII or not, is left alone; the width counts characters. */
	{ S("1.2.3+4 (build \"7\") \\o/"), "1.2.3+4 (build \"7\") \\o/", 23 },
	{ S("Grüße, 中文, 🙂, עברית"), "Grüße, 中文, 🙂, עברית", 19 },
	{ S(""), "", 0 },
	/* C0 controls, ESC sequences, DEL. */
	{ S("ok\x1b]0;owned\a\x1b[2J"), "ok\\x1b]0;owned\\x07\\x1b[2J", 25 },
	{ S("a\tb\nc\r"), "a\\tb\\nc\\r", 9 },
	{ S("\0\x7f\x08"), "\\x00\\x7f\\x08", 12 },
	/* C1 controls are characters a terminal may act on (U+009B is a CSI). */
	{ S("\xc2\x9b" "2J\xc2\x85"), "\\u009b2J\\u0085", 14 },
	/* Bidirectional controls and the line separators. */
	{ S("a\xe2\x80\xae" "b\xe2\x81\xa6\xe2\x80\xa8\xd8\x9c"), "a\\u202eb\\u2066\\u2028\\u061c",
	  26 },
	/* A joiner inside an emoji is text. */
	{ S("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"),
	  "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", 3 },
	/* Not UTF-8: raw C1 bytes, overlong forms, surrogates, past U+10FFFF, a cut sequence. */
	{ S("\x9b" "2J"), "\\x9b2J", 6 },
	{ S("\xc0\xaf\xe0\x80\xaf"), "\\xc0\\xaf\\xe0\\x80\\xaf", 20 },
	{ S("\xed\xa0\x80"), "\\xed\\xa0\\x80", 12 },
	{ S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80", 16 },
	{ S("ab\xe4\xb8"), "ab\\xe4\\xb8", 10 },
	{ S("\xff\xfe"), "\\xff\\xfe", 8 },
};

static void text_is_shown_safely(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(shown_cases); i++) {
		size_t width;
		const char *out = shown(shown_cases[i].in, shown_cases[i].in_len, &width);

		if (strcmp(out, shown_cases[i].out) != 0 || width != shown_cases[i].width) {
			fail_msg("case %zu: shown as \"%s\" (width %zu), want \"%s\" (%zu)", i, out,
				 width, shown_cases[i].out, shown_cases[i].width);
		}
	}
}

/* Every string of up to two bytes, and three-byte ones from interesting bytes: always safe. */
static void any_bytes_are_shown_safely(void **state)
{
	static const uint8_t pick[] = { 0x00, 0x07, 0x0a, 0x1b, 0x20, 0x41, 0x5c, 0x7f, 0x80,
					0x85, 0x9b, 0xa0, 0xae, 0xbf, 0xc0, 0xc2, 0xd8, 0xdf,
					0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	char s[3];

	(void)state;
	for (unsigned int a = 0; a < 256; a++) {
		for (unsigned int b = 0; b < 256; b++) {
			s[0] = (char)a;
			s[1] = (char)b;
			for (size_t len = 1; len <= 2; len++) {
				const char *out = shown(s, len, NULL);

				if (!terminal_safe_utf8(out, strlen(out)) ||
				    strchr(out, '\n') != NULL) {
					fail_msg("%02x %02x shown as \"%s\"", a, b, out);
				}
			}
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(pick) * ARRAY_SIZE(pick) * ARRAY_SIZE(pick); i++) {
		const char *out;

		s[0] = (char)pick[i % ARRAY_SIZE(pick)];
		s[1] = (char)pick[i / ARRAY_SIZE(pick) % ARRAY_SIZE(pick)];
		s[2] = (char)pick[i / ARRAY_SIZE(pick) / ARRAY_SIZE(pick)];
		out = shown(s, 3, NULL);
		assert_true(terminal_safe_utf8(out, strlen(out)) && strchr(out, '\n') == NULL);
	}
}

/* Into a buffer: whole characters and escapes only, always terminated. */
static void formatted_text_is_never_cut_inside_an_escape(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(safe_text_format(out, sizeof(out), S("\x1b\x1b\x1b")), 4);
	assert_string_equal(out, "\\x1b");
	assert_int_equal(safe_text_format(out, sizeof(out), S("中中中")), 6);
	assert_string_equal(out, "中中");
	assert_int_equal(safe_text_format(out, sizeof(out), S("ok")), 2);
	assert_string_equal(out, "ok");
	assert_int_equal(safe_text_format(out, 1, S("ok")), 0);
	assert_string_equal(out, "");
	/* config-dfu keeps a reply escaped like this: a well-behaved device's ASCII as it is. */
	assert_int_equal(safe_text_format(out, sizeof(out), S("ok\x7f")), 6);
	assert_string_equal(out, "ok\\x7f");
}

static const struct {
	const char *in;
	size_t in_len;
	const char *out;
} json_cases[] = {
	{ S("Grüße 中文 🙂"), "\"Grüße 中文 🙂\"" },
	{ S("q\"b\\n\n"), "\"q\\\"b\\\\n\\n\"" },
	{ S("\x1b[2J\x7f\xc2\x9b\xe2\x80\xae"), "\"\\u001b[2J\\u007f\\u009b\\u202e\"" },
	/* Not UTF-8: one U+FFFD for each maximal ill-formed part (Unicode's practice). */
	{ S("\xff" "A"), "\"\\ufffdA\"" },
	{ S("\xe4\xb8" "A"), "\"\\ufffdA\"" },
	{ S("\xf0\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\"" },
	{ S("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"" },
	{ S("\xf4\x8f\xbf\xbf\xf4\x90"), "\"\xf4\x8f\xbf\xbf\\ufffd\\ufffd\"" },
	{ S("\xc0\x80"), "\"\\ufffd\\ufffd\"" },
	{ S("a\0b"), "\"a\\u0000b\"" },
};

static void json_strings_are_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(json_cases); i++) {
		const char *out = json_string(json_cases[i].in, json_cases[i].in_len);

		if (strcmp(out, json_cases[i].out) != 0) {
			fail_msg("case %zu: %s, want %s", i, out, json_cases[i].out);
		}
	}
}

/* Every string of up to two bytes gives JSON in UTF-8 without a raw control character. */
static void any_bytes_make_a_utf8_json_string(void **state)
{
	char s[2];

	(void)state;
	for (unsigned int a = 0; a < 256; a++) {
		for (unsigned int b = 0; b < 256; b++) {
			const char *out;

			s[0] = (char)a;
			s[1] = (char)b;
			out = json_string(s, 2);
			if (!terminal_safe_utf8(out, strlen(out))) {
				fail_msg("%02x %02x gave %s", a, b, out);
			}
		}
	}
}

/* The JSON of a CBOR body, or -EINVAL and not a byte printed. */
static int body_json(const uint8_t *body, size_t len, const char **out)
{
	int rc;

	capture_begin(&cap);
	rc = json_print_cbor(cap.f, body, len);
	*out = capture_end(&cap);
	return rc;
}

static void json_body_is_whole_or_nothing(void **state)
{
	/* {"r": 1, {"a": 1}: 2}: the key that is a map shows only after "r" was converted. */
	static const uint8_t map_key[] = { 0xa2, 0x61, 'r', 0x01, 0xa1, 0x61, 'a', 0x01, 0x02 };
	/* {"r": [1, 2, then the body ends. */
	static const uint8_t cut[] = { 0xa1, 0x61, 'r', 0x83, 0x01, 0x02 };
	/* {"r": [1, break]} in a definite array. */
	static const uint8_t stray_break[] = { 0xa1, 0x61, 'r', 0x82, 0x01, 0xff };
	/* 17 nested arrays: deeper than the converter goes. */
	uint8_t deep[18];
	/* {"r": "\xff", "n": [1, {"k": h'00ff'}]} converts whole. */
	static const uint8_t good[] = { 0xa2, 0x61, 'r', 0x61, 0xff, 0x61, 'n', 0x82, 0x01, 0xa1,
					0x61, 'k', 0x42, 0x00, 0xff };
	const char *out;

	(void)state;
	assert_int_equal(body_json(map_key, sizeof(map_key), &out), -EINVAL);
	assert_int_equal(cap.len, 0);
	assert_int_equal(body_json(cut, sizeof(cut), &out), -EINVAL);
	assert_int_equal(cap.len, 0);
	assert_int_equal(body_json(stray_break, sizeof(stray_break), &out), -EINVAL);
	assert_int_equal(cap.len, 0);
	memset(deep, 0x81, sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0x01;
	assert_int_equal(body_json(deep, sizeof(deep), &out), -EINVAL);
	assert_int_equal(cap.len, 0);
	assert_int_equal(body_json(deep + 2, sizeof(deep) - 2, &out), 0);
	assert_string_equal(out, "[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]\n");
	assert_int_equal(body_json(good, sizeof(good), &out), 0);
	assert_string_equal(out, "{\"r\":\"\\ufffd\",\"n\":[1,{\"k\":\"00ff\"}]}\n");
	assert_int_equal(body_json(NULL, 0, &out), 0);
	assert_string_equal(out, "{}\n");
}

/* walk_read_text() keeps whole characters: a cut one is left out, not half printed. */
static void text_cut_to_a_buffer_keeps_whole_characters(void **state)
{
	static const struct {
		const char *text;
		size_t cap;
		const char *kept;
	} cases[] = {
		{ "abc中", 6, "abc" },         /* 2 of its 3 bytes would fit */
		{ "abc中", 5, "abc" },         /* 1 of them */
		{ "abc中", 4, "abc" },         /* none */
		{ "abc中", 7, "abc中" },       /* all */
		{ "ab🙂", 5, "ab" },           /* 2 of 4 */
		{ "a\x80\x80\x80\x80\x80", 5, "a" }, /* not UTF-8: 3 bytes back at most */
		{ "\x80\x80\x80\x80\x80\x80", 6, "\x80\x80" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t body[64];
		struct cbor_writer w;
		struct cbor_reader r;
		char out[16];
		bool found = false;

		smpdfu_cbor_writer_init(&w, body, sizeof(body));
		smpdfu_cbor_put_cstr(&w, cases[i].text);
		smpdfu_cbor_reader_init(&r, body, w.len);
		assert_int_equal(walk_read_text(&r, out, cases[i].cap, &found), 0);
		assert_true(found);
		if (strcmp(out, cases[i].kept) != 0) {
			fail_msg("case %zu: kept \"%s\", want \"%s\"", i, out, cases[i].kept);
		}
	}
}

static int free_capture(void **state)
{
	(void)state;
	free(cap.text);
	cap.text = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_is_shown_safely),
		cmocka_unit_test(any_bytes_are_shown_safely),
		cmocka_unit_test(formatted_text_is_never_cut_inside_an_escape),
		cmocka_unit_test(json_strings_are_utf8),
		cmocka_unit_test(any_bytes_make_a_utf8_json_string),
		cmocka_unit_test(json_body_is_whole_or_nothing),
		cmocka_unit_test(text_cut_to_a_buffer_keeps_whole_characters),
	};

	return cmocka_run_group_tests(tests, NULL, free_capture);
}
