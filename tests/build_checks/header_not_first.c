/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time check: an event struct must start with its header.
 * expect-error: struct late_header_event must start with `struct app_event_header header`
 */
#include <stdint.h>

#include <smpdfu/app_event_manager.h>

struct late_header_event {
#ifndef BUILD_CHECK_CONTROL
	uint32_t value;
#endif
	struct app_event_header header;
};

APP_EVENT_TYPE_DECLARE(late_header_event);
APP_EVENT_TYPE_DEFINE(late_header_event, NULL, 1);
