/* SPDX-License-Identifier: Apache-2.0 */
/* Builds the application's event table (app_event_table.h) for app_event_manager_init(). */
#include "app_event_table.h"

APP_EVENT_TABLE_DEFINE(app_event_table);
