#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the harnesses that take structured inputs (fuzz_boot, fuzz_dfu,
fuzz_zip, fuzz_client) into tests/fuzz/corpus/<harness>/. The seeds are committed; run this again
only when an input format changes:  /usr/bin/python3 tests/fuzz/make_seeds.py

Images here carry the right SHA-256 but placeholder key hashes and signatures: the seeds set the
harnesses' "fix signatures" bit, and the harness signs with its own test keys."""

import hashlib
import io
import json
import os
import struct
import zipfile

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

IMAGE_MAGIC = 0x96F3B83D
TLV_INFO, TLV_PROT_INFO = 0x6907, 0x6908
TLV_KEYHASH, TLV_PUBKEY, TLV_SHA256, TLV_SHA512 = 0x01, 0x02, 0x10, 0x12
TLV_ECDSA, TLV_ED25519, TLV_SIG_PURE = 0x22, 0x24, 0x25
SPKI_LEN = {"ed": 44, "ec": 91}  # SubjectPublicKeyInfo of an Ed25519 and a P-256 key
TLV_DEPENDENCY, TLV_SEC_CNT = 0x40, 0x50
F_ROM_FIXED, F_NON_BOOTABLE, F_ENCRYPTED = 0x100, 0x10, 0x04

BOOT_MAGIC = bytes.fromhex("77c295f360d2ef7f3552500f2cb67980")


def tlv(t, value):
    return struct.pack("<HH", t, len(value)) + value


def image(ver=(3, 0, 0, 0), hdr_size=0x80, payload=600, seed=7, flags=0, load_addr=0,
          prot=b"", sigs=("ed",), extra=b"", hash_ok=True, sha512=False, pure=False,
          key_tlv="hash"):
    """An MCUboot image: header, payload, protected TLVs (prot: their entries), its hash (SHA-256
    or SHA-512), a SIG_PURE marker when pure, then per key in sigs a key TLV (key_tlv: "hash" a
    KEYHASH of the hash's length, "pubkey" a PUBKEY) and a signature placeholder, then extra
    unprotected entries."""
    prot_area = struct.pack("<HH", TLV_PROT_INFO, 4 + len(prot)) + prot if prot else b""
    hdr = struct.pack("<IIHHIIBBHI", IMAGE_MAGIC, load_addr, hdr_size, len(prot_area), payload,
                      flags, ver[0], ver[1], ver[2], ver[3])
    hdr += b"\xff" * (hdr_size - len(hdr))
    x = (seed * 2654435761 + 1) & 0xFFFFFFFF
    body = bytearray()
    for _ in range(payload):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        body.append(x & 0xFF)
    hashed = hdr + bytes(body) + prot_area
    digest = (hashlib.sha512 if sha512 else hashlib.sha256)(hashed).digest()
    if not hash_ok:
        digest = bytes(len(digest))
    entries = tlv(TLV_SHA512 if sha512 else TLV_SHA256, digest)
    if pure:
        entries += tlv(TLV_SIG_PURE, b"\x01")
    for s in sigs:
        if key_tlv == "pubkey":
            entries += tlv(TLV_PUBKEY, bytes(SPKI_LEN[s]))
        else:
            entries += tlv(TLV_KEYHASH, bytes(len(digest)))
        entries += tlv(TLV_ED25519, bytes(64)) if s == "ed" else tlv(TLV_ECDSA, bytes(72))
    entries += extra
    return hashed + struct.pack("<HH", TLV_INFO, 4 + len(entries)) + entries


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- fuzz_boot: 8 control bytes, then the secondary slot (4096 bytes, BOOT_MAX_ALIGN 8) ----------

SLOT = 4096
MODES = {"move": 0, "scratch": 1, "overwrite": 2, "xip": 3, "xip-revert": 4}
KEYS = {"none": 0, "ed": 1, "ec": 2, "both": 3}
ACTIONS = {"none": 0, "test": 1, "perm": 2}


