# SPDX-License-Identifier: Apache-2.0
"""The whole update over every transport: upload, mark for test, reset (the bootloader swaps the
image in), the new image runs unconfirmed, confirm, reset, it stays. Over UDP this is in
test_bootloader.py; here over the serial console, and over the Bluetooth LE link model and the
serial line model, where every client call powers the modelled device on afresh (its flash kept
in a file)."""
import json
import subprocess

import pytest

from conftest import read_config
from test_ble_model import CLIENT, needs_reassembly
from test_ble_model import image_hash as model_image_hash, make_image as model_make_image
from test_serial import sclient, serial_device, serial_paths, wait_for  # noqa: F401 (fixture)
from test_upload import image_hash, make_image


def swap_build() -> bool:
    try:
        cfg = read_config()
    except pytest.skip.Exception:
        return True
    return bool(cfg.get("CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_USING_MOVE") or
                cfg.get("CONFIG_MCUBOOT_BOOTLOADER_MODE_SWAP_SCRATCH"))


# Test, revert and confirm are the swap modes' story; the app variants confirm at boot themselves.
pytestmark = [pytest.mark.skipif(not swap_build(), reason="the build's mode does not swap"),
              pytest.mark.no_boot_confirm]


def slots_of(listing_json: str) -> dict:
    return {e["slot"]: e for e in json.loads(listing_json)["images"]}


def test_test_reset_confirm_over_serial(serial_device, tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 48 * 1024, seed=31)
    v2 = make_image(tmp_path, "v2", "2.0.0", 96 * 1024, seed=32)
    dev = serial_device("--load-slot0", v1)
    per_start = len(dev.listening)
    starts = 1

    def reset():
        nonlocal starts
        sclient(dev, "reset")
        starts += 1
        dev.wait_listening(starts * per_start)
        wait_for(lambda: len(serial_paths(dev)) == starts, "the serial line of the new start")

    assert "match" in sclient(dev, "image", "upload", v2).stdout
    sclient(dev, "image", "test", image_hash(v2))
    reset()
    slots = slots_of(sclient(dev, "--json", "image", "list").stdout)
    assert slots[0]["version"] == "2.0.0" and slots[0]["active"]
    assert not slots[0].get("confirmed", False)

    sclient(dev, "image", "confirm")
    reset()
    slots = slots_of(sclient(dev, "--json", "image", "list").stdout)
    assert slots[0]["version"] == "2.0.0" and slots[0]["confirmed"]
    assert "reverting" not in dev.log()


def on_model(transport, flash, *args):
    """One client call over a model transport: one power-on of the modelled device."""
    cmd = [str(CLIENT), "--transport", transport, "--model-flash", str(flash)]
    if transport == "serial-model":
        cmd += ["--baud", "1000000"]
    r = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, f"{args} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


@pytest.mark.parametrize("model", [
    # the client splits buf_size packets over writes, as phones do
    pytest.param("ble-model", marks=needs_reassembly),
    "serial-model",
])
def test_test_reset_confirm_over_a_model(model, tmp_path):
    """Each model call is one power-on: the call after `image test` boots the new image, and a
    confirm must come in the boot that runs it, as an app confirms itself on its first boot."""
    flash = tmp_path / "flash.bin"

    def call(*args):
        return on_model(model, flash, *args)

    factory = slots_of(call("--json", "image", "list").stdout)[0]
    v2 = model_make_image(tmp_path, "v2", "9.0.0", 128 * 1024, seed=33)

    # Not confirmed: it runs once, and the power-on after that brings the factory image back.
    assert "match" in call("image", "upload", v2).stdout
    call("image", "test", model_image_hash(v2))
    slots = slots_of(call("--json", "image", "list").stdout)
    assert slots[0]["version"] == "9.0.0" and slots[0]["active"]
    assert not slots[0].get("confirmed", False)
    assert slots[1]["version"] == factory["version"] and slots[1]["confirmed"]
    slots = slots_of(call("--json", "image", "list").stdout)
    assert slots[0]["version"] == factory["version"] and slots[0]["confirmed"]

    # Confirmed in the boot that runs it: it stays over further power-ons.
    call("image", "test", model_image_hash(v2))
    call("image", "confirm")
    for _ in range(2):
        slots = slots_of(call("--json", "image", "list").stdout)
        assert slots[0]["version"] == "9.0.0" and slots[0]["confirmed"]
