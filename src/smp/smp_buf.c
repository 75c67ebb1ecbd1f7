/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The packet buffer pool and the receive queue. Transports take buffers from the pool in any
 * context; the processing context drains the queue in order, and a transport whose client is gone
 * takes that client's units back out. Of the buf_count buffers params reports, the pool holds all
 * but the last, which is the dispatcher's to build answers in: a client's window of
 * buf_count - 1 is what the device really queues, and a request it accepted is never dropped for
 * want of a buffer to answer in.
 */
#include <stddef.h>

#include <smpdfu/port.h>
#include <smpdfu/smp.h>

#include "smp_internal.h"
#include "util.h"

/* The requests' buffers: all but the answers' (smp_server.c). */
static struct smp_buf bufs[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1];

/* Where the other buffers are: free, queued in order of arrival, or held by a transport. */
static struct smp_pool {
	struct smp_buf *free;
	struct smp_buf *queue; /* the oldest unit, each linked to the next */
} pool;

/* Puts b on the free list; the caller is inside the critical section. */
static void put_free(struct smp_buf *b)
{
	b->next = pool.free;
	pool.free = b;
}

void smpdfu_smp_buf_pool_init(void)
{
	pool = (struct smp_pool){ 0 };
	for (struct smp_buf *b = bufs; b < bufs + ARRAY_SIZE(bufs); b++) {
		put_free(b);
	}
}

struct smp_buf *smpdfu_smp_buf_alloc(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf *b = pool.free;

	/* Its link is left as it was: only the lists read it, and submitting sets it. */
	if (b != NULL) {
		pool.free = b->next;
		b->len = 0;
		b->tp = NULL;
	}
	smpdfu_port_critical_exit(key);
	return b;
}

void smpdfu_smp_buf_free(struct smp_buf *b)
{
	PORT_ASSERT(b >= bufs && b < bufs + ARRAY_SIZE(bufs));

	unsigned int key = smpdfu_port_critical_enter();

	put_free(b);
	smpdfu_port_critical_exit(key);
}

size_t smpdfu_smp_buf_free_count(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	size_t n = 1; /* the answers' buffer, free between answers */

	for (const struct smp_buf *b = pool.free; b != NULL; b = b->next) {
		n++;
	}
	smpdfu_port_critical_exit(key);
	return n;
}

void smpdfu_smp_rx_submit(struct smp_buf *b)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf **link = &pool.queue;

	/* The queue is at most CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT long: no end to keep. */
	while (*link != NULL) {
		link = &(*link)->next;
	}
	b->next = NULL;
	*link = b;
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
	struct smp_buf **link = &pool.queue;
	size_t n = 0;

	while (*link != NULL) {
		struct smp_buf *b = *link;

		if (b->tp != tp || (match != NULL && !match(b, arg))) {
			link = &b->next;
			continue;
		}
		*link = b->next;
		put_free(b);
		n++;
	}
	smpdfu_port_critical_exit(key);
	return n;
}

bool smpdfu_smp_rx_process_one(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct smp_buf *b = pool.queue;

	if (b != NULL) {
		pool.queue = b->next;
	}
	smpdfu_port_critical_exit(key);

	if (b == NULL) {
		return false;
	}
	smpdfu_smp_process_unit(b->tp, smpdfu_smp_buf_peer(b), b->data, b->len);
	smpdfu_smp_buf_free(b);
	return true;
}
