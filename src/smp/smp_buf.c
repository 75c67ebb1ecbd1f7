/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The packet buffer pool and the receive queue. Transports take buffers from the pool in any
 * context; the processing context drains the queue in order and builds each answer in a buffer of
 * the same pool, and a transport whose client is gone takes that client's units back out. The
 * pool size is what params reports as buf_count; receiving leaves the last buffer for the answer,
 * so a client's window of buf_count - 1 is what the device really queues, and a request it
 * accepted is never dropped for want of a buffer to answer in.
 */
#include <stddef.h>

#include <smpdfu/port.h>
#include <smpdfu/smp.h>

#include "smp_internal.h"

static struct smp_buf pool[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
static struct smp_buf *free_list;
static struct smp_buf *queue_head;
static struct smp_buf *queue_tail;
/* An answer holds a buffer: requests may then take the last free one. */
static bool answering;

void smpdfu_smp_buf_pool_init(void)
{
	free_list = NULL;
	queue_head = NULL;
	queue_tail = NULL;
	answering = false;
	for (size_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT; i++) {
		pool[i].next = free_list;
		free_list = &pool[i];
	}
}

/*
 * The first free buffer, if enough are free (the free list is at most NETBUF_COUNT long): a
 * request needs two while no answer holds a buffer, so that the answer always finds one.
 */
static struct smp_buf *take(bool for_answer)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf *b = free_list;
	size_t need = for_answer || answering ? 1 : 2;

	for (const struct smp_buf *it = b; need > 0 && it != NULL; it = it->next) {
		need--;
	}
	if (need > 0) {
		b = NULL;
	}
	if (b != NULL) {
		free_list = b->next;
		b->next = NULL;
		b->len = 0;
		b->tp = NULL;
		answering = answering || for_answer;
	}
	smpdfu_port_critical_exit(key);
	return b;
}

struct smp_buf *smpdfu_smp_buf_alloc(void)
{
	return take(false);
}

struct smp_buf *smpdfu_smp_buf_alloc_answer(void)
{
	return take(true);
}

void smpdfu_smp_buf_free_answer(struct smp_buf *b)
{
	answering = false;
	smpdfu_smp_buf_free(b);
}

void smpdfu_smp_buf_free(struct smp_buf *b)
{
	PORT_ASSERT(b >= &pool[0] && b < &pool[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT]);

	unsigned int key = smpdfu_port_critical_enter();

	b->next = free_list;
	free_list = b;
	smpdfu_port_critical_exit(key);
}

size_t smpdfu_smp_buf_free_count(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	size_t n = 0;

	for (const struct smp_buf *b = free_list; b != NULL; b = b->next) {
		n++;
	}
	smpdfu_port_critical_exit(key);
	return n;
}

void smpdfu_smp_rx_submit(struct smp_buf *b)
{
	unsigned int key = smpdfu_port_critical_enter();

	b->next = NULL;
	if (queue_tail != NULL) {
		queue_tail->next = b;
	} else {
		queue_head = b;
	}
	queue_tail = b;
	smpdfu_port_critical_exit(key);
}

/*
 * One pass under one critical section: the queue is at most CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT
 * long, and a transport submitting in between could otherwise link a unit to one being unlinked.
 * Discarded units go straight onto the free list, as smpdfu_smp_buf_free() would put them.
 */
size_t smpdfu_smp_rx_discard(const struct smpdfu_smp_transport *tp, smp_rx_match_fn match,
			     void *arg)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf **link = &queue_head;
	struct smp_buf *kept_tail = NULL;
	size_t n = 0;

	while (*link != NULL) {
		struct smp_buf *b = *link;

		if (b->tp != tp || (match != NULL && !match(b, arg))) {
			kept_tail = b;
			link = &b->next;
			continue;
		}
		*link = b->next;
		b->next = free_list;
		free_list = b;
		n++;
	}
	queue_tail = kept_tail;
	smpdfu_port_critical_exit(key);
	return n;
}

bool smpdfu_smp_rx_process_one(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf *b = queue_head;

	if (b != NULL) {
		queue_head = b->next;
		if (queue_head == NULL) {
			queue_tail = NULL;
		}
	}
	smpdfu_port_critical_exit(key);

	if (b == NULL) {
		return false;
	}
	smpdfu_smp_process_unit(b->tp, smpdfu_smp_buf_peer(b), b->data, b->len);
	smpdfu_smp_buf_free(b);
	return true;
}
