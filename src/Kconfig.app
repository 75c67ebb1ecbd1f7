# SPDX-License-Identifier: Apache-2.0
# The application layer: the application event manager, module states, the DFU lock and the
# nRF Desktop / CAF DFU modules that stand on them. Names follow nRF Connect SDK.

menuconfig APP_EVENT_MANAGER
	bool "Application event manager"
	default y
	help
	  Typed events from a fixed pool, one FIFO, subscribers in FIRST/EARLY/NORMAL/FINAL order
	  from the application's one subscription table (docs/app_events.md). The core always
	  compiles it; without this option smpdfu_app_event_manager_init() refuses to start.

if APP_EVENT_MANAGER

config APP_EVENT_MANAGER_LOG_LEVEL
	int "Log level of the application event manager (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4

config APP_EVENT_MANAGER_POOL_SIZE
	int "Number of events that can be allocated at the same time"
	default 16
	range 1 1024
	help
	  Events come from a pool of this many blocks, allocated on new_<event>() and freed after
	  the last subscriber. When all are in use, new_<event>() returns NULL and the failure is
	  counted and logged; nothing reboots (docs/app_events.md says why).

config APP_EVENT_MANAGER_MAX_EVENT_SIZE
	int "Largest event struct (bytes, header included)"
	default 64
	range 16 4096
	help
	  Size of one pool block. Every event type is checked against it at build time.

config APP_EVENT_MANAGER_SHOW_EVENTS
	bool "Log events as they are processed"
	default y
	help
	  Each event type can then be switched on and off at run time; its initial state comes from
	  its definition (APP_EVENT_TYPE_DEFINE).

config APP_EVENT_MANAGER_LOG_EVENT_TYPE
	bool "Start each event's log line with the name of its type"
	default y
	depends on APP_EVENT_MANAGER_SHOW_EVENTS

config APP_EVENT_MANAGER_LOG_BUF_SIZE
	int "Longest text an event type's log function may produce (bytes)"
	default 64
	range 16 256
	depends on APP_EVENT_MANAGER_SHOW_EVENTS

config CAF_INIT_LOG_MODULE_STATE_EVENTS
	bool "Log module_state_event from the start"
	default y
	depends on APP_EVENT_MANAGER_SHOW_EVENTS

endif # APP_EVENT_MANAGER

config CAF_BLE_COMMON_EVENTS
	bool "Bluetooth LE peer events"
	depends on APP_EVENT_MANAGER
	help
	  ble_peer_event (a peer connected, secured, disconnected) and ble_peer_conn_params_event
	  (connection parameters requested or in use), submitted by ble_state.

config CAF_INIT_LOG_BLE_PEER_EVENTS
	bool "Log ble_peer_event from the start"
	default y
	depends on CAF_BLE_COMMON_EVENTS && APP_EVENT_MANAGER_SHOW_EVENTS

config CAF_INIT_LOG_BLE_PEER_CONN_PARAMS_EVENTS
	bool "Log ble_peer_conn_params_event from the start"
	default y
	depends on CAF_BLE_COMMON_EVENTS && APP_EVENT_MANAGER_SHOW_EVENTS

config CAF_BLE_STATE
	bool "Bluetooth LE state module (ble_state)"
	depends on APP_EVENT_MANAGER
	select CAF_BLE_COMMON_EVENTS
	help
	  Enables the device's Bluetooth LE link (<smpdfu/ble_link.h>) on main READY and reports
	  ble_state READY once the link layer is up (ERROR when there is no link or it fails to
	  start). Turns the link's reports into ble_peer_event and ble_peer_conn_params_event.
	  CAF_BLE_SMP waits for its READY.

config CAF_BLE_STATE_LOG_LEVEL
	int "Log level of the Bluetooth LE state module (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4
	depends on CAF_BLE_STATE

config BT_PERIPHERAL_PREF_LATENCY
	int "Preferred peripheral latency (connection events)"
	default 0
	range 0 499
	help
	  The latency the peripheral asks for when no DFU transfer needs a fast link: ble_latency
	  requests it again once SMP transfers stop. Zephyr's default is 0; a mouse or keyboard
	  that saves power sets it higher.

config DESKTOP_BLE_LATENCY_ENABLE
	bool "Bluetooth LE latency module (ble_latency)"
	depends on CAF_BLE_STATE
	default y
	help
	  Lowers the peripheral latency to 0 while ble_smp_transfer_event keeps coming (an SMP DFU
	  over Bluetooth LE is running) and requests BT_PERIPHERAL_PREF_LATENCY again 5 to 10 s
	  after the last one, once the link is secured.

config DESKTOP_BLE_LATENCY_LOG_LEVEL
	int "Log level of the Bluetooth LE latency module (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4
	depends on DESKTOP_BLE_LATENCY_ENABLE

config DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS
	int "How often ble_latency checks whether low latency is still needed (ms)"
	depends on DESKTOP_BLE_LATENCY_ENABLE
	default 5000
	range 100 60000
	help
	  nRF Desktop checks every 5 s (fixed there).

config CAF_BLE_SMP_TRANSFER_EVENTS
	bool "Enable BLE SMP events"
	depends on APP_EVENT_MANAGER
	help
	  ble_smp_transfer_event: "an SMP DFU transfer is active now", submitted by the module that
	  watches uploads (dfu_mcumgr or CAF ble_smp) and consumed by ble_latency.

config CAF_INIT_LOG_BLE_SMP_TRANSFER_EVENTS
	bool "Log ble_smp_transfer_event from the start"
	default y
	depends on CAF_BLE_SMP_TRANSFER_EVENTS && APP_EVENT_MANAGER_SHOW_EVENTS

