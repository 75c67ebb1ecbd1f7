# SPDX-License-Identifier: Apache-2.0
"""OS reset (reference §3): `{}` answers `bf ff`; the reboot follows the response; the simulated
device restarts in place (same PID, same port), the upload state (RAM only) is lost, and the flash
is unchanged by the reset but for what the bootloader of the build's mode does at the start.
`force` is accepted as bool and as integer (Python smp sends 0/1). What the next boot does with
an image marked (or, in direct-XIP, simply uploaded) follows the mode: swap and revert, copy over
for good (overwrite-only), or run it where it is (direct-XIP)."""

import random
import time

import pytest

import smp_oracle as o


def wait_for_restart(dev, smp, before_count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while dev.listening_count() <= before_count:
        assert dev.alive(), f"device exited: {dev.proc.returncode}\n{dev.log()[-2000:]}"
        assert time.monotonic() < deadline, "the device did not restart\n" + dev.log()[-2000:]
        time.sleep(0.02)
    return o.wait_until_answers(smp, timeout=timeout)


@pytest.mark.parametrize("body,version", [
    ({}, o.V2), ({}, o.V1), ({"force": 1}, o.V2), ({"force": 0}, o.V2),
    ({"force": True}, o.V2), ({"force": False}, o.V1), ({"force": 1}, o.V1)],
    ids=["empty-v2", "empty-v1", "force-1", "force-0", "force-true", "force-false-v1",
         "force-1-v1"])
@pytest.mark.device_idle_at_boot
def test_reset(devices, running_device, cfg, layout, body, version):
    dev = running_device
    smp = devices.session(dev, timeout=3)
    img = o.build_image(random.Random(31).randbytes(40_000), (5, 0, 0))
    # an upload in progress: 10000 bytes accepted
    rsp = smp.upload(0, img.data[:1500], length=len(img), sha=img.file_sha, timeout=10)
    o.check_upload_rsp(rsp.body, off=1500)
    off = 1500
    while off < 10_000:
        rsp = smp.upload(off, img.data[off:off + 1700])
        off += 1700
        o.check_upload_rsp(rsp.body, off=off)
    flash_before = dev.flash.read_bytes()
    pid = dev.pid
    count = dev.listening_count()
    assert count == 1

    req = o.packet(o.OP_WRITE, 0, 5, o.map_canonical(body), seq=0x3A, version=version)
    rsp = smp.transact(req)
    assert rsp.raw == bytes([0x03 | version << 3]) + bytes.fromhex("0000020000 3a05 bfff"
                                                                   .replace(" ", ""))
    wait_for_restart(dev, smp, count)
    assert dev.alive() and dev.pid == pid, "the process must restart in place"
    assert "rebooting" in dev.log()

    slot1_after = layout.read_slot(dev.flash, 1)
    start = layout.slot_offset(1)
    if cfg.mode.direct_xip:
        # The half image's header says 5.0.0: the bootloader tries it first, finds it invalid
        # and erases the slot (mcuboot.md §5.5), then runs slot 0.
        assert slot1_after == b"\xff" * layout.slot_size, "slot 1 not erased by the bootloader"
    else:
        assert slot1_after == flash_before[start:start + layout.slot_size], \
            "slot 1 changed across the reset"
    assert layout.read_slot(dev.flash, 0) == \
        flash_before[layout.slot_offset(0):layout.slot_offset(0) + layout.slot_size]
    # the upload state was in RAM: gone
    rsp = smp.upload(off, img.data[off:off + 100])
    o.check_upload_rsp(rsp.body, off=0)
    # and the device works normally: the same image uploads from scratch
    rsp = smp.upload(0, img.data[:1500], length=len(img), sha=img.file_sha, timeout=10)
    o.check_upload_rsp(rsp.body, off=1500)


@pytest.mark.device_idle_at_boot
def test_reset_keeps_complete_image(devices, running_device, cfg, layout):
    """A complete, not pending upload survives the reset unchanged and is still listed."""
    dev = running_device
    smp = devices.session(dev, timeout=3)
    img = o.build_image(random.Random(32).randbytes(20_000), (5, 1, 0))
    off = 0
    while off < len(img):
        n = min(1500, len(img) - off)
        kw = dict(length=len(img), sha=img.file_sha) if off == 0 else {}
        rsp = smp.upload(off, img.data[off:off + n], timeout=10, **kw)
        off += n
        o.check_upload_rsp(rsp.body, off=off,
                           match=cfg.final_match(True) if off == len(img) else None)
    before = smp.state_read().body
    assert before == o.idle_state(cfg, dev.slot0_image, img)
    slot1 = layout.read_slot(dev.flash, 1)
    count = dev.listening_count()
    rsp = smp.request(o.OP_WRITE, 0, 5, {"force": 1})
    assert rsp.payload == b"\xbf\xff"
    wait_for_restart(dev, smp, count)
    assert layout.read_slot(dev.flash, 1) == slot1
    # Not marked: slot 0 runs again; direct-XIP runs the higher version, from slot 1.
    running = 1 if cfg.mode.direct_xip_no_revert else 0
    assert smp.state_read().body == o.idle_state(cfg, dev.slot0_image, img, running=running)


def test_reset_twice(devices, device):
    smp = devices.session(device, timeout=3)
    for i in range(2):
        count = device.listening_count()
        rsp = smp.request(o.OP_WRITE, 0, 5, {})
        assert rsp.payload == b"\xbf\xff"
        wait_for_restart(device, smp, count)
    assert device.listening_count() == 3


def reset(dev, smp):
    count = dev.listening_count()
    rsp = smp.request(o.OP_WRITE, 0, 5, {})
    assert rsp.payload == b"\xbf\xff"
    wait_for_restart(dev, smp, count)


@pytest.mark.device_idle_at_boot
@pytest.mark.no_boot_confirm
@pytest.mark.parametrize("confirm", [False, True], ids=["test", "confirm"])
def test_next_boot_follows_the_mode(devices, cfg, layout, confirm):
    """1.0.0 runs from slot 0, 2.0.0 is uploaded and marked (test, or confirm = permanent); then
    two resets. Both images validate (true digests), so each mode does what the reference says:
    swap modes swap, and revert a test at the second reset; overwrite-only copies over slot 0,
    consumes slot 1 and never reverts; direct-XIP has nothing to mark (rc 8) and runs 2.0.0 from
    slot 1 because it is the higher version."""
    mode = cfg.mode
    if not (mode.swap_table or mode.direct_xip_no_revert):
        pytest.skip(f"no expectations written for {mode}")
    v1 = o.build_image(random.Random(33).randbytes(9000), (1, 0, 0))
    v2 = o.build_image(random.Random(34).randbytes(14_000), (2, 0, 0))
    dev = devices(load_slot0=v1.data)
    smp = devices.session(dev, timeout=3)
    off = 0
    while off < len(v2):
        n = min(1500, len(v2) - off)
        kw = dict(length=len(v2), sha=v2.file_sha) if off == 0 else {}
        rsp = smp.upload(off, v2.data[off:off + n], timeout=10, **kw)
        off += n
        o.check_upload_rsp(rsp.body, off=off,
                           match=cfg.final_match(True) if off == len(v2) else None)
    assert layout.read_slot(dev.flash, 1, len(v2)) == v2.data
    rsp = smp.request(o.OP_WRITE, o.GRP_IMG, o.IMG_STATE,
                      {"hash": v2.tlv_hash, "confirm": confirm}, timeout=10)
    if mode.direct_xip_no_revert:
        o.check_smp_error(rsp, o.MGMT_ERR_ENOTSUP, cfg)
        want = o.idle_state(cfg, v1, v2)
    else:
        want = o.swap_state(cfg, v1, v2, s1=dict(pending=True, permanent=confirm))
    assert smp.state_read().body == want

    reset(dev, smp)
    state = smp.state_read().body
    if mode.direct_xip_no_revert:
        # Nothing copied or written: 2.0.0 runs from slot 1.
        assert layout.read_slot(dev.flash, 0, len(v1)) == v1.data
        assert layout.read_slot(dev.flash, 1, len(v2)) == v2.data
        assert state == o.idle_state(cfg, v1, v2, running=1)
    elif mode.overwrite:
        # Copied over slot 0; slot 1 consumed (its header erased: not listed). Swap type none:
        # the running image is "confirmed", nothing to revert to.
        assert layout.read_slot(dev.flash, 0, len(v2)) == v2.data
        assert layout.read_slot(dev.flash, 1, 32) == b"\xff" * 32
        assert state == o.idle_state(cfg, v2, None)
    else:
        # Swapped: 2.0.0 runs from slot 0, 1.0.0 waits in slot 1. A test runs on trial (the old
        # image is the confirmed one, reference §4.1 revert row); a permanent request does not.
        assert layout.read_slot(dev.flash, 0, len(v2)) == v2.data
        assert layout.read_slot(dev.flash, 1, len(v1)) == v1.data
        if confirm:
            assert state == o.idle_state(cfg, v2, v1)
        else:
            assert state == o.swap_state(cfg, v2, v1, s0=dict(confirmed=False),
                                         s1=dict(confirmed=True))

    reset(dev, smp)
    state = smp.state_read().body
    if mode.direct_xip_no_revert:
        assert state == o.idle_state(cfg, v1, v2, running=1)
    elif mode.reverts and not confirm:
        # Not confirmed: 1.0.0 is back in slot 0, the rejected 2.0.0 stays in slot 1 unmarked.
        assert layout.read_slot(dev.flash, 0, len(v1)) == v1.data
        assert layout.read_slot(dev.flash, 1, len(v2)) == v2.data
        assert state == o.idle_state(cfg, v1, v2)
    else:
        # Permanent, or overwrite-only: 2.0.0 stays without anyone confirming it.
        assert layout.read_slot(dev.flash, 0, len(v2)) == v2.data
        assert state == o.idle_state(cfg, v2, None if mode.overwrite else v1)
