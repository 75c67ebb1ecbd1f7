#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The mutation pass of docs/requirements.md: for every row, break the code the row is about (add,
remove or invert the behaviour), rebuild the configuration whose tests prove the row, run those
tests, and check that at least one of them fails. Every file is restored afterwards, whatever
happens. Prints one table line per row, for the "mutation" column of the document.

    /usr/bin/python3 scripts/mutation_pass.py            # every row (some 10 minutes on 2 cores
                                                         # once the builds of test.sh exist)
    /usr/bin/python3 scripts/mutation_pass.py D18 S26    # some rows
    /usr/bin/python3 scripts/mutation_pass.py --list     # rows and mutations, nothing run

It uses the build directories of scripts/test.sh (build/sim and build/variant-NAME), configuring
those that do not exist yet. Not part of scripts/test.sh: it rebuilds a configuration per row.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOBS = "2"


@dataclass
class Mutation:
    row: str
    what: str                      # the mutation, in words, for the document
    variant: str                   # "base" (build/sim) or a configs/variants name
    edits: list                    # (file, old text, new text): old must occur exactly once
    tests: list                    # "unit:EXE", "ctest:REGEX", "pytest:PATH[::NODE]"
    build: bool = True             # False: the tests read the source (Kconfig, genconfig)
    caught_by: list = field(default_factory=list)


def edit(path, old, new):
    return (path, old, new)


DFU = "app/dfu_mcumgr.c"
SMP = "app/ble_smp.c"
LAT = "app/ble_latency.c"
CC = "app/dfu.c"
KAPP = "src/Kconfig.app"
AEM = "src/event/app_event_manager.c"
T_DFU = "unit:test_dfu_mcumgr"
T_SMP = "unit:test_ble_smp"
T_LAT = "unit:test_ble_latency"
T_CC = "unit:test_dfu_config_channel"
T_AEM = "unit:test_app_event_manager"
T_LOCK = "unit:test_dfu_lock"
K = "pytest:tests/system/test_kconfig.py"
KA = "pytest:tests/system/test_kconfig_app.py"
FLOWS = "pytest:tests/system/test_dfu_lock_flows.py"
MODS = "pytest:tests/system/test_app_modules.py"
SELECTS = K + "::test_dfu_mcumgr_selects_what_it_needs"

CLAIM = "	if (CONFIG_DESKTOP_DFU_LOCK && smpdfu_dfu_lock_claim(&mcumgr_owner) < 0) {"
SUBMIT_IF = "	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS && is_upload_over_ble(event, data)) {"
DFU_FINAL = ("	SUBSCRIBE(CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS, dfu_mcumgr, "
             "ble_smp_transfer_event,   \\\n		  FINAL)")


def select_line(option, next_option=None):
    """(context, line) for the `select option` line of dfu_mcumgr, made unique by the next one."""
    line = f"	select {option}"
    return (line + "\n" + (f"	select {next_option}\n" if next_option else ""), line)


def kconfig_drop(context, line, tests, row, what):
    """Kconfig: `line` removed from `context`, text that names the one place it sits in."""
    return Mutation(row, what, "base", [edit(KAPP, context, context.replace(line + "\n", "", 1))],
                    tests, build=False)


