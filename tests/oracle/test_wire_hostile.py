# SPDX-License-Identifier: Apache-2.0
"""Hostile input. Each request is answered with the error the reference gives (or not at all, where
silence is the rule), and leaves the device unchanged: the flash file is bit-identical afterwards,
and an upload that was in progress continues at its offset (our deliberate choice: a rejected
upload request does not reset the upload in progress). After each test the fixture checks that the
device still answers echo."""

import hashlib
import random
import time

import pytest

import smp_oracle as o

H = bytes.fromhex
X0 = 3000  # bytes of the upload in progress accepted before each hostile request


class Busy:
    """A device with an upload in progress at offset `off`."""

    def __init__(self, smp, dev, cfg, layout):
        self.smp, self.dev, self.cfg, self.layout = smp, dev, cfg, layout
        self.img = o.build_image(random.Random(99).randbytes(60_000), (7, 0, 0))
        rsp = smp.upload(0, self.img.data[:1400], length=len(self.img), sha=self.img.file_sha,
                         timeout=10)
        o.check_upload_rsp(rsp.body, off=1400)
        rsp = smp.upload(1400, self.img.data[1400:X0])
        o.check_upload_rsp(rsp.body, off=X0)
        self.off = X0
        self.snap = self.flash_digest()

    @property
    def size(self):
        return len(self.img)

    def flash_digest(self):
        return hashlib.sha256(self.dev.flash.read_bytes()).hexdigest()

    def chunk(self, n=100):
        return self.img.data[self.off:self.off + n]

    def check_unchanged_and_continue(self, what=""):
        assert self.flash_digest() == self.snap, f"flash changed by {what}"
        self.smp.drain()
        rsp = self.smp.upload(self.off, self.chunk(500))
        o.check_upload_rsp(rsp.body, off=self.off + 500)
        self.off += 500
        self.snap = self.flash_digest()


@pytest.fixture
def busy(devices, running_device, cfg, layout):
    smp = devices.session(running_device, timeout=2)
    return Busy(smp, running_device, cfg, layout)


def up(payload: bytes, version=o.V2, seq=0x77, length=None):
    return o.packet(o.OP_WRITE, o.GRP_IMG, o.IMG_UPLOAD, payload, seq=seq, version=version,
                    length=length)


def items_upload(busy, **override):
    """Continuation items off/data with overrides (the value ... removes the key)."""
    items = {"off": busy.off, "data": busy.chunk()}
    items.update(override)
    return [(k, v) for k, v in items.items() if v is not ...]


def expect_silence(smp, timeout=0.4):
    got = smp.recv_all(timeout)
    assert got == [], f"expected no answer, got {[g.hex() for g in got]}"


# --- framing --------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", range(0, 8))
def test_truncated_header_no_answer(busy, n):
    full = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "x"}), seq=1)
    busy.smp.send_raw(full[:n])
    expect_silence(busy.smp)
    busy.check_unchanged_and_continue(f"{n}-byte datagram")


def test_length_longer_than_datagram(busy):
    body = o.map_canonical(dict(items_upload(busy)))
    for ver in (o.V1, o.V2):
        pkt = up(body, ver, length=len(body) + 1)
        rsp = busy.smp.transact(pkt)
        o.check_smp_error(rsp, o.MGMT_ERR_ECORRUPT, busy.cfg)
        pkt = up(body, ver, length=0xFFFF)
        rsp = busy.smp.transact(pkt)
        o.check_smp_error(rsp, o.MGMT_ERR_ECORRUPT, busy.cfg)
    busy.check_unchanged_and_continue("lying length")


@pytest.mark.parametrize("cut", [1, 5, 12, -1])
def test_length_shorter_than_datagram(busy, cut):
    """The header covers only part of the map: the covered part does not decode (rc 3); the rest
    of the datagram is not processed after that error."""
    body = o.map_canonical(dict(items_upload(busy)))
    n = cut if cut > 0 else len(body) - 1
    pkt = up(body, length=n)
    busy.smp.send_raw(pkt)
    got = busy.smp.recv_all(0.4)
    assert len(got) == 1, [g.hex() for g in got]
    rsp = o.decode_response(got[0])
    o.check_response_header(pkt[:8] + body[:n], rsp)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue("short length")


