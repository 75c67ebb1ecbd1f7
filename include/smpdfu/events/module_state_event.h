/* SPDX-License-Identifier: Apache-2.0 */
/*
 * module_state_event: a module reports that it is READY, OFF, STANDBY or in ERROR. At boot `main`
 * reports READY and every module initialises on it. A module id is the address of a constant
 * object of that module (MODULE_ID_DEFINE), so ids compare as pointers and logs print the name.
 */
#ifndef SMPDFU_EVENTS_MODULE_STATE_EVENT_H
#define SMPDFU_EVENTS_MODULE_STATE_EVENT_H

#include <stdbool.h>

#include <smpdfu/app_event_manager.h>

enum module_state {
	MODULE_STATE_READY = 0,
	MODULE_STATE_OFF = 1,
	MODULE_STATE_STANDBY = 2,
	MODULE_STATE_ERROR = 3,
	MODULE_STATE_COUNT,
};

struct module_id {
	const char *name;
};

/* The id of module `mod` (a bare name such as main or dfu_mcumgr, or the macro MODULE). */
#define MODULE_ID(mod) MODULE_ID_(mod)
#define MODULE_ID_(mod) (&smpdfu_module_id_##mod)
/* In a header, for the modules whose id others check (main, ble_state, ...). */
#define MODULE_ID_DECLARE(mod) MODULE_ID_DECLARE_(mod)
#define MODULE_ID_DECLARE_(mod) extern const struct module_id smpdfu_module_id_##mod
/* Once, in the module's own .c file. */
#define MODULE_ID_DEFINE(mod) MODULE_ID_DEFINE_(mod)
#define MODULE_ID_DEFINE_(mod) const struct module_id smpdfu_module_id_##mod = { .name = #mod }

struct module_state_event {
	struct app_event_header header;
	const struct module_id *module_id;
	enum module_state state;
};

APP_EVENT_TYPE_DECLARE(module_state_event);

/*
 * Submits a module_state_event {module, state}. Returns 0, or -ENOMEM when the event pool is full
 * (counted and logged by the manager). Any context.
 */
int smpdfu_module_state_submit(const struct module_id *module, enum module_state state);

/* Whether `event` says that `module` is in `state`. */
bool smpdfu_check_state(const struct module_state_event *event, const struct module_id *module,
			enum module_state state);

/* "READY", "OFF", "STANDBY", "ERROR", or "?" for a value out of range. */
const char *smpdfu_module_state_name(enum module_state state);

/*
 * A module that defines MODULE (its bare name) before including this header, and
 * MODULE_ID_DEFINE(MODULE) in its .c file, reports its own state with
 * smpdfu_module_set_state(state).
 */
#ifdef MODULE
MODULE_ID_DECLARE(MODULE);

static inline int smpdfu_module_set_state(enum module_state state)
{
	return smpdfu_module_state_submit(MODULE_ID(MODULE), state);
}
#endif

#endif /* SMPDFU_EVENTS_MODULE_STATE_EVENT_H */