def trailer(slot=SLOT, magic=True, image_ok=None, copy_done=None, swap_info=None,
            swap_size=None):
    """The last bytes of a slot with the trailer fields set that are given (A = 8)."""
    t = bytearray(b"\xff" * 48)
    base = slot - 48
    if swap_size is not None:
        i = slot - 16 - 32 - base
        t[i:i + 4] = struct.pack("<I", swap_size)
    if swap_info is not None:
        t[slot - 16 - 24 - base] = swap_info
    if copy_done is not None:
        t[slot - 16 - 16 - base] = copy_done
    if image_ok is not None:
        t[slot - 16 - 8 - base] = image_ok
    if magic:
        t[-16:] = BOOT_MAGIC
    return bytes(t)


def with_trailer(img, tr, slot=SLOT):
    return img + b"\xff" * (slot - len(img) - len(tr)) + tr


def forged(magic=True, image_ok=None, copy_done=None, swap_info=None, swap_size=None,
           foreign_magic=False, dirty_padding=False):
    """The harness's short form of a trailer the upload brings (t0..t4)."""
    t0 = (magic << 0 | (image_ok is not None) << 1 | (copy_done is not None) << 2 |
          (swap_info is not None) << 3 | (swap_size is not None) << 4 | foreign_magic << 5 |
          dirty_padding << 6)
    return bytes([t0, image_ok or 0, copy_done or 0, swap_info or 0, (swap_size or 0) >> 8])


def boot_seed(name, upload, mode="move", no_downgrade=False, validate_primary=True, wb=2,
              p_trailer=False, keys="ed", fix=3, action="test", confirm=False, cut=None,
              torn=False, tr=bytes(5)):
    c0 = MODES[mode] | no_downgrade << 3 | validate_primary << 4 | wb << 5 | p_trailer << 7
    c1 = KEYS[keys] | fix << 2 | ACTIONS[action] << 4 | confirm << 6 | (cut is not None) << 7
    c2 = (cut or 0) | torn << 7
    write("fuzz_boot", name, bytes([c0, c1, c2]) + tr + upload)


