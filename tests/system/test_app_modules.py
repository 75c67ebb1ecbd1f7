# SPDX-License-Identifier: Apache-2.0
"""System tests of the application modules on the simulated device, each in the builds that have
them: the event flow in the device log (module states, peer events, transfer events), CAF
ble_smp's transfer events lowering the latency of the virtual Bluetooth LE link and the preferred
latency coming back after the transfer, ble_smp rejecting nothing, and dfu_mcumgr confirming a
test image at boot (or, in direct-XIP, not)."""
import os
import random
import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import read_config

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CLIENT = BUILD / "tools" / "smpdfu"
IMAGE_TOOL = BUILD / "tools" / "smpdfu-image"


def cfg():
    return read_config() if os.environ.get("SMPDFU_BUILD_DIR") else {}


def on(name):
    return cfg().get(name) == 1


APP = any(on(n) for n in ("CONFIG_CAF_BLE_STATE", "CONFIG_DESKTOP_DFU_MCUMGR_ENABLE",
                          "CONFIG_CAF_BLE_SMP", "CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE"))
pytestmark = pytest.mark.skipif(not APP, reason="no application modules in this build")


def client(dev, *args, check=True, timeout=60):
    r = subprocess.run([str(CLIENT), "--port", str(dev.port), *map(str, args)],
                       capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"smpdfu {args} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def make_image(tmp_path, name, version, payload_len, seed):
    payload = tmp_path / f"{name}.payload"
    payload.write_bytes(random.Random(seed).randbytes(payload_len))
    out = tmp_path / f"{name}.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", version, "--pad-header",
                    str(payload), str(out)], check=True)
    return out


def wait_for_log(dev, pattern, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, dev.log())
        if m:
            return m
        time.sleep(0.05)
    raise AssertionError(f"{pattern!r} not in the log after {timeout} s:\n{dev.log()[-3000:]}")


def test_boot_event_flow_is_in_the_log(start_device, tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 8 * 1024, seed=1)
    dev = start_device("--load-slot0", v1)
    log = dev.log()
    assert "INF app_event_manager: module_state_event: main READY" in log
    if on("CONFIG_CAF_BLE_STATE"):
        assert "module_state_event: ble_state READY" in log
        assert "ble_peer_event: conn 0 CONNECTED" in log
        assert "ble_peer_event: conn 0 SECURED" in log
    if on("CONFIG_CAF_BLE_SMP"):
        # READY after ble_state's, once, with the version of the running image.
        assert log.count("module_state_event: smp READY") == 1
        assert log.index("ble_state READY") < log.index("smp READY")
        assert "INF smp: MCUboot image version: 1.0.0+0" in log
    if on("CONFIG_DESKTOP_DFU_MCUMGR_ENABLE"):
        assert "INF dfu_mcumgr: MCUboot image version: 1.0.0+0" in log
        assert "module_state_event: dfu_mcumgr" not in log
    if on("CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE"):
        assert "INF dfu: slot image-1 erased" in log


@pytest.mark.skipif(not (on("CONFIG_CAF_BLE_SMP") and on("CONFIG_DESKTOP_BLE_LATENCY_ENABLE")
                         and cfg().get("CONFIG_BT_PERIPHERAL_PREF_LATENCY", 0) > 0),
                    reason="needs CAF ble_smp and ble_latency with a preferred latency")
def test_transfer_events_lower_the_latency_until_the_upload_ends(start_device, tmp_path):
    pref = cfg()["CONFIG_BT_PERIPHERAL_PREF_LATENCY"]
    v2 = make_image(tmp_path, "v2", "2.0.0", 256 * 1024, seed=2)
    dev = start_device()
    assert f"virtual central connected: interval 6 (7.50 ms), latency {pref}" in dev.log()
    client(dev, "image", "upload", v2)
    log = dev.log()
    assert "INF app_event_manager: ble_smp_transfer_event" in log
    assert "INF ble_latency: latency decreased" in log
    assert "connection parameter update requested: interval 6 (7.50 ms), latency 0" in log
    wait_for_log(dev, r"connection parameters updated: interval 6 \(7\.50 ms\), latency 0,",
                 5)
    # The link is secured: 5 to 10 s after the last transfer event the preferred latency returns.
    wait_for_log(dev, rf"low latency no longer needed: requesting latency {pref}", 15)
    wait_for_log(dev, rf"connection parameters updated: interval 6 \(7\.50 ms\), latency {pref},",
                 5)


