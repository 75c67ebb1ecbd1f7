/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OS management group (0): echo, reset (vetoable by the reset hook, reboot delayed so the
 * response leaves first), MCUmgr parameters, OS/application info and bootloader info.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>

#include "log.h"
#include "sys/module_reset.h"
#include "util.h"

#define LOG_MODULE "os"
#define LOG_LEVEL CONFIG_MCUMGR_GRP_OS_LOG_LEVEL

/* MCUboot's mode numbers as bootloader info reports them. */
enum mcuboot_mode {
	MCUBOOT_MODE_SWAP_USING_SCRATCH = 1,
	MCUBOOT_MODE_UPGRADE_ONLY = 2,
	MCUBOOT_MODE_SWAP_USING_MOVE = 3,
	MCUBOOT_MODE_DIRECT_XIP = 4,
	MCUBOOT_MODE_DIRECT_XIP_WITH_REVERT = 5,
};

static const struct os_mgmt_identity default_identity = {
	.kernel_name = "smpdfu",
	.node_name = "smpdfu",
	.release = "0.1.0",
	.version = "0.1.0",
	.machine = "unknown",
	.processor = "unknown",
	.platform = "unknown",
	.os = "smpdfu",
};

static const struct os_mgmt_identity *identity;
static struct sys_timer reset_timer;

/*
 * The optional commands are compiled only when enabled, and the handler table lists only the
 * commands present.
 */
#if CONFIG_MCUMGR_GRP_OS_ECHO
static struct smp_status echo(struct smp_request *req)
{
	union cbor_value d = { 0 }; /* no "d": an empty echo (an empty string may have no bytes) */

	if (smpdfu_cbor_decode_map(&req->payload, CBOR_FIELD_TSTR("d"), &d) < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	smpdfu_cbor_put_cstr(req->rsp, "r");
	smpdfu_cbor_put_tstr(req->rsp, (const char *)d.v.ptr, d.v.len);
	return smpdfu_smp_ok();
}
#endif

static void reset_expired(struct sys_timer *t)
{
	(void)t;
	LOG_INF("rebooting");
	smpdfu_port_reboot();
}

static struct smp_status reset(struct smp_request *req)
{
	union cbor_value force = { .b = false };

	/*
	 * Like Zephyr, a reset payload that does not decode is no reason to refuse the reset (it is
	 * how a wedged device gets out of trouble): it goes ahead unforced. Only the hook and the
	 * log line look at force, so without them the payload is not read at all.
	 */
	if ((CONFIG_MCUMGR_GRP_OS_RESET_HOOK || LOG_LEVEL >= LOG_LEVEL_INF) &&
	    smpdfu_cbor_decode_map(&req->payload, CBOR_FIELD_BOOL_OR_UINT("force"), &force) < 0) {
		force.b = false;
	}
	if (CONFIG_MCUMGR_GRP_OS_RESET_HOOK) {
		struct smpdfu_os_mgmt_reset_data data = { .force = force.b };
		struct smp_status st =
			smpdfu_mgmt_callback_check(MGMT_EVT_OP_OS_MGMT_RESET, &data, sizeof(data));

		if (!smpdfu_smp_status_is_ok(st)) {
			LOG_WRN("reset refused by a hook");
			return st;
		}
	}
	LOG_INF("reset requested%s; rebooting in %u ms", force.b ? " (forced)" : "",
		CONFIG_MCUMGR_GRP_OS_RESET_MS);
	reset_timer.expiry = reset_expired;
	smpdfu_sys_timer_start(&reset_timer, CONFIG_MCUMGR_GRP_OS_RESET_MS);
	return smpdfu_smp_ok();
}

#if CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS
static struct smp_status mcumgr_params(struct smp_request *req)
{
	smpdfu_smp_put_uint(req->rsp, "buf_size", CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE);
	smpdfu_smp_put_uint(req->rsp, "buf_count", CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	return smpdfu_smp_ok();
}
#endif

#if CONFIG_MCUMGR_GRP_OS_INFO
/* The info fields in their fixed output order, with the letter that asks for each. */
#define INFO_FIELD_COUNT 8

static const char *info_field(const struct os_mgmt_identity *id, size_t i, char *letter)
{
	static const char letters[] = "snrvmpio";
	const char *const values[] = { id->kernel_name, id->node_name, id->release, id->version,
				       id->machine, id->processor, id->platform, id->os };

	*letter = letters[i];
	return values[i];
}

/* Appends s (with a separating space when not first) to out; false when it does not fit. */
static bool append_field(char *out, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	size_t sep = *len ? 1 : 0;

	if (*len + sep + n > cap) {
		return false;
	}
	if (sep) {
		out[(*len)++] = ' ';
	}
	memcpy(out + *len, s, n);
	*len += n;
	return true;
}

static struct smp_status info(struct smp_request *req)
{
	union cbor_value format_value = { 0 };
	struct cbor_view format;
	bool wanted[INFO_FIELD_COUNT] = { false };
	bool any = false;
	char out[CONFIG_MCUMGR_GRP_OS_INFO_MAX_RESPONSE_SIZE];
	size_t len = 0;
	char letter;

