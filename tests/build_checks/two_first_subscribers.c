/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time check: a second FIRST subscriber for one event type fails the build with a sentence,
 * also when the two rows are apart and another type has a FIRST subscriber of its own. The control
 * build subscribes the second module at EARLY instead.
 * expect-error: two FIRST subscribers for event config_event
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
#define DFU_ROW(SUBSCRIBE) SUBSCRIBE(1, dfu, config_event, EARLY)
#else
#define DFU_ROW(SUBSCRIBE) SUBSCRIBE(1, dfu, config_event, FIRST)
#endif

#define APP_EVENT_TYPES(TYPE)                                                                      \
	TYPE(config_event)                                                                         \
	TYPE(hid_report_event)

#define APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE)                                                         \
	SUBSCRIBE(1, config_channel, config_event, FIRST)                                          \
	SUBSCRIBE(1, hid_state, hid_report_event, FIRST)                                           \
	SUBSCRIBE(1, ble_latency, config_event, NORMAL)                                            \
	DFU_ROW(SUBSCRIBE)

APP_EVENT_TABLE_DEFINE(check_table);
