# SPDX-License-Identifier: Apache-2.0
"""smpdfu-blesim's central profiles and part rules, through its JSON report: a profile sets what
the user did not give, wherever the user's settings stand; the nRF52840's flash slots take the
radio (the DFU takes about link + flash time), the nRF5340's do not; Zephyr's erase mode erases a
blank slot that smpdfu's skips; without reassembly each SMP packet is one write."""
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import read_config

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
BLESIM = BUILD / "sim" / "ble" / "smpdfu-blesim"
CFG = read_config() if os.environ.get("SMPDFU_BUILD_DIR") else {}
pytestmark = [
    pytest.mark.skipif(not CFG.get("CONFIG_MCUMGR_TRANSPORT_BT"), reason="no BLE transport"),
    pytest.mark.skipif(not CFG.get("CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY"),
                       reason="the device does not reassemble requests"),
]
SIZE = "131072"


def blesim(*args, check=True):
    r = subprocess.run([str(BLESIM), "--json", "--size", SIZE] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert out["ok"] and out["match"] is True, out
        return out
    return r


def test_a_profile_keeps_off_what_the_user_gave():
    ios = blesim("--central", "ios")
    assert (ios["interval_ms"], ios["max_pairs"], ios["turnaround"], ios["mtu"]) == \
        (15.0, 7, 1, 185)
    # The same settings given before or after the profile: the user's win either way.
    before = blesim("--interval", "30", "--mtu", "247", "--central", "ios")
    after = blesim("--central", "ios", "--interval", "30", "--mtu", "247")
    for r in (before, after):
        assert (r["interval_ms"], r["mtu"], r["max_pairs"]) == (30.0, 247, 7)
    assert before["upload_s"] == after["upload_s"]
    r = blesim("--central", "nokia", check=False)
    assert r.returncode == 2 and "android-high" in r.stderr


def test_phones_are_slower_than_a_development_kit():
    dk = blesim("--central", "dk")
    high = blesim("--central", "android-high")
    balanced = blesim("--central", "android-balanced")
    assert dk["goodput_Bps"] > high["goodput_Bps"] > balanced["goodput_Bps"]
    # 4 PDUs of 251 bytes per 45 ms event bound the balanced phone's link.
    assert balanced["capacity_Bps"] == pytest.approx(4 * 251 * 495 / 502 / 0.045, rel=1e-3)


def test_single_core_flash_takes_the_radio_dual_core_does_not():
    # Every page the image reaches erased (Zephyr's writer), on a blank slot 1: a slot holding
    # an image would have nRF Desktop's configuration-channel DFU erase it in the background
    # first, under the DFU lock.
    nrf52 = blesim("--part", "nrf52840", "--erase", "page")
    nrf53 = blesim("--part", "nrf5340", "--erase", "page")
    assert nrf52["sharing"] == "timeslot" and nrf53["sharing"] == "parallel"
    assert nrf52["events_blocked"] > 0 and nrf53["events_blocked"] == 0
    # nRF52840: about link + flash; nRF5340: about the slower of the two.
    flash52 = nrf52["write_s"] + nrf52["erase_s"]
    assert nrf52["upload_s"] >= nrf52["link_s"] + flash52
    assert nrf52["bound_s"] == pytest.approx(nrf52["link_s"] + flash52, rel=1e-3)
    assert nrf53["bound_s"] == pytest.approx(max(nrf53["link_s"], nrf53["flash_s"]), rel=1e-3)
    assert nrf53["upload_s"] < nrf53["link_s"] + nrf53["flash_s"]
    # Forcing the sharing rule changes what the part would do.
    forced = blesim("--part", "nrf52840", "--erase", "page", "--sharing", "parallel")
    assert forced["sharing"] == "parallel" and forced["upload_s"] < nrf52["upload_s"]


def test_zephyr_erases_a_blank_slot_smpdfu_skips():
    ahead = blesim("--part", "nrf52840", "--erase", "ahead")
    page = blesim("--part", "nrf52840", "--erase", "page")
    # A 128 KiB image reaches 32 pages of the blank slot: smpdfu sees them erased already.
    assert ahead["flash_pages"] == 0
    assert page["flash_pages"] == 32
    assert page["erase_s"] == pytest.approx(32 * 0.085)
    # The nRF52840's flash slots take the radio: nearly all of the erase time adds to the DFU
    # (a slot may fall where the link would have waited anyway).
    assert page["upload_s"] - ahead["upload_s"] > 0.9 * page["erase_s"]


def test_without_reassembly_each_packet_is_one_write():
    r = blesim("--central", "android-high", "--reassembly", "off")
    assert r["packet_size"] == 498 - 3 and r["reassembly"] is False
    assert blesim("--central", "android-high")["packet_size"] > 498


def test_coded_phy():
    s2 = blesim("--phy", "coded-s2", "--interval", "50")
    s8 = blesim("--phy", "coded", "--interval", "50")
    assert s8["phy"] == "Coded S=8"
    assert s2["goodput_Bps"] > 5 * s8["goodput_Bps"]