config CAF_BLE_SMP
	bool "SMP over Bluetooth LE module"
	select CAF_BLE_SMP_TRANSFER_EVENTS
	depends on CAF_BLE_STATE
	depends on MCUMGR_GRP_IMG
	depends on MCUMGR_MGMT_NOTIFICATION_HOOKS
	depends on MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK
	depends on MCUMGR_TRANSPORT_BT
	depends on BOOTLOADER_MCUBOOT
	depends on APP_EVENT_MANAGER
	help
	  CAF's module for DFU over Bluetooth LE: signals upload activity with
	  ble_smp_transfer_event and reports READY after ble_state. It takes no DFU lock, rejects
	  nothing and confirms nothing. Mutually exclusive with DESKTOP_DFU_MCUMGR_ENABLE (the build
	  fails with the reason; scripts/genconfig.py). MCUMGR_GRP_OS adds the remote reboot.

config CAF_BLE_SMP_LOG_LEVEL
	int "Log level of the SMP over Bluetooth LE module (0 off ... 4 debug)"
	depends on CAF_BLE_SMP
	default LOG_DEFAULT_LEVEL
	range 0 4

config DESKTOP_CONFIG_CHANNEL_DFU_ENABLE
	bool "DFU over the configuration channel"
	depends on APP_EVENT_MANAGER
	depends on BOOTLOADER_MCUBOOT
	select FLASH
	select FLASH_MAP
	select STREAM_FLASH
	help
	  nRF Desktop's second DFU transport (owner "Config Channel" of the DFU lock): it writes the
	  same secondary slot as MCUmgr, erases it in the background at boot and resumes
	  interrupted transfers. On the simulated device its commands arrive on a local socket
	  (docs/config_channel.md).

if DESKTOP_CONFIG_CHANNEL_DFU_ENABLE

config DESKTOP_CONFIG_CHANNEL_DFU_LOG_LEVEL
	int "Log level of the config-channel DFU module (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4

config DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE
	int "Data the host may send before it must wait for the store (bytes)"
	default 1024
	range 64 16384
	help
	  Received data collects in this buffer and is written to flash in the background; while
	  it is being written, sync reports STORING and data is refused.

config DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS
	int "Inactivity after which a config-channel transfer ends (ms)"
	default 5000
	range 100 600000
	help
	  Each data chunk (and each background store step) restarts it. On expiry the DFU lock is
	  released and the offset and checksum are kept, so the host can resume. nRF Desktop fixes
	  it at 5 s.

config DESKTOP_CONFIG_CHANNEL_DFU_REBOOT_DELAY_MS
	int "Delay between an accepted reboot command and the reboot (ms)"
	default 250
	range 0 10000

endif # DESKTOP_CONFIG_CHANNEL_DFU_ENABLE

menuconfig DESKTOP_DFU_MCUMGR_ENABLE
	bool "DFU using MCUmgr [EXPERIMENTAL]"
	depends on BOOTLOADER_MCUBOOT
	depends on APP_EVENT_MANAGER
	select MCUMGR
	select MCUMGR_GRP_IMG
	select MCUMGR_GRP_OS
	select MCUMGR_MGMT_NOTIFICATION_HOOKS
	select MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK
	select MCUMGR_GRP_IMG_STATUS_HOOKS
	select MCUMGR_GRP_OS_RESET_HOOK
	select SMPDFU_IMG_WRITE_CHECK_HOOK
	select IMG_MANAGER
	select STREAM_FLASH
	select FLASH_MAP
	select FLASH
	select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT
	help
	  nRF Desktop's dfu_mcumgr module: guards MCUmgr DFU commands with the DFU lock (owner
	  "MCUmgr"), releases it after 5 s without a DFU command, confirms the running image at boot
	  and signals Bluetooth LE uploads with ble_smp_transfer_event. The SMP transport is chosen
	  separately. Mutually exclusive with CAF_BLE_SMP.

if DESKTOP_DFU_MCUMGR_ENABLE

config DESKTOP_DFU_MCUMGR_LOG_LEVEL
	int "Log level of the DFU MCUmgr module (0 off ... 4 debug)"
	default LOG_DEFAULT_LEVEL
	range 0 4

config DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP
	bool "MCUboot boots in direct-XIP mode: do not confirm the running image"
	default y if MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP
	help
	  In direct-XIP mode the bootloader runs the highest valid version from either slot; there
	  is nothing to confirm. Not for direct-XIP with revert: there the bootloader erases a
	  tested image that was not confirmed at its next boot, so the image must be confirmed.

config DESKTOP_DFU_MCUMGR_TIMEOUT_MS
	int "Time without a DFU command after which MCUmgr releases the DFU lock (ms)"
	default 5000
	range 100 600000
	help
	  Every DFU hook call restarts it. nRF Desktop fixes it at 5 s. Upload progress survives
	  the timeout unless another DFU transport takes the lock.

endif # DESKTOP_DFU_MCUMGR_ENABLE

# Hidden: the subscription-table guard of dfu_mcumgr's FINAL subscriber of the transfer event.
config DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS
	bool
	default y if DESKTOP_DFU_MCUMGR_ENABLE && CAF_BLE_SMP_TRANSFER_EVENTS

config DESKTOP_DFU_LOCK_LOG_LEVEL
	int "Log level of the DFU lock (0 off ... 4 debug)"
	depends on DESKTOP_DFU_LOCK
	default LOG_DEFAULT_LEVEL
	range 0 4

config DESKTOP_DFU_LOCK
	bool "DFU lock module"
	default y if DESKTOP_CONFIG_CHANNEL_DFU_ENABLE && DESKTOP_DFU_MCUMGR_ENABLE
	help
	  Lets only one DFU transport at a time own the secondary slot, and tells the previous owner
	  when another one took over (so it forgets its partial upload). Needed as soon as two DFU
	  transports exist.
