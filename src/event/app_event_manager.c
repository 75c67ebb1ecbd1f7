/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event queue and its dispatcher: one FIFO filled from any context under the critical section
 * and emptied in the main context, each event logged, handed to the table's subscribers of its type
 * in priority order until one consumes it, and freed.
 */
#include <errno.h>
#include <string.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/port.h>

#include "event_pool.h"
#include "log.h"
#include "sys/module_reset.h"

#define LOG_MODULE "app_event_manager"
#define LOG_LEVEL CONFIG_APP_EVENT_MANAGER_LOG_LEVEL

#define LOG_TEXT_SIZE                                                                              \
	(CONFIG_APP_EVENT_MANAGER_SHOW_EVENTS ? CONFIG_APP_EVENT_MANAGER_LOG_BUF_SIZE : 1)

static const struct smpdfu_app_event_table *table;
static struct app_event_header *queue_head;
static struct app_event_header *queue_tail;
static bool processing;
static struct app_event_manager_stats stats;

static bool type_is_listed(const struct app_event_type *type)
{
	return table != NULL && type != NULL && type->state->table == table;
}

int smpdfu_app_event_manager_init(const struct smpdfu_app_event_table *new_table)
{
	unsigned int key;

	PORT_ASSERT(new_table != NULL);
	if (!CONFIG_APP_EVENT_MANAGER) {
		return -ENOTSUP;
	}
	key = smpdfu_port_critical_enter();
	smpdfu_event_pool_init();
	queue_head = NULL;
	queue_tail = NULL;
	processing = false; /* a unit test that failed inside a handler left it set */
	memset(&stats, 0, sizeof(stats));
	table = new_table;
	smpdfu_port_critical_exit(key);

	for (size_t i = 0; i < table->type_count; i++) {
		const struct app_event_type *type = table->types[i];

		type->state->table = table;
		type->state->log_enabled = type->init_log_enable;
	}
	LOG_DBG("%u event types, %u subscriptions, pool of %u x %u bytes",
		(unsigned int)table->type_count, (unsigned int)table->subscriber_count,
		(unsigned int)CONFIG_APP_EVENT_MANAGER_POOL_SIZE,
		(unsigned int)smpdfu_event_pool_block_size());
	return 0;
}

void smpdfu_app_event_manager_reset(void)
{
	/* The types' run-time part (APP_EVENT_TYPE_DEFINE) is ours: unlisted again, as at boot. */
	for (size_t i = 0; table != NULL && i < table->type_count; i++) {
		*table->types[i]->state = (struct app_event_type_state){ 0 };
	}
	table = NULL;
	queue_head = NULL;
	queue_tail = NULL;
	processing = false;
	memset(&stats, 0, sizeof(stats));
}

struct app_event_header *smpdfu_app_event_manager_alloc(const struct app_event_type *type)
{
	struct app_event_header *aeh;
	unsigned int key;
	uint32_t dropped;

	/* A type missing from APP_EVENT_TYPES or an allocation before init: a programming error. */
	PORT_ASSERT(type_is_listed(type));
	PORT_ASSERT(type->size <= smpdfu_event_pool_block_size());

	aeh = smpdfu_event_pool_alloc();
	if (aeh == NULL) {
		key = smpdfu_port_critical_enter();
		dropped = ++stats.dropped;
		smpdfu_port_critical_exit(key);
		LOG_ERR("event pool full (%u blocks): %s dropped, %u so far",
			(unsigned int)CONFIG_APP_EVENT_MANAGER_POOL_SIZE, type->name,
			(unsigned int)dropped);
		return NULL;
	}
	memset(aeh, 0, type->size);
	aeh->type = type;
	return aeh;
}

void smpdfu_app_event_manager_free(struct app_event_header *aeh)
{
	PORT_ASSERT(aeh != NULL);
	smpdfu_event_pool_move(aeh, EVENT_BLOCK_ALLOCATED, EVENT_BLOCK_FREE);
}

void smpdfu_app_event_manager_submit(struct app_event_header *aeh)
{
	unsigned int key;

	PORT_ASSERT(aeh != NULL);
	key = smpdfu_port_critical_enter();
	smpdfu_event_pool_move(aeh, EVENT_BLOCK_ALLOCATED, EVENT_BLOCK_QUEUED);
	aeh->next = NULL;
	if (queue_tail != NULL) {
		queue_tail->next = aeh;
	} else {
		queue_head = aeh;
	}
	queue_tail = aeh;
	stats.submitted++;
	smpdfu_port_critical_exit(key);
}

/* The oldest queued event, taken off the queue, or NULL. */
static struct app_event_header *queue_pop(void)
{
	unsigned int key = smpdfu_port_critical_enter();
	struct app_event_header *aeh = queue_head;

	if (aeh != NULL) {
		queue_head = aeh->next;
		if (queue_head == NULL) {
			queue_tail = NULL;
		}
		aeh->next = NULL;
	}
	smpdfu_port_critical_exit(key);
	return aeh;
}

static void log_event(const struct app_event_header *aeh)
{
	const struct app_event_type *type = aeh->type;
	char text[LOG_TEXT_SIZE];

	if (!CONFIG_APP_EVENT_MANAGER_SHOW_EVENTS || !type->state->log_enabled) {
		return;
	}
	if (type->log == NULL) {
		LOG_INF("%s", type->name);
		return;
	}
	text[0] = '\0';
	type->log(aeh, text, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	if (CONFIG_APP_EVENT_MANAGER_LOG_EVENT_TYPE) {
		LOG_INF("%s: %s", type->name, text);
	} else {
		LOG_INF("%s", text);
	}
}

/* Calls the subscribers of the event's type in table (priority) order until one consumes it. */
static void dispatch(const struct app_event_header *aeh)
{
	for (size_t i = 0; i < table->subscriber_count; i++) {
		const struct app_event_subscriber *sub = &table->subscribers[i];

		if (sub->type != aeh->type) {
			continue;
		}
		if (sub->handler(aeh)) {
			LOG_DBG("%s consumed by %s", aeh->type->name, sub->module);
			return;
		}
	}
}

int smpdfu_app_event_manager_process(void)
{
	struct app_event_header *aeh;
	unsigned int key;
	int count = 0;

	PORT_ASSERT(table != NULL);
	/* A handler that processed events itself would reorder the FIFO. */
	PORT_ASSERT(!processing);
	processing = true;
	while ((aeh = queue_pop()) != NULL) {
		log_event(aeh);
		dispatch(aeh);
		key = smpdfu_port_critical_enter();
		smpdfu_event_pool_move(aeh, EVENT_BLOCK_QUEUED, EVENT_BLOCK_FREE);
		stats.processed++;
		smpdfu_port_critical_exit(key);
		count++;
	}
	processing = false;
	return count;
}

bool smpdfu_app_event_manager_has_pending(void)
{
	return queue_head != NULL;
}

void smpdfu_app_event_manager_log_enable(const struct app_event_type *type, bool enable)
{
	PORT_ASSERT(type_is_listed(type));
	type->state->log_enabled = enable;
}

bool smpdfu_app_event_manager_log_is_enabled(const struct app_event_type *type)
{
	PORT_ASSERT(type_is_listed(type));
	return type->state->log_enabled;
}

size_t smpdfu_app_event_manager_pool_in_use(void)
{
	return smpdfu_event_pool_in_use();
}

void smpdfu_app_event_manager_stats_get(struct app_event_manager_stats *out)
{
	unsigned int key = smpdfu_port_critical_enter();

	*out = stats;
	out->peak_in_use = (uint32_t)smpdfu_event_pool_peak_in_use();
	smpdfu_port_critical_exit(key);
}
