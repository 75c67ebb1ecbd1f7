"""OS reset (reference §3): `{}` answers `bf ff`; the reboot follows the response; the simulated
device restarts in place (same PID, same port), the upload state (RAM only) is lost, and the flash
is unchanged by the reset. `force` is accepted as bool and as integer (Python smp sends 0/1)."""

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
    slot1 = layout.read_slot(dev.flash, 1)
    count = dev.listening_count()
    rsp = smp.request(o.OP_WRITE, 0, 5, {"force": 1})
    assert rsp.payload == b"\xbf\xff"
    wait_for_restart(dev, smp, count)
    assert layout.read_slot(dev.flash, 1) == slot1
    assert smp.state_read().body == before


def test_reset_twice(devices, device):
    smp = devices.session(device, timeout=3)
    for i in range(2):
        count = device.listening_count()
        rsp = smp.request(o.OP_WRITE, 0, 5, {})
        assert rsp.payload == b"\xbf\xff"
        wait_for_restart(device, smp, count)
    assert device.listening_count() == 3
