# SPDX-License-Identifier: Apache-2.0
# What every smpdfu build does with a configuration: Kconfig fragments -> <smpdfu/config.h> and a
# .config, the .config's values as CMake variables, and the core library built from the sources
# that configuration names. The host build has one configuration; a firmware build has one per
# image (bootloader, application), each in its own folder of generated files.

set(SMPDFU_WARNINGS -Wall -Wextra -Wundef -Wshadow -Wmissing-prototypes -Werror)

find_program(DEBIAN_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)

# smpdfu_generate_config(<gen_dir> <fragment>...)
# Writes <gen_dir>/smpdfu/config.h and <gen_dir>/.config at configure time; a fragment that asks
# for an option it cannot have stops the configuration with the reason.
function(smpdfu_generate_config gen_dir)
  file(GLOB_RECURSE kconfig_files CONFIGURE_DEPENDS
       "${SMPDFU_SOURCE_DIR}/Kconfig" "${SMPDFU_SOURCE_DIR}/src/Kconfig*"
       "${SMPDFU_SOURCE_DIR}/sim/Kconfig*" "${SMPDFU_SOURCE_DIR}/port/Kconfig*")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${kconfig_files} ${ARGN}
               "${SMPDFU_SOURCE_DIR}/scripts/genconfig.py")
  execute_process(
    COMMAND ${DEBIAN_PYTHON} "${SMPDFU_SOURCE_DIR}/scripts/genconfig.py"
            --kconfig "${SMPDFU_SOURCE_DIR}/Kconfig"
            --header "${gen_dir}/smpdfu/config.h"
            --dotconfig "${gen_dir}/.config" ${ARGN}
    WORKING_DIRECTORY "${SMPDFU_SOURCE_DIR}"
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Kconfig: the configuration ${ARGN} is not valid (see above)")
  endif()
endfunction()

# smpdfu_load_config(<dotconfig> <prefix>)
# Sets <prefix>CONFIG_X in the caller's scope for every option the .config defines (bools "y",
# strings without their quotes); options that are off are left unset.
macro(smpdfu_load_config dotconfig prefix)
  file(STRINGS "${dotconfig}" _smpdfu_lines REGEX "^CONFIG_[A-Za-z0-9_]+=")
  foreach(_smpdfu_line IN LISTS _smpdfu_lines)
    string(REGEX MATCH "^(CONFIG_[A-Za-z0-9_]+)=(.*)$" _ "${_smpdfu_line}")
    set(_smpdfu_name "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "^\"(.*)\"$" "\\1" _smpdfu_value "${CMAKE_MATCH_2}")
    set(${prefix}${_smpdfu_name} "${_smpdfu_value}")
  endforeach()
endmacro()

# smpdfu_core_sources(<out_var> <prefix>)
# The core's sources that the configuration loaded under <prefix> names, each under the option of
# its feature, so that a feature that is off is not even compiled.
function(smpdfu_core_sources out prefix)
  set(src "${SMPDFU_SOURCE_DIR}/src")
  set(list)
  macro(when option)
    if(${prefix}CONFIG_${option})
      list(APPEND list ${ARGN})
    endif()
  endmacro()

  when(MCUMGR smp/smp_buf.c smp/smp_server.c cbor/cbor_map.c cbor/cbor_reader.c
       cbor/cbor_writer.c)
  when(MCUMGR_MGMT_NOTIFICATION_HOOKS mgmt/mgmt_callbacks.c)
  when(MCUMGR_GRP_OS grp/os/os_mgmt.c)
  when(MCUMGR_GRP_IMG grp/img/img_erase.c grp/img/img_mgmt.c grp/img/img_state.c
       grp/img/img_upload.c)
  when(MCUMGR_GRP_IMG_SLOT_INFO grp/img/img_slot_info.c)
  if(${prefix}CONFIG_MCUMGR_GRP_IMG)
    when(SMPDFU_BOOT_SIGNATURE_REQUIRED grp/img/img_signature.c)
  endif()
  when(MCUMGR_TRANSPORT_UART transport/smp_serial.c transport/smp_serial_frame.c)
  when(MCUMGR_TRANSPORT_BT transport/smp_bt.c)
  when(FLASH_MAP flash/flash_map.c)
  when(STREAM_FLASH flash/stream_writer.c)
  when(SMPDFU_IMAGE image/image_read.c)
  when(SMPDFU_IMAGE_VALIDATE image/image_validate.c)
  when(SMPDFU_BOOT_TRAILER boot/boot_flash.c boot/boot_trailer.c boot/boot_swap_type.c)
  when(BOOTLOADER_MCUBOOT boot/boot_app.c)
  when(MCUBOOT boot/loader.c)
  when(SMPDFU_BOOT_SWAP boot/swap_common.c)
  when(SMPDFU_BOOT_LINK_SWAP_USING_MOVE boot/swap_move.c)
  when(SMPDFU_BOOT_LINK_SWAP_SCRATCH boot/swap_scratch.c)
  when(SMPDFU_BOOT_LINK_OVERWRITE_ONLY boot/overwrite.c)
  when(SMPDFU_BOOT_LINK_DIRECT_XIP boot/direct_xip.c)
  # The application's event table lists every event type, whatever subscribes to it.
  when(APP_EVENT_MANAGER event/app_event_manager.c event/event_pool.c
       event/module_state_event.c event/ble_common_event.c event/ble_smp_event.c)
  when(DESKTOP_DFU_LOCK dfu/dfu_lock.c)
  when(CAF_BLE_STATE ble/ble_link.c)
  when(SMPDFU_SYS_TIMER sys/timer.c)
  # The table of resets references only what the options above compile; no image calls it.
  list(APPEND list sys/state_reset.c)

  list(TRANSFORM list PREPEND "${src}/")
  set(${out} ${list} PARENT_SCOPE)
endfunction()

# smpdfu_app_sources(<out_var> <prefix>)
# The application modules (app/) the configuration loaded under <prefix> enables.
function(smpdfu_app_sources out prefix)
  set(list)
  macro(when option)
    if(${prefix}CONFIG_${option})
      list(APPEND list ${ARGN})
    endif()
  endmacro()

  when(APP_EVENT_MANAGER app.c app_event_table.c)
  when(DESKTOP_DFU_MCUMGR_ENABLE dfu_mcumgr.c)
  when(CAF_BLE_SMP ble_smp.c)
  when(CAF_BLE_STATE ble_state.c)
  when(DESKTOP_BLE_LATENCY_ENABLE ble_latency.c)
  when(DESKTOP_CONFIG_CHANNEL_DFU_ENABLE dfu.c)
  # The table of resets references only what the options above compile; no image calls it.
  list(APPEND list app_state_reset.c)

  list(TRANSFORM list PREPEND "${SMPDFU_SOURCE_DIR}/app/")
  set(${out} ${list} PARENT_SCOPE)
endfunction()

# smpdfu_add_core(<target> <gen_dir> <sources>...)
# The core library over the given sources, configured by <gen_dir>/smpdfu/config.h.
function(smpdfu_add_core target gen_dir)
  add_library(${target} STATIC ${ARGN})
  target_include_directories(${target} PUBLIC "${SMPDFU_SOURCE_DIR}/include" "${gen_dir}"
                             PRIVATE "${SMPDFU_SOURCE_DIR}/src")
  target_compile_options(${target} PRIVATE ${SMPDFU_WARNINGS})
endfunction()

# smpdfu_add_builtin_key(<target> <config_prefix> <tool> <tool_dependency>...)
# For a configuration that requires signatures: the public half of CONFIG_BOOT_SIGNATURE_KEY_FILE
# (relative paths from the source tree) as C, smpdfu_boot_builtin_keys(), made by the image tool at build
# time and added to <target>. Nothing for other configurations.
function(smpdfu_add_builtin_key target prefix tool)
  if(NOT ${prefix}CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED)
    return()
  endif()
  get_filename_component(key "${${prefix}CONFIG_BOOT_SIGNATURE_KEY_FILE}" ABSOLUTE
                         BASE_DIR "${SMPDFU_SOURCE_DIR}")
  if(${prefix}CONFIG_BOOT_SIGNATURE_TYPE_ED25519)
    set(type ed25519)
  else()
    set(type ecdsa-p256)
  endif()
  set(production "")
  if(${prefix}CONFIG_SMPDFU_PRODUCTION)
    set(production --production) # the tool refuses MCUboot's sample keys
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_builtin_key.c")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${tool} getpub --type ${type} ${production} --output "${out}" "${key}"
    DEPENDS ${ARGN} "${key}"
    COMMENT "${target}: the public key of ${key}")
  target_sources(${target} PRIVATE "${out}")
endfunction()
