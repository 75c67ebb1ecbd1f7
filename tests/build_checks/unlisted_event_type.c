/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time check: a subscription to an event type that APP_EVENT_TYPES does not list fails the
 * build, naming the type.
 * expect-error: app_event_listed_hid_report_event
 */
#include <smpdfu/app_event_manager.h>

struct config_event {
	struct app_event_header header;
};

struct hid_report_event {
	struct app_event_header header;
};

APP_EVENT_TYPE_DECLARE(config_event);
APP_EVENT_TYPE_DECLARE(hid_report_event);

#ifdef BUILD_CHECK_CONTROL
#define APP_EVENT_TYPES(TYPE) TYPE(config_event) TYPE(hid_report_event)
#else
#define APP_EVENT_TYPES(TYPE) TYPE(config_event)
#endif

#define APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE)                                                         \
	SUBSCRIBE(1, dfu, config_event, NORMAL)                                                    \
	SUBSCRIBE(1, hid_state, hid_report_event, NORMAL)

APP_EVENT_TABLE_DEFINE(check_table);
