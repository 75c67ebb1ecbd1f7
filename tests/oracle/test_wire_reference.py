# SPDX-License-Identifier: Apache-2.0
"""Reference §8 byte examples (and the §1-§3 header rules they illustrate), compared byte for byte
against what the device sends. Requests are the reference's own bytes where it gives them; where
the answer depends on our configuration (params, bootloader mode) the expected bytes are built
from the configuration with the oracle's Zephyr-style encoder."""

import hashlib

import pytest

import smp_oracle as o

H = bytes.fromhex


def xchg(smp, req_hex_or_bytes, timeout=None):
    req = H(req_hex_or_bytes.replace(" ", "")) if isinstance(req_hex_or_bytes, str) \
        else req_hex_or_bytes
    rsp = smp.transact(req, timeout)
    return req, rsp


# --- the oracle's own encoders reproduce the reference requests ---------------------------------

def test_oracle_builds_reference_requests():
    assert o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "hello"}), seq=0x2B) == \
        H("0a0000090000 2b00 a161646568656c6c6f".replace(" ", ""))
    assert o.packet(o.OP_READ, 0, 6, o.map_canonical({}), seq=0x2D) == H("08000001 00002d06a0")
    assert o.Header.unpack(H("c8000001000032 06")).version == 1
    assert o.Header.unpack(H("10000001 00003206")).version == 2
    # §8.3 first chunk (smpclient form) and its Go CLI form
    assert o.packet(o.OP_WRITE, 1, 1, o.upload_body(0, REF_FIRST_DATA, length=4656, sha=REF_SHA),
                    seq=0x10) == REF_FIRST_SMPCLIENT
    assert o.packet(o.OP_WRITE, 1, 1, o.upload_body(0, REF_FIRST_DATA, length=4656, sha=REF_SHA,
                                                    style="go"), seq=0x12, version=o.V1) == \
        REF_FIRST_GO
    # §8.3 middle request, both forms
    mid = bytes(64)
    assert o.packet(o.OP_WRITE, 1, 1, o.upload_body(1024, mid), seq=0x11)[:23] == \
        H("0a00004f00011101a2636f666619040064646174615840")
    assert o.packet(o.OP_WRITE, 1, 1, o.upload_body(1024, mid, style="go"), seq=0x11,
                    version=o.V1)[:30] == \
        H("0200005600011101a365696d61676500636f666619040064646174615840")
    # the Zephyr-style encoder reproduces captured responses
    assert o.zephyr_encode({"buf_size": 384, "buf_count": 4}) == \
        H("bf686275665f73697a6519018069 6275665f636f756e7404ff".replace(" ", ""))
    assert o.zephyr_encode({"err": {"group": 0, "rc": 2}}) == \
        H("bf63657272bf6567726f7570006272630 2ffff".replace(" ", ""))


def test_oracle_image_builder_matches_imgtool(vectors):
    """The oracle's MCUboot image builder reproduces imgtool's hash-only image byte for byte, and
    its parser finds the SHA256 TLV of signed images (incl. protected TLVs) as imgtool reports."""
    payload = (vectors / "mcuboot" / "payload.bin").read_bytes()
    ref = (vectors / "mcuboot" / "hash-only.signed.bin").read_bytes()
    img = o.build_image(payload, (2, 0, 0))
    assert img.data == ref
    assert img.tlv_hash.hex() == \
        "8030f9f68164f0dd9782ec1a68a33a126850c803b87a6c9b25007771f565a0a1"
    for name, digest in (("ecdsa-p256", "d4a81a7b988abefb8df427fe5ee67dba0444ad94e9c2fa378c0d45966b6a038b"),
                         ("protected-tlvs", "ab9fba06d8bd1bf6345b7c9a68e9f4b97dfcbfac60458689d1746565df671294")):
        data = (vectors / "mcuboot" / f"{name}.signed.bin").read_bytes()
        parsed = o.parse_image(data)
        assert parsed.tlv_hash.hex() == digest
        prot = int.from_bytes(data[10:12], "little")
        covered = data[:parsed.hdr_size + parsed.img_size + prot]
        assert hashlib.sha256(covered).hexdigest() == digest


