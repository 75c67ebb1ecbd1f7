/* SPDX-License-Identifier: Apache-2.0 */
/* Builds the application's event table (app_event_table.h) for smpdfu_app_event_manager_init(). */
#include "app_event_table.h"

APP_EVENT_TABLE_DEFINE(smpdfu_app_event_table);
