/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole SMP packets a simulated client end has received and its client has not read yet: a
 * bounded queue of copies, shared by the link simulations' host ends.
 */
#ifndef PACKET_QUEUE_H
#define PACKET_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define PACKET_QUEUE_CAP 64

struct packet_queue {
	struct {
		size_t len;
		uint8_t *data;
	} q[PACKET_QUEUE_CAP];
	size_t head;
	size_t count;
	uint32_t overflows;  /* packets lost: the queue was full or memory ran out */
};

/* Queues a copy of data[0..len); a full queue loses it (counted in overflows). */
void packet_queue_push(struct packet_queue *pq, const uint8_t *data, size_t len);

/*
 * Takes the oldest packet: copies at most cap bytes of it to buf and returns its length (larger
 * than cap: truncated), or -EAGAIN when the queue is empty.
 */
int packet_queue_pop(struct packet_queue *pq, uint8_t *buf, size_t cap);

/* Frees every packet still queued. */
void packet_queue_clear(struct packet_queue *pq);

#endif /* PACKET_QUEUE_H */