# --- §8.1 echo, params ---------------------------------------------------------------------------

def test_echo_v2(smp):
    _, rsp = xchg(smp, "0a 00 00 09 00 00 2b 00 a1 61 64 65 68 65 6c 6c 6f")
    assert rsp.raw == H("0b00000a00002b00bf61726568656c6c6fff")


def test_echo_v1(smp):
    _, rsp = xchg(smp, "02 00 00 09 00 00 2a 00 a1 61 64 65 68 65 6c 6c 6f")
    assert rsp.raw == H("0300000a00002a00bf61726568656c6c6fff")


def test_echo_read_op(smp):
    _, rsp = xchg(smp, "08 00 00 09 00 00 2c 00 a1 61 64 65 68 65 6c 6c 6f")
    assert rsp.raw == H("0900000a00002c00bf61726568656c6c6fff")
    _, rsp = xchg(smp, "00 00 00 09 00 00 2c 00 a1 61 64 65 68 65 6c 6c 6f")
    assert rsp.raw == H("0100000a00002c00bf61726568656c6c6fff")


def test_params(smp, cfg):
    req, rsp = xchg(smp, "08 00 00 01 00 00 2d 06 a0")
    assert rsp.raw == o.expected_response(
        req, {"buf_size": cfg.buf_size, "buf_count": cfg.buf_count})
    o.check_params_rsp(rsp.body, cfg)
    if (cfg.buf_size, cfg.buf_count) == (384, 4):
        assert rsp.raw == H("09000019 00002d06 bf686275665f73697a6519018069"
                            "6275665f636f756e7404ff".replace(" ", ""))


def test_params_zero_length_payload(smp, cfg):
    """[captured] a params read with length 0 got a normal answer."""
    req, rsp = xchg(smp, "08 00 00 00 00 00 2e 06")
    assert rsp.raw == o.expected_response(
        req, {"buf_size": cfg.buf_size, "buf_count": cfg.buf_count})


def test_params_v1(smp, cfg):
    req, rsp = xchg(smp, "00 00 00 01 00 00 2d 06 a0")
    assert rsp.raw == o.expected_response(
        req, {"buf_size": cfg.buf_size, "buf_count": cfg.buf_count})
    assert rsp.raw[0] == 0x01


# --- OS info and bootloader info -----------------------------------------------------------------

def test_os_info_bad_format_v2_v1(smp):
    """§8.4 captured: format "q" → v2 err group 0 rc 2, v1 rc 3."""
    _, rsp = xchg(smp, o.packet(o.OP_READ, 0, 7, H("a166666f726d61746171"), seq=0x2F))
    assert rsp.raw == H("090000130000 2f07 bf63657272bf6567726f7570006272630 2ffff"
                        .replace(" ", ""))
    _, rsp = xchg(smp, o.packet(o.OP_READ, 0, 7, H("a166666f726d61746171"), seq=0x30,
                                version=o.V1))
    assert rsp.raw == H("0100000600003007bf62726303ff")


def info(smp, fmt=None):
    body = {} if fmt is None else {"format": fmt}
    rsp = smp.request(o.OP_READ, 0, 7, body)
    o.check_success(rsp.body)
    assert set(rsp.body) == {"output"} and isinstance(rsp.body["output"], str), rsp.body
    return rsp.body["output"]


def test_os_info_formats(smp):
    """No format means "s"; fields come in the fixed order s n r v ... whatever the letter order;
    "a" gives all of them separated by single spaces."""
    s = info(smp, "s")
    assert s and " " not in s
    assert info(smp) == s
    v = info(smp, "v")
    assert info(smp, "sv") == f"{s} {v}"
    assert info(smp, "vs") == f"{s} {v}"
    # An empty format is no format (Zephyr: nothing asked for, so the kernel name).
    assert info(smp, "") == s
    fields = [info(smp, c) for c in "snrvmpio"]
    full = info(smp, "a")
    assert full.startswith(" ".join(fields[:4]))
    assert full.endswith(" ".join(fields[4:]))