def boot_seeds():
    v3 = image()
    v1 = image(ver=(1, 0, 0, 0), seed=9)
    for mode in MODES:
        for action in ("test", "perm"):
            boot_seed(f"{mode}-{action}", v3, mode=mode, action=action,
                      p_trailer=mode.startswith("xip"))
    boot_seed("move-none", v3, action="none")
    boot_seed("move-test-confirm", v3, confirm=True)
    boot_seed("move-test-wb1-both-keys", image(sigs=("ed", "ec")), keys="both", wb=0)
    boot_seed("move-test-ecdsa-wb8", image(sigs=("ec",)), keys="ec", wb=3)
    boot_seed("move-test-hash-only", image(sigs=()), keys="none", fix=1)
    boot_seed("move-test-sha512", image(sha512=True), wb=1)
    boot_seed("move-test-pure-ed25519", image(sha512=True, pure=True), keys="both")
    boot_seed("move-test-pubkey-ecdsa", image(sigs=("ec",), key_tlv="pubkey"), keys="ec")
    boot_seed("move-test-pubkey-both", image(sigs=("ed", "ec"), key_tlv="pubkey"), keys="both")
    boot_seed("scratch-perm-sha512-ecdsa", image(sigs=("ec",), sha512=True), mode="scratch",
              action="perm", keys="ec")
    boot_seed("move-test-bad-hash", image(hash_ok=False), fix=2)
    boot_seed("move-test-unsigned", v3, fix=1)
    boot_seed("move-test-protected-tlvs",
              image(prot=tlv(TLV_SEC_CNT, struct.pack("<I", 3)) +
                    tlv(TLV_DEPENDENCY, bytes(12))))
    boot_seed("move-test-unprotected-sec-cnt",
              image(extra=tlv(TLV_SEC_CNT, struct.pack("<I", 3))))
    boot_seed("move-test-too-large", image(payload=3500), wb=2)
    boot_seed("move-test-non-bootable", image(flags=F_NON_BOOTABLE))
    boot_seed("move-test-encrypted", image(flags=F_ENCRYPTED))
    boot_seed("move-downgrade-refused", v1, no_downgrade=True)
    boot_seed("overwrite-downgrade-refused", v1, mode="overwrite", no_downgrade=True)
    boot_seed("scratch-test-confirm", v3, mode="scratch", confirm=True)
    boot_seed("xip-older", v1, mode="xip", action="none")
    boot_seed("xip-rom-fixed", image(flags=F_ROM_FIXED, load_addr=512 * 9), mode="xip",
              action="none")
    boot_seed("xip-revert-confirm", v3, mode="xip-revert", p_trailer=True, confirm=True)
    for cut in (1, 4, 9, 20, 40):
        boot_seed(f"move-test-cut-{cut}-torn", v3, cut=cut, torn=True)
        boot_seed(f"scratch-perm-cut-{cut}", v3, mode="scratch", action="perm", cut=cut)
    # Uploads that bring their own trailer (imgtool --pad, --pad --confirm, and forged ones).
    boot_seed("move-padded-test", with_trailer(v3, trailer()), action="none")
    boot_seed("move-padded-confirmed", with_trailer(v3, trailer(image_ok=1)), action="none")
    boot_seed("move-padded-bad-magic", with_trailer(v3, trailer(magic=False, image_ok=1)))
    # The upload forges a revert (magic, image_ok = 1, swap_info = REVERT): beside a confirmed
    # primary an older image must still not run with downgrade prevention on. Swap-using-move
    # skipped the check (finding 1). Beside a factory image without a trailer the flash looks
    # exactly like a revert cut after its fixup, which the bootloader must finish.
    boot_seed("move-forged-revert-downgrade",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04)), no_downgrade=True,
              action="none", p_trailer=True)
    boot_seed("move-forged-revert-downgrade-test",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04, swap_size=2048)),
              no_downgrade=True, action="test", p_trailer=True)
    boot_seed("move-forged-revert-factory-primary",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04)), no_downgrade=True,
              action="none")
    boot_seed("scratch-forged-revert-downgrade",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04)), mode="scratch",
              no_downgrade=True, action="none")
    boot_seed("move-forged-copy-done", with_trailer(v3, trailer(copy_done=1, swap_info=0x02)),
              action="test")
    # The same in the harness's short form, which the fuzzer mutates more easily.
    boot_seed("move-short-forged-revert-downgrade", v1,
              tr=forged(image_ok=1, swap_info=0x04), no_downgrade=True, action="none",
              p_trailer=True)
    boot_seed("move-short-padded-confirmed", v3, tr=forged(image_ok=1), action="none")
    boot_seed("xip-revert-short-padded", v3, mode="xip-revert", tr=forged(), action="none")
    boot_seed("overwrite-short-padded-confirmed", v3, mode="overwrite", tr=forged(image_ok=1),
              action="none")
    boot_seed("move-short-foreign-magic", v3, tr=forged(magic=False, foreign_magic=True))
    boot_seed("scratch-short-swap-size", v3, mode="scratch", tr=forged(swap_size=0x300,
                                                                       swap_info=0x03))
    # Findings of this harness on main (docs/fuzzing.md): a trailer field whose write block the
    # upload left dirty beyond the byte the reader looks at; a copy_done the upload set to a value
    # that is neither erased nor 1.
    boot_seed("finding-xip-revert-dirty-copy-done-bricks", v3, mode="xip-revert",
              tr=forged(copy_done=0xFF, dirty_padding=True), action="none")
    boot_seed("finding-move-perm-over-dirty-image-ok", v3,
              tr=forged(magic=False, image_ok=0xFF, dirty_padding=True), action="perm")
    boot_seed("finding-xip-revert-bad-copy-done-never-reverts", v3, mode="xip-revert",
              tr=forged(magic=False, copy_done=0x00), action="test")
    boot_seed("empty-slot-test", b"", action="test")
    boot_seed("garbage", bytes(range(256)) * 4, action="perm")


