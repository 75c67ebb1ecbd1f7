# SPDX-License-Identifier: Apache-2.0
"""System tests of the bootloader in the simulated device: it runs at every start before SMP.
Each flow is the one of the build's mode (configs/variants/*.conf pick it):

* swap-using-move: an uploaded image marked for test is swapped in on reset, reverted on the next
  reset unless confirmed, and a power cut in the middle of the swap is finished on the next start;
* overwrite-only: test and confirm both mean "copy it over slot 0 at the next start"; there is
  nothing to revert to, and a copy cut by a power loss is done again from the start;
* direct-XIP (without revert): nothing is marked (state write has no handler); every start runs
  the higher version from whichever slot holds it, and an upload goes to the slot not running.

What the bootloader did is read from the device's log, what is in the slots from its flash file."""
import json
import random

import pytest

from test_upload import boot_mode, client, flags, image_hash, make_image, slot_bytes


def build_mode():
    try:
        return boot_mode()
    except pytest.skip.Exception:
        return None  # no build directory: the device fixtures skip every test anyway


MODE = build_mode()


def only_in(*modes):
    return pytest.mark.skipif(MODE is not None and MODE not in modes,
                              reason=f"the build's bootloader mode is {MODE}, not "
                                     + " or ".join(modes))


# The swap flows; the other modes have their own below, and the unit tests cover every mode.
swap_move_only = only_in("swap-move")


@pytest.fixture
def images(tmp_path):
    """v1 (factory, in slot 0) and a larger v2 to upload: the swap moves the larger size."""
    v1 = make_image(tmp_path, "v1", "1.0.0", 40 * 1024, seed=11)
    v2 = make_image(tmp_path, "v2", "2.0.0", 70 * 1024, seed=12)
    return v1, v2


def listing(dev):
    out = json.loads(client(dev, "--json", "image", "list").stdout)
    return {e["slot"]: e for e in out["images"]}


def reset_and_wait(dev):
    """Resets the device and waits until the restarted process listens again (the bootloader has
    run by then)."""
    if not hasattr(dev, "per_start"):
        dev.per_start = len(dev.listening)  # one start so far: its "listening" lines
    before = len(dev.listening)
    client(dev, "reset")
    dev.wait_listening(before + dev.per_start)


@pytest.mark.device_idle_at_boot
@pytest.mark.no_boot_confirm
@swap_move_only
def test_test_swap_then_revert(start_device, layout, images):
    v1, v2 = images
    dev = start_device("--load-slot0", v1)
    assert "booting slot 0 version 1.0.0" in dev.log()
    client(dev, "image", "upload", v2)
    client(dev, "image", "test", image_hash(v2))

    reset_and_wait(dev)
    log = dev.log()
    assert "swap type test" in log and "booting slot 0 version 2.0.0" in log
    slots = listing(dev)
    assert slots[0]["version"] == "2.0.0" and slots[0]["active"]
    assert not slots[0].get("confirmed", False)
    assert slots[1]["version"] == "1.0.0"
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()
    assert slot_bytes(dev, layout, 1, v1.stat().st_size) == v1.read_bytes()

    # Not confirmed: the next start brings v1 back.
    reset_and_wait(dev)
    log = dev.log()
    assert "reverting" in log and log.count("booting slot 0 version 1.0.0") == 2
    slots = listing(dev)
    assert slots[0]["version"] == "1.0.0" and slots[0]["confirmed"]
    assert slot_bytes(dev, layout, 0, v1.stat().st_size) == v1.read_bytes()


@pytest.mark.device_idle_at_boot
@swap_move_only
def test_test_swap_confirmed_stays(start_device, images):
    v1, v2 = images
    dev = start_device("--load-slot0", v1)
    client(dev, "image", "upload", v2)
    client(dev, "image", "test", image_hash(v2))
    reset_and_wait(dev)
    client(dev, "image", "confirm")
    assert listing(dev)[0]["confirmed"]

    reset_and_wait(dev)
    log = dev.log()
    assert "reverting" not in log
    assert log.count("booting slot 0 version 2.0.0") == 2
    assert listing(dev)[0]["version"] == "2.0.0"


