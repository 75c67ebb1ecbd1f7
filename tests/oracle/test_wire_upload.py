# SPDX-License-Identifier: Apache-2.0
"""Image uploads built by the oracle (reference §4.3, §4.1, §4.4, §4.5): full uploads in odd chunk
sizes with several requests in flight, duplicates and out-of-order chunks, in the smpclient (v2,
canonical), Go CLI (v1, struct order, image on every chunk) and indefinite-map forms; resume by
`sha`; `match`; `upgrade`; erase; slot info. Every response `off` is predicted by the oracle's
model of the server state, and the flash file is compared with the image byte for byte."""

import hashlib
import itertools
import random

import pytest

import smp_oracle as o


def random_image(size_payload, seed, version=(2, 3, 4, 5), **kw):
    payload = random.Random(seed).randbytes(size_payload)
    return o.build_image(payload, version, **kw)


def first_chunk(smp, img, n, *, version=o.V2, style="smpclient", sha=True, upgrade=None):
    rsp = smp.upload(0, img.data[:n], length=len(img), sha=img.file_sha if sha is True else sha,
                     upgrade=upgrade, version=version, style=style, timeout=10)
    return rsp


def run_upload(smp, cfg, img, *, take, window, rng, dup=0.0, ooo=0.0, version=o.V2,
               style="smpclient", sha=True, first_n=None):
    """Upload `img` entirely: the first chunk alone, then the plan pipelined; checks every `off`.
    Returns the final response body."""
    size = len(img)
    budget = cfg.buf_size
    fsha = img.file_sha if sha is True else sha
    n0 = first_n or min(o.max_chunk(budget, 0, first_len=size, sha=fsha, style=style), size)
    rsp = first_chunk(smp, img, n0, version=version, style=style, sha=fsha)
    final = n0 == size
    o.check_upload_rsp(rsp.body, off=n0,
                       match=cfg.final_match(sha is True) if final else None)
    plan = o.make_upload_plan(n0, size, take, rng, dup=dup, ooo=ooo)
    expect = o.predict_offsets(n0, size, plan)
    packets = [o.packet(o.OP_WRITE, o.GRP_IMG, o.IMG_UPLOAD,
                        o.upload_body(off, img.data[off:off + n], style=style),
                        seq=smp.next_seq(), version=version) for off, n in plan]
    responses = o.pipeline(smp, packets, window, timeout=5)
    last = rsp.body
    for (off, n), want, r in zip(plan, expect, responses):
        is_final = want == size and off + n == size
        o.check_upload_rsp(r.body, off=want,
                           match=cfg.final_match(fsha == img.file_sha) if is_final else None)
        last = r.body
    assert last["off"] == size
    return last, plan


def sizes_cycle(cfg, seq, style="smpclient"):
    """A chunk-size function cycling through `seq`; "max" means the largest that fits buf_size."""
    it = itertools.cycle(seq)

    def take(off):
        s = next(it)
        return o.max_chunk(cfg.buf_size, off, style=style) if s == "max" else s
    return take


def send_range(smp, data, start, end, step=1500, *, final_match=None, **kw):
    """Upload data[start:end] in order, in `step`-byte chunks; checks every `off`; returns the
    last response. `final_match` is the `match` the response reaching len(data) must carry."""
    rsp = None
    off = start
    while off < end:
        n = min(step, end - off)
        rsp = smp.upload(off, data[off:off + n], **kw)
        off += n
        o.check_upload_rsp(rsp.body, off=off,
                           match=final_match if off == len(data) else None)
    return rsp


def check_slot1(layout, dev, img):
    assert layout.read_slot(dev.flash, 1, len(img)) == img.data, "slot 1 differs from the image"


def state_entries(smp, cfg):
    rsp = smp.state_read()
    return o.check_state_rsp(rsp.body, cfg)


# --- full uploads ---------------------------------------------------------------------------------

