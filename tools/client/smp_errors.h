/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the client says when a device answers with an error: the error's name, what happened and
 * what the user can do about it, for the command that got it. Covers the SMP-level rc and the
 * codes of the image and OS groups carried in a v2 "err" map.
 */
#ifndef SMPDFU_CLIENT_SMP_ERRORS_H
#define SMPDFU_CLIENT_SMP_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a response said went wrong. */
struct smpdfu_smp_err {
	bool is_group;   /* true: v2 {"err":{"group","rc"}}; false: top-level "rc" */
	uint16_t group;  /* valid when is_group */
	int64_t rc;
	char rsn[128];   /* optional "rsn" text, "" when absent */
};

/* The request an error answered: its group, command id and op (SMP_OP_READ or SMP_OP_WRITE). */
struct smp_cmd {
	uint16_t group;
	uint8_t id;
	uint8_t op;
};

/* An error's meaning for one command: what happened, and what to do about it (both sentences). */
struct smp_err_advice {
	const char *happened;
	const char *todo;
};

/* The command as the user typed it ("image upload", "reset"), or "request" for another one. */
const char *smp_cmd_name(const struct smp_cmd *cmd);

/* Symbolic name of the error ("MGMT_ERR_EBUSY", "IMG_MGMT_ERR_NO_FREE_SLOT"), or a made-up one. */
const char *smp_err_name(const struct smpdfu_smp_err *e, char *buf, size_t cap);

/* What the error means for the command, never NULL. */
struct smp_err_advice smp_err_advise(const struct smp_cmd *cmd, const struct smpdfu_smp_err *e);

/*
 * Prints "smpdfu: COMMAND: the device answered NAME (n): what happened [- device says: ...]" and
 * "smpdfu: what to do: ..." on stderr-like f.
 */
void smp_err_print(FILE *f, const struct smp_cmd *cmd, const struct smpdfu_smp_err *e);

#endif /* SMPDFU_CLIENT_SMP_ERRORS_H */
