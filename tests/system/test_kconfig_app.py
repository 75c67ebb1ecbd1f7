# SPDX-License-Identifier: Apache-2.0
"""scripts/genconfig.py on the application modules' options (seeds 000 and 002, modules.md §3-§6):
what dfu_mcumgr and CAF ble_smp select and require, the Bluetooth LE options, the timeouts, the
config-channel DFU, and what each shipped variant turns on. tests/system/test_kconfig.py covers
the mutual exclusion and the DFU lock default."""
import pytest

from test_kconfig import SOURCE, genconfig

# Everything CAF ble_smp needs, one per line, so that a test can leave one out.
BLE_SMP_NEEDS = {
    "CAF_BLE_STATE": "CONFIG_CAF_BLE_STATE=y",
    "MCUMGR_GRP_IMG": "CONFIG_MCUMGR_GRP_IMG=y",
    "MCUMGR_MGMT_NOTIFICATION_HOOKS": "CONFIG_MCUMGR_MGMT_NOTIFICATION_HOOKS=y",
    "MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK": "CONFIG_MCUMGR_GRP_IMG_UPLOAD_CHECK_HOOK=y",
    "MCUMGR_TRANSPORT_BT": "CONFIG_MCUMGR_TRANSPORT_BT=y",
    "BOOTLOADER_MCUBOOT": "CONFIG_BOOTLOADER_MCUBOOT=y",
}


def ble_smp_fragment(without=None):
    lines = ["CONFIG_MCUMGR=y"]
    for name, line in BLE_SMP_NEEDS.items():
        lines.append(f"CONFIG_{name}=n" if name == without else line)
    lines.append("CONFIG_CAF_BLE_SMP=y")
    return "\n".join(lines) + "\n"


def test_ble_smp_with_all_it_needs(tmp_path):
    rc, err, cfg = genconfig(tmp_path, ble_smp_fragment(), base=False)
    assert rc == 0, err
    assert cfg["CAF_BLE_SMP"] == "1"
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "1"  # selected
    assert cfg["DESKTOP_DFU_LOCK"] == "0"  # ble_smp takes no lock


@pytest.mark.parametrize("missing", sorted(BLE_SMP_NEEDS))
def test_ble_smp_needs_each_of_its_options(tmp_path, missing):
    rc, err, _ = genconfig(tmp_path, ble_smp_fragment(without=missing), base=False)
    assert rc != 0
    assert "CONFIG_CAF_BLE_SMP=y was asked for" in err


def test_ble_smp_os_group_is_optional(tmp_path):
    """The OS group (remote reboot) may be on or off with ble_smp."""
    for os_group in ("y", "n"):
        rc, err, cfg = genconfig(tmp_path, ble_smp_fragment() + f"CONFIG_MCUMGR_GRP_OS={os_group}\n",
                                 base=False)
        assert rc == 0, err
        assert cfg["MCUMGR_GRP_OS"] == ("1" if os_group == "y" else "0")


def test_dfu_mcumgr_selects_the_mcumgr_dependencies(tmp_path):
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n", base=False)
    assert rc == 0, err
    for name in ("NET_BUF", "ZCBOR", "CRC", "IMG_MANAGER", "STREAM_FLASH", "FLASH_MAP", "FLASH"):
        assert cfg[name] == "1", name
    # It chooses no SMP transport: the application must.
    assert cfg["MCUMGR_TRANSPORT_UDP"] == "0" and cfg["MCUMGR_TRANSPORT_BT"] == "0"
    assert cfg["DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS"] == "0"
    assert cfg["DESKTOP_DFU_MCUMGR_TIMEOUT_MS"] == "5000"


def test_dfu_mcumgr_final_subscriber_only_with_transfer_events(tmp_path):
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE=y\n"
                             "CONFIG_MCUMGR_TRANSPORT_BT=y\n")
    assert rc == 0, err
    assert cfg["DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS"] == "1"


