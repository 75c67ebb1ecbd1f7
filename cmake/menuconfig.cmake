# SPDX-License-Identifier: Apache-2.0
# menuconfig and guiconfig targets: kconfiglib's configuration interfaces on the build's
# configuration. What the user saves becomes a fragment in the build directory, which the build
# adds after SMPDFU_CONF (it always exists, empty at first, so that writing it reconfigures).
# Sets SMPDFU_CONF_FILES: the fragments genconfig.py reads.
set(SMPDFU_MENUCONFIG_FRAGMENT "${CMAKE_BINARY_DIR}/menuconfig.conf")
if(NOT EXISTS "${SMPDFU_MENUCONFIG_FRAGMENT}")
  file(WRITE "${SMPDFU_MENUCONFIG_FRAGMENT}"
       "# Options set with the menuconfig or guiconfig target (none yet).\n")
endif()
set(SMPDFU_CONF_FILES ${SMPDFU_CONF} "${SMPDFU_MENUCONFIG_FRAGMENT}")

foreach(tool menuconfig guiconfig)
  add_custom_target(${tool}
    COMMAND ${DEBIAN_PYTHON} "${CMAKE_CURRENT_SOURCE_DIR}/scripts/kconfig_menu.py" --tool ${tool}
            --kconfig "${CMAKE_CURRENT_SOURCE_DIR}/Kconfig"
            --fragment "${SMPDFU_MENUCONFIG_FRAGMENT}" ${SMPDFU_CONF}
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    USES_TERMINAL
    COMMENT "${tool}: saving writes ${SMPDFU_MENUCONFIG_FRAGMENT}")
endforeach()
