/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module_state_event type: its definition, its log line ("main READY") and the helpers that
 * submit and test it.
 */
#include <errno.h>
#include <stdio.h>

#include <smpdfu/events/module_state_event.h>
#include <smpdfu/port.h>

static const char *const state_names[MODULE_STATE_COUNT] = {
	[MODULE_STATE_READY] = "READY",
	[MODULE_STATE_OFF] = "OFF",
	[MODULE_STATE_STANDBY] = "STANDBY",
	[MODULE_STATE_ERROR] = "ERROR",
};

const char *smpdfu_module_state_name(enum module_state state)
{
	if ((unsigned int)state >= MODULE_STATE_COUNT) {
		return "?";
	}
	return state_names[state];
}

static void log_module_state_event(const struct app_event_header *aeh, char *buf, size_t size)
{
	const struct module_state_event *event = smpdfu_cast_module_state_event(aeh);

	snprintf(buf, size, "%s %s", event->module_id->name,
		 smpdfu_module_state_name(event->state));
}

APP_EVENT_TYPE_DEFINE(module_state_event, log_module_state_event,
		      CONFIG_CAF_INIT_LOG_MODULE_STATE_EVENTS);

int smpdfu_module_state_submit(const struct module_id *module, enum module_state state)
{
	struct module_state_event *event;

	PORT_ASSERT(module != NULL);
	PORT_ASSERT((unsigned int)state < MODULE_STATE_COUNT);
	event = smpdfu_new_module_state_event();
	if (event == NULL) {
		return -ENOMEM;
	}
	event->module_id = module;
	event->state = state;
	APP_EVENT_SUBMIT(event);
	return 0;
}

bool smpdfu_check_state(const struct module_state_event *event, const struct module_id *module,
			enum module_state state)
{
	return event->module_id == module && event->state == state;
}
