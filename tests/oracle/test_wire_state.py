# SPDX-License-Identifier: Apache-2.0
"""Image state write (reference §4.2, and the Zephyr 3.5.0 capture for test/confirm answers), by
the build's bootloader mode:

* swap modes and overwrite-only: MCUmgr's test/confirm rules over MCUboot's swap-type table, the
  flags of reference §4.1 (overwrite-only answers exactly like the swap modes: what differs is
  what its bootloader does at the next boot, see test_wire_reset.py);
* direct-XIP without revert: no state-write handler at all, every request answers {"rc": 8} and
  changes nothing; the higher version is simply what the next boot runs."""

import random

import pytest

import smp_oracle as o


def upload_2_0_0(smp, cfg):
    img = o.build_image(random.Random(41).randbytes(30_000), (2, 0, 0))
    off = 0
    while off < len(img):
        n = min(1500, len(img) - off)
        kw = dict(length=len(img), sha=img.file_sha) if off == 0 else {}
        rsp = smp.upload(off, img.data[off:off + n], timeout=10, **kw)
        off += n
        o.check_upload_rsp(rsp.body, off=off,
                           match=cfg.final_match(True) if off == len(img) else None)
    return img


@pytest.fixture
def staged(devices, running_device, cfg, layout):
    """slot 0: the running 1.0.0 image; slot 1: a complete upload of 2.0.0."""
    if not cfg.mode.swap_table:
        pytest.skip(f"the swap-type table's rules; {cfg.mode} has its own test below")
    smp = devices.session(running_device, timeout=5)
    img = upload_2_0_0(smp, cfg)
    return smp, running_device, running_device.slot0_image, img


def state_write(smp, body, version=o.V2, style="canonical"):
    return smp.request(o.OP_WRITE, o.GRP_IMG, o.IMG_STATE, body, version=version, style=style,
                       timeout=10)


def test_test_slot1(staged, cfg, layout):
    smp, dev, s0, s1 = staged
    flash_slot1 = layout.read_slot(dev.flash, 1, len(s1))
    req = o.packet(o.OP_WRITE, 1, 0, o.map_ordered([("hash", s1.tlv_hash), ("confirm", False)]),
                   seq=0x21)
    rsp = smp.transact(req, timeout=10)
    want = o.swap_state(cfg, s0, s1, s1=dict(pending=True))
    assert rsp.raw == o.expected_response(req, want)
    # test again: silent success, same answer; state read agrees
    rsp = state_write(smp, {"hash": s1.tlv_hash, "confirm": False})
    assert rsp.payload == o.zephyr_encode(want)
    assert smp.state_read().payload == o.zephyr_encode(want)
    # the pending slot cannot be erased; confirming the active one now is "already pending"
    rsp = smp.erase(1)
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_NO_FREE_SLOT, cfg)
    rsp = state_write(smp, {"confirm": True})
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_IMAGE_ALREADY_PENDING, cfg)
    rsp = state_write(smp, {"confirm": True}, version=o.V1)
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_IMAGE_ALREADY_PENDING, cfg)
    assert layout.read_slot(dev.flash, 1, len(s1)) == flash_slot1


def test_confirm_slot1(staged, cfg):
    smp, dev, s0, s1 = staged
    rsp = state_write(smp, {"hash": s1.tlv_hash, "confirm": True})
    want = o.swap_state(cfg, s0, s1, s1=dict(pending=True, permanent=True))
    assert rsp.payload == o.zephyr_encode(want)
    # asking for a test of a slot that is already permanent: IMAGE_ALREADY_PENDING
    rsp = state_write(smp, {"hash": s1.tlv_hash, "confirm": False})
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_IMAGE_ALREADY_PENDING, cfg)
    # confirming the slot that boots next again: no-op success
    rsp = state_write(smp, {"hash": s1.tlv_hash, "confirm": True})
    assert rsp.payload == o.zephyr_encode(want)