@pytest.mark.parametrize("extra", [1, 100, 2048, 8192, 60000])
def test_datagram_larger_than_buf_size(busy, extra):
    """A packet larger than buf_size: no answer, or an error; nothing written."""
    cfg = busy.cfg
    n = cfg.buf_size + extra - o.upload_overhead(busy.off)
    data = busy.img.data[busy.off:busy.off + n]
    data += bytes(n - len(data))
    pkt = up(o.upload_body(busy.off, data))
    assert len(pkt) == cfg.buf_size + extra
    busy.smp.send_raw(pkt)
    got = busy.smp.recv_all(0.5)
    assert len(got) <= 1
    if got:
        rsp = o.decode_response(got[0])
        assert "rc" in rsp.body and rsp.body["rc"] in (2, 3, 7, 9), rsp.body
    busy.check_unchanged_and_continue(f"{len(pkt)}-byte datagram")


def test_echo_at_buffer_limit(smp, cfg):
    """A request of exactly buf_size is processed; the echo answer is one byte longer than the
    request, so it fits only if the request was one byte shorter: otherwise EMSGSIZE (7)."""
    overhead = len(o.packet(0, 0, 0, o.map_canonical({"d": "x" * 300}))) - 300
    n = cfg.buf_size - overhead
    rsp = smp.request(o.OP_WRITE, 0, 0, {"d": "y" * (n - 1)})
    assert len(rsp.raw) == cfg.buf_size and rsp.body == {"r": "y" * (n - 1)}
    rsp = smp.request(o.OP_WRITE, 0, 0, {"d": "z" * n})
    o.check_smp_error(rsp, o.MGMT_ERR_EMSGSIZE, cfg)


# --- malformed CBOR ---------------------------------------------------------------------------------

MALFORMED = {
    "empty": b"",
    "truncated-map": H("a2636f6666"),
    "truncated-bstr": H("a2636f666600646461746158ff0102"),
    "reserved-ai": H("bc"),
    "reserved-ai-inner": H("a1636f66661c"),
    "lone-break": H("ff"),
    "indef-missing-value": H("bf636f6666ff"),
    "indef-no-break": H("bf636f666600"),
    "array": H("820102"),
    "uint": H("05"),
    "text": H("6568656c6c6f"),
    "int-key": H("a10102"),
    "bstr-key": H("a143 6f666600".replace(" ", "")),
    "huge-map-count": H("bbffffffffffffffff"),
    "huge-bstr": H("a2636f666600646461746 15affffffff00".replace(" ", "")),
    "huge-text-key": H("a17a7fffffff00"),
    "break-in-definite": H("a2636f666600ff"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_malformed_cbor_upload(busy, name, version):
    payload = MALFORMED[name]
    rsp = busy.smp.transact(up(payload, version))
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue(name)


@pytest.mark.parametrize("name", sorted(set(MALFORMED) - {"empty"}))
def test_malformed_cbor_echo(smp, cfg, name):
    rsp = smp.request(o.OP_WRITE, 0, 0, MALFORMED[name])
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)


def test_echo_empty_payload_and_empty_map(smp, cfg):
    """Zero-length payload: the handler cannot decode a map → rc 3. An empty map: {"r": ""}."""
    rsp = smp.request(o.OP_WRITE, 0, 0, b"")
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)
    req = o.packet(o.OP_WRITE, 0, 0, b"\xa0", seq=9)
    rsp = smp.transact(req)
    assert rsp.raw == o.expected_response(req, {"r": ""})


def test_unknown_keys_skipped(busy):
    rsp = busy.smp.request(o.OP_WRITE, 0, 0, [("zz", [1, {"a": b"x"}, "y"]), ("d", "hi"),
                                              ("e", {"f": [True, None]})], style="ordered")
    assert rsp.body == {"r": "hi"}
    items = items_upload(busy) + [("x-extra", {"k": [1, 2, 3]}), ("y", -5)]
    rsp = busy.smp.request(o.OP_WRITE, 1, 1, items, style="ordered")
    n = len(busy.chunk())
    o.check_upload_rsp(rsp.body, off=busy.off + n)
    busy.off += n
    busy.snap = busy.flash_digest()
    busy.check_unchanged_and_continue()


