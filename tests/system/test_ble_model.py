# SPDX-License-Identifier: Apache-2.0
"""System tests of the client over the Bluetooth LE link model (--transport ble-model): the
simulated device runs inside the client, in virtual time, behind the SMP GATT transport. What the
device stored is checked in its flash file, independently of what either side says."""
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from conftest import read_config

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CLIENT = BUILD / "tools" / "smpdfu"
IMAGE_TOOL = BUILD / "tools" / "smpdfu-image"
MIB = 1024 * 1024
# The image tool's header (0x200) and SHA-256 TLV area (40 bytes) around the payload.
IMAGE_OVERHEAD = 0x200 + 40
CFG = read_config() if os.environ.get("SMPDFU_BUILD_DIR") else {}
pytestmark = pytest.mark.skipif(not CFG.get("CONFIG_MCUMGR_TRANSPORT_BT"),
                                reason="the build has no BLE transport")
# The client sizes upload packets by buf_size and splits them over writes, as nRF Connect Device
# Manager does: that needs a device that reassembles.
needs_reassembly = pytest.mark.skipif(not CFG.get("CONFIG_MCUMGR_TRANSPORT_BT_REASSEMBLY"),
                                      reason="the device does not reassemble requests")


def ble(*args, flash=None, settings=None, check=True, timeout=120):
    cmd = [str(CLIENT), "--transport", "ble-model"]
    if flash is not None:
        cmd += ["--ble-flash", str(flash)]
    if settings is not None:
        cmd += ["--ble", settings]
    r = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                       timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"smpdfu {args} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def make_image(tmp_path, name, version, size, seed):
    payload = tmp_path / f"{name}.payload"
    payload.write_bytes(random.Random(seed).randbytes(size - IMAGE_OVERHEAD))
    out = tmp_path / f"{name}.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", version, "--pad-header",
                    str(payload), str(out)], check=True)
    return out


def image_hash(image):
    return subprocess.run([str(IMAGE_TOOL), "hash", str(image)], capture_output=True,
                          text=True, check=True).stdout.strip()


def slot1_bytes(flash, length):
    slot1 = CFG["CONFIG_SIM_BOOT_SIZE"] + CFG["CONFIG_SIM_SLOT_SIZE"]
    with open(flash, "rb") as f:
        f.seek(slot1)
        return f.read(length)


@pytest.mark.device_idle_at_boot
@needs_reassembly
def test_upload_one_mib_with_match(tmp_path):
    image = make_image(tmp_path, "v2", "2.0.0", MIB, seed=4)
    data = image.read_bytes()
    assert len(data) == MIB
    flash = tmp_path / "flash.bin"

    r = ble("--json", "image", "upload", image, flash=flash)
    res = json.loads(r.stdout)
    assert res["match"] is True
    assert res["bytes"] == MIB and res["size"] == MIB
    assert res["timeouts"] == 0 and res["resyncs"] == 0 and res["restarts"] == 0
    # Virtual time: the default link (2M PHY, MTU 498, 7.5 ms) carries at most 165 kB/s, and
    # a pipelined upload gets most of it.
    goodput = MIB / res["seconds"]
    assert 100e3 < goodput < 165e3, res

    # The device's flash holds the image, and a later command (a new power-on) sees it.
    assert slot1_bytes(flash, len(data)) == data
    listing = json.loads(ble("--json", "image", "list", flash=flash).stdout)
    slots = {e["slot"]: e for e in listing["images"]}
    assert slots[1]["version"] == "2.0.0"
    assert slots[1]["hash"] == image_hash(image)
    # The power-on runs slot 0 again, but in direct-XIP the higher 2.0.0 from slot 1.
    running = 1 if CFG.get("CONFIG_MCUBOOT_BOOTLOADER_MODE_DIRECT_XIP") else 0
    assert slots[0]["version"] == "1.0.0" and slots[running]["active"]


@needs_reassembly
def test_virtual_time_is_deterministic(tmp_path):
    image = make_image(tmp_path, "small", "1.1.0", 96 * 1024, seed=5)
    runs = [json.loads(ble("--json", "image", "upload", image,
                           settings="interval=15,phy=1m,mtu=247,dl=251").stdout)
            for _ in range(2)]
    assert runs[0]["match"] is True
    assert runs[0]["seconds"] == runs[1]["seconds"]
    assert runs[0]["packets"] == runs[1]["packets"]


@pytest.mark.device_idle_at_boot
@needs_reassembly
def test_latency_and_flash_timing_slow_the_upload_down(tmp_path):
    image = make_image(tmp_path, "small", "1.1.0", 64 * 1024, seed=6)
    fast = json.loads(ble("--json", "image", "upload", image).stdout)
    slow = json.loads(ble("--json", "--timeout-ms", "10000", "image", "upload", image,
                          settings="latency=20,flash=nrf52840,slot1=dirty").stdout)
    assert fast["match"] is True and slow["match"] is True
    # 16 pages of 85 ms and 16384 words of 41 us take 2.03 s on their own.
    assert slow["seconds"] > 2.03 > fast["seconds"]


def test_every_command_works_over_the_model(tmp_path):
    flash = tmp_path / "flash.bin"
    assert ble("echo", "over the air", flash=flash).stdout.strip() == "over the air"
    params = ble("params", flash=flash).stdout
    assert f"buf_size: {CFG['CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE']}" in params
    for args in (["os-info"], ["bootloader-info"], ["image", "list"], ["image", "slot-info"]):
        ble(*args, flash=flash)
    # The small settings of an old phone: MTU 23 means 20-byte writes and notifications.
    r = ble("--json", "image", "list", flash=flash, settings="mtu=23,dl=27,phy=1m,interval=30")
    assert json.loads(r.stdout)["images"][0]["slot"] == 0


def test_bad_settings_are_a_usage_error(tmp_path):
    r = ble("echo", "x", settings="interval=7", check=False)
    assert r.returncode == 2
    assert "1.25 ms" in r.stderr
    r = ble("echo", "x", settings="warp=9", check=False)
    assert r.returncode == 2
    assert "unknown setting" in r.stderr
