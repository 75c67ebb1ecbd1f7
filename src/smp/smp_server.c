/*
 * The SMP dispatcher: splits a transport unit into packets, checks each header, finds the handler
 * in the group registry, runs it with the command hooks around it, and sends one response per
 * packet. Every SMP-level and group error is turned into wire form here and nowhere else.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <smpdfu/mgmt_callbacks.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>

#include "smp_internal.h"
#include "log.h"

#define LOG_MODULE "smp"
#define LOG_LEVEL CONFIG_MCUMGR_SMP_LOG_LEVEL

static struct smp_group *groups;
/* One response is built at a time, in the processing context. */
static uint8_t rsp_buf[CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE];

void smp_server_init(void)
{
	groups = NULL;
	smp_buf_pool_init();
}

void smp_group_register(struct smp_group *g)
{
	for (const struct smp_group *it = groups; it != NULL; it = it->next) {
		PORT_ASSERT(it->id != g->id);
	}
	g->next = groups;
	groups = g;
}

static const struct smp_group *find_group(uint16_t id)
{
	for (const struct smp_group *g = groups; g != NULL; g = g->next) {
		if (g->id == id) {
			return g;
		}
	}
	return NULL;
}

/* The handler for this header, or NULL (unknown group, command or op: ENOTSUP). */
static smp_handler_fn find_handler(const struct smp_hdr *hdr)
{
	const struct smp_group *g = find_group(hdr->group);

	if (g == NULL || hdr->id >= g->handler_count) {
		return NULL;
	}
	if (hdr->op == SMP_OP_READ) {
		return g->handlers[hdr->id].read;
	}
	if (hdr->op == SMP_OP_WRITE) {
		return g->handlers[hdr->id].write;
	}
	return NULL;
}

/* SMP v1 cannot carry group errors: the group says which rc stands for its code. */
static uint16_t translate_group_err(uint16_t group, uint16_t rc)
{
	const struct smp_group *g = find_group(group);

	if (g == NULL || g->translate_err == NULL) {
		return MGMT_ERR_EUNKNOWN;
	}
	return g->translate_err(rc);
}

static void put_error_body(struct cbor_writer *w, uint8_t version, struct smp_status st)
{
	cbor_put_map_indef(w);
	if (st.group_err && version >= SMP_VERSION_2) {
		cbor_put_cstr(w, "err");
		cbor_put_map_indef(w);
		cbor_put_cstr(w, "group");
		cbor_put_uint(w, st.group);
		cbor_put_cstr(w, "rc");
		cbor_put_uint(w, st.rc);
		cbor_put_break(w);
	} else {
		uint16_t rc = st.group_err ? translate_group_err(st.group, st.rc) : st.rc;

		cbor_put_cstr(w, "rc");
		cbor_put_uint(w, rc);
		if (CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE && st.rsn != NULL) {
			cbor_put_cstr(w, "rsn");
			cbor_put_cstr(w, st.rsn);
		}
	}
	cbor_put_break(w);
}

static void send_response(struct smp_transport *tp, const uint8_t *peer,
			  const struct smp_hdr *req_hdr, size_t body_len)
{
	struct smp_hdr rsp = {
		.op = req_hdr->op == SMP_OP_READ ? SMP_OP_READ_RSP : SMP_OP_WRITE_RSP,
		.version = req_hdr->version > SMP_VERSION_2 ? SMP_VERSION_2 : req_hdr->version,
		.flags = 0,
		.len = (uint16_t)body_len,
		.group = req_hdr->group,
		.seq = req_hdr->seq,
		.id = req_hdr->id,
	};
	int rc;

	smp_hdr_encode(&rsp, rsp_buf);
	rc = tp->send(tp, peer, rsp_buf, SMP_HDR_SIZE + body_len);
	if (rc < 0) {
		LOG_WRN("%s: response to seq %u not sent (%d)", tp->name, req_hdr->seq, rc);
	}
}

static size_t build_error(const struct smp_hdr *hdr, struct smp_status st)
{
	struct cbor_writer w;

	cbor_writer_init(&w, rsp_buf + SMP_HDR_SIZE, sizeof(rsp_buf) - SMP_HDR_SIZE);
	put_error_body(&w, hdr->version, st);
	return w.len;
}

