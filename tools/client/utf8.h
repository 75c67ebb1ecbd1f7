/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the text a device sends as UTF-8: one character at a time, telling well-formed
 * characters from bytes that are not, and the characters a terminal acts on from those it shows.
 */
#ifndef SMPDFU_CLIENT_UTF8_H
#define SMPDFU_CLIENT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reads the character at s[0..len), len > 0. Returns the bytes it takes and sets *ok and *cp for
 * a well-formed one (shortest form, no surrogate, at most U+10FFFF); otherwise clears *ok and
 * returns the length of the ill-formed part (at least 1: the longest start of a valid sequence,
 * as Unicode's "maximal subpart" practice counts it, so one replacement stands for it).
 */
size_t utf8_next(const uint8_t *s, size_t len, uint32_t *cp, bool *ok);

/*
 * True for characters that make a terminal do something rather than show a glyph: C0 controls,
 * DEL, C1 controls (U+0080..U+009F; U+009B is a CSI), the line and paragraph separators and the
 * bidirectional controls that reorder or hide what is shown around them.
 */
bool utf8_is_control(uint32_t cp);

#endif /* SMPDFU_CLIENT_UTF8_H */