def test_full_upload_windowed_v2(devices, running_device, cfg, layout):
    """≈1 MiB, seeded random payload; odd chunk sizes; window buf_count-1; duplicates and
    out-of-order chunks; final match true; slot 1 = image; state read lists it."""
    smp = devices.session(running_device, timeout=5)
    img = random_image(1024 * 1024 - 777, seed=20240521)
    assert len(img) < cfg.slot_size
    rng = random.Random(7)
    take = sizes_cycle(cfg, ["max", 1, 3, 31, 333, 1001, 2, cfg.buf_size // 2 + 1, "max", 17,
                             "max", "max", 255, 256, 257, "max"])
    last, plan = run_upload(smp, cfg, img, take=take, window=max(1, cfg.buf_count - 1), rng=rng,
                            dup=0.03, ooo=0.03)
    assert sum(1 for a, b in zip(plan, plan[1:]) if a == b) > 3, "plan has no duplicates"
    assert any(b[0] < a[0] for a, b in zip(plan, plan[1:])), "plan has no out-of-order chunks"
    check_slot1(layout, running_device, img)
    # Listed, not marked; in direct-XIP the higher version is what the next boot runs.
    want = o.idle_state(cfg, running_device.slot0_image, img)
    rsp = smp.state_read()
    o.check_state_rsp(rsp.body, cfg)
    assert rsp.body == want
    assert rsp.payload == o.zephyr_encode(want)
    # The upload state was reset by the completion: a repeat of the last chunk gets off 0.
    off, n = plan[-1]
    rsp = smp.upload(off, img.data[off:off + n])
    o.check_upload_rsp(rsp.body, off=0)


def test_full_upload_go_cli_v1(devices, device, cfg, layout):
    """Go CLI form: v1 headers, definite maps in struct order, `image` on every chunk, at most 512
    data bytes per chunk, window 5 (its default maximum)."""
    smp = devices.session(device, timeout=5)
    img = random_image(200_000, seed=5, version=(1, 5, 0))
    last, _ = run_upload(smp, cfg, img, take=sizes_cycle(cfg, [512, 512, 511, 512, 100]),
                         window=5, rng=random.Random(3), dup=0.02, ooo=0.02, version=o.V1,
                         style="go", first_n=512)
    check_slot1(layout, device, img)
    entries = state_entries(smp, cfg)
    assert [(e["slot"], e["version"], e["hash"]) for e in entries] == \
        [(1, "1.5.0", img.tlv_hash)]


def test_full_upload_indefinite_maps(devices, device, cfg, layout):
    """Requests as indefinite-length maps are accepted like definite ones."""
    smp = devices.session(device, timeout=5)
    img = random_image(60_000, seed=11, version=(0, 0, 1))
    last, _ = run_upload(smp, cfg, img, take=sizes_cycle(cfg, [1000, 977, "max"], style="indefinite"),
                         window=2, rng=random.Random(1), style="indefinite")
    check_slot1(layout, device, img)


def test_upload_window_larger_than_buffers(devices, device, cfg, layout):
    """buf_count requests in flight and more: UDP queues them; every one is answered in order."""
    smp = devices.session(device, timeout=5)
    img = random_image(100_000, seed=12, version=(0, 2, 0))
    run_upload(smp, cfg, img, take=sizes_cycle(cfg, ["max"]), window=cfg.buf_count + 4,
               rng=random.Random(2))
    check_slot1(layout, device, img)


def test_upload_single_chunk_image(devices, device, cfg, layout):
    """An image that fits one request completes in the first response."""
    smp = devices.session(device)
    img = random_image(300, seed=13, version=(0, 0, 2))
    assert len(img) + 200 < cfg.buf_size
    rsp = first_chunk(smp, img, len(img))
    o.check_upload_rsp(rsp.body, off=len(img), match=cfg.final_match(True))
    check_slot1(layout, device, img)


def test_upload_without_sha_reports_match_false(devices, device, cfg, layout):
    """No `sha`: the upload completes; with the image check the last response says match false."""
    smp = devices.session(device)
    img = random_image(9000, seed=14, version=(0, 0, 3))
    n0 = 1000
    rsp = smp.upload(0, img.data[:n0], length=len(img))
    o.check_upload_rsp(rsp.body, off=n0)
    send_range(smp, img.data, n0, len(img), final_match=cfg.final_match(False))
    check_slot1(layout, device, img)


def test_upload_with_wrong_sha_reports_match_false(devices, device, cfg, layout):
    smp = devices.session(device)
    img = random_image(5000, seed=15, version=(0, 0, 4))
    bad = hashlib.sha256(b"not the image").digest()
    rsp = smp.upload(0, img.data[:1500], length=len(img), sha=bad)
    o.check_upload_rsp(rsp.body, off=1500)
    send_range(smp, img.data, 1500, len(img), final_match=cfg.final_match(False))
    check_slot1(layout, device, img)


# --- resume ---------------------------------------------------------------------------------------

