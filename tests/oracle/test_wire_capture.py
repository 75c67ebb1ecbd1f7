# SPDX-License-Identifier: Apache-2.0
"""The Zephyr 3.5.0 UDP capture (vectors/smp/zephyr-3.5.0-udp-image-flow.txt) replayed against the
device: the recorded request bytes are sent as they are and the responses compared byte for byte,
with the differences the project chose or the configuration implies applied to the recorded bytes:

* state entries carry "image": 0 first when CONFIG_SMPDFU_IMG_STATE_REPORT_IMAGE=1 (3.5.0 did not
  send it for this single-image build);
* with CONFIG_IMG_ENABLE_IMAGE_CHECK the response completing the upload also has "match": false
  (the unrecorded middle of the image is filled with our own bytes, so the file hash cannot match);
* erase of an empty slot answers {} (3.5.0 answered err rc 1; newer Zephyr and our spec: {}).

The capture comes from a swap-mode device. Overwrite-only answers from the same swap-type table,
so everything is compared there too. In direct-XIP the exchanges whose bytes carry swap-mode flags
or state writes are not compared (the running slot is only "active", a higher version "pending"
and "permanent", state write has no handler): the state reads are checked against that mode's
flags instead (and against the running image there, one that validates: o.running_image), and
the state-write exchanges are left to test_wire_state.py.

The middle of the upload (2048..204800) was not recorded; the oracle fills it with its own chunks.
The image header (first chunk) and the TLV area (last chunk) are the recorded ones, so the state
read after the upload reports version 2.0.0 and the recorded SHA256 TLV value.
"""

import re

import pytest

import smp_oracle as o

CAPTURE = "smp/zephyr-3.5.0-udp-image-flow.txt"
IMAGE_SIZE = 204950
LAST_OFF = 0x32000  # 204800


def load_capture(vectors):
    text = (vectors / CAPTURE).read_text()
    steps = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, rest = block.partition("\n")
        req = re.search(r"^request\s+([0-9a-f]+)$", rest, re.M).group(1)
        rsp = re.search(r"^response\s+([0-9a-f]+)$", rest, re.M).group(1)
        steps[title.strip()] = (bytes.fromhex(req), bytes.fromhex(rsp))
    return steps


def with_image_key(rsp: bytes, cfg) -> bytes:
    """Insert "image": 0 before "slot" in every state entry of a recorded state response."""
    if not cfg.report_image:
        return rsp
    payload = rsp[8:].replace(b"\xbf\x64slot", b"\xbf\x65image\x00\x64slot")
    hdr = o.Header.unpack(rsp)
    return o.Header(hdr.op, hdr.version, hdr.flags, len(payload), hdr.group, hdr.seq,
                    hdr.cmd).pack() + payload


def with_match(rsp: bytes, match: bool) -> bytes:
    """Add "match": <bool> at the end of a recorded upload response map."""
    assert rsp[-1] == 0xFF
    payload = rsp[8:-1] + b"\x65match" + (b"\xf5" if match else b"\xf4") + b"\xff"
    hdr = o.Header.unpack(rsp)
    return o.Header(hdr.op, hdr.version, hdr.flags, len(payload), hdr.group, hdr.seq,
                    hdr.cmd).pack() + payload


@pytest.fixture(scope="module")
def capture(vectors):
    steps = load_capture(vectors)
    assert len(steps) == 15, sorted(steps)
    return steps


def test_capture_is_consistent(capture, cfg):
    """Facts the replay relies on, checked on the recorded bytes themselves."""
    first_req = capture["upload first chunk"][0]
    body = o.strict_loads(first_req[8:])[0]
    assert body["len"] == IMAGE_SIZE and body["off"] == 0 and len(body["data"]) == 1024
    hdr = body["data"][:32]
    assert hdr[:4] == bytes.fromhex("3db8f396")
    assert int.from_bytes(hdr[8:10], "little") + int.from_bytes(hdr[12:16], "little") == LAST_OFF
    last = o.strict_loads(capture["upload last chunk"][0][8:])[0]
    assert last["off"] == LAST_OFF and LAST_OFF + len(last["data"]) == IMAGE_SIZE
    assert last["data"][:2] == b"\x07\x69"  # the TLV info magic starts the last chunk
    state = o.strict_loads(capture["image state read (v2)"][1][8:])[0]
    assert state["images"][0]["hash"] == o.CAPTURE_SLOT0_HASH
    assert IMAGE_SIZE <= cfg.slot_size


def filler(off: int, n: int) -> bytes:
    return bytes(((off + i) * 31 + 7) & 0xFF for i in range(n))


def flags_from_capture(cfg) -> bool:
    """Whether the recorded state bytes (swap-type-table flags) apply to this build."""
    return cfg.mode.swap_table


