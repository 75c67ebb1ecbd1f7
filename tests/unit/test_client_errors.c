/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client's words for device errors (tools/client/smp_errors.c), as a table: every command the
 * client sends against every error code an MCUmgr device can answer with (SMP rc, image and OS
 * group codes, and codes no table knows). Each message names the command and the error and says
 * what happened and what to do; where a command changes the meaning (EBUSY on an upload is
 * another client's upload, on a reset an application's veto), the words say that.
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/prot/smp_hdr.h>

#include "smp_errors.h"
#include "util.h"

#define G_OS MGMT_GROUP_ID_OS
#define G_IMG MGMT_GROUP_ID_IMAGE

/* Every request the client sends, by the command the user typed. */
static const struct {
	struct smp_cmd cmd;
	const char *name;
} commands[] = {
	{ { G_OS, OS_MGMT_ID_ECHO, SMP_OP_WRITE }, "echo" },
	{ { G_OS, OS_MGMT_ID_RESET, SMP_OP_WRITE }, "reset" },
	{ { G_OS, OS_MGMT_ID_MCUMGR_PARAMS, SMP_OP_READ }, "params" },
	{ { G_OS, OS_MGMT_ID_INFO, SMP_OP_READ }, "os-info" },
	{ { G_OS, OS_MGMT_ID_BOOTLOADER_INFO, SMP_OP_READ }, "bootloader-info" },
	{ { G_IMG, IMG_MGMT_ID_STATE, SMP_OP_READ }, "image list" },
	{ { G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE }, "image test/confirm" },
	{ { G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE }, "image upload" },
	{ { G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE }, "image erase" },
	{ { G_IMG, IMG_MGMT_ID_SLOT_INFO, SMP_OP_READ }, "image slot-info" },
};


static struct smpdfu_smp_err mgmt(int64_t rc)
{
	return (struct smpdfu_smp_err){ .is_group = false, .rc = rc };
}

static struct smpdfu_smp_err group(uint16_t g, int64_t rc)
{
	return (struct smpdfu_smp_err){ .is_group = true, .group = g, .rc = rc };
}

/* What smp_err_print writes, as a string. */
static const char *printed(const struct smp_cmd *cmd, const struct smpdfu_smp_err *e)
{
	static char text[1024];
	FILE *f = fmemopen(text, sizeof(text), "w");

	assert_non_null(f);
	smp_err_print(f, cmd, e);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The rules every message keeps, whatever the command and the code. */
static void check_message(const struct smp_cmd *cmd, const char *cmd_name,
			  const struct smpdfu_smp_err *e, bool known)
{
	char buf[48];
	char want[256];
	const char *name = smp_err_name(e, buf, sizeof(buf));
	struct smp_err_advice a = smp_err_advise(cmd, e);
	const char *text = printed(cmd, e);

	assert_non_null(a.happened);
	assert_non_null(a.todo);
	assert_true(strlen(a.happened) > 10 && strlen(a.todo) > 10);
	assert_string_not_equal(a.happened, a.todo);
	bool named = (strncmp(name, "MGMT_ERR_", 9) == 0 && strchr(name, '+') == NULL) ||
		     strncmp(name, "IMG_MGMT_ERR_", 13) == 0 ||
		     strncmp(name, "OS_MGMT_ERR_", 12) == 0;

	if (named != known) {
		fail_msg("%s: code %lld named %s", cmd_name, (long long)e->rc, name);
	}
	assert_string_equal(smp_cmd_name(cmd), cmd_name);
	snprintf(want, sizeof(want), "smpdfu: %s: the device answered %s (%lld): %s\n", cmd_name,
		 name, (long long)e->rc, a.happened);
	if (strstr(text, want) != text) {
		fail_msg("first line of\n%sis not\n%s", text, want);
	}
	snprintf(want, sizeof(want), "smpdfu: what to do: %s\n", a.todo);
	assert_non_null(strstr(text, want));
}

/* Every command against every code of the three tables, and codes no table has. */
static void every_command_and_every_error(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
		const struct smp_cmd *cmd = &commands[c].cmd;
		const char *name = commands[c].name;

		for (int64_t rc = MGMT_ERR_EUNKNOWN; rc <= MGMT_ERR_UNSUPPORTED_TOO_NEW; rc++) {
			struct smpdfu_smp_err e = mgmt(rc);

			check_message(cmd, name, &e, true);
		}
		for (int64_t rc = IMG_MGMT_ERR_UNKNOWN;
		     rc <= IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED; rc++) {
			struct smpdfu_smp_err e = group(G_IMG, rc);

			check_message(cmd, name, &e, true);
		}
		for (int64_t rc = OS_MGMT_ERR_UNKNOWN; rc <= 6; rc++) {
			struct smpdfu_smp_err e = group(G_OS, rc);

			check_message(cmd, name, &e, true);
		}
		/* Codes of no table: still a message, with a name made up from the number. */
		const struct smpdfu_smp_err unknown[] = {
			mgmt(14), mgmt(MGMT_ERR_EPERUSER + 5), group(G_IMG, 34), group(G_OS, 7),
			group(64, 1),
		};

		for (size_t u = 0; u < ARRAY_SIZE(unknown); u++) {
			check_message(cmd, name, &unknown[u], false);
		}
	}
}

