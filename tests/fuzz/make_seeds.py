#!/usr/bin/python3
"""Writes the seed corpora of the harnesses that take structured inputs (fuzz_boot, fuzz_dfu,
fuzz_zip, fuzz_client) into tests/fuzz/corpus/<harness>/. The seeds are committed; run this again
only when an input format changes:  /usr/bin/python3 tests/fuzz/make_seeds.py

Images here carry the right SHA-256 but placeholder key hashes and signatures: the seeds set the
harnesses' "fix signatures" bit, and the harness signs with its own test keys."""

import hashlib
import os
import struct
import zlib

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

IMAGE_MAGIC = 0x96F3B83D
TLV_INFO, TLV_PROT_INFO = 0x6907, 0x6908
TLV_KEYHASH, TLV_SHA256, TLV_ECDSA, TLV_ED25519 = 0x01, 0x10, 0x22, 0x24
TLV_DEPENDENCY, TLV_SEC_CNT = 0x40, 0x50
F_ROM_FIXED, F_NON_BOOTABLE, F_ENCRYPTED = 0x100, 0x10, 0x04

BOOT_MAGIC = bytes.fromhex("77c295f360d2ef7f3552500f2cb67980")


def tlv(t, value):
    return struct.pack("<HH", t, len(value)) + value


def image(ver=(3, 0, 0, 0), hdr_size=0x80, payload=600, seed=7, flags=0, load_addr=0,
          prot=b"", sigs=("ed",), extra=b"", hash_ok=True):
    """An MCUboot image: header, payload, protected TLVs (prot: their entries), SHA-256, then a
    KEYHASH and a signature placeholder per key in sigs, then extra unprotected entries."""
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
    digest = hashlib.sha256(hashed).digest()
    if not hash_ok:
        digest = bytes(32)
    entries = tlv(TLV_SHA256, digest)
    for s in sigs:
        entries += tlv(TLV_KEYHASH, bytes(32))
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
    # The upload forges a revert (magic, image_ok = 1, swap_info = REVERT): an older image must
    # still not run with downgrade prevention on. Swap-using-move skipped the check on main.
    boot_seed("move-forged-revert-downgrade",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04)), no_downgrade=True,
              action="none")
    boot_seed("move-forged-revert-downgrade-test",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04, swap_size=2048)),
              no_downgrade=True, action="test")
    boot_seed("scratch-forged-revert-downgrade",
              with_trailer(v1, trailer(image_ok=1, swap_info=0x04)), mode="scratch",
              no_downgrade=True, action="none")
    boot_seed("move-forged-copy-done", with_trailer(v3, trailer(copy_done=1, swap_info=0x02)),
              action="test")
    # The same in the harness's short form, which the fuzzer mutates more easily.
    boot_seed("move-short-forged-revert-downgrade", v1,
              tr=forged(image_ok=1, swap_info=0x04), no_downgrade=True, action="none")
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


if __name__ == "__main__":
    boot_seeds()
