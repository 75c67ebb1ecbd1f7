/* SPDX-License-Identifier: Apache-2.0 */
/* The OS management group (0): echo, reset, MCUmgr parameters, OS/app info, bootloader info. */
#ifndef SMPDFU_GRP_OS_MGMT_H
#define SMPDFU_GRP_OS_MGMT_H

#include <stdint.h>

enum os_mgmt_cmd {
	OS_MGMT_ID_ECHO = 0,
	OS_MGMT_ID_CONS_ECHO_CTRL = 1,
	OS_MGMT_ID_TASKSTAT = 2,
	OS_MGMT_ID_MPSTAT = 3,
	OS_MGMT_ID_DATETIME_STR = 4,
	OS_MGMT_ID_RESET = 5,
	OS_MGMT_ID_MCUMGR_PARAMS = 6,
	OS_MGMT_ID_INFO = 7,
	OS_MGMT_ID_BOOTLOADER_INFO = 8,
};

enum os_mgmt_err {
	OS_MGMT_ERR_OK = 0,
	OS_MGMT_ERR_UNKNOWN = 1,
	OS_MGMT_ERR_INVALID_FORMAT = 2,
	OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER = 3,
	OS_MGMT_ERR_RTC_NOT_SET = 4,
	OS_MGMT_ERR_RTC_COMMAND_FAILED = 5,
};

/* What OS info reports about this device (owned by the caller, static). */
struct os_mgmt_identity {
	const char *kernel_name;     /* "s" */
	const char *node_name;       /* "n" */
	const char *release;         /* "r" */
	const char *version;         /* "v" */
	const char *machine;         /* "m" */
	const char *processor;       /* "p" */
	const char *platform;        /* "i" */
	const char *os;              /* "o" */
};

/* Registers the group; `id` may be NULL for defaults. Call after smpdfu_smp_server_init(). */
void smpdfu_os_mgmt_register(const struct os_mgmt_identity *id);

#endif /* SMPDFU_GRP_OS_MGMT_H */