def test_bootloader_info(smp, cfg):
    req, rsp = xchg(smp, o.packet(o.OP_READ, 0, 8, H("a0"), seq=0x31))
    assert rsp.raw == H("0900001500003108") + H("bf6a626f6f746c6f61646572674d4355626f6f74ff")
    assert rsp.body == {"bootloader": "MCUboot"}


def test_bootloader_info_mode(smp, cfg):
    req = o.packet(o.OP_READ, 0, 8, o.map_canonical({"query": "mode"}), seq=0x32)
    _, rsp = xchg(smp, req)
    want = {"mode": cfg.boot_mode}
    if cfg.flag("CONFIG_MCUBOOT_BOOTLOADER_NO_DOWNGRADE"):
        want["no-downgrade"] = True
    assert rsp.raw == o.expected_response(req, want)


def test_bootloader_info_unknown_query(smp, cfg):
    """Current Zephyr (reference §3, bootloader info): the handler returns QUERY_YIELDS_NO_ANSWER
    (3) as its result, so the answer is {"rc": 3} in v2 and in v1, with no reason."""
    for seq, version in ((0x33, o.V2), (0x34, o.V1)):
        req = o.packet(o.OP_READ, 0, 8, o.map_canonical({"query": "colour"}), seq=seq,
                       version=version)
        _, rsp = xchg(smp, req)
        assert rsp.raw == o.expected_response(req, {"rc": 3})


# --- header errors (§1, §2.3, §8.4) ---------------------------------------------------------------

@pytest.mark.parametrize("b0", [0x10, 0x18, 0x12, 0x1A])
def test_header_version_too_new(smp, b0):
    """Header version 2 or 3 → {"rc":13} with response version 1 (captured for 0x10)."""
    req = bytes([b0]) + H("00000100003206a0")
    _, rsp = xchg(smp, req)
    op = 0x01 if (b0 & 7) == 0 else 0x03
    assert rsp.raw == bytes([0x08 | op]) + H("00000600003206bf6272630dff")
    if b0 == 0x10:
        assert rsp.raw == H("0900000600003206bf6272630dff")


@pytest.mark.parametrize("group", [2, 3, 8, 9, 10, 11, 63, 64, 0x1234, 0xFFFF])
def test_unknown_group(smp, group):
    req = o.packet(o.OP_READ, group, 0, H("a0"), seq=0x2E)
    _, rsp = xchg(smp, req)
    assert rsp.raw == o.expected_response(req, {"rc": 8})


@pytest.mark.parametrize("group,cmd", [(0, 1), (0, 2), (0, 3), (0, 4), (0, 9), (0, 255),
                                       (1, 2), (1, 3), (1, 4), (1, 7), (1, 255)])
def test_unknown_command(smp, group, cmd):
    for op in (o.OP_READ, o.OP_WRITE):
        for ver in (o.V1, o.V2):
            req = o.packet(op, group, cmd, H("a0"), seq=0x40 + cmd % 16, version=ver)
            _, rsp = xchg(smp, req)
            assert rsp.raw == o.expected_response(req, {"rc": 8}), rsp.hex


@pytest.mark.parametrize("group,cmd,op", [(0, 5, o.OP_READ), (0, 6, o.OP_WRITE),
                                          (0, 7, o.OP_WRITE), (0, 8, o.OP_WRITE),
                                          (1, 1, o.OP_READ), (1, 5, o.OP_READ),
                                          (1, 6, o.OP_WRITE)])
def test_op_not_supported_by_command(smp, group, cmd, op):
    """A command without a handler for that op (reset read, params write, upload read, ...)."""
    req = o.packet(op, group, cmd, H("a0"), seq=0x50)
    _, rsp = xchg(smp, req)
    assert rsp.raw == o.expected_response(req, {"rc": 8})