MUTATIONS = [
    # --- Seed 000: dfu_mcumgr ---------------------------------------------------------------
    Mutation("D1", "dfu_mcumgr refuses every upload chunk it could claim the lock for",
             "nrf_desktop",
             [edit(DFU, SUBMIT_IF, "	if (event == MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK) {\n"
                   "		*rc = MGMT_ERR_EACCESSDENIED;\n		return MGMT_CB_ERROR_RC;\n	}\n"
                   + SUBMIT_IF)],
             [T_DFU, FLOWS + "::test_smp_upload_resumes_after_silence_when_nobody_took_the_lock"]),
    Mutation("D4", "the hand-over no longer calls the internal smpdfu_img_mgmt_reset_upload()",
             "nrf_desktop",
             [edit(DFU, "	smpdfu_img_mgmt_reset_upload();\n}", "}")], [T_DFU]),
    Mutation("D5", "dfu_mcumgr's module_state_event row dropped from the event table",
             "nrf_desktop",
             [edit("app/app_event_table.h",
                   "SUBSCRIBE(CONFIG_DESKTOP_DFU_MCUMGR_ENABLE, dfu_mcumgr, module_state_event, "
                   "NORMAL)",
                   "SUBSCRIBE(0, dfu_mcumgr, module_state_event, NORMAL)")],
             [T_DFU]),
    Mutation("D7", "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE can no longer be enabled", "base",
             [edit(KAPP, "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n",
                   "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n	depends on MCUMGR_TRANSPORT_BT "
                   "&& !MCUMGR_TRANSPORT_BT\n")],
             [K, KA], build=False),
    kconfig_drop(*select_line("MCUMGR", "MCUMGR_GRP_IMG"), [SELECTS], "D8",
                 "`select MCUMGR` removed"),
    kconfig_drop(*select_line("MCUMGR_GRP_IMG", "MCUMGR_GRP_OS"), [SELECTS], "D9",
                 "`select MCUMGR_GRP_IMG` removed"),
    kconfig_drop(*select_line("MCUMGR_GRP_OS", "MCUMGR_MGMT_NOTIFICATION_HOOKS"), [SELECTS], "D10",
                 "`select MCUMGR_GRP_OS` removed"),
    kconfig_drop(*select_line("MCUMGR_MGMT_NOTIFICATION_HOOKS", "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK"),
                 [SELECTS], "D11",
                 "`select MCUMGR_MGMT_NOTIFICATION_HOOKS` removed"),
    kconfig_drop("	select MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK\n	select MCUMGR_GRP_IMG_STATUS_HOOKS\n",
                 "	select MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK",
                 [SELECTS], "D12",
                 "`select MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK` removed"),
    kconfig_drop("	select MCUMGR_GRP_IMG_STATUS_HOOKS\n", "	select MCUMGR_GRP_IMG_STATUS_HOOKS",
                 [SELECTS], "D13",
                 "`select MCUMGR_GRP_IMG_STATUS_HOOKS` removed"),
    kconfig_drop("	select MCUMGR_GRP_OS_RESET_HOOK\n", "	select MCUMGR_GRP_OS_RESET_HOOK",
                 [SELECTS], "D14",
                 "`select MCUMGR_GRP_OS_RESET_HOOK` removed"),
    Mutation("D15", "MCUMGR no longer selects CRC", "base",
             [edit("src/Kconfig.mcumgr", "	select CRC\n", "")],
             [KA + "::test_dfu_mcumgr_selects_the_mcumgr_dependencies"], build=False),
    Mutation("D16", "dfu_mcumgr no longer depends on BOOTLOADER_MCUBOOT", "base",
             [edit(KAPP, "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n	depends on "
                   "BOOTLOADER_MCUBOOT\n", "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n")],
             [K + "::test_dfu_mcumgr_requires_mcuboot"], build=False),
    Mutation("D17", "as D16: the dependency on MCUboot dropped", "base",
             [edit(KAPP, "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n	depends on "
                   "BOOTLOADER_MCUBOOT\n", "	bool \"DFU using MCUmgr [EXPERIMENTAL]\"\n")],
             [K + "::test_dfu_mcumgr_requires_mcuboot"], build=False),
    Mutation("D18", "dfu_mcumgr no longer confirms the running image at boot", "nrf_desktop",
             [edit(DFU, "	int rc = smpdfu_app_confirm_running_image();\n", "	int rc = 0;\n")],
             [T_DFU, MODS + "::test_dfu_mcumgr_confirms_the_tested_image_at_boot"]),
    Mutation("D19", "dfu_mcumgr confirms the running image in direct-XIP too",
             "nrf_desktop_direct_xip",
             [edit(DFU, "	if (!CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP) {",
                   "	if (1) {")],
             [T_DFU, MODS + "::test_dfu_mcumgr_confirms_nothing_in_direct_xip"]),
    Mutation("D20", "the shipped direct-XIP configuration turns the option off",
             "base",
             [edit("configs/variants/nrf_desktop_direct_xip.conf",
                   "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n", "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n"
                   "CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP=n\n")],
             [KA + "::test_variant_nrf_desktop_direct_xip"], build=False),
    Mutation("D21", "the direct-XIP option no longer defaults to the bootloader mode", "base",
             [edit(KAPP, "	default y if MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP\n", "")],
             [K + "::test_direct_xip_default_follows_bootloader_mode"], build=False),
    Mutation("D22", "dfu_mcumgr selects a transport itself (Bluetooth LE)", "base",
             [edit(KAPP, "	select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT\n",
                   "	select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT\n"
                   "	select MCUMGR_TRANSPORT_BT\n")],
             [KA + "::test_dfu_mcumgr_selects_the_mcumgr_dependencies", K], build=False),
    kconfig_drop("	select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT\n",
                 "	select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT",
                 [K + "::test_dfu_mcumgr_selects_what_it_needs", KA], "D23",
                 "`select CAF_BLE_SMP_TRANSFER_EVENTS if MCUMGR_TRANSPORT_BT` removed"),
    Mutation("D24", "ble_latency ignores the transfer event", "nrf_desktop",
             [edit(LAT, "		use_low_latency();\n", "		(void)use_low_latency;\n")], [T_LAT]),
    Mutation("D25", "the config-channel DFU starts a transfer without the lock", "nrf_desktop",
             [edit(CC, "	if (!claim_lock()) {\n		LOG_WRN(\"start ignored",
                   "	if (0 && !claim_lock()) {\n		LOG_WRN(\"start ignored")],
             [T_CC, FLOWS + "::test_config_channel_refused_while_smp_owns_the_lock"]),
    Mutation("D26", "dfu_mcumgr uses the lock even without CONFIG_DESKTOP_DFU_LOCK",
             "nrf_desktop_mcumgr_only",
             [edit(DFU, CLAIM, "	if (1 && smpdfu_dfu_lock_claim(&mcumgr_owner) < 0) {")], [T_DFU]),
    Mutation("D27", "CONFIG_DESKTOP_DFU_LOCK no longer defaults to y with both transports",
             "base",
             [edit(KAPP, "	default y if DESKTOP_CONFIG_CHANNEL_DFU_ENABLE && "
                   "DESKTOP_DFU_MCUMGR_ENABLE\n", "")],
             [K + "::test_dfu_lock_default", KA], build=False),
    Mutation("D28", "the exclusion of dfu_mcumgr and ble_smp removed from genconfig", "base",
             [edit("scripts/genconfig.py", "        if all(kconf.syms[n].str_value == \"y\" "
                   "for n in names):", "        if False:")],
             [K + "::test_dfu_mcumgr_with_ble_smp_fails_with_reason"], build=False),
    Mutation("D29", "the event table accepts two FINAL subscribers", "base",
             [edit("include/smpdfu/app_event_manager.h",
                   "_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FINAL)) <= 1,",
                   "_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FINAL)) <= 2,")],
             ["ctest:^build_check\\.two_final_subscribers$"]),
    Mutation("D30", "dfu_mcumgr registers no image-group callback", "nrf_desktop",
             [edit(DFU, "	smpdfu_mgmt_callback_register(&img_callback);\n", "	(void)&img_callback;\n")],
             [T_DFU]),
    Mutation("D31", "dfu_mcumgr never submits a transfer event", "nrf_desktop",
             [edit(DFU, SUBMIT_IF, SUBMIT_IF.replace(") {", " && 0) {"))], [T_DFU]),
    Mutation("D32", "dfu_mcumgr subscribes to the transfer event as FIRST", "nrf_desktop",
             [edit("app/app_event_table.h", DFU_FINAL, DFU_FINAL.replace("FINAL)", "FIRST)"))],
             [T_DFU]),
    Mutation("D33", "dfu_mcumgr submits an event per chunk, outstanding or not", "nrf_desktop",
             [edit(DFU, "	if (!atomic_compare_exchange_strong(&transfer_event_active, &idle, "
                   "true)) {", "	if (!atomic_compare_exchange_strong(&transfer_event_active, "
                   "&idle, true) && 0) {")],
             [T_DFU]),
    Mutation("D34", "a failed claim no longer refuses the command", "nrf_desktop",
             [edit(DFU, "		*rc = MGMT_ERR_EACCESSDENIED;\n		return MGMT_CB_ERROR_RC;\n	}\n\n"
                   "	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS",
                   "		return MGMT_CB_OK;\n	}\n\n	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS")],
             [T_DFU, FLOWS + "::test_smp_rejected_while_the_config_channel_owns_the_lock_then_"
              "accepted"]),
    Mutation("D35", "dfu_mcumgr never claims the lock", "nrf_desktop",
             [edit(DFU, CLAIM, "	if (CONFIG_DESKTOP_DFU_LOCK && 0) {")], [T_DFU, FLOWS]),
    Mutation("D36", "dfu_mcumgr claims the lock for upload chunks only", "nrf_desktop",
             [edit(DFU, CLAIM, "	if (CONFIG_DESKTOP_DFU_LOCK && event == "
                   "MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK &&\n	    smpdfu_dfu_lock_claim(&mcumgr_owner) < 0) {")],
             [T_DFU]),
    Mutation("D37", "the lock is given back as soon as an upload is complete", "nrf_desktop",
             [edit(DFU, SUBMIT_IF, "	if (event == MGMT_EVT_OP_IMG_MGMT_DFU_PENDING) {\n"
                   "		smpdfu_sys_timer_stop(&dfu_timeout);\n		(void)smpdfu_dfu_lock_release(&mcumgr_owner);"
                   "\n	}\n" + SUBMIT_IF)],
             [T_DFU]),
    Mutation("D38", "the DFU timer is not restarted while it runs", "nrf_desktop",
             [edit(DFU, "	smpdfu_sys_timer_start(&dfu_timeout, CONFIG_DESKTOP_DFU_MCUMGR_TIMEOUT_MS);\n"
                   "	if (CONFIG_DESKTOP_DFU_LOCK",
                   "	if (!smpdfu_sys_timer_is_armed(&dfu_timeout)) {\n		smpdfu_sys_timer_start(&dfu_timeout, "
                   "CONFIG_DESKTOP_DFU_MCUMGR_TIMEOUT_MS);\n	}\n	if (CONFIG_DESKTOP_DFU_LOCK")],
             [T_DFU]),
    Mutation("D39", "only upload chunks are refused without the lock", "nrf_desktop",
             [edit(DFU, "		*rc = MGMT_ERR_EACCESSDENIED;\n		return MGMT_CB_ERROR_RC;\n	}\n\n"
                   "	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS",
                   "		*rc = MGMT_ERR_EACCESSDENIED;\n		return event == "
                   "MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK ? MGMT_CB_ERROR_RC : MGMT_CB_OK;\n	}\n\n"
                   "	if (CONFIG_DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS")],
             [T_DFU]),
    Mutation("D40", "the hand-over callback forgets nothing", "nrf_desktop",
             [edit(DFU, "	smpdfu_img_mgmt_reset_upload();\n}", "}")],
             [T_DFU, FLOWS + "::test_smp_upload_restarts_from_zero_when_the_config_channel_took_"
              "the_lock"]),

    # --- Seed 002: CAF ble_smp -----------------------------------------------------------------
    Mutation("S1", "ble_smp's upload hook refuses the chunk", "caf_ble_smp",
             [edit(SMP, "	return MGMT_CB_OK;\n}\n\nstatic struct smpdfu_mgmt_callback upload_callback",
                   "	*rc = MGMT_ERR_EACCESSDENIED;\n	return MGMT_CB_ERROR_RC;\n}\n\n"
                   "static struct smpdfu_mgmt_callback upload_callback")],
             [T_SMP, MODS + "::test_ble_smp_rejects_nothing"]),
    kconfig_drop("	depends on CAF_BLE_STATE\n	depends on MCUMGR_GRP_IMG\n",
                 "	depends on CAF_BLE_STATE",
                 [KA + "::test_ble_smp_needs_each_of_its_options"], "S2",
                 "`depends on CAF_BLE_STATE` of CAF_BLE_SMP removed"),
    Mutation("S3", "CONFIG_CAF_BLE_SMP can no longer be enabled", "base",
             [edit(KAPP, "	bool \"SMP over Bluetooth LE module\"\n",
                   "	bool \"SMP over Bluetooth LE module\"\n	depends on MCUMGR_TRANSPORT_BT && "
                   "!MCUMGR_TRANSPORT_BT\n")],
             [KA + "::test_ble_smp_with_all_it_needs", KA + "::test_variant_caf_ble_smp"],
             build=False),
    # The upload check hook exists only with the image group and the notification hooks, so
    # CAF_BLE_SMP's need of those two is stated twice: removing one line alone changes nothing
    # (an equivalent mutant). The requirement is gone only with the upload-check line too.
    Mutation("S4", "CAF_BLE_SMP no longer needs the image group (its `depends on "
             "MCUMGR_GRP_IMG` and the upload-check one that implies it removed)", "base",
             [edit(KAPP, "	depends on MCUMGR_GRP_IMG\n	depends on MCUMGR_MGMT_NOTIFICATION_HOOKS\n"
                   "	depends on MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK\n",
                   "	depends on MCUMGR_MGMT_NOTIFICATION_HOOKS\n")],
             [KA + "::test_ble_smp_needs_each_of_its_options"], build=False),
    Mutation("S5", "CAF_BLE_SMP no longer needs the notification hooks (its `depends on "
             "MCUMGR_MGMT_NOTIFICATION_HOOKS` and the upload-check one that implies it removed)",
             "base",
             [edit(KAPP, "	depends on MCUMGR_MGMT_NOTIFICATION_HOOKS\n	depends on "
                   "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK\n", "")],
             [KA + "::test_ble_smp_needs_each_of_its_options"], build=False),
    kconfig_drop("	depends on MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK\n	depends on MCUMGR_TRANSPORT_BT\n",
                 "	depends on MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK",
                 [KA + "::test_ble_smp_needs_each_of_its_options"], "S6",
                 "`depends on MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK` removed"),
    kconfig_drop("	depends on MCUMGR_TRANSPORT_BT\n	depends on BOOTLOADER_MCUBOOT\n	depends on "
                 "APP_EVENT_MANAGER\n	help\n	  CAF's", "	depends on MCUMGR_TRANSPORT_BT",
                 [KA + "::test_ble_smp_needs_each_of_its_options"], "S7",
                 "`depends on MCUMGR_TRANSPORT_BT` removed"),
    kconfig_drop("	depends on BOOTLOADER_MCUBOOT\n	depends on APP_EVENT_MANAGER\n	help\n	  CAF's",
                 "	depends on BOOTLOADER_MCUBOOT",
                 [KA + "::test_ble_smp_needs_each_of_its_options"], "S8",
                 "`depends on BOOTLOADER_MCUBOOT` of CAF_BLE_SMP removed"),
    kconfig_drop("	depends on BOOTLOADER_MCUBOOT\n	depends on APP_EVENT_MANAGER\n	help\n	  CAF's",
                 "	depends on BOOTLOADER_MCUBOOT",
                 [KA + "::test_ble_smp_needs_each_of_its_options"], "S9",
                 "as S8"),
    Mutation("S10", "the simulated device leaves the OS group out when ble_smp is built",
             "caf_ble_smp",
             [edit("sim/device/main.c", "	smpdfu_os_mgmt_register(sim_identity());",
                   "	if (!CONFIG_CAF_BLE_SMP) {\n		smpdfu_os_mgmt_register(sim_identity());\n	}")],
             [MODS + "::test_ble_smp_rejects_nothing"]),
    Mutation("S11", "ble_smp selects the OS group (no longer optional)", "base",
             [edit(KAPP, "	bool \"SMP over Bluetooth LE module\"\n	select "
                   "CAF_BLE_SMP_TRANSFER_EVENTS\n", "	bool \"SMP over Bluetooth LE module\"\n"
                   "	select CAF_BLE_SMP_TRANSFER_EVENTS\n	select MCUMGR_GRP_OS\n")],
             [KA + "::test_ble_smp_os_group_is_optional"], build=False),
    Mutation("S12", "a reset request is answered but never reboots", "caf_ble_smp",
             [edit("src/grp/os/os_mgmt.c", "	smpdfu_sys_timer_start(&reset_timer, "
                   "CONFIG_MCUMGR_GRP_OS_RESET_MS);\n", "")],
             [T_SMP, MODS + "::test_ble_smp_rejects_nothing"]),
    Mutation("S13", "the swap-type table never asks for a swap", "base",
             [edit("src/boot/boot_swap_type.c", "			return swap_table[i].swap_type;",
                   "			return SMPDFU_BOOT_SWAP_TYPE_NONE;")],
             ["pytest:tests/system/test_bootloader.py::test_test_swap_confirmed_stays",
              "pytest:tests/system/test_bootloader.py::test_permanent_request_needs_no_"
              "confirm"]),
    Mutation("S15", "ble_smp never submits a transfer event", "caf_ble_smp",
             [edit(SMP, "			APP_EVENT_SUBMIT(transfer);", "			smpdfu_app_event_manager_free(&transfer->"
                   "header);\n			atomic_store(&transfer_event_active, false);")],
             [T_SMP, MODS + "::test_transfer_events_lower_the_latency_until_the_upload_ends"]),
    Mutation("S16", "ble_smp registers no upload callback on main READY", "caf_ble_smp",
             [edit(SMP, "		smpdfu_mgmt_callback_register(&upload_callback);\n",
                   "		(void)&upload_callback;\n")], [T_SMP]),
    Mutation("S17", "ble_smp subscribes to the transfer event as FIRST", "caf_ble_smp",
             [edit("app/app_event_table.h",
                   "SUBSCRIBE(CONFIG_CAF_BLE_SMP, smp, ble_smp_transfer_event, FINAL)",
                   "SUBSCRIBE(CONFIG_CAF_BLE_SMP, smp, ble_smp_transfer_event, FIRST)")],
             [T_SMP]),
    Mutation("S18", "ble_smp submits an event per chunk, outstanding or not", "caf_ble_smp",
             [edit(SMP, "	if (atomic_compare_exchange_strong(&transfer_event_active, &idle, "
                   "true)) {", "	if (atomic_compare_exchange_strong(&transfer_event_active, "
                   "&idle, true) || 1) {")],
             [T_SMP]),
    Mutation("S19", "ble_smp's FINAL subscriber does not clear the flag", "caf_ble_smp",
             [edit(SMP, "		bool ours = atomic_compare_exchange_strong(&transfer_event_active, "
                   "&active, false);", "		bool ours = atomic_load(&transfer_event_active) "
                   "== active;")],
             [T_SMP]),
    Mutation("S20", "a second client's continuation chunk is accepted", "base",
             [edit("src/grp/img/img_upload.c", "	} else if (upload.active && !is_owner(req)) {",
                   "	} else if (upload.active && !is_owner(req) && 0) {")],
             ["unit:test_img_upload_owner"]),
    Mutation("S21", "the bootloader swaps an invalid secondary image in", "base",
             [edit("src/boot/swap_common.c", "	if (rc < 0) {\n		LOG_WRN(\"image in the secondary "
                   "slot is not valid (%d): erasing it\", rc);",
                   "	if (rc < 0 && 0) {\n		LOG_WRN(\"image in the secondary "
                   "slot is not valid (%d): erasing it\", rc);")],
             ["pytest:tests/system/test_bootloader.py::test_invalid_upload_is_never_booted"]),
    Mutation("S22", "the image tool writes no image file into dfu_application.zip", "base",
             [edit("tools/image/dfu_zip.c", "	rc = zip_write(f, entries, count + 1);",
                   "	rc = zip_write(f, entries + count, 1);")],
             ["pytest:tests/system/test_dfu_zip_upload.py"]),
    Mutation("S23", "the manifest names a file the archive does not hold", "base",
             [edit("tools/image/dfu_zip.c", "		entries[i] = (struct zip_entry){ "
                   "images[i].zip_name,", "		entries[i] = (struct zip_entry){ \"other.bin\",")],
             ["pytest:tests/system/test_dfu_zip_upload.py"]),
    Mutation("S26", "the direct-XIP mismatched-slot check removed", "nrf_desktop_direct_xip",
             [edit("src/grp/img/img_upload.c", "	    (hdr->flags & SMPDFU_IMAGE_F_ROM_FIXED) && "
                   "hdr->load_addr != fa->off) {", "	    (hdr->flags & SMPDFU_IMAGE_F_ROM_FIXED) && "
                   "hdr->load_addr != fa->off && 0) {")],
             ["unit:test_direct_xip_slot"]),
    Mutation("S27", "the shipped direct-XIP configuration drops the mismatched-slot check",
             "base",
             [edit("configs/variants/nrf_desktop_direct_xip.conf",
                   "CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT=y",
                   "CONFIG_MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT=n")],
             [KA + "::test_variant_nrf_desktop_direct_xip"], build=False),

    # --- modules.md §1-§6 ---------------------------------------------------------------------
    Mutation("M1.1", "an event struct need not start with its header", "base",
             [edit("include/smpdfu/app_event_manager.h",
                   "_Static_assert(offsetof(struct ev, header) == 0,",
                   "_Static_assert(offsetof(struct ev, header) < 1000,")],
             ["ctest:^build_check\\.header_not_first$"]),
    Mutation("M1.2", "the table accepts two FIRST subscribers", "base",
             [edit("include/smpdfu/app_event_manager.h",
                   "_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FIRST)) <= 1,",
                   "_Static_assert((0 APP_EVENT_SUBSCRIPTIONS(AEM_COUNT_FIRST)) <= 2,")],
             ["ctest:^build_check\\.two_first_subscribers$"]),
    Mutation("M1.3", "a consuming handler no longer stops the event", "base",
             [edit(AEM, "		if (sub->handler(aeh)) {", "		if (sub->handler(aeh) && 0) {")],
             [T_AEM]),
    Mutation("M1.4", "events submitted while processing jump the queue", "base",
             [edit(AEM, "	if (queue_tail != NULL) {\n		queue_tail->next = aeh;",
                   "	if (processing && queue_head != NULL) {\n		aeh->next = queue_head;\n"
                   "		queue_head = aeh;\n	} else if (queue_tail != NULL) {\n"
                   "		queue_tail->next = aeh;")],
             [T_AEM]),
    Mutation("M1.5", "a full pool is not counted", "base",
             [edit(AEM, "		dropped = ++stats.dropped;", "		dropped = stats.dropped;")],
             [T_AEM]),
    Mutation("M1.6", "smpdfu_check_state() ignores the state", "base",
             [edit("src/event/module_state_event.c", "	return event->module_id == module && "
                   "event->state == state;", "	(void)state;\n	return event->module_id == module;")],
             [T_AEM]),
    Mutation("M1.7", "events are no longer logged", "base",
             [edit(AEM, "		log_event(aeh);\n", "		(void)log_event;\n")], [T_AEM]),
    Mutation("M1.8", "the queue is LIFO", "base",
             [edit(AEM, "	if (queue_tail != NULL) {\n		queue_tail->next = aeh;\n	} else {\n"
                   "		queue_head = aeh;\n	}\n	queue_tail = aeh;",
                   "	aeh->next = queue_head;\n	queue_head = aeh;\n	if (queue_tail == NULL) {\n"
                   "		queue_tail = aeh;\n	}")],
             [T_AEM]),
    Mutation("M2.1", "a claim of a held lock by another owner succeeds", "base",
             [edit("src/dfu/dfu_lock.c", "	} else if (holder != owner) {\n		rc = -EPERM;",
                   "	} else if (holder != owner) {\n		current_owner = owner;")],
             [T_LOCK]),
    Mutation("M2.2", "the previous owner is told even when it reclaims itself", "base",
             [edit("src/dfu/dfu_lock.c", "	return previous_owner != NULL && previous_owner != "
                   "new_owner;", "	(void)new_owner;\n	return previous_owner != NULL;")],
             [T_LOCK]),
    Mutation("M3.1", "dfu_mcumgr no longer logs the image version at boot", "nrf_desktop",
             [edit(DFU, "	LOG_INF(\"MCUboot image version: %s\",", "	LOG_DBG(\"MCUboot image "
                   "version: %s\",")],
             [T_DFU]),
    Mutation("M3.2", "the image erase fires no vetoable check", "nrf_desktop",
             [edit("src/grp/img/img_erase.c", "	return smpdfu_mgmt_callback_check("
                   "MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK,",
                   "	(void)data;\n	return smpdfu_smp_ok();\n	return smpdfu_mgmt_callback_check("
                   "MGMT_EVT_OP_IMG_MGMT_ERASE_CHECK,")],
             [T_DFU]),
    Mutation("M3.3", "a refused claim leaves the DFU timer running", "nrf_desktop",
             [edit(DFU, "		smpdfu_sys_timer_stop(&dfu_timeout);\n		/*\n		 * Only a check",
                   "		/*\n		 * Only a check")],
             [T_DFU]),
    Mutation("M3.4", "the timeout forgets the upload too", "nrf_desktop",
             [edit(DFU, "	LOG_WRN(\"MCUmgr DFU timed out\");",
                   "	LOG_WRN(\"MCUmgr DFU timed out\");\n	smpdfu_img_mgmt_reset_upload();")],
             [T_DFU, FLOWS + "::test_smp_upload_resumes_after_silence_when_nobody_took_the_lock"]),
    Mutation("M3.6", "transfer events for uploads over any transport", "nrf_desktop",
             [edit(DFU, "event == MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK && check->transport == "
                   "SMP_TRANSPORT_BLE;", "event == MGMT_EVT_OP_IMG_MGMT_DFU_CHUNK && "
                   "check != NULL;")],
             [T_DFU]),
    Mutation("M3.8", "dfu_mcumgr acts on every command (a command-received hook, as NCS 2.6)",
             "nrf_desktop",
             [edit(DFU, "	{ MGMT_EVT_OP_OS_MGMT_RESET, \"OS reset\", sizeof(struct "
                   "smpdfu_os_mgmt_reset_data), true },\n};",
                   "	{ MGMT_EVT_OP_OS_MGMT_RESET, \"OS reset\", "
                   "sizeof(struct smpdfu_os_mgmt_reset_data), true },\n	{ MGMT_EVT_OP_CMD_RECV, "
                   "\"command\", sizeof(struct smpdfu_mgmt_evt_op_cmd_arg), true },\n};\n\n"
                   "static struct smpdfu_mgmt_callback cmd_callback = {\n	.callback = NULL,\n	.event_id ="
                   " MGMT_EVT_OP_CMD_RECV,\n};"),
              edit(DFU, "	smpdfu_mgmt_callback_register(&os_reset_callback);\n",
                   "	smpdfu_mgmt_callback_register(&os_reset_callback);\n	cmd_callback.callback = "
                   "dfu_hook;\n	smpdfu_mgmt_callback_register(&cmd_callback);\n")],
             [T_DFU]),
    Mutation("M3.9", "a hook call with data of the wrong size is served", "nrf_desktop",
             [edit(DFU, "	if (known == NULL || known->data_size != data_size || (data_size != 0 "
                   "&& data == NULL)) {", "	if (known == NULL) {")],
             [T_DFU]),
    Mutation("M4.1", "ble_smp reports READY at every ble_state READY", "caf_ble_smp",
             [edit(SMP, "		if (initialized) {", "		if (initialized && 0) {")], [T_SMP]),
    Mutation("M4.2", "ble_smp confirms the running image at boot", "caf_ble_smp",
             [edit(SMP, "		smpdfu_mgmt_callback_register(&upload_callback);\n		return;",
                   "		smpdfu_mgmt_callback_register(&upload_callback);\n"
                   "		smpdfu_app_confirm_running_image(LOG_MODULE);\n		return;")],
             [T_SMP]),
    Mutation("M5.1", "the transfer event gets a payload", "nrf_desktop",
             [edit("include/smpdfu/events/ble_smp_event.h", "	struct app_event_header header;\n};",
                   "	struct app_event_header header;\n	uint32_t chunks;\n};")],
             [T_DFU]),
    Mutation("M5.2", "ble_latency consumes the transfer event", "nrf_desktop",
             [edit(LAT, "		use_low_latency();\n", "		use_low_latency();\n		return true;\n")],
             [T_LAT, T_DFU]),
    Mutation("M5.3", "the latency request also changes the interval", "nrf_desktop",
             [edit(LAT, "smpdfu_ble_link_conn_param_update(latency.conn, now.interval, target, "
                   "now.timeout);", "smpdfu_ble_link_conn_param_update(latency.conn, now.interval + "
                   "1, target, now.timeout);")],
             [T_LAT]),
    Mutation("M5.4", "the preferred latency comes back at the first check", "nrf_desktop",
             [edit(LAT, "	if (!latency.secured || latency.low_latency_required) {",
                   "	if (!latency.secured) {")],
             [T_LAT]),
    Mutation("M5.5", "the virtual link ignores connection parameter requests", "caf_ble_smp",
             [edit("sim/device/sim_ble_link.c", "	smpdfu_sys_timer_start(&vlink.update, "
                   "CONFIG_SIM_BLE_LINK_UPDATE_DELAY_MS);", "	vlink.pending = false;")],
             [MODS + "::test_transfer_events_lower_the_latency_until_the_upload_ends"]),
    Mutation("M6.1", "the config-channel DFU does not erase at boot", "nrf_desktop",
             [edit(CC, "		return;\n	}\n	start_erase();\n}", "		return;\n	}\n"
                   "	release_lock_if_idle();\n}")],
             [T_CC]),
    Mutation("M6.2", "the config-channel timeout forgets offset and checksum", "nrf_desktop",
             [edit(CC, "	/* Data still in the sync buffer is dropped: the host resends from "
                   "cur_offset. */\n	end_transfer();", "	forget_image();\n	end_transfer();")],
             [T_CC]),
    Mutation("M6.3", "sync reports CLEANING where another transport is active", "nrf_desktop",
             [edit(CC, "		info->state = DFU_STATE_ACTIVE_OTHER;",
                   "		info->state = DFU_STATE_CLEANING;")],
             [T_CC]),
    Mutation("M6.4", "reboot gives the lock back before the reboot", "nrf_desktop",
             [edit(CC, "		LOG_INF(\"reboot in %u ms\", (unsigned int)REBOOT_DELAY_MS);",
                   "		LOG_INF(\"reboot in %u ms\", (unsigned int)REBOOT_DELAY_MS);\n"
                   "		(void)smpdfu_dfu_lock_release(&config_channel_owner);")],
             [T_CC]),
    Mutation("M6.5", "owner_changed leaves the slot marked clean", "nrf_desktop",
             [edit(CC, "	atomic_store(&slot_used_by_other, true);", "	(void)new_owner;")],
             [T_CC, T_DFU]),
    Mutation("M6.6", "the socket answers OK instead of ok", "nrf_desktop",
             [edit("sim/device/sim_config_channel.c", "		rc = smpdfu_dfu_cmd_start(length, csum, "
                   "offset);\n		if (rc < 0) {\n			reply_err(reply, reply_size, rc);\n		} else {\n"
                   "			snprintf(reply, reply_size, \"ok\");", "		rc = smpdfu_dfu_cmd_start(length, "
                   "csum, offset);\n		if (rc < 0) {\n			reply_err(reply, reply_size, rc);\n"
                   "		} else {\n			snprintf(reply, reply_size, \"OK\");")],
             [FLOWS]),
]


