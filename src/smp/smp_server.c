/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP dispatcher: splits a transport unit into packets, checks each header, finds the handler
 * in the group registry, runs it with the command hooks around it, and sends one response per
 * packet from a buffer of the pool. Answers and errors leave by one path: a status that is not
 * success replaces what the handler wrote with the error map, here and nowhere else.
 */
#include <errno.h>
#include <stddef.h>

#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>

#include "log.h"
#include "smp_internal.h"
#include "sys/module_reset.h"

#define LOG_MODULE "smp"
#define LOG_LEVEL CONFIG_MCUMGR_SMP_LOG_LEVEL

static struct smp_group *groups;
/* The reason of the last status made (CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE only). */
static const char *status_rsn;
/*
 * Where answers are built, one at a time: the last of the CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT
 * buffers, which requests never get (smp_buf.c), so every request taken is answered.
 */
static uint8_t answer[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];

void smpdfu_smp_server_init(void)
{
	groups = NULL;
	smpdfu_smp_buf_pool_init();
}

void smpdfu_smp_server_reset(void)
{
	/* The groups are their owners' statics: unlinked, they are as a reboot leaves them. */
	while (groups != NULL) {
		struct smp_group *g = groups;

		groups = g->next;
		g->next = NULL;
	}
	status_rsn = NULL;
}

void smpdfu_smp_status_explain(const char *rsn)
{
	status_rsn = rsn;
}

void smpdfu_smp_put_uint(struct cbor_writer *w, const char *key, uint32_t value)
{
	smpdfu_cbor_put_cstr(w, key);
	smpdfu_cbor_put_uint(w, value);
}

void smpdfu_smp_group_register(struct smp_group *g)
{
	/* The check walks the list: without assertions there is nothing to walk it for. */
	for (const struct smp_group *it = groups; CONFIG_ASSERT && it != NULL; it = it->next) {
		PORT_ASSERT(it->id != g->id);
	}
	g->next = groups;
	groups = g;
}

static const struct smp_group *find_group(uint16_t id)
{
	const struct smp_group *g = groups;

	while (g != NULL && g->id != id) {
		g = g->next;
	}
	return g;
}

/* The handler for this header, or NULL (unknown group, command or op: ENOTSUP). */
static smp_handler_fn find_handler(const struct smpdfu_smp_hdr *hdr)
{
	const struct smp_group *g = find_group(hdr->group);
	const struct smp_handler *h;

	if (g == NULL) {
		return NULL;
	}
	/*
	 * Counted down: the table's end is not worked out from its entries' size. An op other than
	 * read and write is in no entry's set.
	 */
	h = g->handlers;
	for (size_t n = g->handler_count; n > 0; n--, h++) {
		if (h->id == hdr->id && (h->ops & 1u << hdr->op) != 0) {
			return h->fn;
		}
	}
	return NULL;
}

/* Screens the header before any handler: version, op, group and command. */
static struct smp_status check_header(const struct smpdfu_smp_hdr *hdr, smp_handler_fn *handler)
{
	if (hdr->version > SMP_VERSION_2) {
		return smpdfu_smp_err(MGMT_ERR_UNSUPPORTED_TOO_NEW, "version");
	}
	if (hdr->version == SMP_VERSION_1 && !CONFIG_MCUMGR_SMP_SUPPORT_ORIGINAL_PROTOCOL) {
		return smpdfu_smp_err(MGMT_ERR_UNSUPPORTED_TOO_OLD, "version");
	}
	*handler = find_handler(hdr);
	if (*handler == NULL) {
		return smpdfu_smp_err(MGMT_ERR_ENOTSUP, "no handler");
	}
	return smpdfu_smp_ok();
}

/* Runs the handler of a request that passed check_header(), after the command-received hook. */
static struct smp_status run(smp_handler_fn handler, const struct smpdfu_smp_hdr *hdr,
			     struct smp_request *req)
{
	if (CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS) {
		struct smpdfu_mgmt_evt_op_cmd_arg arg = {
			.group = hdr->group, .id = hdr->id, .op = hdr->op
		};
		struct smp_status st =
			smpdfu_mgmt_callback_check(MGMT_EVT_OP_CMD_RECV, &arg, sizeof(arg));

		if (!smpdfu_smp_status_is_ok(st)) {
			return st;
		}
	}
	if (CONFIG_MCUMGR_SMP_LEGACY_RC_BEHAVIOUR) {
		smpdfu_smp_put_uint(req->rsp, "rc", 0);
	}
	return handler(req);
}

/*
 * The error map in place of whatever the handler wrote: {"err": {"group", "rc"}} for a group error
 * to an SMP v2 request, else {"rc"} (a group's code translated for v1) with the reason if verbose.
 */