@pytest.mark.parametrize("depth", [9, 64, 1000])
def test_deep_nesting_rejected(busy, depth):
    """Nesting beyond CONFIG_SMPDFU_CBOR_MAX_DEPTH in a skipped value → rc 3, not a crash."""
    if depth <= busy.cfg.get("CONFIG_SMPDFU_CBOR_MAX_DEPTH", 8):
        pytest.skip("within the configured depth")
    deep = b"\x81" * depth + b"\x00"
    body = o.map_ordered(items_upload(busy))[1:]  # items without the map head
    payload = o.cbor_head(5, 3) + o.enc("deep") + deep + body
    rsp = busy.smp.transact(up(payload))
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    mdepth = min(depth, (busy.cfg.buf_size - 64) // 4)  # the packet must fit buf_size
    deep_maps = b"\xbf\x61a" * mdepth + b"\x00" + b"\xff" * mdepth
    rsp = busy.smp.request(o.OP_WRITE, 0, 0, b"\xa2\x61d\x61x\x61q" + deep_maps)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue(f"depth {depth}")


def test_shallow_nesting_skipped(smp):
    rsp = smp.request(o.OP_WRITE, 0, 0, b"\xa2\x61q" + b"\x81\x81\x00" + b"\x61d\x61x")
    assert rsp.body == {"r": "x"}


# --- duplicate keys ---------------------------------------------------------------------------------

@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_duplicate_keys(busy, version):
    smp = busy.smp
    rsp = smp.request(o.OP_WRITE, 0, 0, [("d", "a"), ("d", "b")], style="ordered",
                      version=version)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)      # [captured]
    for dup in ("off", "data"):
        items = items_upload(busy)
        items.append((dup, dict(items)[dup]))
        for style in ("ordered", "indefinite"):
            rsp = smp.transact(up(o.encode_body(items, style), version))
            o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    first = [("off", 0), ("len", busy.size), ("len", busy.size), ("data", busy.img.data[:200])]
    rsp = smp.transact(up(o.map_ordered(first), version))
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue("duplicate keys")


AFTER_THE_MAP = {"uint": H("00"), "break": H("ff"), "map": H("a0"), "reserved-head": H("1c"),
                 "truncated-text": H("7a"), "second-request-map": H("a1636f666600")}


@pytest.mark.parametrize("name", sorted(AFTER_THE_MAP))
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_bytes_after_the_request_map_are_ignored(busy, name, version):
    """Zephyr decodes the request map and never looks at what follows it inside the packet: the
    request is answered as if those bytes were not there (an echo, an upload chunk)."""
    after = AFTER_THE_MAP[name]
    req = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "hi"}) + after, seq=0x61,
                   version=version)
    rsp = busy.smp.transact(req)
    assert rsp.raw == o.expected_response(req, {"r": "hi"})
    n = len(busy.chunk())
    rsp = busy.smp.transact(up(o.map_canonical(dict(items_upload(busy))) + after, version))
    o.check_upload_rsp(rsp.body, off=busy.off + n)
    busy.off += n
    busy.snap = busy.flash_digest()
    busy.check_unchanged_and_continue(name)


# --- wrong types ------------------------------------------------------------------------------------

WRONG = {
    "off": ["3000", -1, b"\x00", True, None, [0], {"a": 0}, 1.5],
    "data": ["text", 5, True, None, [b"x"]],
    "len": ["1", -5, b"\x01", False, None, [1]],
    "sha": ["abc", 5, True, None, [b"x"]],
    "image": ["0", -1, b"\x00", True, None],
    "upgrade": [1, 0, "true", b"\x01", None],
}


def wrong_cases():
    for key, values in WRONG.items():
        for i, v in enumerate(values):
            yield pytest.param(key, v, id=f"{key}-{type(v).__name__}-{i}")


@pytest.mark.parametrize("key,value", list(wrong_cases()))
def test_upload_wrong_type(busy, key, value):
    """Every key of the upload request, with a value of the wrong type, in a continuation and in
    a first chunk → SMP-level rc 3 in v1 and v2; nothing changes."""
    smp = busy.smp
    cont = dict(items_upload(busy))
    cont[key] = value
    first = {"off": 0, "len": busy.size, "sha": hashlib.sha256(b"other").digest(),
             "data": busy.img.data[:1000], "image": 0, "upgrade": False}
    first[key] = value
    for body in (cont, first):
        for version in (o.V1, o.V2):
            rsp = smp.transact(up(o.map_ordered(body.items()), version))
            o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue(f"{key}={value!r}")


def test_upload_off_beyond_32_bits(busy):
    """off = 2**32 + current offset must not be taken for the current offset."""
    smp = busy.smp
    rsp = smp.transact(up(o.map_ordered(items_upload(busy, off=(1 << 32) + busy.off))))
    if "rc" in rsp.body:
        o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    else:
        o.check_upload_rsp(rsp.body, off=busy.off)
    busy.check_unchanged_and_continue("64-bit off")


@pytest.mark.parametrize("value", [5, -1, b"hi", True, None, ["x"], {"d": "x"}])
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_echo_wrong_type(smp, cfg, value, version):
    rsp = smp.request(o.OP_WRITE, 0, 0, {"d": value}, version=version)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)