@pytest.mark.skipif(not on("CONFIG_CAF_BLE_SMP"), reason="needs CAF ble_smp")
def test_ble_smp_rejects_nothing(start_device, tmp_path):
    v2 = make_image(tmp_path, "v2", "2.0.0", 16 * 1024, seed=3)
    dev = start_device()
    client(dev, "image", "upload", v2)
    client(dev, "image", "erase")
    count = len(dev.listening)
    client(dev, "reset")
    dev.wait_listening(count + 2)
    assert "rejected" not in dev.log() and "DFU lock" not in dev.log()


@pytest.mark.skipif(not on("CONFIG_DESKTOP_DFU_MCUMGR_ENABLE")
                    or on("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP")
                    or on("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP_WITH_REVERT")
                    or on("CONFIG_MCUBOOT_BOOTLOADER_MODE_OVERWRITE_ONLY"),
                    reason="needs dfu_mcumgr under a swapping MCUboot")
def test_dfu_mcumgr_confirms_the_tested_image_at_boot(start_device, tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 16 * 1024, seed=4)
    v2 = make_image(tmp_path, "v2", "2.0.0", 16 * 1024, seed=5)
    dev = start_device("--load-slot0", v1)
    client(dev, "image", "upload", v2)
    h = subprocess.run([str(IMAGE_TOOL), "hash", str(v2)], capture_output=True, text=True,
                       check=True).stdout.strip()
    client(dev, "image", "test", h)
    count = len(dev.listening)
    client(dev, "reset")
    dev.wait_listening(count + 2)
    wait_for_log(dev, r"booting slot 0 version 2\.0\.0", 5)
    wait_for_log(dev, r"INF dfu_mcumgr: running image confirmed", 5)
    r = client(dev, "image", "list")
    assert re.search(r"0\s+0\s+2\.0\.0\s+active confirmed", r.stdout), r.stdout


@pytest.mark.skipif(not on("CONFIG_DESKTOP_DFU_MCUMGR_MCUBOOT_DIRECT_XIP"),
                    reason="needs dfu_mcumgr in direct-XIP mode")
def test_dfu_mcumgr_confirms_nothing_in_direct_xip(start_device, layout, tmp_path):
    """The running image is one that could be confirmed (a trailer magic, image_ok erased, as
    imgtool --pad leaves it): in direct-XIP the module leaves it so. A factory image without a
    trailer would prove nothing, as there is nothing to confirm in it."""
    a = cfg()["CONFIG_MCUBOOT_BOOT_MAX_ALIGN"]
    payload = tmp_path / "v1.payload"
    payload.write_bytes(random.Random(6).randbytes(16 * 1024))
    v1 = tmp_path / "v1.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", "1.0.0", "--pad-header", "--pad",
                    "--slot-size", str(layout.slot_size), "--max-align", str(a), str(payload),
                    str(v1)], check=True)
    image_ok = layout.slot0 + layout.slot_size - max(16, a) - a
    dev = start_device("--load-slot0", v1)
    assert "booting slot 0 version 1.0.0" in dev.log()
    assert "INF dfu_mcumgr: MCUboot image version: 1.0.0+0" in dev.log()
    assert "running image confirmed" not in dev.log()
    flash = Path(dev.flash).read_bytes()
    # image_ok and copy_done (one cell below) still erased, the magic still there.
    assert flash[image_ok] == 0xff and flash[image_ok - a] == 0xff
    assert flash[layout.slot0 + layout.slot_size - 16:layout.slot0 + layout.slot_size] == \
        v1.read_bytes()[-16:]