# ---- fuzz_dfu: a starting state, then operations (opcode | client << 4, arguments) ---------------

STARTS = {"factory": 0, "uploaded": 1, "test": 2, "trial": 3, "confirmed": 4, "perm": 5}
IMGS = {"P": 0, "A": 1, "B": 2, "unsigned": 3, "too-large": 4}
HASH_NONE = 7


def op_raw(unit, client=0):
    return bytes([0 | client << 4, len(unit) >> 8, len(unit) & 0xFF]) + unit


def op_upload(img, chunk=0, flags=0, client=0):
    return bytes([1 | client << 4 | IMGS[img] << 6, chunk, flags])


def op_upload_all(img, flags=0, client=0):
    return bytes([2 | client << 4, IMGS[img], flags])


def op_state_write(img=None, confirm=False, client=0, raw_hash=None):
    if raw_hash is not None:
        return bytes([3 | client << 4, 5, confirm]) + raw_hash
    return bytes([3 | client << 4, HASH_NONE if img is None else IMGS[img], confirm])


def op_state_read(client=0):
    return bytes([4 | client << 4])


def op_erase(slot=None, client=0):
    return bytes([5 | client << 4, 3 if slot is None else slot])


def op_reset(force=False, client=0):
    return bytes([6 | client << 4, force])


def op_power_cycle():
    return bytes([7])


def op_cut(after, torn=False):
    return bytes([8, after, torn])


def op_time(ticks):
    return bytes([9, ticks])


def smp(op, group, cmd, payload, seq=0, version=1):
    return struct.pack(">BBHHBB", op | version << 3, 0, len(payload), group, seq, cmd) + payload


def dfu_seed(name, start, *ops):
    write("fuzz_dfu", name, bytes([STARTS[start]]) + b"".join(ops))


