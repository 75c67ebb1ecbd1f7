/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event pool: CONFIG_APP_EVENT_MANAGER_POOL_SIZE blocks of
 * CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE bytes (rounded up to the strictest alignment), a free
 * list threaded through the free blocks for O(1) allocation in a critical section, and one state
 * byte per block for the ownership checks.
 */
#include <stdint.h>

#include <smpdfu/config.h>
#include <smpdfu/port.h>

#include "event_pool.h"

/* Sizes stay valid when the manager is configured out (its options are 0 then). */
#define POOL_BLOCKS (CONFIG_APP_EVENT_MANAGER ? CONFIG_APP_EVENT_MANAGER_POOL_SIZE : 1)
#define BLOCK_BYTES (CONFIG_APP_EVENT_MANAGER ? CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE : 1)

union event_block {
	max_align_t align;
	union event_block *next_free;
	unsigned char bytes[BLOCK_BYTES];
};

static union event_block blocks[POOL_BLOCKS];
static uint8_t states[POOL_BLOCKS]; /* enum event_block_state */
static union event_block *free_list;
static size_t in_use;
static size_t peak_in_use;

/* The index of the block that `p` points to; asserts that it is the start of a block. */
static size_t block_index(const void *p)
{
	uintptr_t addr = (uintptr_t)p;
	uintptr_t first = (uintptr_t)&blocks[0];
	size_t i;

	PORT_ASSERT(addr >= first && addr < first + sizeof(blocks));
	i = (size_t)(addr - first) / sizeof(blocks[0]);
	PORT_ASSERT(p == &blocks[i]);
	return i;
}

void smpdfu_event_pool_init(void)
{
	unsigned int key = smpdfu_port_critical_enter();

	free_list = NULL;
	for (size_t i = POOL_BLOCKS; i-- > 0;) {
		blocks[i].next_free = free_list;
		free_list = &blocks[i];
		states[i] = EVENT_BLOCK_FREE;
	}
	in_use = 0;
	peak_in_use = 0;
	smpdfu_port_critical_exit(key);
}

void *smpdfu_event_pool_alloc(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	union event_block *b = free_list;

	if (b != NULL) {
		free_list = b->next_free;
		states[b - blocks] = EVENT_BLOCK_ALLOCATED;
		in_use++;
		if (in_use > peak_in_use) {
			peak_in_use = in_use;
		}
	}
	smpdfu_port_critical_exit(key);
	return b;
}

void smpdfu_event_pool_move(void *block, enum event_block_state from, enum event_block_state to)
{
	size_t i = block_index(block);
	unsigned int key = smpdfu_port_critical_enter();

	PORT_ASSERT(from != EVENT_BLOCK_FREE && states[i] == from);
	states[i] = (uint8_t)to;
	if (to == EVENT_BLOCK_FREE) {
		blocks[i].next_free = free_list;
		free_list = &blocks[i];
		in_use--;
	}
	smpdfu_port_critical_exit(key);
}

size_t smpdfu_event_pool_block_size(void)
{
	return sizeof(blocks[0]);
}

size_t smpdfu_event_pool_in_use(void)
{
	return in_use;
}

size_t smpdfu_event_pool_peak_in_use(void)
{
	return peak_in_use;
}