@pytest.mark.parametrize("value", ["1", -1, b"\x01", True, None, [1], {"s": 1}])
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_erase_wrong_type(busy, value, version):
    rsp = busy.smp.request(o.OP_WRITE, 1, 5, {"slot": value}, version=version, timeout=10)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, busy.cfg)
    busy.check_unchanged_and_continue(f"erase slot={value!r}")


@pytest.mark.parametrize("payload", [
    o.map_canonical({"force": "yes"}), o.map_canonical({"force": b"\x01"}),
    o.map_canonical({"force": -1}), o.map_canonical({"force": [1]}),
    o.map_canonical({"force": {"f": 1}}), H("a165666f726365"), H("05"), b""],
    ids=["force-text", "force-bytes", "force-negative", "force-array", "force-map",
         "truncated-map", "not-a-map", "empty"])
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_reset_that_does_not_decode_still_resets(busy, payload, version):
    """Current Zephyr ignores a reset payload that does not decode and resets, unforced: the
    answer is {} and the device restarts, which loses the upload state (RAM only)."""
    req = o.packet(o.OP_WRITE, 0, 5, payload, seq=0x5B, version=version)
    rsp = busy.smp.transact(req)
    assert rsp.raw == o.expected_response(req, {})
    deadline = time.monotonic() + 5
    while busy.dev.listening_count() < 2:
        assert time.monotonic() < deadline, "the device did not restart"
        time.sleep(0.02)
    o.wait_until_answers(busy.smp, timeout=5)
    rsp = busy.smp.request(o.OP_WRITE, 1, 1, o.map_canonical(dict(items_upload(busy))))
    o.check_upload_rsp(rsp.body, off=0)


@pytest.mark.parametrize("body", [{"query": 5}, {"query": b"mode"}, {"query": None}])
def test_bootloader_info_wrong_type(smp, cfg, body):
    rsp = smp.request(o.OP_READ, 0, 8, body)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)


@pytest.mark.parametrize("body", [{"format": 5}, {"format": b"s"}])
def test_os_info_wrong_type(smp, cfg, body):
    rsp = smp.request(o.OP_READ, 0, 7, body)
    o.check_smp_error(rsp, o.MGMT_ERR_EINVAL, cfg)


# --- unknown group / command during an upload ---------------------------------------------------------

def test_unknown_group_and_command_during_upload(busy):
    for group, cmd in ((2, 1), (64, 1), (1, 2), (1, 3), (1, 4), (1, 200), (0, 1)):
        for version in (o.V1, o.V2):
            rsp = busy.smp.request(o.OP_WRITE, group, cmd, o.map_ordered(items_upload(busy)),
                                   version=version)
            o.check_smp_error(rsp, o.MGMT_ERR_ENOTSUP, busy.cfg)
    busy.check_unchanged_and_continue("unknown group/command")


# --- upload rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize("delta", [1, -1, -100, 100, 4096, None])
def test_offset_out_of_order(busy, delta):
    """A chunk at another offset than expected: data dropped, {"off": expected}, no error."""
    off = 0xFFFFFFFF if delta is None else busy.off + delta
    for version, style in ((o.V2, "smpclient"), (o.V1, "go")):
        rsp = busy.smp.upload(off, busy.chunk(300), version=version, style=style)
        o.check_upload_rsp(rsp.body, off=busy.off)
    busy.check_unchanged_and_continue(f"offset {off}")


def test_overrun_past_len(busy):
    """off = expected, off + len(data) > len → INVALID_IMAGE_DATA_OVERRUN (31), v1 rc 1."""
    smp = busy.smp
    # move the upload close to the end
    while busy.off + 1500 < busy.size - 200:
        rsp = smp.upload(busy.off, busy.chunk(1500))
        busy.off += 1500
        o.check_upload_rsp(rsp.body, off=busy.off)
    busy.snap = busy.flash_digest()
    left = busy.size - busy.off
    for version in (o.V2, o.V1):
        rsp = smp.upload(busy.off, busy.img.data[busy.off:] + b"\x00", version=version)
        o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_INVALID_IMAGE_DATA_OVERRUN, busy.cfg)
        rsp = smp.upload(busy.off, bytes(left + 1000), version=version)
        o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_INVALID_IMAGE_DATA_OVERRUN, busy.cfg)
    assert busy.flash_digest() == busy.snap
    rsp = smp.upload(busy.off, busy.img.data[busy.off:])
    o.check_upload_rsp(rsp.body, off=busy.size, match=busy.cfg.final_match(True))
    assert busy.layout.read_slot(busy.dev.flash, 1, busy.size) == busy.img.data