/* Screens the header before any handler: version, op, group and command. */
static struct smp_status check_header(const struct smp_hdr *hdr, smp_handler_fn *handler)
{
	if (hdr->version > SMP_VERSION_2) {
		return smp_err(MGMT_ERR_UNSUPPORTED_TOO_NEW, "version");
	}
	if (hdr->version == SMP_VERSION_1 && !CONFIG_MCUMGR_SMP_SUPPORT_ORIGINAL_PROTOCOL) {
		return smp_err(MGMT_ERR_UNSUPPORTED_TOO_OLD, "version");
	}
	*handler = find_handler(hdr);
	if (*handler == NULL) {
		return smp_err(MGMT_ERR_ENOTSUP, "no handler");
	}
	return smp_ok();
}

static struct smp_status run_handler(smp_handler_fn handler, struct smp_request *req)
{
	if (CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS) {
		struct mgmt_evt_op_cmd_arg arg = {
			.group = req->hdr->group, .id = req->hdr->id, .op = req->hdr->op
		};
		int32_t rc = 0;
		uint16_t group = 0;
		enum mgmt_cb_return ret = mgmt_callback_notify(MGMT_EVT_OP_CMD_RECV, &arg,
							       sizeof(arg), &rc, &group);

		if (ret != MGMT_CB_OK) {
			return mgmt_cb_status(ret, rc, group);
		}
	}
	return handler(req);
}

static void notify_done(const struct smp_hdr *hdr, int32_t err)
{
	if (CONFIG_MCUMGR_SMP_COMMAND_STATUS_HOOKS) {
		struct mgmt_evt_op_cmd_arg arg = { .group = hdr->group, .id = hdr->id, .err = err };

		mgmt_callback_notify(MGMT_EVT_OP_CMD_DONE, &arg, sizeof(arg), NULL, NULL);
	}
}

/*
 * Handles one packet whose header is complete and whose payload is all there. Returns false when
 * the rest of the unit must be dropped (an SMP-level error, like Zephyr).
 */
static bool process_packet(struct smp_transport *tp, const uint8_t *peer, const struct smp_hdr *hdr,
			   const uint8_t *payload)
{
	smp_handler_fn handler = NULL;
	struct smp_status st = check_header(hdr, &handler);
	struct cbor_writer w;
	size_t body_len;

	if (!smp_status_is_ok(st)) {
		LOG_DBG("seq %u: group %u id %u op %u: rc %u", hdr->seq, hdr->group, hdr->id,
			hdr->op, st.rc);
		send_response(tp, peer, hdr, build_error(hdr, st));
		return false;
	}

	struct smp_request req = {
		.hdr = hdr,
		.payload = { .ptr = payload, .len = hdr->len },
		.rsp = &w,
		.tp = tp,
		.peer = peer,
	};

	cbor_writer_init(&w, rsp_buf + SMP_HDR_SIZE, sizeof(rsp_buf) - SMP_HDR_SIZE);
	cbor_put_map_indef(&w);
	if (CONFIG_MCUMGR_SMP_LEGACY_RC_BEHAVIOUR) {
		cbor_put_cstr(&w, "rc");
		cbor_put_uint(&w, 0);
	}
	st = run_handler(handler, &req);
	if (smp_status_is_ok(st) && !cbor_put_break(&w)) {
		st = smp_err(MGMT_ERR_EMSGSIZE, "response too large");
	}

	if (smp_status_is_ok(st)) {
		body_len = w.len;
	} else {
		LOG_DBG("seq %u: group %u id %u: %s %u", hdr->seq, hdr->group, hdr->id,
			st.group_err ? "group err" : "rc", st.rc);
		body_len = build_error(hdr, st);
	}
	send_response(tp, peer, hdr, body_len);
	notify_done(hdr, st.rc);
	return smp_status_is_ok(st) || st.group_err;
}

void smp_process_unit(struct smp_transport *tp, const uint8_t *peer, const uint8_t *req, size_t len)
{
	size_t pos = 0;

	while (len - pos >= SMP_HDR_SIZE) {
		struct smp_hdr hdr;

		smp_hdr_decode(req + pos, &hdr);
		pos += SMP_HDR_SIZE;
		if (hdr.len > len - pos) {
			/* The header promises more than arrived: nothing after it is trusted. */
			send_response(tp, peer, &hdr,
				      build_error(&hdr, smp_err(MGMT_ERR_ECORRUPT, "truncated")));
			return;
		}
		if (!process_packet(tp, peer, &hdr, req + pos)) {
			return;
		}
		pos += hdr.len;
	}
	if (pos != len) {
		LOG_DBG("%s: %u trailing bytes dropped", tp->name, (unsigned int)(len - pos));
	}
}
