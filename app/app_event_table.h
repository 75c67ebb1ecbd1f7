/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application's one event table: every event type it uses and every subscription of every
 * module, one row each. A row's guard (1 or a CONFIG_ option) drops the subscriptions of modules
 * that Kconfig leaves out. docs/app_events.md explains the columns and the build-time checks.
 */
#ifndef APP_EVENT_TABLE_H
#define APP_EVENT_TABLE_H

#include <smpdfu/app_event_manager.h>
#include <smpdfu/config.h>
#include <smpdfu/events/ble_common_event.h>
#include <smpdfu/events/ble_smp_event.h>
#include <smpdfu/events/module_state_event.h>

/* Every event type of the application; a type is defined once, in its own .c file. */
#define APP_EVENT_TYPES(TYPE)                                                                      \
	TYPE(module_state_event)                                                                   \
	TYPE(ble_peer_event)                                                                       \
	TYPE(ble_peer_conn_params_event)                                                           \
	TYPE(ble_smp_transfer_event)

/*
 * Who subscribes to what:
 *	SUBSCRIBE(guard, module, event, priority)
 * guard: 1, or the CONFIG_ option that builds the module; module: the bare name, whose handler is
 * smpdfu_<module>_app_event_handler(); priority: FIRST, EARLY, NORMAL or FINAL (at most one FIRST
 * and one FINAL per event type, checked at build time). Within one priority the order is
 * unspecified.
 *
 * ble_smp_transfer_event: its producer (dfu_mcumgr or smp, never both) is its FINAL subscriber
 * and clears its "one outstanding" flag there, so no subscriber may consume it.
 */
#define APP_EVENT_SUBSCRIPTIONS(SUBSCRIBE)                                                         \
	SUBSCRIBE(CONFIG_CAF_BLE_STATE, ble_state, module_state_event, NORMAL)                     \
	SUBSCRIBE(CONFIG_DESKTOP_BLE_LATENCY_ENABLE, ble_latency, module_state_event, NORMAL)      \
	SUBSCRIBE(CONFIG_DESKTOP_BLE_LATENCY_ENABLE, ble_latency, ble_peer_event, NORMAL)          \
	SUBSCRIBE(CONFIG_DESKTOP_BLE_LATENCY_ENABLE, ble_latency, ble_peer_conn_params_event,      \
		  NORMAL)                                                                          \
	SUBSCRIBE(CONFIG_DESKTOP_BLE_LATENCY_ENABLE, ble_latency, ble_smp_transfer_event, NORMAL)  \
	SUBSCRIBE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE, dfu_mcumgr, module_state_event, NORMAL)        \
	SUBSCRIBE(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS, dfu_mcumgr, ble_smp_transfer_event,   \
		  FINAL)                                                                           \
	SUBSCRIBE(CONFIG_CAF_BLE_SMP, smp, module_state_event, NORMAL)                             \
	SUBSCRIBE(CONFIG_CAF_BLE_SMP, smp, ble_smp_transfer_event, FINAL)                          \
	SUBSCRIBE(CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE, dfu, module_state_event, NORMAL)

/* Defined in app_event_table.c; main passes it to smpdfu_app_event_manager_init(). */
extern const struct smpdfu_app_event_table smpdfu_app_event_table;

#endif /* APP_EVENT_TABLE_H */