/* Which words a command's error must (and must not) carry: what the user reads there. */
struct expectation {
	struct smp_cmd cmd;
	struct smpdfu_smp_err err;
	const char *happened_has;
	const char *todo_has;
	const char *nowhere; /* NULL: no check */
};

#define UPLOAD { G_IMG, IMG_MGMT_ID_UPLOAD, SMP_OP_WRITE }
#define STATE_WRITE { G_IMG, IMG_MGMT_ID_STATE, SMP_OP_WRITE }
#define ERASE { G_IMG, IMG_MGMT_ID_ERASE, SMP_OP_WRITE }
#define RESET { G_OS, OS_MGMT_ID_RESET, SMP_OP_WRITE }
#define ECHO { G_OS, OS_MGMT_ID_ECHO, SMP_OP_WRITE }
#define LIST { G_IMG, IMG_MGMT_ID_STATE, SMP_OP_READ }
#define BL_INFO { G_OS, OS_MGMT_ID_BOOTLOADER_INFO, SMP_OP_READ }
#define OS_INFO { G_OS, OS_MGMT_ID_INFO, SMP_OP_READ }
#define M(code) { .is_group = false, .rc = (code) }
#define I(code) { .is_group = true, .group = G_IMG, .rc = (code) }
#define O(code) { .is_group = true, .group = G_OS, .rc = (code) }

static const struct expectation expectations[] = {
	/* EBUSY on an upload is another client's upload: --force has nothing to do with it. */
	{ UPLOAD, M(MGMT_ERR_EBUSY), "another client", "take it over", "--force" },
	{ RESET, M(MGMT_ERR_EBUSY), "does not want to be reset", "--force", NULL },
	{ ECHO, M(MGMT_ERR_EBUSY), "busy", "retry", "--force" },
	/* The DFU lock: every DFU write command, never a read-only one. */
	{ UPLOAD, M(MGMT_ERR_EACCESSDENIED), "DFU lock", "5 s", NULL },
	{ STATE_WRITE, M(MGMT_ERR_EACCESSDENIED), "DFU lock", "5 s", NULL },
	{ ERASE, M(MGMT_ERR_EACCESSDENIED), "DFU lock", "5 s", NULL },
	{ RESET, M(MGMT_ERR_EACCESSDENIED), "DFU lock", "5 s", NULL },
	{ ECHO, M(MGMT_ERR_EACCESSDENIED), "refused", "log", "DFU lock" },
	{ LIST, M(MGMT_ERR_EACCESSDENIED), "refused", "log", "DFU lock" },
	/* A slot in use means another thing to do for an upload and an erase. */
	{ UPLOAD, I(IMG_MGMT_ERR_NO_FREE_SLOT), "marked for the next boot", "reset", NULL },
	{ ERASE, I(IMG_MGMT_ERR_NO_FREE_SLOT), "running image", "never erased", NULL },
	{ UPLOAD, M(MGMT_ERR_EBADSTATE), "in use", "--smp-v1", NULL },
	{ ERASE, M(MGMT_ERR_EBADSTATE), "running image", "never erased", NULL },
	{ STATE_WRITE, M(MGMT_ERR_EBADSTATE), "already marked", "reset", NULL },
	{ STATE_WRITE, I(IMG_MGMT_ERR_HASH_NOT_FOUND), "no slot", "image list", NULL },
	{ STATE_WRITE, I(IMG_MGMT_ERR_INVALID_HASH), "length", "64 hex digits", NULL },
	{ STATE_WRITE, I(IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED), "running image",
	  "image confirm", NULL },
	{ STATE_WRITE, I(IMG_MGMT_ERR_IMAGE_ALREADY_PENDING), "already marked", "reset", NULL },
	{ STATE_WRITE, M(MGMT_ERR_ENOTSUP), "direct-XIP", "reset", NULL },
	{ UPLOAD, I(IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC), "not an MCUboot image", "sign",
	  NULL },
	{ UPLOAD, I(IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER), "as new", "--upgrade", NULL },
	{ UPLOAD, I(IMG_MGMT_ERR_INVALID_FLASH_ADDRESS), "other slot", "not running", NULL },
	{ UPLOAD, I(IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE), "larger than the slot", "slot-info",
	  NULL },
	{ UPLOAD, M(MGMT_ERR_ENOMEM), "buffers", "--window 1", NULL },
	{ UPLOAD, M(MGMT_ERR_ECORRUPT), "incomplete", "--chunk", NULL },
	{ UPLOAD, M(MGMT_ERR_EUNKNOWN), "without saying why", "without --smp-v1", NULL },
	/* Version mismatch of the protocol itself, whatever the command. */
	{ LIST, M(MGMT_ERR_UNSUPPORTED_TOO_OLD), "SMP v1", "without --smp-v1", NULL },
	{ LIST, M(MGMT_ERR_UNSUPPORTED_TOO_NEW), "SMP v2", "with --smp-v1", NULL },
	/* The OS group's answers. */
	{ BL_INFO, M(MGMT_ERR_EINVAL), "no answer to that query", "\"mode\"", NULL },
	{ BL_INFO, M(MGMT_ERR_ENOTSUP), "no bootloader info", "nothing", NULL },
	{ OS_INFO, O(OS_MGMT_ERR_INVALID_FORMAT), "letter", "s n r v", NULL },
	{ OS_INFO, M(MGMT_ERR_EINVAL), "letter", "s n r v", NULL },
	{ ECHO, M(MGMT_ERR_EMSGSIZE), "echo answer", "shorter", NULL },
};

