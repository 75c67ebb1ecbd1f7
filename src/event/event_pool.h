/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixed pool that events are allocated from (private to src/event). Each block has a state,
 * so a double free, a double submit or a pointer that is not a block fails an assertion instead
 * of corrupting the free list or the queue.
 */
#ifndef SMPDFU_EVENT_POOL_H
#define SMPDFU_EVENT_POOL_H

#include <stddef.h>

enum event_block_state {
	EVENT_BLOCK_FREE,
	EVENT_BLOCK_ALLOCATED, /* owned by the code that allocated it */
	EVENT_BLOCK_QUEUED,    /* submitted: owned by the manager */
};

/* Marks every block free. */
void smpdfu_event_pool_init(void);

/* A free block (now ALLOCATED) of smpdfu_event_pool_block_size() bytes, or NULL. Any context. */
void *smpdfu_event_pool_alloc(void);

/* Moves an ALLOCATED or QUEUED block to state `to`, asserting it was in state `from`. */
void smpdfu_event_pool_move(void *block, enum event_block_state from, enum event_block_state to);

size_t smpdfu_event_pool_block_size(void);
size_t smpdfu_event_pool_in_use(void);
size_t smpdfu_event_pool_peak_in_use(void);

#endif /* SMPDFU_EVENT_POOL_H */