def test_ble_state_brings_the_peer_events_and_ble_latency(tmp_path):
    rc, err, cfg = genconfig(tmp_path, "CONFIG_CAF_BLE_STATE=y\n")
    assert rc == 0, err
    assert cfg["CAF_BLE_COMMON_EVENTS"] == "1"
    assert cfg["DESKTOP_BLE_LATENCY_ENABLE"] == "1"
    assert cfg["DESKTOP_BLE_LATENCY_CHECK_PERIOD_MS"] == "5000"
    assert cfg["BT_PERIPHERAL_PREF_LATENCY"] == "0"  # Zephyr's default
    rc, err, cfg = genconfig(tmp_path)
    assert rc == 0, err
    assert cfg["DESKTOP_BLE_LATENCY_ENABLE"] == "0"  # nothing to lower without ble_state


def test_ble_latency_needs_ble_state(tmp_path):
    rc, err, _ = genconfig(tmp_path, "CONFIG_DESKTOP_BLE_LATENCY_ENABLE=y\n")
    assert rc != 0 and "CONFIG_DESKTOP_BLE_LATENCY_ENABLE=y was asked for" in err


@pytest.mark.parametrize("value,ok", [("0", True), ("99", True), ("499", True), ("500", False)])
def test_preferred_latency_range(tmp_path, value, ok):
    rc, err, cfg = genconfig(tmp_path, f"CONFIG_BT_PERIPHERAL_PREF_LATENCY={value}\n")
    assert (rc == 0) == ok, err
    if ok:
        assert cfg["BT_PERIPHERAL_PREF_LATENCY"] == value


def test_config_channel_dfu(tmp_path):
    rc, err, cfg = genconfig(tmp_path, "CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE=y\n")
    assert rc == 0, err
    assert cfg["DESKTOP_CONFIG_CHANNEL_DFU_TIMEOUT_MS"] == "5000"
    assert cfg["DESKTOP_CONFIG_CHANNEL_DFU_REBOOT_DELAY_MS"] == "250"
    assert cfg["DESKTOP_CONFIG_CHANNEL_DFU_SYNC_BUFFER_SIZE"] == "1024"
    rc, err, _ = genconfig(tmp_path, "CONFIG_BOOTLOADER_MCUBOOT=n\n"
                           "CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE=y\n")
    assert rc != 0


def variant(tmp_path, name):
    text = (SOURCE / "configs" / "variants" / f"{name}.conf").read_text()
    rc, err, cfg = genconfig(tmp_path, text)
    assert rc == 0, err
    return cfg


def test_variant_nrf_desktop(tmp_path):
    cfg = variant(tmp_path, "nrf_desktop")
    for name in ("DESKTOP_DFU_MCUMGR_ENABLE", "DESKTOP_CONFIG_CHANNEL_DFU_ENABLE",
                 "DESKTOP_DFU_LOCK", "CAF_BLE_STATE", "DESKTOP_BLE_LATENCY_ENABLE",
                 "CAF_BLE_SMP_TRANSFER_EVENTS", "DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS"):
        assert cfg[name] == "1", name
    assert cfg["CAF_BLE_SMP"] == "0"
    assert cfg["DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP"] == "0"


def test_variant_nrf_desktop_direct_xip(tmp_path):
    cfg = variant(tmp_path, "nrf_desktop_direct_xip")
    assert cfg["DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP"] == "1"  # follows the mode
    assert cfg["MCUMGR_GRP_IMG_REJECT_DIRECT_XIP_MISMATCHED_SLOT"] == "1"  # as recommended
    assert cfg["DESKTOP_DFU_LOCK"] == "1"


def test_variant_caf_ble_smp(tmp_path):
    cfg = variant(tmp_path, "caf_ble_smp")
    assert cfg["CAF_BLE_SMP"] == "1" and cfg["DESKTOP_DFU_MCUMGR_ENABLE"] == "0"
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "1"
    assert cfg["DESKTOP_DFU_LOCK"] == "0"


def test_variant_mcumgr_only(tmp_path):
    cfg = variant(tmp_path, "nrf_desktop_mcumgr_only")
    assert cfg["DESKTOP_DFU_MCUMGR_ENABLE"] == "1"
    assert cfg["DESKTOP_DFU_LOCK"] == "0"  # one DFU transport: no lock by default
    assert cfg["CAF_BLE_SMP_TRANSFER_EVENTS"] == "0"
    # So dfu_mcumgr's FINAL row of the transfer event drops out of the table (reference 1.13.3).
    assert cfg["DESKTOP_DFU_MCUMGR_TRANSFER_EVENTS"] == "0"