def replay_upload(smp, capture, cfg, layout, dev):
    """Steps up to and including the last chunk; returns the bytes the device must hold."""
    flash = dev.flash
    image = bytearray(IMAGE_SIZE)
    for name in ("echo v2", "echo v1", "image state read (v2)"):
        req, want = capture[name]
        rsp = smp.transact(req)
        if name.startswith("image state"):
            if flags_from_capture(cfg):
                want = with_image_key(want, cfg)
            else:  # direct-XIP: our running image, only "active"
                want = o.expected_response(req, o.idle_state(cfg, dev.slot0_image, None))
        assert rsp.raw == want, f"{name}: got {rsp.hex}\nwant {want.hex()}"

    req, _recorded = capture["image erase slot 1"]
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == o.expected_response(req, {}), f"erase of empty slot: {rsp.hex}"

    for name in ("upload first chunk", "upload resume probe: first chunk again with same sha",
                 "upload wrong offset", "upload chunk"):
        req, want = capture[name]
        rsp = smp.transact(req, timeout=10)
        assert rsp.raw == want, f"{name}: got {rsp.hex}\nwant {want.hex()}"
        body = o.strict_loads(req[8:])[0]
        if name in ("upload first chunk", "upload chunk"):
            image[body["off"]:body["off"] + len(body["data"])] = body["data"]

    off = 2048
    step = 1024
    while off < LAST_OFF:
        n = min(step, LAST_OFF - off)
        data = filler(off, n)
        rsp = smp.upload(off, data)
        o.check_upload_rsp(rsp.body, off=off + n)
        image[off:off + n] = data
        off += n

    req, want = capture["upload last chunk"]
    body = o.strict_loads(req[8:])[0]
    image[LAST_OFF:] = body["data"]
    rsp = smp.transact(req, timeout=10)
    if cfg.image_check:
        want = with_match(want, False)
    assert rsp.raw == want, f"last chunk: got {rsp.hex}\nwant {want.hex()}"
    assert rsp.body["off"] == IMAGE_SIZE
    assert layout.read_slot(flash, 1, IMAGE_SIZE) == bytes(image)
    return bytes(image)


@pytest.fixture
def replay_env(devices, running_device, cfg):
    if not (cfg.mode.swap_table or cfg.mode.direct_xip_no_revert):
        pytest.skip(f"no expectations written for {cfg.mode}")
    smp = devices.session(running_device)
    return smp, running_device


def test_capture_replay_upload_and_state(replay_env, capture, cfg, layout):
    smp, dev = replay_env
    replay_upload(smp, capture, cfg, layout, dev)
    req, want = capture["image state read after upload"]
    rsp = smp.transact(req)
    o.check_state_rsp(rsp.body, cfg)
    if flags_from_capture(cfg):
        assert rsp.raw == with_image_key(want, cfg), f"got {rsp.hex}\nwant " \
            f"{with_image_key(want, cfg).hex()}"
        return
    # Direct-XIP: the recorded 2.0.0 (its header and TLVs are the capture's) is the higher
    # version, so "pending" and "permanent"; the running 1.0.0 only "active".
    recorded = o.strict_loads(with_image_key(want, cfg)[8:])[0]["images"][1]
    uploaded = o.Image(data=b"", version=(2, 0, 0, 0), tlv_hash=recorded["hash"],
                       hdr_size=0, img_size=0)
    body = o.idle_state(cfg, dev.slot0_image, uploaded)
    assert rsp.raw == o.expected_response(req, body), rsp.hex


def test_capture_replay_state_write(replay_env, capture, cfg, layout):
    """test → test again → state read → erase of the pending slot → confirm without hash."""
    smp, dev = replay_env
    if not cfg.mode.has_state_write:
        pytest.skip(f"{cfg.mode} has no state write (rc 8; test_wire_state.py checks it)")
    image = replay_upload(smp, capture, cfg, layout, dev)
    slot0 = layout.read_slot(dev.flash, 0)
    req, want = capture["state write: test slot 1"]
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == with_image_key(want, cfg), rsp.hex
    for name in ("state write: test again (already pending)", "image state read after test"):
        req, want = capture[name]
        rsp = smp.transact(req, timeout=10)
        assert rsp.raw == with_image_key(want, cfg), f"{name}: {rsp.hex}"
    req, want = capture["erase pending slot"]
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == want, rsp.hex
    assert layout.read_slot(dev.flash, 1, IMAGE_SIZE) == image
    req, want = capture["state write: confirm slot 0 (active) with empty payload"]
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == want, rsp.hex
    assert layout.read_slot(dev.flash, 0) == slot0