def dfu_seeds():
    dfu_seed("test-reset-confirm", "factory", op_upload_all("A"), op_state_write("A"),
             op_reset(), op_state_read(), op_state_write(confirm=True), op_reset())
    dfu_seed("test-reset-revert", "factory", op_upload_all("A"), op_state_write("A"),
             op_reset(), op_reset())
    dfu_seed("perm-reset", "factory", op_upload_all("B"), op_state_write("B", confirm=True),
             op_reset(force=True))
    dfu_seed("upload-no-request-reset", "factory", op_upload_all("A"), op_power_cycle())
    dfu_seed("chunks-two-clients", "factory", op_upload("A", 40), op_upload("B", 40, client=1),
             op_upload("A", 200), op_upload("A", 0), op_upload("B", 0, client=1),
             op_upload("A", 0), op_state_read())
    dfu_seed("resume-by-another-client", "factory", op_upload("A", 100), op_upload("A", 100),
             op_upload("A", 0, flags=0x40, client=1), op_upload("A", 0, client=1),
             op_upload("A", 0, client=1), op_upload("A", 0, client=0))
    dfu_seed("offset-skew", "factory", op_upload("B", 50), op_upload("B", 50, flags=0x08),
             op_upload("B", 0), op_upload("B", 0))
    dfu_seed("bad-first-chunks", "factory", op_upload("A", 10, flags=0x01),
             op_upload("A", 10, flags=0x02), op_upload("A", 10, flags=0x10),
             op_upload("A", 10, flags=0x20), op_upload("A", 2), op_upload_all("A", flags=0x02))
    dfu_seed("upgrade-older", "confirmed", op_upload_all("B", flags=0x04), op_upload_all("P"),
             op_state_write("P"), op_reset())
    dfu_seed("cut-during-upload", "factory", op_cut(3, True), op_upload_all("A"),
             op_upload_all("A"), op_state_write("A"), op_reset())
    dfu_seed("cut-during-state-write", "uploaded", op_cut(0, True), op_state_write("A", True),
             op_state_read(), op_reset())
    for n in (2, 5, 11, 23, 30):
        dfu_seed(f"cut-during-swap-{n}", "test", op_cut(n, n % 2 == 1), op_power_cycle(),
                 op_state_read(), op_power_cycle())
    dfu_seed("trial-confirm", "trial", op_state_write(confirm=True), op_power_cycle())
    dfu_seed("trial-confirm-other", "trial", op_state_write("P", confirm=True), op_reset())
    dfu_seed("trial-erase-upload", "trial", op_erase(1), op_erase(), op_upload_all("B"),
             op_state_write("B"), op_reset())
    dfu_seed("trial-reset", "trial", op_reset())
    dfu_seed("perm-pending-reset", "perm", op_state_read(), op_state_write("B"), op_reset())
    dfu_seed("test-pending-erase", "test", op_erase(1), op_erase(0), op_state_read(),
             op_reset())
    dfu_seed("too-large", "factory", op_upload_all("too-large"), op_state_write("too-large"),
             op_reset())
    dfu_seed("unsigned", "factory", op_upload_all("unsigned"), op_state_write("unsigned", True),
             op_reset())
    dfu_seed("state-write-unknown-hash", "uploaded", op_state_write(raw_hash=bytes(range(32))),
             op_state_write("A", True), op_power_cycle())
    dfu_seed("reset-then-time", "factory", op_reset(), op_time(10), op_time(200))
    dfu_seed("raw-echo-and-state", "factory",
             op_raw(smp(2, 0, 0, bytes.fromhex("a1616465") + b"hello")),
             op_raw(smp(0, 1, 0, b"\xa0") + smp(0, 1, 6, b"\xa0")),
             op_raw(smp(2, 1, 5, bytes.fromhex("a164736c6f7401"))),
             op_raw(smp(2, 0, 5, b"\xa0")), op_time(100))
    dfu_seed("raw-upload-first-chunk", "factory",
             op_raw(smp(2, 1, 1, bytes.fromhex("a4636f666600646461746158203db8f396") +
                        bytes(28) + bytes.fromhex("636c656e1910006373686140"))),
             op_upload("A", 30, client=0))
    dfu_seed("confirmed-upload-test-revert", "confirmed", op_upload_all("B"),
             op_state_write("B"), op_reset(), op_reset(), op_state_read())


# ---- fuzz_zip: files given to "image upload" ---------------------------------------------------

def manifest(files, **extra):
    m = {"format-version": 1, "time": 1700000000, "files": files, "name": "app"}
    m.update(extra)
    return json.dumps(m, indent=4).encode()


def app_entry(file, **keys):
    e = {"board": "nrf52840dk", "soc": "nrf52840", "load_address": 0xC200, "image_index": "0",
         "slot_index_primary": "1", "slot_index_secondary": "2", "type": "application",
         "version_MCUBOOT": "3.0.0", "size": 1000, "modtime": 1700000000, "file": file}
    e.update(keys)
    return e


def package(members, compress=False, comment=b""):
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
        z.comment = comment
    return buf.getvalue()