def build_dir(variant):
    return ROOT / "build" / ("sim" if variant == "base" else f"variant-{variant}")


def ensure_configured(variant):
    d = build_dir(variant)
    if (d / "build.ninja").exists():
        return d
    conf = "configs/sim_udp.conf" + ("" if variant == "base" else
                                     f";configs/variants/{variant}.conf")
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(d), "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo", f"-DSMPDFU_CONF={conf}"], check=True,
                   stdout=subprocess.DEVNULL)
    return d


def run_test(spec, d):
    """Runs one test spec in build dir d; returns the names of what failed ([] when all pass)."""
    kind, _, what = spec.partition(":")
    env = dict(os.environ, SMPDFU_BUILD_DIR=str(d), SMPDFU_SOURCE_DIR=str(ROOT),
               SMPDFU_CONFIG_H=str(d / "generated" / "smpdfu" / "config.h"))
    if kind == "unit":
        p = subprocess.run([str(d / "tests" / what)], capture_output=True, text=True, env=env,
                           timeout=600)
        failed = re.findall(r"^\[  (?:FAILED  |ERROR   )\] (\w+)$", p.stdout + p.stderr, re.M)
        failed = list(dict.fromkeys(failed))
        if p.returncode != 0 and not failed:
            # The process died (an assertion of the code under test): in the test it ran last.
            running = re.findall(r"^\[ RUN      \] (\w+)$", p.stdout, re.M)
            failed = [(running[-1] if running else "?") + " (aborted)"]
        return [f"{what}::{f}" for f in failed]
    if kind == "ctest":
        p = subprocess.run(["ctest", "--test-dir", str(d), "-R", what], capture_output=True,
                           text=True, timeout=600)
        return re.findall(r"\d+ - (\S+) \(Failed\)", p.stdout) or \
            (["(ctest failed)"] if p.returncode != 0 else [])
    if kind == "pytest":
        p = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "-rf", str(ROOT / what)], capture_output=True, text=True, env=env,
                           cwd=d, timeout=900)
        failed = re.findall(r"^FAILED \S*?(tests/\S+?)(?: - |$)", p.stdout, re.M)
        if p.returncode not in (0, 5) and not failed:
            failed = [f"{what} (exit {p.returncode})"]
        return failed
    raise ValueError(spec)


