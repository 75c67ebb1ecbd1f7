# SPDX-License-Identifier: Apache-2.0
"""A build that requires a signature (configs/variants/signature_required.conf): the device trusts
only the key it was built with. An image without a valid signature by it is refused as its
upload completes and when it is to be marked for boot, each time with the reason in the device's
log, and the bootloader boots none. Skipped in other builds."""
import re
import subprocess
import time

import pytest

from conftest import read_config, sim_binary
from test_upload import IMAGE_TOOL, client, image_hash, make_image

REQUIRED = read_config().get("CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED") == 1 \
    if __import__("os").environ.get("SMPDFU_BUILD_DIR") else False
pytestmark = pytest.mark.skipif(not REQUIRED, reason="this build does not require signatures")


def wait_log(dev, pattern, start=0, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, dev.log()[start:])
        if m:
            return m
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} in the device's log:\n{dev.log()[start:]}")


def unsigned_and_foreign(tmp_path, *extra):
    payload = tmp_path / "payload"
    payload.write_bytes(bytes(range(256)) * 64)
    other = tmp_path / "other.pem"
    subprocess.run([str(IMAGE_TOOL), "keygen", "--type", "ecdsa-p256", str(other)], check=True)
    images = {}
    for name, key in (("unsigned", []), ("foreign", ["--key", str(other)])):
        images[name] = tmp_path / f"{name}.bin"
        subprocess.run([str(IMAGE_TOOL), "create", "--version", "9.0.0", "--pad-header", *key,
                        *extra, str(payload), str(images[name])], check=True)
    return images


def test_unsigned_or_foreign_uploads_and_tests_are_refused(device, tmp_path):
    for name, image in unsigned_and_foreign(tmp_path).items():
        start = len(device.log())
        r = client(device, "image", "upload", image, check=False)
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        assert "not signed by a key the device trusts" in r.stderr, r.stderr
        why = wait_log(device, r"the image in slot 1 is refused: (.*)", start).group(1)
        assert "signature" in why, why
        # The complete image sits in the slot, inert: marking it for boot is refused too, and
        # an SMP v1 answer carries the reason.
        r = client(device, "--smp-v1", "image", "test", image_hash(image), check=False)
        assert r.returncode == 1 and f'device says: "{why}"' in r.stderr, r.stderr
        assert "pending" not in client(device, "image", "list").stdout
    # An image signed with the build's key goes all the way.
    good = make_image(tmp_path, "good", "2.0.0", 8 * 1024, seed=5)
    assert client(device, "image", "upload", good).returncode == 0
    assert client(device, "image", "test", image_hash(good)).returncode == 0
    assert "pending" in client(device, "image", "list").stdout


def test_the_device_takes_no_key_at_run_time(tmp_path):
    r = subprocess.run([str(sim_binary()), "--flash", str(tmp_path / "flash.bin"), "--port", "0",
                        "--key", str(tmp_path / "any.pem")], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode != 0
    assert "trusts only the key it was built with" in r.stderr, r.stderr


def test_the_bootloader_refuses_an_image_without_the_signature(start_device, layout, tmp_path):
    """What no upload can bring, written into the flash by hand: unsigned and foreign-signed
    images with a trailer that asks for a test. The bootloader says why, scrubs them, and v1 runs
    on."""
    v1 = make_image(tmp_path, "v1", "1.0.0", 8 * 1024, seed=1)
    marked = unsigned_and_foreign(tmp_path, "--pad", "--slot-size", hex(layout.slot_size))
    for name, image in marked.items():
        flash = tmp_path / f"{name}-flash.bin"
        dev = start_device("--load-slot0", v1, flash=flash)
        before = client(dev, "image", "list").stdout
        dev.stop()
        with open(flash, "r+b") as f:
            f.seek(layout.slot1)
            f.write(image.read_bytes())
        dev = start_device(flash=flash)
        assert wait_log(dev, r"image in the secondary slot is not valid .*: erasing it"), name
        assert client(dev, "image", "list").stdout == before
