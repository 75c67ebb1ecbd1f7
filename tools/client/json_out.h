/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON output for --json: a CBOR response body printed as one JSON value (byte strings as hex
 * strings), and the small pieces commands need to print their own objects.
 */
#ifndef SMPDFU_CLIENT_JSON_OUT_H
#define SMPDFU_CLIENT_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Prints the CBOR item in buf[0..len) as JSON followed by a newline; an empty body prints {}.
 * Returns 0, or -EINVAL for malformed or too deeply nested input and -ENOMEM when the host has
 * no memory to convert it: then nothing at all is printed.
 */
int json_print_cbor(FILE *f, const uint8_t *buf, size_t len);

/*
 * Prints s[0..len) as a quoted JSON string in UTF-8. Quote, backslash, newline and the characters
 * of utf8_is_control() are escaped (\", \\, \n, \uHHHH); each ill-formed part of s (bytes that are
 * not UTF-8) becomes one U+FFFD, written \ufffd.
 */
void json_print_string(FILE *f, const char *s, size_t len);

/* Prints bytes as a quoted lower-case hex string. */
void json_print_hex(FILE *f, const uint8_t *p, size_t len);

#endif /* SMPDFU_CLIENT_JSON_OUT_H */