def restore(saved):
    for path, text in saved.items():
        (ROOT / path).write_text(text)


def apply(m):
    """Applies m's edits in order; returns the original contents to restore."""
    saved = {}
    try:
        for path, old, new in m.edits:
            f = ROOT / path
            text = f.read_text()
            saved.setdefault(path, text)
            if text.count(old) != 1:
                raise RuntimeError(f"{m.row}: {path}: the text to mutate occurs "
                                   f"{text.count(old)} times (the code moved: update it)")
            f.write_text(text.replace(old, new))
    except BaseException:
        restore(saved)
        raise
    return saved


def run(m):
    d = ensure_configured(m.variant)
    saved = apply(m)
    try:
        if m.build:
            b = subprocess.run(["cmake", "--build", str(d), "-j", JOBS], capture_output=True,
                               text=True)
            if b.returncode != 0:
                return ["(the mutated code does not build: fix the mutation)"], False
        caught = []
        for spec in m.tests:
            for name in run_test(spec, d):
                if name not in caught:
                    caught.append(name)
        return caught, True
    finally:
        restore(saved)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rows", nargs="*", help="rows to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the mutations, run nothing")
    args = ap.parse_args()
    todo = [m for m in MUTATIONS if not args.rows or m.row in args.rows]
    if args.list:
        for m in todo:
            print(f"{m.row:6} [{m.variant}] {m.what}")
        return 0
    missed = 0
    used = set()
    for m in todo:
        t0 = time.monotonic()
        caught, valid = run(m)
        used.add(m.variant)
        if not caught or not valid:
            missed += 1
        names = ", ".join(f"`{c}`" for c in caught[:3]) + (" ..." if len(caught) > 3 else "")
        print(f"| {m.row} | {m.what} | {names if caught else 'NOT CAUGHT'} | "
              f"{time.monotonic() - t0:.0f} s |", flush=True)
    # Leave the build trees matching the source again.
    for variant in sorted(used):
        subprocess.run(["cmake", "--build", str(build_dir(variant)), "-j", JOBS],
                       capture_output=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