def test_resume_by_sha(devices, device, cfg, layout):
    """A first chunk with the stored `sha` while an upload is in progress writes nothing and
    answers the stored offset; the client continues from there."""
    smp = devices.session(device)
    img = random_image(20_000, seed=16, version=(0, 1, 0))
    rsp = first_chunk(smp, img, 1500)
    o.check_upload_rsp(rsp.body, off=1500)
    send_range(smp, img.data, 1500, 4000)
    before = layout.read_slot(device.flash, 1)
    # the resume probe carries different data: nothing may be written
    probe = bytearray(img.data[:1500])
    probe[100:200] = bytes(100)
    rsp = smp.upload(0, bytes(probe), length=len(img), sha=img.file_sha)
    o.check_upload_rsp(rsp.body, off=4000)
    assert layout.read_slot(device.flash, 1) == before
    send_range(smp, img.data, 4000, len(img), final_match=cfg.final_match(True))
    check_slot1(layout, device, img)


def test_resume_by_short_sha(devices, device, cfg, layout):
    """A shortened `sha` (≤32 bytes) labels the session for resume; the final check then reports
    match false."""
    smp = devices.session(device)
    img = random_image(8000, seed=17, version=(0, 1, 1))
    short = img.file_sha[:16]
    rsp = smp.upload(0, img.data[:1000], length=len(img), sha=short)
    o.check_upload_rsp(rsp.body, off=1000)
    rsp = smp.upload(0, img.data[:1000], length=len(img), sha=short)
    o.check_upload_rsp(rsp.body, off=1000)
    send_range(smp, img.data, 1000, len(img), final_match=cfg.final_match(False))
    check_slot1(layout, device, img)


def test_new_sha_restarts_upload(devices, device, cfg, layout):
    """A first chunk with another `sha` starts a new upload from 0."""
    smp = devices.session(device)
    a = random_image(10_000, seed=18, version=(0, 2, 1))
    b = random_image(7_000, seed=19, version=(0, 2, 2))
    rsp = first_chunk(smp, a, 1200)
    o.check_upload_rsp(rsp.body, off=1200)
    send_range(smp, a.data, 1200, 5000)
    rsp = first_chunk(smp, b, 1000)
    o.check_upload_rsp(rsp.body, off=1000)
    rsp = smp.upload(5000, a.data[5000:6000])   # the old session is gone
    o.check_upload_rsp(rsp.body, off=1000)
    send_range(smp, b.data, 1000, len(b), final_match=cfg.final_match(True))
    check_slot1(layout, device, b)


def test_continuation_without_upload_answers_zero(smp):
    """No upload in progress: a chunk at off != 0 answers {"off": 0}, no error."""
    for off in (1, 64, 4096, 0xFFFFFFFF):
        rsp = smp.upload(off, b"\x00" * 16)
        o.check_upload_rsp(rsp.body, off=0)
    rsp = smp.upload(5, b"\x00" * 16, version=o.V1, style="go")
    o.check_upload_rsp(rsp.body, off=0)


# --- upgrade -------------------------------------------------------------------------------------

@pytest.mark.parametrize("version,ok", [((1, 0, 0), False), ((0, 9, 9), False),
                                        ((1, 0, 0, 9), None), ((1, 0, 1), True),
                                        ((1, 1, 0), True), ((2, 0, 0), True)])
def test_upload_upgrade_flag(devices, running_device, cfg, version, ok):
    """`upgrade: true` needs a version strictly greater than the running 1.0.0, compared as
    major.minor.revision (+ build with the Kconfig)."""
    smp = devices.session(running_device)
    if ok is None:
        ok = cfg.flag("CONFIG_MCUMGR_GRP_IMG_VERSION_CMP_USE_BUILD_NUMBER")
    img = random_image(3000, seed=20, version=version)
    for ver in (o.V2, o.V1):
        rsp = first_chunk(smp, img, 1000, upgrade=True, version=ver,
                          style="smpclient" if ver == o.V2 else "go")
        if ok:
            o.check_upload_rsp(rsp.body, off=1000)
        else:
            o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_CURRENT_VERSION_IS_NEWER, cfg)
    # upgrade false (smpclient always sends it) never checks the version
    rsp = first_chunk(smp, random_image(3000, seed=21, version=(0, 0, 1)), 1000, upgrade=False)
    o.check_upload_rsp(rsp.body, off=1000)


# --- erase ---------------------------------------------------------------------------------------

