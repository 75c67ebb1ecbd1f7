/*
 * Names and one-line explanations for every error code an SMP device can answer with: the
 * SMP-level rc, and the group codes of the image and OS groups carried in a v2 "err" map.
 */
#ifndef SMPDFU_CLIENT_SMP_ERRORS_H
#define SMPDFU_CLIENT_SMP_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a response said went wrong. */
struct smp_err {
	bool is_group;   /* true: v2 {"err":{"group","rc"}}; false: top-level "rc" */
	uint16_t group;  /* valid when is_group */
	int64_t rc;
	char rsn[128];   /* optional "rsn" text, "" when absent */
};

/* Symbolic name of an SMP-level rc ("MGMT_ERR_EINVAL"); "MGMT_ERR_EPERUSER+n" or "unknown". */
const char *smp_err_name(int64_t rc, char *buf, size_t cap);
/* One-line explanation of an SMP-level rc. */
const char *smp_err_desc(int64_t rc);
/* Name and explanation of a group-specific code; generic text for groups we have no table for. */
const char *smp_group_err_name(uint16_t group, int64_t rc, char *buf, size_t cap);
const char *smp_group_err_desc(uint16_t group, int64_t rc);

/* Prints "device error: NAME (n): explanation [- reason]" on one line. */
void smp_err_print(FILE *f, const struct smp_err *e);

#endif /* SMPDFU_CLIENT_SMP_ERRORS_H */