static void words_per_command(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(expectations); i++) {
		const struct expectation *x = &expectations[i];
		struct smp_err_advice a = smp_err_advise(&x->cmd, &x->err);
		const char *text = printed(&x->cmd, &x->err);

		if (strstr(a.happened, x->happened_has) == NULL ||
		    strstr(a.todo, x->todo_has) == NULL ||
		    (x->nowhere != NULL && strstr(text, x->nowhere) != NULL)) {
			fail_msg("expectation %zu (%s, rc %lld):\n%s", i, smp_cmd_name(&x->cmd),
				 (long long)x->err.rc, text);
		}
	}
}

static void device_reason_is_quoted(void **state)
{
	const struct smp_cmd cmd = UPLOAD;
	struct smpdfu_smp_err e = group(G_IMG, IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC);

	(void)state;
	strcpy(e.rsn, "magic mismatch");
	assert_non_null(strstr(printed(&cmd, &e), "(device says: \"magic mismatch\")\n"));
	e.rsn[0] = '\0';
	assert_null(strstr(printed(&cmd, &e), "device says"));
}

/* A hostile device's reason reaches the terminal as escapes, never as codes it would act on. */
static void device_reason_cannot_drive_the_terminal(void **state)
{
	const struct smp_cmd cmd = ECHO;
	struct smpdfu_smp_err e = mgmt(MGMT_ERR_EINVAL);
	const char *text;

	(void)state;
	strcpy(e.rsn, "bad\x1b[8m\x1b]0;owned\a\r\xc2\x9b" "2J \xe2\x80\xae\xff");
	text = printed(&cmd, &e);
	assert_non_null(strstr(text, "(device says: \"bad\\x1b[8m\\x1b]0;owned\\x07\\r\\u009b2J "
				     "\\u202e\\xff\")\n"));
	for (const char *p = text; *p != '\0'; p++) {
		assert_true(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f));
	}
	/* Words in any script, as they are. */
	strcpy(e.rsn, "Prüfsumme falsch: 校验和错误");
	assert_non_null(strstr(printed(&cmd, &e), "(device says: \"Prüfsumme falsch: 校验和错误\")"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_command_and_every_error),
		cmocka_unit_test(words_per_command),
		cmocka_unit_test(device_reason_is_quoted),
		cmocka_unit_test(device_reason_cannot_drive_the_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