@pytest.mark.device_idle_at_boot
@swap_move_only
@pytest.mark.parametrize("mode", ["clean", "torn"])
def test_power_cut_during_swap_is_finished(start_device, layout, images, tmp_path, mode):
    v1, v2 = images
    flash = tmp_path / "flash.bin"
    dev = start_device("--load-slot0", v1, flash=flash)
    client(dev, "image", "upload", v2)
    client(dev, "image", "confirm", image_hash(v2))  # permanent
    dev.stop()

    # The next start cuts the power in the middle of the swap (a few dozen operations in).
    cut_at = random.Random(7).randrange(20, 60)
    dev = start_device("--cut-after", str(cut_at), "--cut-mode", mode, flash=flash, wait=False)
    assert dev.wait_exit() == 99
    assert "swap type perm" in dev.log() and "power cut" in dev.log()

    dev = start_device(flash=flash)
    log = dev.log()
    assert "resuming an interrupted perm swap to version 2.0.0" in log
    assert "booting slot 0 version 2.0.0" in log
    slots = listing(dev)
    assert slots[0]["version"] == "2.0.0" and slots[0]["confirmed"]
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()
    assert slot_bytes(dev, layout, 1, v1.stat().st_size) == v1.read_bytes()


def test_empty_device_runs_the_recovery_server(start_device, images):
    v1, _ = images
    dev = start_device()
    assert any("no valid image to boot; running the recovery SMP server" in line
               for line in dev.lines)
    # SMP works: an image can be loaded (into slot 1: nothing runs from it) and made the one to
    # boot: marked for the swap and overwrite modes, by itself in direct-XIP.
    client(dev, "image", "upload", v1)
    if MODE in ("swap-move", "overwrite-only"):
        client(dev, "image", "test", image_hash(v1))
        reset_and_wait(dev)
        assert "booting slot 0 version 1.0.0" in dev.log()
    elif MODE == "direct-xip":
        reset_and_wait(dev)
        assert "booting slot 1 version 1.0.0" in dev.log()


@only_in("swap-move", "overwrite-only", "direct-xip")
def test_invalid_upload_is_never_booted(start_device, layout, images, tmp_path):
    v1, v2 = images
    bad = tmp_path / "bad.bin"
    data = bytearray(v2.read_bytes())
    data[0x300] ^= 0x01  # a payload byte: the hash no longer matches
    bad.write_bytes(bytes(data))
    dev = start_device("--load-slot0", v1)
    r = client(dev, "image", "upload", bad, check=False)
    if r.returncode == 0 and MODE != "direct-xip":  # direct-XIP: the higher version is tried
        r = client(dev, "image", "test", image_hash(v2), check=False)
    if r.returncode != 0:
        pytest.skip("the image group already refuses an image whose hash does not verify")
    reset_and_wait(dev)
    log = dev.log()
    assert "is not valid" in log and log.count("booting slot 0 version 1.0.0") == 2
    assert slot_bytes(dev, layout, 1, 4096) == b"\xff" * 4096


@pytest.mark.device_idle_at_boot
@swap_move_only
def test_permanent_request_needs_no_confirm(start_device, layout, images):
    v1, v2 = images
    dev = start_device("--load-slot0", v1)
    client(dev, "image", "upload", v2)
    client(dev, "image", "confirm", image_hash(v2))  # confirm of the other slot: permanent
    slots = listing(dev)
    assert slots[1]["pending"] and slots[1]["permanent"]

    reset_and_wait(dev)
    assert "swap type perm" in dev.log()
    slots = listing(dev)
    assert slots[0]["version"] == "2.0.0" and slots[0]["active"] and slots[0]["confirmed"]
    # Nothing to revert to: the old image is just data now, free for the next upload.
    assert not slots[1].get("confirmed", False) and not slots[1].get("pending", False)

    reset_and_wait(dev)
    log = dev.log()
    assert "reverting" not in log and log.count("booting slot 0 version 2.0.0") == 2
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()


