/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time check: an event type larger than one pool block fails the build where it is defined.
 * expect-error: struct big_event is larger than CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE
 */
#include <smpdfu/app_event_manager.h>

#ifdef BUILD_CHECK_CONTROL
#define PAYLOAD_SIZE 1
#else
#define PAYLOAD_SIZE CONFIG_APP_EVENT_MANAGER_MAX_EVENT_SIZE
#endif

struct big_event {
	struct app_event_header header;
	unsigned char payload[PAYLOAD_SIZE];
};

APP_EVENT_TYPE_DECLARE(big_event);
APP_EVENT_TYPE_DEFINE(big_event, NULL, 1);
