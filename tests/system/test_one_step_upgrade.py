# SPDX-License-Identifier: Apache-2.0
"""One-step upgrades as real clients do them, request for request: `smpmgr upgrade --slot 1 FILE`
(smpclient: SMP v2, params first, the first chunk names "image": 1, upload, mark for test, reset)
and the Go mcumgr's `image upload -n 1 FILE`, `image test HASH`, `reset` (SMP v1, "image": 1 in
every chunk, at most 512 data bytes per chunk). Both name the slot they upload to; a single-image
device must take the upload into the slot not running, as Zephyr does, and the bootloader must run
the new image after the reset. The requests are built here with cbor2, in each client's key
order; the answers are checked with the strictness of the client that reads them."""
import hashlib
import json

import cbor2
import pytest

from test_upload import boot_mode, client, image_hash, make_image

GROUP_OS, GROUP_IMAGE = 0, 1
OS_RESET, OS_PARAMS = 5, 6
IMG_STATE, IMG_UPLOAD = 0, 1
OP_READ, OP_WRITE = 0, 2
V1, V2 = 0, 1
GO_CLI_MAX_CHUNK = 512


def mode_has_state_write():
    try:
        return boot_mode() != "direct-xip"
    except pytest.skip.Exception:
        return True


pytestmark = [
    # The nRF Desktop variants hold the DFU lock for the boot erase of slot 1: rc 11 meanwhile.
    pytest.mark.device_idle_at_boot,
    pytest.mark.skipif(not mode_has_state_write(),
                       reason="direct-XIP without revert has no state write (Zephyr answers rc 8 "
                              "too): there is no one-step test-and-reset"),
]


class Session:
    """One client's side of the conversation: its header version and its sequence numbers."""

    def __init__(self, smp, version, seq):
        self.smp, self.version, self.seq = smp, version, seq

    def packet(self, op, group, cmd, body: bytes) -> bytes:
        hdr = bytes([op | (self.version << 3), 0]) + len(body).to_bytes(2, "big") \
            + group.to_bytes(2, "big") + bytes([self.seq, cmd])
        return hdr + body

    def request(self, op, group, cmd, body: bytes) -> dict:
        req = self.packet(op, group, cmd, body)
        rsp = self.smp.request(req)
        assert rsp[0] == (op + 1) | (self.version << 3), rsp[:8].hex()
        assert rsp[2:4] == (len(rsp) - 8).to_bytes(2, "big")
        assert rsp[4:8] == req[4:8], "group, sequence and command come back as sent"
        self.seq = (self.seq + 1) % 256
        return cbor2.loads(rsp[8:])


def smpclient_first_chunk_data_size(buf_size, first_without_data: bytes) -> int:
    """smpclient fills the packet: what buf_size leaves after the request with empty data, less
    the bytes the data length itself takes in CBOR."""
    free = buf_size - len(first_without_data)
    return free - (0 if free < 24 else 1 if free < 0xFF else 2 if free < 0xFFFF else 4)


def smpmgr_upgrade(smp, image: bytes, tlv_hash: bytes):
    """smpmgr upgrade --slot 1: MCUmgr params, upload with image 1 (keys in the order of the
    request model, definite maps), state write {"hash"}, reset {}."""
    s = Session(smp, V2, 0)
    params = s.request(OP_READ, GROUP_OS, OS_PARAMS, cbor2.dumps({}))
    assert set(params) == {"buf_size", "buf_count"}, params
    buf_size = params["buf_size"]
    sha = hashlib.sha256(image).digest()

    def upload(off):
        fields = {"off": off, "data": b""}
        if off == 0:
            fields.update(image=1, len=len(image), sha=sha, upgrade=False)
        n = smpclient_first_chunk_data_size(buf_size, s.packet(OP_WRITE, GROUP_IMAGE, IMG_UPLOAD,
                                                               cbor2.dumps(fields)))
        fields["data"] = image[off:off + n]
        return s.request(OP_WRITE, GROUP_IMAGE, IMG_UPLOAD, cbor2.dumps(fields))

    rsp = upload(0)
    while True:
        # smpclient's schema: "off" and, in the last answer only, "match" (which must be true).
        assert set(rsp) <= {"off", "match"} and "off" in rsp, rsp
        if rsp["off"] == len(image):
            assert rsp.get("match", True) is True, rsp
            break
        assert "match" not in rsp, rsp
        rsp = upload(rsp["off"])

    state = s.request(OP_WRITE, GROUP_IMAGE, IMG_STATE, cbor2.dumps({"hash": tlv_hash}))
    assert "images" in state and "err" not in state and "rc" not in state, state
    pending = [e for e in state["images"] if e["hash"] == tlv_hash]
    assert len(pending) == 1 and pending[0]["slot"] == 1 and pending[0]["pending"], state
    assert s.request(OP_WRITE, GROUP_OS, OS_RESET, cbor2.dumps({})) == {}


def go_mcumgr_upgrade(smp, image: bytes, tlv_hash: bytes):
    """mcumgr image upload -n 1, image test, reset: SMP v1, keys in struct order, "image" in
    every chunk, len and sha only in the first, upgrade left out when false."""
    s = Session(smp, V1, 0x5a)
    sha = hashlib.sha256(image).digest()
    off = 0
    while off < len(image):
        chunk = image[off:off + GO_CLI_MAX_CHUNK]
        fields = {"image": 1, "off": off}
        if off == 0:
            fields.update(len=len(image), sha=sha)
        fields["data"] = chunk
        rsp = s.request(OP_WRITE, GROUP_IMAGE, IMG_UPLOAD, cbor2.dumps(fields))
        assert rsp.get("rc", 0) == 0, rsp       # any rc ends the Go CLI's upload
        assert rsp["off"] == off + len(chunk), rsp
        off = rsp["off"]

    state = s.request(OP_WRITE, GROUP_IMAGE, IMG_STATE,
                      cbor2.dumps({"hash": tlv_hash, "confirm": False}))
    assert state.get("rc", 0) == 0 and "images" in state, state
    rsp = s.request(OP_WRITE, GROUP_OS, OS_RESET, cbor2.dumps({}))
    assert rsp.get("rc", 0) == 0, rsp


@pytest.mark.parametrize("one_step", [smpmgr_upgrade, go_mcumgr_upgrade],
                         ids=["smpmgr-upgrade-slot-1", "go-mcumgr-upload-n-1"])
def test_one_step_upgrade_naming_slot_1(start_device, client_for, tmp_path, one_step):
    v1 = make_image(tmp_path, "v1", "1.0.0", 24 * 1024, seed=71)
    v2 = make_image(tmp_path, "v2", "2.0.0", 40 * 1024, seed=72)
    dev = start_device("--load-slot0", v1)
    per_start = len(dev.listening)

    one_step(client_for(dev), v2.read_bytes(), bytes.fromhex(image_hash(v2)))

    dev.wait_listening(2 * per_start)
    images = json.loads(client(dev, "--json", "image", "list").stdout)["images"]
    running = [e for e in images if e.get("active")]
    assert [e["version"] for e in running] == ["2.0.0"], images