static void put_error(struct cbor_writer *w, uint8_t version, struct smp_status st)
{
	bool group_err = smpdfu_smp_status_is_group_err(st);
	bool err_map = group_err && version >= SMP_VERSION_2;
	uint16_t rc = smpdfu_smp_status_rc(st);

	if (group_err && !err_map) {
		/* SMP v1 cannot carry group errors: the group says which rc stands for its code. */
		const struct smp_group *g = find_group(smpdfu_smp_status_group(st));

		rc = g != NULL && g->translate_err != NULL ? g->translate_err(rc)
							   : MGMT_ERR_EUNKNOWN;
	}
	w->len = 1; /* after the map's head */
	w->overflow = false;
	if (err_map) {
		smpdfu_cbor_put_cstr(w, "err");
		smpdfu_cbor_put_map_indef(w);
		smpdfu_smp_put_uint(w, "group", smpdfu_smp_status_group(st));
	}
	smpdfu_smp_put_uint(w, "rc", rc);
	if (err_map) {
		smpdfu_cbor_put_break(w);
	} else if (CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE && status_rsn != NULL) {
		smpdfu_cbor_put_cstr(w, "rsn");
		smpdfu_cbor_put_cstr(w, status_rsn);
	}
}

/*
 * Each packet in turn: the answer's header is written as soon as the request's is read, all but
 * its length, which is set once the answer is complete, so that no field of the header needs to
 * be kept across the handler; what the request says of its sender is set once for the unit.
 */
void smpdfu_smp_process_unit(struct smpdfu_smp_transport *tp, const uint8_t *peer,
			     const uint8_t *req, size_t len)
{
	struct cbor_writer w;
	struct smp_request rq = { .rsp = &w, .tp = tp, .peer = peer };

	while (len >= SMP_HDR_SIZE) {
		struct smpdfu_smp_hdr hdr;
		smp_handler_fn handler = NULL;
		struct smp_status st;
		bool whole;
		int rc;

		smpdfu_smp_hdr_decode(req, &hdr);
		req += SMP_HDR_SIZE;
		len -= SMP_HDR_SIZE;
		whole = hdr.len <= len;
		rq.payload = (struct cbor_view){ .ptr = req, .len = hdr.len };
		/* The answer's header: the request's group, sequence and command, no flags. */
		smpdfu_smp_hdr_encode(
			&(struct smpdfu_smp_hdr){
				.op = hdr.op == SMP_OP_READ ? SMP_OP_READ_RSP : SMP_OP_WRITE_RSP,
				.version = hdr.version > SMP_VERSION_2 ? SMP_VERSION_2
								       : hdr.version,
				.group = hdr.group,
				.seq = hdr.seq,
				.id = hdr.id,
			},
			answer);
		status_rsn = NULL;
		/* A byte is kept for the break: an answer that fills the rest is too large. */
		smpdfu_cbor_writer_init(&w, answer + SMP_HDR_SIZE,
					CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE - SMP_HDR_SIZE - 1);
		smpdfu_cbor_put_map_indef(&w);
		if (!whole) {
			/* The header promises more than arrived: nothing after it is trusted. */
			st = smpdfu_smp_err(MGMT_ERR_ECORRUPT, "truncated");
		} else {
			st = check_header(&hdr, &handler);
			req += hdr.len;
			len -= hdr.len;
		}
		if (smpdfu_smp_status_is_ok(st)) {
			st = run(handler, &hdr, &rq);
			if (smpdfu_smp_status_is_ok(st) && w.overflow) {
				st = smpdfu_smp_err(MGMT_ERR_EMSGSIZE, "response too large");
			}
		}
		if (!smpdfu_smp_status_is_ok(st)) {
			LOG_DBG("seq %u: group %u id %u op %u: status 0x%08x", hdr.seq, hdr.group,
				hdr.id, hdr.op, (unsigned int)st.code);
			put_error(&w, hdr.version, st);
		}
		w.cap++; /* the byte kept for the break */
		smpdfu_cbor_put_break(&w);
		smpdfu_smp_hdr_set_len(answer, (uint16_t)w.len);
		rc = tp->send(tp, peer, answer, SMP_HDR_SIZE + w.len);
		if (rc < 0) {
			LOG_WRN("%s: response to seq %u not sent (%d)", tp->name, hdr.seq, rc);
		}
		if (CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS && handler != NULL) {
			struct smpdfu_mgmt_evt_op_cmd_arg arg = {
				.group = hdr.group, .id = hdr.id, .err = smpdfu_smp_status_rc(st)
			};

			smpdfu_mgmt_callback_notify(MGMT_EVT_OP_CMD_DONE, &arg, sizeof(arg), NULL,
						    NULL);
		}
		/* An SMP-level error ends the unit, like Zephyr, and so does a truncated packet. */
		if (!whole ||
		    !(smpdfu_smp_status_is_ok(st) || smpdfu_smp_status_is_group_err(st))) {
			break;
		}
	}
}
