/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application event manager: typed events from a fixed pool, submitted from any context into one
 * FIFO and handed, in the main context, to the subscribers that the application lists in its one
 * subscription table, in FIRST, EARLY, NORMAL, FINAL order. docs/app_events.md is the guide.
 */
#ifndef SMPDFU_APP_EVENT_MANAGER_H
#define SMPDFU_APP_EVENT_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/config.h>
#include <smpdfu/port.h>

struct app_event_type;
struct smpdfu_app_event_table;

/* The first member of every event struct, and it must be called `header`. */
struct app_event_header {
	struct app_event_header *next;     /* the FIFO link: the manager's, once submitted */
	const struct app_event_type *type; /* set by the allocation */
};

/*
 * An event type's log function: writes a short description of the event (no type name, no
 * newline) into buf, NUL-terminated and truncated to size. Runs in the main context.
 */
typedef void (*app_event_log_fn)(const struct app_event_header *aeh, char *buf, size_t size);

/* A subscriber: true consumes the event (later subscribers are not called). Main context. */
typedef bool (*app_event_handler_fn)(const struct app_event_header *aeh);

/* The run-time part of an event type: set by smpdfu_app_event_manager_init(). */
struct app_event_type_state {
	const struct smpdfu_app_event_table *table; /* the table that lists this type */
	bool log_enabled;
};

/* An event type, made by APP_EVENT_TYPE_DEFINE(); read-only apart from its state. */
struct app_event_type {
	const char *name;
	size_t size;                        /* of the event struct, header included */
	app_event_log_fn log;               /* NULL: only the name is logged */
	bool init_log_enable; /* logging switch after smpdfu_app_event_manager_init() */
	struct app_event_type_state *state; /* owned by the manager */
};

enum app_event_priority {
	APP_EVENT_PRIORITY_FIRST, /* at most one per event type */
	APP_EVENT_PRIORITY_EARLY,
	APP_EVENT_PRIORITY_NORMAL,
	APP_EVENT_PRIORITY_FINAL, /* at most one per event type; runs after all the others */
};

/* One row of the subscription table, as the manager sees it. */
struct app_event_subscriber {
	const struct app_event_type *type;
	app_event_handler_fn handler;
	const char *module; /* for logs */
	enum app_event_priority priority;
};

/*
 * The application's event types and subscriptions, made by APP_EVENT_TABLE_DEFINE() from its two
 * X-macro tables. Subscribers are sorted by priority (FIRST first, FINAL last).
 */
struct smpdfu_app_event_table {
	const struct app_event_type *const *types;
	size_t type_count;
	const struct app_event_subscriber *subscribers;
	size_t subscriber_count;
};

struct app_event_manager_stats {
	uint32_t submitted;
	uint32_t processed;
	uint32_t dropped;     /* allocations refused because the pool was full */
	uint32_t peak_in_use; /* most pool blocks ever in use at the same time */
};

/* --- Event types ------------------------------------------------------------------------------ */

/* The type object of event type `name` (for the logging switch). */
#define APP_EVENT_TYPE(name) (&smpdfu_app_event_type_##name)

/*
 * In the header of event type `name`, after `struct name` (whose first member is
 * `struct app_event_header header`): declares the type and three helpers, which
 * APP_EVENT_TYPE_DEFINE() defines.
 *   struct name *smpdfu_new_name(void)     allocates a zeroed event from the pool; NULL when the
 *                                          pool is full (counted and logged). Any context.
 *   bool smpdfu_is_name(const struct app_event_header *aeh)
 *   const struct name *smpdfu_cast_name(const struct app_event_header *aeh)
 *                                          asserts smpdfu_is_name()
 */
#define APP_EVENT_TYPE_DECLARE(name)                                                               \
	struct name *smpdfu_new_##name(void);                                                      \
	bool smpdfu_is_##name(const struct app_event_header *aeh);                                 \
	const struct name *smpdfu_cast_##name(const struct app_event_header *aeh);                 \
	extern const struct app_event_type smpdfu_app_event_type_##name

/*
 * In one .c file, after including the type's header: defines event type `ev` with its log
 * function (or NULL) and whether it is logged from the start (a 0/1 expression, typically a
 * CONFIG_ option), and its helpers. Fails the build when the struct does not start with its
 * header or does not fit in a pool block.
 */
