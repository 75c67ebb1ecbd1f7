/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the whole tree (core, application, ports, simulator, host tools and tests).
 * Not a public header: Zephyr's <zephyr/sys/util.h> defines the same names, and a user's build
 * must not see two.
 */
#ifndef SMPDFU_UTIL_H
#define SMPDFU_UTIL_H

#include <stddef.h>

/* The number of elements of an array (not of a pointer: it must be the array itself). */
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

#endif /* SMPDFU_UTIL_H */