@pytest.mark.parametrize("op", [1, 3, 4, 5, 6, 7])
def test_response_and_invalid_ops(smp, op):
    """A request with op 1 or 4 (any op but 0/2) is answered with op 3 and {"rc":8} (captured)."""
    for ver in (o.V1, o.V2):
        req = o.packet(op, 0, 0, o.map_canonical({"d": "x"}), seq=0x35, version=ver)
        _, rsp = xchg(smp, req)
        assert rsp.raw == bytes([0x03 | ver << 3]) + H("00000600003500bf62726308ff")


def test_length_that_lies(smp):
    """Header length larger than the bytes that arrived → rc 9 (ECORRUPT), captured."""
    for ver in (o.V1, o.V2):
        req = o.packet(o.OP_READ, 0, 6, H("a0"), seq=0x36, version=ver, length=10)
        _, rsp = xchg(smp, req)
        assert rsp.raw == o.expected_response(req, {"rc": 9})
        req = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "hello"}), seq=0x37,
                       version=ver, length=0x1000)
        _, rsp = xchg(smp, req)
        assert rsp.raw == bytes([0x03 | ver << 3]) + H("00000600003700bf62726309ff")


def test_reserved_bits_and_flags_ignored(smp):
    """Reserved bits (0xC8 captured) and flags (0x55 captured) are ignored; the response has both
    zero."""
    for b0 in (0xC8, 0x28, 0xEA):
        req = bytes([b0]) + H("000009000038 00 a161646568656c6c6f".replace(" ", ""))
        _, rsp = xchg(smp, req)
        op = 0x01 if (b0 & 7) == 0 else 0x03
        assert rsp.raw == bytes([0x08 | op]) + H("00000a00003800bf61726568656c6c6fff")
    req = H("0a55000900003900a161646568656c6c6f")
    _, rsp = xchg(smp, req)
    assert rsp.raw == H("0b00000a00003900bf61726568656c6c6fff")
    req = H("08ff000100003a06a0")
    _, rsp = xchg(smp, req)
    assert rsp.raw[:2] == H("0900")


def test_several_packets_in_one_datagram(smp):
    """Each packet of a transport unit gets its own response, in order; over UDP every response is
    its own datagram."""
    reqs = [o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": f"p{i}"}), seq=0x60 + i)
            for i in range(3)] + [o.packet(o.OP_READ, 0, 6, H("a0"), seq=0x63)]
    smp.send_raw(b"".join(reqs))
    got = smp.recv_all(0.5)
    assert len(got) == 4, [g.hex() for g in got]
    for i in range(3):
        assert got[i] == o.expected_response(reqs[i], {"r": f"p{i}"})
    assert o.decode_response(got[3]).header.seq == 0x63


def test_processing_stops_after_first_error(smp):
    """After the first SMP-level error Zephyr stops processing the rest of that buffer."""
    a = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "a"}), seq=0x70)
    bad = o.packet(o.OP_READ, 77, 0, H("a0"), seq=0x71)
    c = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "c"}), seq=0x72)
    smp.send_raw(a + bad + c)
    got = smp.recv_all(0.5)
    assert got == [o.expected_response(a, {"r": "a"}), o.expected_response(bad, {"rc": 8})], \
        [g.hex() for g in got]


def test_trailing_lying_packet_in_datagram(smp):
    """A second packet whose length exceeds what is left → the first is answered, then rc 9."""
    a = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "a"}), seq=0x73)
    b = o.packet(o.OP_WRITE, 0, 0, o.map_canonical({"d": "b"}), seq=0x74, length=200)
    smp.send_raw(a + b)
    got = smp.recv_all(0.5)
    assert got == [o.expected_response(a, {"r": "a"}), o.expected_response(b, {"rc": 9})], \
        [g.hex() for g in got]


# --- §8.3 upload, §8.4 upload errors -------------------------------------------------------------

REF_SHA = H("13f5260fd1e4739e007c95cd8b224b9a0a2c4196eafaa850458d8374da236d29")
REF_FIRST_DATA = H("3db8f396000000000002000000100000000000000102030000000000000000 00"
                   .replace(" ", "")) + bytes(32)