def zip_seeds():
    app = image(payload=300)
    net = image(payload=200, seed=11)
    write("fuzz_zip", "raw-image", app)
    write("fuzz_zip", "ncs-app", package([
        ("app.signed.bin", app), ("manifest.json", manifest([app_entry("app.signed.bin")]))]))
    write("fuzz_zip", "ncs-app-and-netcore", package([
        ("app.signed.bin", app), ("net.signed.bin", net),
        ("manifest.json", manifest([app_entry("app.signed.bin"),
                                    app_entry("net.signed.bin", image_index="1")]))]))
    write("fuzz_zip", "ncs-direct-xip", package([
        ("app.signed.bin", app), ("mcuboot_secondary_app.bin", net),
        ("manifest.json", manifest([app_entry("app.signed.bin", slot="0"),
                                    app_entry("mcuboot_secondary_app.bin", slot="1")]))]))
    write("fuzz_zip", "numbers-not-strings", package([
        ("a.bin", app), ("manifest.json",
                         b'{"files":[{"image_index":0,"file":"a.bin","x":[1,{"y":null}]}]}')]))
    write("fuzz_zip", "escapes-in-manifest", package([
        ("a/b.bin", app), ("manifest.json",
                           b'{"files":[{"file":"a\\/b.bin","type":"\\u0041\\t"}],"z":"\\"q"}')]))
    write("fuzz_zip", "deflated", package([("app.signed.bin", app), (
        "manifest.json", manifest([app_entry("app.signed.bin")]))], compress=True))
    write("fuzz_zip", "no-manifest", package([("app.signed.bin", app)]))
    write("fuzz_zip", "missing-member", package([("manifest.json",
                                                  manifest([app_entry("gone.bin")]))]))
    write("fuzz_zip", "two-applications", package([
        ("a.bin", app), ("b.bin", net),
        ("manifest.json", manifest([app_entry("a.bin"), app_entry("b.bin")]))]))
    write("fuzz_zip", "not-an-image", package([("a.bin", b"hello world"), (
        "manifest.json", manifest([app_entry("a.bin")]))]))
    write("fuzz_zip", "with-comment", package([("a.bin", app), (
        "manifest.json", manifest([app_entry("a.bin")]))], comment=b"PK\x05\x06 not an end"))
    bad_crc = bytearray(package([("a.bin", app), ("manifest.json",
                                                  manifest([app_entry("a.bin")]))]))
    bad_crc[40] ^= 0xFF  # a byte of a.bin's data
    write("fuzz_zip", "bad-crc", bytes(bad_crc))
    write("fuzz_zip", "empty-zip", package([]))


# ---- fuzz_client: a command and its options, then the device's answers ------------------------

