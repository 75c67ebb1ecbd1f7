/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text from outside (a device's answers, the names in a package) printed for people: what shows
 * as a glyph stays as it is, and what a terminal would act on is written as an escape, so a
 * hostile device cannot move the cursor, recolour, retitle or hide what the user reads.
 */
#ifndef SMPDFU_CLIENT_SAFE_TEXT_H
#define SMPDFU_CLIENT_SAFE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Prints s[0..len) to f. Printable characters, ASCII or well-formed UTF-8, are written unchanged;
 * tab, newline and carriage return as \t \n \r; other C0 controls, DEL and every byte that is not
 * part of well-formed UTF-8 as \xHH (lower-case hex); C1 controls and the bidirectional and line
 * separator characters of utf8_is_control() as \uHHHH. Returns the characters written (an escape
 * counts each of its own), for padding columns.
 */
size_t safe_text_print(FILE *f, const char *s, size_t len);

/*
 * The same into out[0..cap), NUL-terminated (cap > 0): as many whole characters and escapes as
 * fit, never part of one. Returns the bytes written before the NUL.
 */
size_t safe_text_format(char *out, size_t cap, const char *s, size_t len);

#endif /* SMPDFU_CLIENT_SAFE_TEXT_H */