REF_FIRST_SMPCLIENT = H(
    "0a00008a00011001a6636c656e191230636f666600637368615820" + REF_SHA.hex()
    + "6464617461584 0".replace(" ", "") + REF_FIRST_DATA.hex()
    + "65696d6167650067757067726164 65f4".replace(" ", ""))
REF_FIRST_GO = H(
    "0200008100011201a565696d61676500636f666600636c656e191230637368615820" + REF_SHA.hex()
    + "64646174615840" + REF_FIRST_DATA.hex())


def test_reference_first_chunk_lengths():
    assert len(REF_FIRST_DATA) == 64
    assert len(REF_FIRST_SMPCLIENT) == 146


def test_upload_first_chunk_v2(smp):
    _, rsp = xchg(smp, REF_FIRST_SMPCLIENT, timeout=10)
    assert rsp.raw == H("0b00000800011001bf636f666618 40ff".replace(" ", ""))


def test_upload_first_chunk_go_v1(smp):
    _, rsp = xchg(smp, REF_FIRST_GO, timeout=10)
    assert rsp.raw == H("0300000800011201bf636f66661840ff")


def ref_like_image():
    """A 4656-byte image shaped like §8.3's: the same first 64 bytes (header 1.2.3, hdr_size 0x200,
    img_size 0x1000, zero header padding), its own payload, SHA256 TLV and an 8-byte extra TLV."""
    payload = bytes((i * 13 + 5) & 0xFF for i in range(0x1000))
    img = o.build_image(payload, (1, 2, 3), header_fill=0x00, extra_tlvs=[(0xA0, b"pad!")])
    assert len(img.data) == 4656 and img.data[:64] == REF_FIRST_DATA
    return img


def test_upload_reference_sequence(smp, cfg):
    """§8.3 in 64-byte chunks: out-of-order chunk at 1024 while 960 is expected, the middle
    response at 1024, and the final response."""
    img = ref_like_image()
    data = img.data
    pkt = o.packet(o.OP_WRITE, 1, 1, o.upload_body(0, data[:64], length=4656, sha=img.file_sha),
                   seq=0x10)
    _, rsp = xchg(smp, pkt, timeout=10)
    assert rsp.raw == H("0b00000800011001bf636f66661840ff")
    for off in range(64, 960, 64):
        rsp = smp.upload(off, data[off:off + 64])
        o.check_upload_rsp(rsp.body, off=off + 64)
    mid = o.packet(o.OP_WRITE, 1, 1, o.upload_body(1024, data[1024:1088]), seq=0x11)
    _, rsp = xchg(smp, mid)
    assert rsp.raw == H("0b00000900011101bf636f66661903c0ff")
    rsp = smp.upload(960, data[960:1024])
    o.check_upload_rsp(rsp.body, off=1024)
    _, rsp = xchg(smp, mid)
    assert rsp.raw == H("0b00000900011101bf636f6666190440ff")
    for off in range(1088, 4656 - 48, 64):
        rsp = smp.upload(off, data[off:off + 64])
        o.check_upload_rsp(rsp.body, off=off + 64)
    last = o.packet(o.OP_WRITE, 1, 1, o.upload_body(4608, data[4608:]), seq=0x20)
    _, rsp = xchg(smp, last, timeout=10)
    if cfg.image_check:
        assert rsp.raw == H("0b00001000012001bf636f666619123065 6d61746368f5ff".replace(" ", ""))
    else:
        assert rsp.raw == H("0b00000900012001bf636f6666191230ff")


def bad_magic_first(version, seq):
    data = b"\x00\x11\x22\x33" + REF_FIRST_DATA[4:]
    body = o.upload_body(0, data, length=4656, sha=REF_SHA,
                         style="smpclient" if version == o.V2 else "go")
    return o.packet(o.OP_WRITE, 1, 1, body, seq=seq, version=version)


def test_upload_bad_magic_v2(smp):
    _, rsp = xchg(smp, bad_magic_first(o.V2, 0x13))
    assert rsp.raw == H("0b00001300011301bf63657272bf6567726f7570016272631 7ffff"
                        .replace(" ", ""))