@pytest.mark.parametrize("version", [o.V2, o.V1])
def test_confirm_running_image(staged, cfg, version):
    """No hash + confirm true: confirm the running image (already confirmed: success, full
    state). `"hash": null` counts as missing, and so does an empty hash (Zephyr tests the
    hash's length for 0)."""
    smp, dev, s0, s1 = staged
    want = o.swap_state(cfg, s0, s1)
    rsp = state_write(smp, {"confirm": True}, version=version)
    assert rsp.payload == o.zephyr_encode(want)
    rsp = state_write(smp, [("hash", None), ("confirm", True)], version=version,
                      style="ordered")
    assert rsp.payload == o.zephyr_encode(want)
    rsp = state_write(smp, {"hash": b"", "confirm": True}, version=version)
    assert rsp.payload == o.zephyr_encode(want)


@pytest.mark.parametrize("version", [o.V2, o.V1])
@pytest.mark.parametrize("body,code", [
    ({"confirm": False}, o.IMG_ERR_INVALID_HASH),
    ({}, o.IMG_ERR_INVALID_HASH),
    ({"hash": bytes(31), "confirm": False}, o.IMG_ERR_INVALID_HASH),
    ({"hash": bytes(33), "confirm": True}, o.IMG_ERR_INVALID_HASH),
    ({"hash": b"", "confirm": False}, o.IMG_ERR_INVALID_HASH),
    ({"hash": bytes(range(32)), "confirm": False}, o.IMG_ERR_HASH_NOT_FOUND),
    ("active", o.IMG_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED),
], ids=["no-hash-test", "empty", "hash-31", "hash-33", "hash-0", "unknown-hash", "test-active"])
def test_state_write_errors(staged, cfg, layout, body, code, version):
    smp, dev, s0, s1 = staged
    if body == "active":
        body = {"hash": s0.tlv_hash, "confirm": False}
    before = dev.flash.read_bytes()
    rsp = state_write(smp, body, version=version)
    o.check_group_error(rsp, o.GRP_IMG, code, cfg)
    assert dev.flash.read_bytes() == before
    assert smp.state_read().payload == o.zephyr_encode(o.swap_state(cfg, s0, s1))


@pytest.mark.parametrize("body", [{"hash": "d889", "confirm": False}, {"hash": 5},
                                  {"confirm": 1}, {"confirm": "yes"},
                                  [("confirm", True), ("confirm", True)]])
def test_state_write_bad_request(staged, cfg, body):
    smp, dev, s0, s1 = staged
    before = dev.flash.read_bytes()
    rsp = state_write(smp, body, style="ordered")
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)
    assert dev.flash.read_bytes() == before


@pytest.mark.parametrize("version", [o.V2, o.V1])
def test_direct_xip_has_no_state_write(devices, running_device, cfg, layout, version):
    """Direct-XIP without revert (reference §4.2 "Rules by bootloader mode"): no handler, so
    {"rc": 8} in both versions whatever the body (valid, invalid or malformed), nothing written;
    the uploaded higher version is "pending" and "permanent" all along, and in use (no erase)."""
    if not cfg.mode.direct_xip_no_revert:
        pytest.skip(f"{cfg.mode} has a state-write handler")
    smp = devices.session(running_device, timeout=5)
    s0 = running_device.slot0_image
    s1 = upload_2_0_0(smp, cfg)
    want = o.idle_state(cfg, s0, s1)
    assert smp.state_read().body == want
    before = running_device.flash.read_bytes()
    for body in ({"hash": s1.tlv_hash, "confirm": False}, {"hash": s1.tlv_hash, "confirm": True},
                 {"confirm": True}, {"hash": s0.tlv_hash, "confirm": False}, {},
                 {"hash": bytes(range(32)), "confirm": False}, {"confirm": "yes"}):
        req = o.packet(o.OP_WRITE, o.GRP_IMG, o.IMG_STATE, o.map_canonical(body), seq=0x50,
                       version=version)
        rsp = smp.transact(req, timeout=10)
        o.check_smp_error(rsp, o.MGMT_ERR_ENOTSUP, cfg)
        if not cfg.flag("CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE"):
            assert rsp.raw == o.expected_response(req, {"rc": o.MGMT_ERR_ENOTSUP}), rsp.hex
    assert running_device.flash.read_bytes() == before
    assert smp.state_read().body == want
    rsp = smp.erase(1, version=version)
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_NO_FREE_SLOT, cfg)
    assert running_device.flash.read_bytes() == before
