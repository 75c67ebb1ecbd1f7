/* SPDX-License-Identifier: Apache-2.0 */
/* The host ends' answer queue: copies on the heap, as this is host code with a bounded count. */
#include "packet_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void packet_queue_push(struct packet_queue *pq, const uint8_t *data, size_t len)
{
	size_t tail = (pq->head + pq->count) % PACKET_QUEUE_CAP;
	uint8_t *copy;

	if (pq->count == PACKET_QUEUE_CAP) {
		pq->overflows++;
		return;
	}
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL) {
		pq->overflows++;
		return;
	}
	memcpy(copy, data, len);
	pq->q[tail].data = copy;
	pq->q[tail].len = len;
	pq->count++;
}

int packet_queue_pop(struct packet_queue *pq, uint8_t *buf, size_t cap)
{
	size_t len;

	if (pq->count == 0) {
		return -EAGAIN;
	}
	len = pq->q[pq->head].len;
	memcpy(buf, pq->q[pq->head].data, len < cap ? len : cap);
	free(pq->q[pq->head].data);
	pq->q[pq->head].data = NULL;
	pq->head = (pq->head + 1) % PACKET_QUEUE_CAP;
	pq->count--;
	return (int)len;
}

void packet_queue_clear(struct packet_queue *pq)
{
	while (pq->count > 0) {
		free(pq->q[pq->head].data);
		pq->q[pq->head].data = NULL;
		pq->head = (pq->head + 1) % PACKET_QUEUE_CAP;
		pq->count--;
	}
}