	if (smpdfu_cbor_decode_map(&req->payload, CBOR_FIELD_TSTR("format"), &format_value) < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	format = format_value.v;
	for (size_t c = 0; c < format.len; c++) {
		bool known = format.ptr[c] == 'a';

		for (size_t i = 0; i < INFO_FIELD_COUNT; i++) {
			info_field(identity, i, &letter);
			if (format.ptr[c] == 'a' || format.ptr[c] == (uint8_t)letter) {
				wanted[i] = true;
				known = true;
			}
		}
		if (!known) {
			return smpdfu_smp_group_err(MGMT_GROUP_ID_OS, OS_MGMT_ERR_INVALID_FORMAT,
						    "invalid format");
		}
		any = true;
	}
	/* No format, or an empty one, asks for the default, as in Zephyr: the kernel name. */
	wanted[0] = wanted[0] || !any;
	for (size_t i = 0; i < INFO_FIELD_COUNT; i++) {
		if (wanted[i] && !append_field(out, sizeof(out), &len,
					       info_field(identity, i, &letter))) {
			return smpdfu_smp_err(MGMT_ERR_EMSGSIZE, "info too long");
		}
	}
	smpdfu_cbor_put_cstr(req->rsp, "output");
	smpdfu_cbor_put_tstr(req->rsp, out, len);
	return smpdfu_smp_ok();
}
#endif

#if CONFIG_MCUMGR_GRP_OS_BOOTLOADER_INFO
static int bootloader_mode(void)
{
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH) {
		return MCUBOOT_MODE_SWAP_USING_SCRATCH;
	}
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY) {
		return MCUBOOT_MODE_UPGRADE_ONLY;
	}
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP) {
		return MCUBOOT_MODE_DIRECT_XIP;
	}
	if (CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT) {
		return MCUBOOT_MODE_DIRECT_XIP_WITH_REVERT;
	}
	return MCUBOOT_MODE_SWAP_USING_MOVE;
}

static struct smp_status bootloader_info(struct smp_request *req)
{
	union cbor_value query = { 0 };
	int found = smpdfu_cbor_decode_map(&req->payload, CBOR_FIELD_TSTR("query"), &query);

	if (found < 0) {
		return smpdfu_smp_err(MGMT_ERR_EINVAL, "bad request");
	}
	if (!found) {
		smpdfu_cbor_put_cstr(req->rsp, "bootloader");
		smpdfu_cbor_put_cstr(req->rsp, "MCUboot");
	} else if (smpdfu_cbor_view_eq(query.v, "mode")) {
		smpdfu_cbor_put_cstr(req->rsp, "mode");
		smpdfu_cbor_put_int(req->rsp, bootloader_mode());
		if (CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE) {
			smpdfu_cbor_put_cstr(req->rsp, "no-downgrade");
			smpdfu_cbor_put_bool(req->rsp, true);
		}
	} else {
		/*
		 * Zephyr returns the OS group's QUERY_YIELDS_NO_ANSWER (3) as the handler's result,
		 * so clients get it as the SMP rc 3 in v1 and v2 alike, not as a group error, and
		 * without a reason even in verbose builds.
		 */
		return smpdfu_smp_err(OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER, NULL);
	}
	return smpdfu_smp_ok();
}
#endif

/* The commands the build has: one that is off is not listed and answers ENOTSUP. */
static const struct smp_handler os_handlers[] = {
#if CONFIG_MCUMGR_GRP_OS_ECHO
	{ .id = OS_MGMT_ID_ECHO, .ops = SMP_OPS_READ | SMP_OPS_WRITE, .fn = echo },
#endif
	{ .id = OS_MGMT_ID_RESET, .ops = SMP_OPS_WRITE, .fn = reset },
#if CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS
	{ .id = OS_MGMT_ID_MCUMGR_PARAMS, .ops = SMP_OPS_READ, .fn = mcumgr_params },
#endif
#if CONFIG_MCUMGR_GRP_OS_INFO
	{ .id = OS_MGMT_ID_INFO, .ops = SMP_OPS_READ, .fn = info },
#endif
#if CONFIG_MCUMGR_GRP_OS_BOOTLOADER_INFO
	{ .id = OS_MGMT_ID_BOOTLOADER_INFO, .ops = SMP_OPS_READ, .fn = bootloader_info },
#endif
};

/*
 * The group's own codes come only from info and from hooks (an application's hook may answer any
 * group's code): without either the group has no error of its own for SMP v1 to translate.
 */
#define OS_GROUP_ERRORS (CONFIG_MCUMGR_GRP_OS_INFO || CONFIG_MCUMGR_MGMT_NOTIFICATION_HOOKS)

#if OS_GROUP_ERRORS
static uint16_t os_translate_err(uint16_t rc)
{
	switch (rc) {
	case OS_MGMT_ERR_INVALID_FORMAT:
		return MGMT_ERR_EINVAL;
	case OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER:
	case OS_MGMT_ERR_RTC_NOT_SET:
		return MGMT_ERR_ENOENT;
	default:
		return MGMT_ERR_EUNKNOWN;
	}
}
#endif

static struct smp_group os_group = {
	.id = MGMT_GROUP_ID_OS,
	.handlers = os_handlers,
	.handler_count = ARRAY_SIZE(os_handlers),
#if OS_GROUP_ERRORS
	.translate_err = os_translate_err,
#endif
};

void smpdfu_os_mgmt_reset(void)
{
	identity = NULL;
	smpdfu_sys_timer_stop(&reset_timer);
	reset_timer = (struct sys_timer){ 0 };
}

/* A reset pending from before is the reboot's to stop (smpdfu_os_mgmt_reset()), not this. */
void smpdfu_os_mgmt_register(const struct os_mgmt_identity *id)
{
	identity = id != NULL ? id : &default_identity;
	smpdfu_smp_group_register(&os_group);
}