#define APP_EVENT_TYPE_DEFINE(ev, log_fn, init_log)                                                \
	_Static_assert(offsetof(struct ev, header) == 0,                                           \
		       "struct " #ev " must start with `struct app_event_header header`");         \
	_Static_assert(APP_EVENT_FITS(struct ev),                                                  \
		       "struct " #ev " is larger than "                                            \
		       "CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE, the size of one pool block");     \
	static struct app_event_type_state app_event_state_##ev;                                   \
	const struct app_event_type smpdfu_app_event_type_##ev = {                                 \
		.name = #ev,                                                                       \
		.size = sizeof(struct ev),                                                         \
		.log = (log_fn),                                                                   \
		.init_log_enable = (init_log),                                                     \
		.state = &app_event_state_##ev,                                                    \
	};                                                                                         \
	struct ev *smpdfu_new_##ev(void)                                                           \
	{                                                                                          \
		return (struct ev *)smpdfu_app_event_manager_alloc(&smpdfu_app_event_type_##ev);   \
	}                                                                                          \
	bool smpdfu_is_##ev(const struct app_event_header *aeh)                                    \
	{                                                                                          \
		return aeh->type == &smpdfu_app_event_type_##ev;                                   \
	}                                                                                          \
	const struct ev *smpdfu_cast_##ev(const struct app_event_header *aeh)                      \
	{                                                                                          \
		PORT_ASSERT(smpdfu_is_##ev(aeh));                                                  \
		return (const struct ev *)aeh;                                                     \
	}                                                                                          \
	extern const struct app_event_type smpdfu_app_event_type_##ev

/* Whether a struct fits in one pool block (always true when the manager is configured out). */
#define APP_EVENT_FITS(type)                                                                       \
	(!CONFIG_APP_EVENT_MANAGER || sizeof(type) <= CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE)

/* --- The subscription table ------------------------------------------------------------------- */

/*
 * The handler of module `module`: every module that subscribes defines one, named
 * smpdfu_<module>_app_event_handler. Put `APP_EVENT_HANDLER_DECLARE(module);` before its
 * definition.
 */
#define APP_EVENT_HANDLER_DECLARE(module)                                                          \
	bool smpdfu_##module##_app_event_handler(const struct app_event_header *aeh)

/*
 * In the one translation unit that holds the application's table, after its two X-macros
 *
 *   APP_EVENT_TYPES(TYPE):              one TYPE(event) row per event type;
 *   APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE): one SUBSCRIBE(guard, module, event, priority) row per
 *                                       subscription (guard: 1 or a CONFIG_ option, so the rows
 *                                       of disabled modules drop out; priority: FIRST, EARLY,
 *                                       NORMAL or FINAL),
 *
 * defines `const struct smpdfu_app_event_table table` for smpdfu_app_event_manager_init(). The
 * build fails with a sentence when an event type has two FIRST or two FINAL subscribers, and on the
 * undeclared `app_event_listed_<event>` when a row subscribes to a type that APP_EVENT_TYPES lacks.
 * The per-type assertions need a block scope each, so they sit in <table>_build_checks(), a
 * function that is never called.
 */
#define APP_EVENT_TABLE_DEFINE(table)                                                              \
	enum {                                                                                     \
		APP_EVENT_TYPES(AEM_TYPE_ID) app_event_listed_count_                               \
	};                                                                                         \
	APP_EVENT_SUBSCRIPTIONS(AEM_HANDLER_PROTOTYPE)                                             \
	void table##_build_checks(void);                                                           \
	void table##_build_checks(void)                                                            \
	{                                                                                          \
		APP_EVENT_TYPES(AEM_TYPE_CHECKS)                                                   \
	}                                                                                          \
	static const struct app_event_type *const table##_types[] = {                              \
		APP_EVENT_TYPES(AEM_TYPE_POINTER) NULL,                                            \
	};                                                                                         \
	static const struct app_event_subscriber table##_subscribers[] = {                         \
		APP_EVENT_SUBSCRIPTIONS(AEM_ROW_FIRST) APP_EVENT_SUBSCRIPTIONS(AEM_ROW_EARLY)      \
			APP_EVENT_SUBSCRIPTIONS(AEM_ROW_NORMAL)                                    \
				APP_EVENT_SUBSCRIPTIONS(AEM_ROW_FINAL){ .type = NULL },            \
	};                                                                                         \
	const struct smpdfu_app_event_table table = {                                              \
		.types = table##_types,                                                            \
		.type_count = sizeof(table##_types) / sizeof(table##_types[0]) - 1,                \
		.subscribers = table##_subscribers,                                                \
		.subscriber_count =                                                                \
			sizeof(table##_subscribers) / sizeof(table##_subscribers[0]) - 1,          \
	}

/*
 * Private helpers of APP_EVENT_TABLE_DEFINE (AEM_*). AEM_IF(cond, code) keeps code when cond
 * expands to 1 and drops it when 0; AEM_SEL_<priority>(f, e, n, z) picks the argument of that
 * priority, so each of the four passes over the table keeps only its own rows.
 */
#define AEM_IF(cond, ...) AEM_IF_(cond, __VA_ARGS__)
#define AEM_IF_(cond, ...) AEM_IF_##cond(__VA_ARGS__)
#define AEM_IF_0(...)
#define AEM_IF_1(...) __VA_ARGS__

#define AEM_SEL_FIRST(f, e, n, z) f
#define AEM_SEL_EARLY(f, e, n, z) e
#define AEM_SEL_NORMAL(f, e, n, z) n
#define AEM_SEL_FINAL(f, e, n, z) z

#define AEM_TYPE_ID(event) app_event_listed_##event,
#define AEM_TYPE_POINTER(event) &smpdfu_app_event_type_##event,
#define AEM_HANDLER_PROTOTYPE(guard, module, event, prio)                                          \
	AEM_IF(guard, APP_EVENT_HANDLER_DECLARE(module);)

#define AEM_ENTRY(mod, event, prio)                                                                \
	{                                                                                          \
		.type = &smpdfu_app_event_type_##event,                                            \
		.handler = smpdfu_##mod##_app_event_handler,                                       \
		.module = #mod,                                                                    \
		.priority = APP_EVENT_PRIORITY_##prio,                                             \
	},
#define AEM_ROW_FIRST(guard, module, event, prio)                                                  \
	AEM_IF(guard, AEM_IF(AEM_SEL_##prio(1, 0, 0, 0), AEM_ENTRY(module, event, prio)))
#define AEM_ROW_EARLY(guard, module, event, prio)                                                  \
	AEM_IF(guard, AEM_IF(AEM_SEL_##prio(0, 1, 0, 0), AEM_ENTRY(module, event, prio)))
#define AEM_ROW_NORMAL(guard, module, event, prio)                                                 \
	AEM_IF(guard, AEM_IF(AEM_SEL_##prio(0, 0, 1, 0), AEM_ENTRY(module, event, prio)))
#define AEM_ROW_FINAL(guard, module, event, prio)                                                  \
	AEM_IF(guard, AEM_IF(AEM_SEL_##prio(0, 0, 0, 1), AEM_ENTRY(module, event, prio)))

/*
 * Per event type, in a block of its own that names the type `aem_current`: the number of
 * enabled FIRST (and FINAL) rows of that type, which must be at most one.
 */
#define AEM_IS_CURRENT(event) ((int)app_event_listed_##event == (int)aem_current)
#define AEM_COUNT_FIRST(guard, module, event, prio)                                                \
	+((guard) && AEM_SEL_##prio(1, 0, 0, 0) && AEM_IS_CURRENT(event))
#define AEM_COUNT_FINAL(guard, module, event, prio)                                                \
	+((guard) && AEM_SEL_##prio(0, 0, 0, 1) && AEM_IS_CURRENT(event))
#define AEM_TYPE_CHECKS(event)                                                                     \
	{                                                                                          \
		enum { aem_current = app_event_listed_##event };                                   \
		_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FIRST)) <= 1,                  \
			       "two FIRST subscribers for event " #event                           \
			       ": an event type may have at most one FIRST subscriber");           \
		_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FINAL)) <= 1,                  \
			       "two FINAL subscribers for event " #event                           \
			       ": an event type may have at most one FINAL subscriber");           \
	}

/* --- The manager ------------------------------------------------------------------------------ */

/*
 * Starts (or restarts, for a simulated reboot or the next unit test) the manager with the
 * application's table: empties the pool and the queue, zeroes the counters and resets every
 * listed type's logging switch to its default. Main context, before anything submits.
 * Returns 0, or -ENOTSUP when CONFIG_APP_EVENT_MANAGER is off.
 */
int smpdfu_app_event_manager_init(const struct smpdfu_app_event_table *table);

/*
 * Allocates a zeroed event of `type` (listed in the table) from the pool; prefer new_<event>().
 * Returns NULL when the pool is full: the failure is counted (stats.dropped) and logged, and
 * nothing else changes. Any context; never blocks.
 */
struct app_event_header *smpdfu_app_event_manager_alloc(const struct app_event_type *type);

/* Returns an allocated event that was never submitted to the pool. Any context. */
void smpdfu_app_event_manager_free(struct app_event_header *aeh);

/*
 * Queues an allocated event behind every event submitted before it; the manager owns it from
 * now on and frees it after its last subscriber. Any context; never blocks.
 */
void smpdfu_app_event_manager_submit(struct app_event_header *aeh);

#define APP_EVENT_SUBMIT(event) smpdfu_app_event_manager_submit(&(event)->header)

/*
 * Handles queued events in submission order until the queue is empty, including events
 * submitted meanwhile: logs each (when its switch is on), calls its subscribers in priority
 * order until one consumes it, then frees it. Main context only, and never from a handler.
 * Returns the number of events handled.
 */
int smpdfu_app_event_manager_process(void);

/* Whether events wait to be processed (so the main loop should not sleep). Any context. */
bool smpdfu_app_event_manager_has_pending(void);

/* The logging switch of a listed event type. Main context. */
void smpdfu_app_event_manager_log_enable(const struct app_event_type *type, bool enable);
bool smpdfu_app_event_manager_log_is_enabled(const struct app_event_type *type);

/* Pool blocks in use now (allocated, queued or being processed). Any context. */
size_t smpdfu_app_event_manager_pool_in_use(void);

/* A copy of the counters since smpdfu_app_event_manager_init(). Any context. */
void smpdfu_app_event_manager_stats_get(struct app_event_manager_stats *stats);

#endif /* SMPDFU_APP_EVENT_MANAGER_H */
