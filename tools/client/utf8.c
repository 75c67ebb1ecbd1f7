/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UTF-8 by Unicode's table of well-formed byte sequences (chapter 3, table 3-7): the second byte's
 * range depends on the first, which is what keeps out overlong forms, surrogates and code points
 * above U+10FFFF.
 */
#include "utf8.h"

size_t utf8_next(const uint8_t *s, size_t len, uint32_t *cp, bool *ok)
{
	uint8_t lead = s[0];
	uint8_t lo = 0x80; /* the range of the next byte */
	uint8_t hi = 0xbf;
	size_t more;
	uint32_t c;

	*ok = false;
	if (lead < 0x80) {
		*cp = lead;
		*ok = true;
		return 1;
	}
	if (lead >= 0xc2 && lead <= 0xdf) {
		more = 1;
		c = lead & 0x1f;
	} else if (lead >= 0xe0 && lead <= 0xef) {
		more = 2;
		c = lead & 0x0f;
		lo = lead == 0xe0 ? 0xa0 : 0x80;
		hi = lead == 0xed ? 0x9f : 0xbf;
	} else if (lead >= 0xf0 && lead <= 0xf4) {
		more = 3;
		c = lead & 0x07;
		lo = lead == 0xf0 ? 0x90 : 0x80;
		hi = lead == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 1;
	}
	for (size_t i = 1; i <= more; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			return i;
		}
		c = c << 6 | (s[i] & 0x3fu);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	*ok = true;
	return more + 1;
}

bool utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c /* Arabic letter mark */ ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}