def first_items(busy, **override):
    other = o.build_image(random.Random(5).randbytes(5000), (8, 0, 0))
    items = {"off": 0, "len": len(other), "sha": other.file_sha, "data": other.data[:1000],
             "image": 0, "upgrade": False}
    items.update(override)
    return [(k, v) for k, v in items.items() if v is not ...]


NOT_MCUBOOT = b"\x7fELF" + bytes(996)
FIRST_CHUNK_ERRORS = [
    # (id, overrides, group error code) — reference §4.3 step 3, in check order
    ("data-31-bytes", dict(data=b"\x3d\xb8\xf3\x96" + bytes(27)), o.IMG_ERR_INVALID_IMAGE_HEADER),
    ("data-empty", dict(data=b""), o.IMG_ERR_INVALID_IMAGE_HEADER),
    ("data-missing", dict(data=...), o.IMG_ERR_INVALID_IMAGE_HEADER),
    ("short-and-no-len", dict(data=bytes(10), len=...), o.IMG_ERR_INVALID_IMAGE_HEADER),
    ("len-missing", dict(len=...), o.IMG_ERR_INVALID_LENGTH),
    ("len-missing-bad-magic", dict(len=..., data=NOT_MCUBOOT), o.IMG_ERR_INVALID_LENGTH),
    ("not-mcuboot", dict(data=NOT_MCUBOOT), o.IMG_ERR_INVALID_IMAGE_HEADER_MAGIC),
    ("magic-big-endian", dict(data=b"\x96\xf3\xb8\x3d" + bytes(996)),
     o.IMG_ERR_INVALID_IMAGE_HEADER_MAGIC),
    ("bad-magic-and-long-sha", dict(data=NOT_MCUBOOT, sha=bytes(33)),
     o.IMG_ERR_INVALID_IMAGE_HEADER_MAGIC),
    ("sha-33", dict(sha=bytes(33)), o.IMG_ERR_INVALID_HASH),
    ("sha-64", dict(sha=bytes(64)), o.IMG_ERR_INVALID_HASH),
    ("sha-33-and-too-large", dict(sha=bytes(33), len=1 << 30), o.IMG_ERR_INVALID_HASH),
    ("len-slot-plus-1", "slot+1", o.IMG_ERR_INVALID_IMAGE_TOO_LARGE),
    ("len-2GiB", dict(len=1 << 31), o.IMG_ERR_INVALID_IMAGE_TOO_LARGE),
    ("len-u32-max", dict(len=0xFFFFFFFF), o.IMG_ERR_INVALID_IMAGE_TOO_LARGE),
    ("off-missing", dict(off=...), o.IMG_ERR_INVALID_OFFSET),
]


@pytest.mark.parametrize("case", FIRST_CHUNK_ERRORS, ids=[c[0] for c in FIRST_CHUNK_ERRORS])
@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_first_chunk_rejected(busy, case, version):
    """Rejected first chunks: the reference's code, in the reference's check order; the upload in
    progress is not reset and nothing is written."""
    _, override, code = case
    if override == "slot+1":
        override = dict(len=busy.cfg.slot_size + 1)
    body = o.map_ordered(first_items(busy, **override))
    rsp = busy.smp.transact(up(body, version), timeout=10)
    o.check_group_error(rsp, o.GRP_IMG, code, busy.cfg)
    busy.check_unchanged_and_continue(case[0])


@pytest.mark.parametrize("version", [o.V1, o.V2])
def test_continuation_missing_off(busy, version):
    rsp = busy.smp.transact(up(o.map_ordered([("data", busy.chunk())]), version))
    o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_INVALID_OFFSET, busy.cfg)
    busy.check_unchanged_and_continue("missing off")


def test_rejections_leave_no_trace_on_idle_device(smp, device, cfg):
    """Without an upload in progress, rejected first chunks write nothing and start nothing."""
    before = hashlib.sha256(device.flash.read_bytes()).digest()
    for _, override, code in FIRST_CHUNK_ERRORS:
        if override == "slot+1":
            override = dict(len=cfg.slot_size + 1)
        rsp = smp.transact(up(o.map_ordered(first_items(None, **override))), timeout=10)
        o.check_group_error(rsp, o.GRP_IMG, code, cfg)
        rsp = smp.upload(1000, bytes(100))
        o.check_upload_rsp(rsp.body, off=0)
    assert hashlib.sha256(device.flash.read_bytes()).digest() == before
