/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminal-safe printing of text from outside. Escapes are those of C, so a user reading "\x1b[2J"
 * in a version string knows at once what the device sent.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "safe_text.h"
#include "utf8.h"

/* The longest form of one step (an ill-formed part of 3 bytes, each as \xHH), NUL aside. */
#define FORM_MAX 12

/*
 * Reads one character (or ill-formed part) of p[0..len) and writes how it is shown to form.
 * Returns the input bytes taken; *form_len is the form's length, *raw whether it is the input.
 */
static size_t next_form(const uint8_t *p, size_t len, char form[FORM_MAX + 1], size_t *form_len,
			bool *raw)
{
	uint32_t cp = 0;
	bool ok;
	size_t n = utf8_next(p, len, &cp, &ok);

	*raw = false;
	if (!ok) {
		*form_len = 0;
		for (size_t i = 0; i < n; i++) {
			*form_len += (size_t)snprintf(form + *form_len, FORM_MAX + 1 - *form_len,
						      "\\x%02x", p[i]);
		}
	} else if (cp == '\t' || cp == '\n' || cp == '\r') {
		form[0] = '\\';
		form[1] = cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r';
		*form_len = 2;
	} else if (cp < 0x80 && utf8_is_control(cp)) {
		*form_len = (size_t)snprintf(form, FORM_MAX, "\\x%02x", (unsigned int)cp);
	} else if (utf8_is_control(cp)) {
		*form_len = (size_t)snprintf(form, FORM_MAX, "\\u%04x", (unsigned int)cp);
	} else {
		memcpy(form, p, n);
		*form_len = n;
		*raw = true;
	}
	return n;
}

size_t safe_text_print(FILE *f, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t shown = 0;

	while (len > 0) {
		char form[FORM_MAX + 1];
		size_t form_len;
		bool raw;
		size_t n = next_form(p, len, form, &form_len, &raw);

		fwrite(form, 1, form_len, f);
		shown += raw ? 1 : form_len;
		p += n;
		len -= n;
	}
	return shown;
}

size_t safe_text_format(char *out, size_t cap, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t used = 0;

	while (len > 0) {
		char form[FORM_MAX + 1];
		size_t form_len;
		bool raw;
		size_t n = next_form(p, len, form, &form_len, &raw);

		if (used + form_len >= cap) {
			break;
		}
		memcpy(out + used, form, form_len);
		used += form_len;
		p += n;
		len -= n;
	}
	out[used] = '\0';
	return used;
}