def cbor(v):
    """A small CBOR encoder for the answers below (definite lengths, shortest heads)."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | ai]) + struct.pack(fmt, n)
        raise ValueError(n)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(v)


COMMANDS = {"echo": 0, "params": 1, "reset": 2, "bootloader-info": 3, "os-info": 4,
            "list": 5, "test": 6, "confirm": 7, "erase": 8, "slot-info": 9, "upload": 10,
            "upload-package": 11}


def answer(body, fix=True, back=0, raw_body=False):
    """One scripted answer: the header is made to answer the request `back` requests ago."""
    payload = body if raw_body else cbor(body)
    pkt = struct.pack(">BBHHBB", 3, 0, len(payload), 0, 0, 0) + payload
    return bytes([(0x03 if fix else 0) | back << 4, len(pkt) >> 8, len(pkt) & 0xFF]) + pkt


def timeout():
    return bytes([0x04, 0, 0])


def client_seed(name, command, *answers, json_out=False, v1=False, verbose=False, variant=0):
    opts = json_out | v1 << 1 | verbose << 2 | variant << 3
    write("fuzz_client", name, bytes([COMMANDS[command], opts]) + b"".join(answers))


def client_seeds():
    h = bytes(range(32))
    state = {"images": [
        {"slot": 0, "version": "1.2.3", "hash": h, "bootable": True, "confirmed": True,
         "active": True},
        {"image": 0, "slot": 1, "version": "2.0.0.7", "hash": h[::-1], "bootable": True,
         "pending": True}], "splitStatus": 0}
    for j in (False, True):
        sfx = "-json" if j else ""
        client_seed("echo" + sfx, "echo", answer({"r": "hello"}), json_out=j)
        client_seed("params" + sfx, "params", answer({"buf_size": 2048, "buf_count": 4}),
                    json_out=j)
        client_seed("reset" + sfx, "reset", answer({}), json_out=j, variant=1)
        client_seed("bootloader-info" + sfx, "bootloader-info",
                    answer({"bootloader": "MCUboot", "mode": 3, "no-downgrade": False}),
                    json_out=j)
        client_seed("os-info" + sfx, "os-info", answer({"output": "smpdfu fuzz 0.1.0"}),
                    json_out=j, variant=1)
        client_seed("list" + sfx, "list", answer(state), json_out=j)
        client_seed("test" + sfx, "test", answer(state), json_out=j)
        client_seed("confirm" + sfx, "confirm", answer(state), json_out=j, variant=1)
        client_seed("erase" + sfx, "erase", answer({}), json_out=j, variant=1)
        client_seed("slot-info" + sfx, "slot-info", answer({"images": [{
            "image": 0, "slots": [{"slot": 0, "size": 0x180000},
                                  {"slot": 1, "size": 0x180000, "upload_image_id": 0}],
            "max_image_size": 0x17e000}]}), json_out=j)
        client_seed("upload" + sfx, "upload", answer({"buf_size": 1024, "buf_count": 2}),
                    answer({"off": 900}), answer({"off": 1800}),
                    answer({"off": 2156, "match": True}), json_out=j)
        client_seed("upload-package" + sfx, "upload-package", answer(state),
                    answer({"buf_size": 2048, "buf_count": 3}), answer({"off": 1900}),
                    answer({"off": 2156, "match": False}), json_out=j, variant=1)
    client_seed("upload-resume-timeouts", "upload", answer({"buf_size": 512, "buf_count": 4}),
                answer({"off": 0}), answer({"off": 100}), timeout(),
                answer({"off": 1400}, back=1),
                answer({"off": 0}), timeout(), timeout(), variant=0x1F)
    client_seed("upload-no-params", "upload", answer({"rc": 8}), answer({"off": 2156}))
    client_seed("error-v1-reason", "echo", answer({"rc": 3, "rsn": "bad request"}), v1=True)
    client_seed("error-v2-group", "test", answer({"err": {"group": 1, "rc": 8}}),
                json_out=True)
    client_seed("error-ret", "erase", answer({"ret": {"group": 1, "rc": 6}, "rsn": "busy"}))
    client_seed("verbose-stale-answers", "list", answer(state, fix=False),
                answer(state, back=1), answer(state), verbose=True)
    client_seed("truncated-answer", "list", bytes([0x01, 0, 12]) +
                struct.pack(">BBHHBB", 3, 0, 40, 0, 0, 0) + b"\xa1\x61")
    client_seed("json-escapes", "echo", answer({"r": 'say "hi"\\ \t\n\x7f', "\x01": 1}),
                json_out=True)
    client_seed("nested-json", "echo", answer({"r": "x", "d": [[[[{"a": [1, -2, None,
                                                                           b"\x00"]}]]]]}),
                json_out=True)
    client_seed("tags-floats-indefinite", "list", answer(
        bytes.fromhex("bf66696d616765739fbf64736c6f7400c11a01020304fb3ff0000000000000ffff"
                      "ff"), raw_body=True), json_out=True)
    # Findings of this harness on main (docs/fuzzing.md): device text reaches the terminal with
    # its control characters; --json leaves half a value on stdout when the body turns out
    # malformed, and passes text that is not UTF-8 into the JSON.
    client_seed("finding-terminal-escape-os-info", "os-info",
                answer({"output": "ok\x1b]0;owned\x07\x1b[2J"}))
    client_seed("finding-terminal-escape-reason", "echo",
                answer({"rc": 3, "rsn": "bad\x1b[8m"}))
    client_seed("finding-json-half-printed", "reset", answer(
        bytes.fromhex("a261720181010203"), raw_body=True), json_out=True)
    client_seed("finding-json-not-utf8", "echo", answer(
        bytes.fromhex("a1617262ff41"), raw_body=True), json_out=True)


if __name__ == "__main__":
    boot_seeds()
    dfu_seeds()
    zip_seeds()
    client_seeds()