@pytest.mark.device_idle_at_boot
@only_in("direct-xip")
def test_direct_xip_boots_the_higher_version(start_device, layout, tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 30 * 1024, seed=21)
    v2 = make_image(tmp_path, "v2", "2.0.0", 30 * 1024, seed=22)
    v3 = make_image(tmp_path, "v3", "3.0.0", 30 * 1024, seed=23)
    dev = start_device("--load-slot0", v1)
    assert "booting slot 0 version 1.0.0" in dev.log()

    # The upload goes to the slot that is not running; being the higher version it is "pending"
    # and "permanent" at once, and there is nothing to mark: state write has no handler (rc 8).
    client(dev, "image", "upload", v2)
    assert slot_bytes(dev, layout, 1, v2.stat().st_size) == v2.read_bytes()
    slots = listing(dev)
    assert flags(slots[0]) == {"active"} and flags(slots[1]) == {"pending", "permanent"}
    for verb in ("test", "confirm"):
        r = client(dev, "image", verb, image_hash(v2), check=False)
        assert r.returncode == 1 and "(8)" in r.stderr, r.stderr
    flash = dev.flash.read_bytes()

    # The next start runs the higher version, where it is: nothing is copied or written.
    reset_and_wait(dev)
    assert "booting slot 1 version 2.0.0" in dev.log()
    assert dev.flash.read_bytes() == flash
    slots = listing(dev)
    assert slots[1]["version"] == "2.0.0"
    assert flags(slots[0]) == set() and flags(slots[1]) == {"active"}

    # Now slot 0 is the free one.
    client(dev, "image", "upload", v3)
    assert slot_bytes(dev, layout, 0, v3.stat().st_size) == v3.read_bytes()
    reset_and_wait(dev)
    assert "booting slot 0 version 3.0.0" in dev.log()
    slots = listing(dev)
    assert slots[0]["version"] == "3.0.0" and flags(slots[0]) == {"active"}

    # A lower version never wins: uploaded to slot 1, it is neither pending nor booted.
    client(dev, "image", "upload", v1)
    slots = listing(dev)
    assert slots[1]["version"] == "1.0.0" and flags(slots[1]) == set()
    reset_and_wait(dev)
    assert dev.log().count("booting slot 0 version 3.0.0") == 2
    assert flags(listing(dev)[0]) == {"active"}


@pytest.mark.device_idle_at_boot
@only_in("overwrite-only")
@pytest.mark.parametrize("verb", ["test", "confirm"])
def test_overwrite_copies_the_image_and_never_reverts(start_device, layout, images, verb):
    """Test and confirm both mean "copy over slot 0 at the next start": no swap, so nothing to
    revert to and no confirm needed; the copy consumes slot 1 (its header and trailer erased)."""
    v1, v2 = images
    dev = start_device("--load-slot0", v1)
    client(dev, "image", "upload", v2)
    client(dev, "image", verb, image_hash(v2))
    slots = listing(dev)
    assert flags(slots[0]) == {"active", "confirmed"}
    assert flags(slots[1]) == ({"pending"} if verb == "test" else {"pending", "permanent"})

    reset_and_wait(dev)
    log = dev.log()
    assert f"swap type {'test' if verb == 'test' else 'perm'}" in log
    assert "overwriting the primary slot" in log and "booting slot 0 version 2.0.0" in log
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()
    assert slot_bytes(dev, layout, 1, layout.page_size) == b"\xff" * layout.page_size
    slots = listing(dev)
    assert list(slots) == [0] and slots[0]["version"] == "2.0.0"
    assert flags(slots[0]) == {"active", "confirmed"}  # swap type none: nothing on trial

    # Not confirmed by anyone, and still the next start keeps it: there is no revert.
    reset_and_wait(dev)
    log = dev.log()
    assert "reverting" not in log and log.count("booting slot 0 version 2.0.0") == 2
    assert log.count("overwriting the primary slot") == 1
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()
    assert flags(listing(dev)[0]) == {"active", "confirmed"}


@pytest.mark.device_idle_at_boot
@only_in("overwrite-only")
@pytest.mark.parametrize("mode", ["clean", "torn"])
def test_power_cut_during_overwrite_is_redone(start_device, layout, images, tmp_path, mode):
    """Until the copy is complete slot 1 is intact and still marked: the next start copies it
    again from the beginning."""
    v1, v2 = images
    flash = tmp_path / "flash.bin"
    dev = start_device("--load-slot0", v1, flash=flash)
    client(dev, "image", "upload", v2)
    client(dev, "image", "test", image_hash(v2))
    dev.stop()

    # The next start cuts the power in the middle of the copy (a few dozen operations in).
    cut_at = random.Random(8).randrange(30, 60)
    dev = start_device("--cut-after", str(cut_at), "--cut-mode", mode, flash=flash, wait=False)
    assert dev.wait_exit() == 99
    assert "overwriting the primary slot" in dev.log() and "power cut" in dev.log()
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) != v2.read_bytes()
    assert slot_bytes(dev, layout, 1, v2.stat().st_size) == v2.read_bytes()

    dev = start_device(flash=flash)
    log = dev.log()
    assert "overwriting the primary slot" in log and "booting slot 0 version 2.0.0" in log
    assert slot_bytes(dev, layout, 0, v2.stat().st_size) == v2.read_bytes()
    slots = listing(dev)
    assert list(slots) == [0] and slots[0]["version"] == "2.0.0"