def test_erase_empty_slot(smp, device, layout):
    req = o.packet(o.OP_WRITE, 1, 5, o.map_canonical({"slot": 1}), seq=0x43)
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == o.expected_response(req, {})
    assert rsp.raw == bytes.fromhex("0b00000200014305bfff")
    req = o.packet(o.OP_WRITE, 1, 5, o.map_canonical({}), seq=0x44, version=o.V1)
    rsp = smp.transact(req, timeout=10)
    assert rsp.raw == bytes.fromhex("0300000200014405bfff")


def test_erase_resets_upload_and_clears_slot(devices, running_device, cfg, layout):
    smp = devices.session(running_device)
    img = random_image(50_000, seed=22, version=(3, 0, 0))
    rsp = first_chunk(smp, img, 1500)
    o.check_upload_rsp(rsp.body, off=1500)
    send_range(smp, img.data, 1500, 9000)
    rsp = smp.erase(1)
    assert rsp.raw[8:] == b"\xbf\xff", rsp.hex
    assert layout.read_slot(running_device.flash, 1) == b"\xff" * layout.slot_size
    rsp = smp.upload(9000, img.data[9000:10000])
    o.check_upload_rsp(rsp.body, off=0)
    # the same sha no longer resumes: the upload starts over
    rsp = first_chunk(smp, img, 1500)
    o.check_upload_rsp(rsp.body, off=1500)


@pytest.mark.parametrize("version", [(3, 0, 1), (0, 9, 0)], ids=["newer", "older"])
def test_erase_after_complete_upload(devices, running_device, cfg, layout, version):
    smp = devices.session(running_device)
    img = random_image(30_000, seed=23, version=version)
    run_upload(smp, cfg, img, take=sizes_cycle(cfg, ["max"]), window=1, rng=random.Random(0))
    assert [e["slot"] for e in state_entries(smp, cfg)] == [0, 1]
    slot0 = layout.read_slot(running_device.flash, 0)
    if cfg.mode.direct_xip_no_revert and version > (1, 0, 0):
        # Direct-XIP: the higher version is "pending" (the next boot runs it), so in use.
        slot1 = layout.read_slot(running_device.flash, 1)
        for ver in (o.V2, o.V1):
            rsp = smp.erase(version=ver)
            o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_NO_FREE_SLOT, cfg)
        assert layout.read_slot(running_device.flash, 1) == slot1
        assert smp.state_read().body == o.idle_state(cfg, running_device.slot0_image, img)
        return
    rsp = smp.erase()          # no slot: the other slot of the running image
    assert rsp.body == {} and rsp.raw[8:] == b"\xbf\xff"
    assert layout.read_slot(running_device.flash, 1) == b"\xff" * layout.slot_size
    assert layout.read_slot(running_device.flash, 0) == slot0
    assert [e["slot"] for e in state_entries(smp, cfg)] == [0]


def test_erase_active_slot_refused(devices, running_device, cfg, layout):
    """Slot 0 holds the running image: NO_FREE_SLOT (9), v1 rc 6; nothing erased."""
    smp = devices.session(running_device)
    slot0 = layout.read_slot(running_device.flash, 0)
    for ver in (o.V2, o.V1):
        rsp = smp.erase(0, version=ver)
        o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_NO_FREE_SLOT, cfg)
    assert layout.read_slot(running_device.flash, 0) == slot0


@pytest.mark.parametrize("slot", [2, 3, 255, 0x10000])
def test_erase_invalid_slot(smp, cfg, device, layout, slot):
    before = open(device.flash, "rb").read()
    for ver in (o.V2, o.V1):
        rsp = smp.erase(slot, version=ver)
        o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_INVALID_SLOT, cfg)
    assert open(device.flash, "rb").read() == before


# --- state read and slot info ---------------------------------------------------------------------

def test_state_read_empty_device(smp, cfg):
    req = o.packet(o.OP_READ, 1, 0, b"\xa0", seq=0x42)
    rsp = smp.transact(req)
    want = {"images": []}
    if not cfg.flag("CONFIG_MCUMGR_GRP_IMG_FRUGAL_LIST"):
        want["splitStatus"] = 0
    assert rsp.raw == o.expected_response(req, want)


def test_state_read_running_image(devices, running_device, cfg):
    smp = devices.session(running_device)
    for ver in (o.V2, o.V1):
        rsp = smp.state_read(version=ver)
        o.check_state_rsp(rsp.body, cfg)
        want = o.idle_state(cfg, running_device.slot0_image, None)
        assert rsp.payload == o.zephyr_encode(want)