def test_upload_bad_magic_v1(smp, cfg):
    _, rsp = xchg(smp, bad_magic_first(o.V1, 0x13))
    if cfg.flag("CONFIG_MCUMGR_SMP_VERBOSE_ERR_RESPONSE"):
        assert rsp.raw == H("0300001900011301bf62726301637273 6e6e6d61676963206d69736d61746368ff"
                            .replace(" ", ""))
    else:
        assert rsp.raw == H("0300000600011301bf62726301ff")


# --- §8.2 image state read and the state write that produced it --------------------------------

H0 = H("4c4b4a1f341a258db6343a420e19828162acc54084240949aca5a919c9100378")
H1 = H("dc34bddd4747258dd04326d194d0815e606db6e205bb639b993645e94f4d5a14")
REF_STATE = H(
    "bf66696d616765739f"
    "bf65696d6167650064736c6f74006776657273696f6e65312e322e3364686173685820" + H0.hex()
    + "68626f6f7461626c65f56770656e64696e67f469636f6e6669726d6564f566616374697665f5"
    "697065726d616e656e74f4ff"
    "bf65696d6167650064736c6f74016776657273696f6e65312e332e3064686173685820" + H1.hex()
    + "68626f6f7461626c65f56770656e64696e67f569636f6e6669726d6564f466616374697665f4"
    "697065726d616e656e74f4ff"
    "ff6b73706c697453746174757300ff")


def without_image_key(payload):
    return payload.replace(b"\xbf\x65image\x00", b"\xbf")


def test_state_reference_example(devices, cfg, layout):
    """§8.2: slot 0 runs 1.2.3 (hash H0, confirmed), slot 1 holds 1.3.0 (hash H1) marked for
    test by the §8.2 state write; the state write answer and the state read are the §8.2 bytes."""
    if not cfg.mode.swap_table or cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST"):
        pytest.skip("§8.2 is a full-list example of the swap-type table's test and flags")
    assert len(REF_STATE) == 0x102
    slot0 = o.build_image(bytes(2000), (1, 2, 3), hash_override=H0)
    slot1 = o.build_image(bytes(range(256)) * 8, (1, 3, 0), hash_override=H1)
    dev = devices(load_slot0=slot0.data)
    smp = devices.session(dev)
    off = 0
    while off < len(slot1):
        n = min(1500, len(slot1) - off)
        kw = dict(length=len(slot1), sha=slot1.file_sha) if off == 0 else {}
        rsp = smp.upload(off, slot1.data[off:off + n], timeout=10, **kw)
        off += n
    o.check_upload_rsp(rsp.body, off=len(slot1), match=cfg.final_match(True))
    want = REF_STATE if cfg.report_image else without_image_key(REF_STATE)
    req = H("0a00003100012100a264686173685820") + H1 + H("67636f6e6669726df4")
    assert req == o.packet(o.OP_WRITE, 1, 0, o.map_ordered([("hash", H1), ("confirm", False)]),
                           seq=0x21)
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == o.Header(3, 1, 0, len(want), 1, 0x21, 0).pack() + want
    rsp = smp.transact(H("0800000100012000a0"))
    assert rsp.raw == o.Header(1, 1, 0, len(want), 1, 0x20, 0).pack() + want
    if cfg.report_image:
        assert rsp.raw[:8] == H("0900010200012000")


# --- the oracle's own decoder ------------------------------------------------------------------

def test_strict_decoder_self_check():
    v, d = o.strict_loads(H("bf61726568656c6c6fff"))
    assert v == {"r": "hello"} and d.definite_containers == 0
    v, d = o.strict_loads(H("a161646568656c6c6f"))
    assert d.definite_containers == 1
    for bad in ("a2616401616402", "bf6164ff", "a1616401ff", "1800", "a1", "c001", "f93c00"):
        with pytest.raises(o.CborError):
            o.strict_loads(H(bad))
    assert o.zephyr_encode({"images": [], "splitStatus": 0}) == \
        H("bf66696d616765739fff6b73706c697453746174757300ff")