def test_state_read_build_number_and_flags(devices, cfg, layout):
    """version "major.minor.revision[.build]"; bootable false with IMAGE_F_NON_BOOTABLE."""
    slot0 = o.build_image(bytes(1000), (255, 255, 65535, 4294967295))
    dev = devices(load_slot0=slot0.data)
    smp = devices.session(dev)
    img = random_image(1000, seed=24, version=(0, 0, 0, 7), flags=o.IMAGE_F_NON_BOOTABLE)
    rsp = first_chunk(smp, img, len(img))
    o.check_upload_rsp(rsp.body, off=len(img), match=cfg.final_match(True))
    entries = state_entries(smp, cfg)
    assert [(e["version"], e["hash"]) for e in entries] == \
        [("255.255.65535.4294967295", slot0.tlv_hash), ("0.0.0.7", img.tlv_hash)]
    assert "bootable" not in entries[1] or entries[1]["bootable"] is False
    assert entries[0].get("bootable") is True


def test_state_read_skips_corrupt_slot(devices, running_device, cfg, layout):
    """A slot without a readable image is left out: no TLV area, a bad TLV magic, two SHA256
    TLVs, no SHA256 TLV (the upload itself only checks the header magic)."""
    smp = devices.session(running_device)
    good = random_image(1000, seed=26, version=(4, 0, 0))
    hdr_and_payload = good.data[:good.hdr_size + good.img_size]
    tlv_start = good.hdr_size + good.img_size
    bad_tlv_magic = bytearray(good.data)
    bad_tlv_magic[tlv_start:tlv_start + 2] = b"\x08\x69"
    two_hashes = o.build_image(good.data[good.hdr_size:tlv_start], (4, 0, 0),
                               extra_tlvs=[(o.TLV_SHA256, bytes(32))])
    no_hash = hdr_and_payload + bytes.fromhex("0769 0c00 0100 0400 00000000".replace(" ", ""))
    for data in (hdr_and_payload, bytes(bad_tlv_magic), two_hashes.data, no_hash):
        rsp = smp.upload(0, data, length=len(data), sha=hashlib.sha256(data).digest(),
                         timeout=10)
        o.check_upload_rsp(rsp.body, off=len(data), match=cfg.final_match(True))
        assert layout.read_slot(running_device.flash, 1, len(data)) == data
        entries = state_entries(smp, cfg)
        assert [e["slot"] for e in entries] == [0], entries
        rsp = smp.erase(1)
        assert rsp.body == {}
    rsp = smp.upload(0, good.data, length=len(good), sha=good.file_sha, timeout=10)
    o.check_upload_rsp(rsp.body, off=len(good), match=cfg.final_match(True))
    entries = state_entries(smp, cfg)
    assert [(e["slot"], e["hash"]) for e in entries] == \
        [(0, running_device.slot0_image.tlv_hash), (1, good.tlv_hash)]


def test_slot_info(smp, cfg):
    if not cfg.flag("CONFIG_MCUMGR_GRP_IMG_SLOT_INFO"):
        pytest.skip("slot info not configured")
    req = o.packet(o.OP_READ, 1, 6, b"\xa0", seq=0x45)
    rsp = smp.transact(req)
    want = {"images": [{"image": 0, "slots": [
        {"slot": 0, "size": cfg.slot_size},
        {"slot": 1, "size": cfg.slot_size, "upload_image_id": 0}]}]}
    assert rsp.body == want
    assert rsp.raw == o.expected_response(req, want)


# --- limits of the first chunk --------------------------------------------------------------------

def test_len_up_to_the_trailer_accepted(smp, cfg):
    """The first chunk may announce up to the mode's limit, short of MCUboot's trailer; a whole
    slot (an imgtool --pad image) or one byte more is too large, as with Zephyr's TOO_LARGE
    checks: an upload must never write a trailer of its own."""
    img = random_image(2000, seed=25)
    for length in (cfg.slot_size, cfg.max_image_size + 1):
        rsp = smp.upload(0, img.data[:1000], length=length, sha=img.file_sha, timeout=10)
        o.check_group_error(rsp, o.GRP_IMG, o.IMG_ERR_INVALID_IMAGE_TOO_LARGE, cfg)
    rsp = smp.upload(0, img.data[:1000], length=cfg.max_image_size, sha=img.file_sha, timeout=10)
    o.check_upload_rsp(rsp.body, off=1000)
