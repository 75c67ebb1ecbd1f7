# SPDX-License-Identifier: Apache-2.0
"""smpdfu-image against bytes made by MCUboot's imgtool (tests/vectors/mcuboot): unsigned and
Ed25519 images byte for byte, ECDSA images byte for byte but for the (randomized) signature, which
is verified instead; keys, verification (also of full-key and pure Ed25519 images, checked against
Python's cryptography), dump (the trailer as imgtool dumpinfo shows it), and dfu_application.zip
read back with Python's zipfile."""
import json
import os
import pathlib
import re
import struct
import subprocess
import zipfile

import pytest

BUILD = pathlib.Path(os.environ["SMPDFU_BUILD_DIR"])
TOOL = BUILD / "tools" / "smpdfu-image"
VECTORS = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "mcuboot"


EC_KEY = VECTORS / "root-ec-p256.pem"
ED_KEY = VECTORS / "root-ed25519.pem"
PAYLOAD = VECTORS / "payload.bin"
EC_KEYHASH = "e30466f6b8470c1f29070b17f1e2d3e94d445e3f608087fdc711e4382bb538b6"
ED_KEYHASH = "c1907fa4eac7fae3840a78902b6f0710b037e9968e5c6274a12a28790c7d4e3c"
TLV_ECDSA_SIG = 0x22


def run(*args, check=True):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True,
                          check=check)


def create(out, *args):
    """create with what every vector image had: --header-size 0x200 --pad-header."""
    run("create", "--header-size", "0x200", "--pad-header", *args, PAYLOAD, out)
    return out.read_bytes()


def layout(image):
    """(offset of the unprotected TLV info, [(type, value)] of its entries, end of the image)."""
    _, _, hdr_size, prot_size, img_size, _ = struct.unpack_from("<IIHHII", image)
    info = hdr_size + img_size + prot_size
    magic, total = struct.unpack_from("<HH", image, info)
    assert magic == 0x6907
    entries, pos = [], info + 4
    while pos < info + total:
        tlv_type, length = struct.unpack_from("<HH", image, pos)
        entries.append((tlv_type, image[pos + 4:pos + 4 + length]))
        pos += 4 + length
    assert pos == info + total
    return info, entries, pos


def assert_same_but_signature(ours, theirs):
    """Every byte equal except the ECDSA signature's (and the sizes that follow its length): the
    hashed part, every other TLV, and whatever follows the image (padding and trailer)."""
    info_a, tlvs_a, end_a = layout(ours)
    info_b, tlvs_b, end_b = layout(theirs)
    assert info_a == info_b and ours[:info_a] == theirs[:info_b]
    assert [t for t, _ in tlvs_a] == [t for t, _ in tlvs_b]
    for (t, a), (_, b) in zip(tlvs_a, tlvs_b):
        if t != TLV_ECDSA_SIG:
            assert a == b, hex(t)
    sig_growth = len(signature_of(ours)) - len(signature_of(theirs))
    tail_a, tail_b = ours[end_a:], theirs[end_b:]
    if tail_a or tail_b:
        # Padded to the same slot: the signature's length moves the image end, not the trailer.
        assert len(ours) == len(theirs)
        short, long = sorted((tail_a, tail_b), key=len)
        extra = len(long) - len(short)
        assert extra == abs(sig_growth)
        assert long[:extra] == b"\xff" * extra and long[extra:] == short
    else:
        # DER integers vary in length (70-72 bytes mostly, shorter now and then).
        assert len(ours) - len(theirs) == sig_growth


def signature_of(image):
    return next(v for t, v in layout(image)[1] if t == TLV_ECDSA_SIG)


def image_hash(image):
    """The image hash TLV: SHA-256 (0x10), or SHA-512 (0x12) in a pure image."""
    return next(v for t, v in layout(image)[1] if t in (0x10, 0x12))


def test_unsigned_image_is_byte_identical_to_imgtool(tmp_path):
    out = tmp_path / "img.bin"
    run("create", "--version", "2.0.0", "--header-size", "0x200", "--pad-header",
        "--slot-size", "0x40000", VECTORS / "payload.bin", out)
    assert out.read_bytes() == (VECTORS / "hash-only.signed.bin").read_bytes()


def test_hash_is_the_digest_imgtool_verify_prints():
    verified = 0
    for verify in VECTORS.glob("*.verify*.txt"):
        image = VECTORS / (verify.name.split(".signed.")[0] + ".signed.bin")
        text = verify.read_text()
        assert "Image was correctly validated" in text, verify.name
        digest = re.search(r"Image digest: ([0-9a-f]{64})", text)
        if digest is None:
            # imgtool prints no digest for a pure image, whose hash TLV is SHA-512: there is
            # no SHA-256 hash for test/confirm, and the tool says why.
            assert "Image signature over image" in text, verify.name
            r = run("hash", image, check=False)
            assert r.returncode == 1 and "SHA-512" in r.stderr, image.name
            continue
        assert run("hash", image).stdout.strip() == digest.group(1), image.name
        verified += 1
    assert verified >= 10


def dumpinfo_trailer(image):
    """The trailer fields of imgtool dumpinfo's output for image, or None when it shows none."""
    text = (VECTORS / image.name.replace(".bin", ".dumpinfo.txt")).read_text()
    if "Image trailer" not in text:
        return None
    fields = {k: re.search(rf"^{k}:\s+(\w+) \((0x[0-9a-f]+)\)", text, re.M).groups()
              for k in ("swap_info", "copy_done", "image_ok")}
    magic = re.search(r"^boot magic:\s+((?:0x[0-9a-f]{2}\s+)+)", text, re.M).group(1)
    return fields, bytes(int(b, 16) for b in magic.split())


def test_dump_reads_every_imgtool_image():
    for image in VECTORS.glob("*.signed.bin"):
        out = run("dump", image).stdout
        assert "(matches)" in out, image.name
        # The trailer of a padded image, field for field as imgtool dumpinfo shows it.
        theirs = dumpinfo_trailer(image)
        assert ("trailer:" in out) == (theirs is not None), image.name
        if theirs is not None:
            fields, magic = theirs
            assert f"trailer: magic {magic.hex()} " in out, image.name
            for name, (word, value) in fields.items():
                assert re.search(rf"^\s+{name}\s+{word} \(0x{int(value, 16):02x}\)$", out,
                                 re.M), (image.name, name, out)
    assert "signed:  pure" in run("dump", VECTORS / "ed25519-pure.signed.bin").stdout
    protected = run("dump", VECTORS / "protected-tlvs.signed.bin").stdout
    assert re.search(r"0x50 SEC_CNT .*\(protected\)\s+05000000", protected)
    assert "0x40 DEPENDENCY" in protected
    rom = run("dump", VECTORS / "rom-fixed-0x10000.signed.bin").stdout
    assert "load_addr 0x00010000" in rom and "flags 0x00000100" in rom


def test_rom_fixed_and_security_counter(tmp_path):
    out = tmp_path / "img.bin"
    run("create", "--version", "1.0.1", "--pad-header", "--rom-fixed", "0x10000",
        "--security-counter", "5", VECTORS / "payload.bin", out)
    dump = run("dump", out).stdout
    assert "load_addr 0x00010000" in dump and "flags 0x00000100" in dump
    assert re.search(r"SEC_CNT .*05000000", dump)


def test_bad_input_is_refused(tmp_path):
    nonzero = tmp_path / "nonzero.bin"
    nonzero.write_bytes(b"\x01" * 1024)
    r = run("create", "--version", "1.0.0", nonzero, tmp_path / "o.bin", check=False)
    assert r.returncode == 1 and "must be zero" in r.stderr
    for bad in ("1.2.3.4", "256.0.0", "1..2", "x"):
        r = run("create", "--version", bad, "--pad-header", nonzero, tmp_path / "o.bin",
                check=False)
        assert r.returncode == 2, bad
    r = run("create", "--version", "1.0.0", "--pad-header", "--slot-size", "0x400", nonzero,
            tmp_path / "o.bin", check=False)
    assert r.returncode == 1
    r = run("dump", nonzero, check=False)
    assert r.returncode == 1 and "no MCUboot magic" in r.stderr


# --- Golden checks against imgtool ------------------------------------------------------------

def test_ed25519_image_is_byte_identical_to_imgtool(tmp_path):
    # Ed25519 is deterministic: the same key and hash give the same signature.
    ours = create(tmp_path / "img.bin", "--key", ED_KEY, "--version", "1.2.3+4",
                  "--slot-size", "0x40000")
    assert ours == (VECTORS / "ed25519.signed.bin").read_bytes()


ECDSA_GOLDEN = [
    ("ecdsa-p256", ["--version", "1.2.3+4", "--slot-size", "0x40000"]),
    ("protected-tlvs", ["--version", "1.0.0", "--security-counter", "5",
                        "--dependencies", "(1,2.0.0+0)"]),
    ("rom-fixed-0x10000", ["--version", "1.0.1", "--rom-fixed", "0x10000"]),
    ("padded-test", ["--version", "3.1.0", "--slot-size", "0x8000", "--pad"]),
    ("padded-confirmed", ["--version", "3.1.0+7", "--slot-size", "0x8000", "--pad",
                          "--confirm"]),
    ("align16-padded", ["--version", "1.0.2", "--slot-size", "0x8000", "--align", "16",
                        "--max-align", "16", "--pad"]),
    ("padded-confirmed-overwrite-only", ["--version", "3.1.0", "--slot-size", "0x8000", "--pad",
                                         "--confirm", "--overwrite-only"]),
]


@pytest.mark.parametrize("name,args", ECDSA_GOLDEN, ids=[n for n, _ in ECDSA_GOLDEN])
def test_ecdsa_image_matches_imgtool_but_for_the_signature(tmp_path, name, args):
    theirs = (VECTORS / f"{name}.signed.bin").read_bytes()
    ours = create(tmp_path / "img.bin", "--key", EC_KEY, *args)
    assert_same_but_signature(ours, theirs)
    # A fresh signature each run (random nonce), and each one valid.
    again = create(tmp_path / "again.bin", "--key", EC_KEY, *args)
    assert signature_of(again) != signature_of(ours)
    for image in (tmp_path / "img.bin", tmp_path / "again.bin"):
        out = run("verify", "--key", EC_KEY, image).stdout
        assert "result:  valid" in out


def test_ecdsa_signature_verifies_with_an_independent_library(tmp_path):
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import utils

    image = create(tmp_path / "img.bin", "--key", EC_KEY, "--version", "1.2.3+4")
    key = serialization.load_pem_private_key(EC_KEY.read_bytes(), None).public_key()
    # Raises on a bad signature; the image hash is the signed digest.
    key.verify(signature_of(image), image_hash(image),
               crypto.ECDSA(utils.Prehashed(hashes.SHA256())))


def test_trailer_forms(tmp_path):
    """The trailer for A = 8, 16 and 32: magic in the last 16 bytes, image_ok one cell below the
    magic block, everything else erased."""
    a8 = bytes.fromhex("77c295f360d2ef7f3552500f2cb67980")
    tail = bytes.fromhex("2de15d29410b8d77679c110f1f8a")
    cases = [(["--pad"], a8, None), (["--confirm"], a8, 24),
             (["--align", "16", "--confirm"], b"\x10\x00" + tail, 32),
             (["--max-align", "32", "--max-sectors", "16", "--confirm"], b"\x20\x00" + tail, 64)]
    for args, magic, image_ok_from_end in cases:
        image = create(tmp_path / "img.bin", "--version", "1.0.0", "--slot-size", "0x8000",
                       *args)
        end = layout(image)[2]
        assert len(image) == 0x8000 and image[-16:] == magic, args
        rest = bytearray(image[end:-16])
        if image_ok_from_end is not None:
            assert image[-image_ok_from_end] == 1, args
            rest[-(image_ok_from_end - 16)] = 0xff
        assert rest == b"\xff" * len(rest), args


def test_image_must_leave_room_for_the_trailer(tmp_path):
    # 20552 bytes of image + 128 * 3 * 4 + 48 bytes of trailer > 0x5400.
    r = run("create", "--pad-header", "--version", "1", "--slot-size", "0x5400", "--align", "4",
            PAYLOAD, tmp_path / "o.bin", check=False)
    assert r.returncode == 1
    run("create", "--pad-header", "--version", "1", "--slot-size", "0x5400", PAYLOAD,
        tmp_path / "o.bin")
    # Overwrite-only keeps two cells and the magic (imgtool's count): 20552 + 2 * 8 + 16 bytes.
    for slot, fits in ((20552 + 32, True), (20552 + 31, False)):
        r = run("create", "--pad-header", "--version", "1", "--slot-size", hex(slot),
                "--overwrite-only", PAYLOAD, tmp_path / "o.bin", check=False)
        assert r.returncode == (0 if fits else 1), slot


def test_overwrite_only_confirm_writes_the_magic_alone(tmp_path):
    """imgtool --confirm --overwrite-only leaves image_ok erased (an overwrite-only bootloader
    never reads it): the padded image equals the --pad one, where the swap modes' --confirm sets
    image_ok."""
    args = ["--version", "3.1.0", "--slot-size", "0x8000"]
    test = create(tmp_path / "t.bin", *args, "--pad")
    ow = create(tmp_path / "o.bin", *args, "--confirm", "--overwrite-only")
    swap = create(tmp_path / "s.bin", *args, "--confirm")
    assert ow == test and swap != test
    assert swap[-24] == 1 and ow[-24] == 0xff


def test_security_counter_auto_and_several_dependencies(tmp_path):
    # imgtool takes "auto" in any case.
    create(tmp_path / "img.bin", "--version", "1.2.3", "--security-counter", "AUTO",
           "--dependencies", "(0, 1.2.3), (1,2.3.4+5)")
    dump = run("dump", tmp_path / "img.bin").stdout
    assert re.search(r"SEC_CNT .*\(protected\)\s+03000201", dump)
    assert "000000000102030000000000" in dump and "010000000203040005000000" in dump
    for bad in ("(1 2.0.0)", "1,2.0.0", "(1,2.0.0", "(256,1.0.0)", ""):
        r = run("create", "--pad-header", "--version", "1", "--dependencies", bad, PAYLOAD,
                tmp_path / "o.bin", check=False)
        assert r.returncode == 2, bad


# --- Keys -------------------------------------------------------------------------------------

def test_keyhash_of_the_sample_keys_is_imgtools():
    assert run("keyhash", EC_KEY).stdout.split() == ["ecdsa-p256", EC_KEYHASH]
    assert run("keyhash", ED_KEY).stdout.split() == ["ed25519", ED_KEYHASH]
    # ...which is what the KEYHASH TLV of imgtool's images holds.
    for name, keyhash in (("ecdsa-p256", EC_KEYHASH), ("ed25519", ED_KEYHASH)):
        tlvs = layout((VECTORS / f"{name}.signed.bin").read_bytes())[1]
        assert dict(tlvs)[0x01].hex() == keyhash


def test_keygen_makes_keys_that_sign_and_verify(tmp_path):
    for key_type in ("ecdsa-p256", "ed25519"):
        key = tmp_path / f"{key_type}.pem"
        run("keygen", "--type", key_type, key)
        assert key.stat().st_mode & 0o077 == 0
        assert run("keyhash", key).stdout.split()[0] == key_type
        image = tmp_path / f"{key_type}.bin"
        create(image, "--key", key, "--version", "1.0.0")
        assert "result:  valid" in run("verify", "--key", key, image).stdout
        other = ED_KEY if key_type == "ecdsa-p256" else EC_KEY
        assert run("verify", "--key", other, image, check=False).returncode == 1
        # Never overwrites a key.
        r = run("keygen", "--type", key_type, key, check=False)
        assert r.returncode == 1 and "exists" in r.stderr


def test_keygen_output_is_readable_by_imgtools_library(tmp_path):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    import hashlib

    for key_type in ("ecdsa-p256", "ed25519"):
        key = tmp_path / f"{key_type}.pem"
        run("keygen", "--type", key_type, key)
        loaded = serialization.load_pem_private_key(key.read_bytes(), None)
        spki = loaded.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
        assert run("keyhash", key).stdout.split()[1] == hashlib.sha256(spki).hexdigest()


def test_key_files_that_are_refused(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    r = run("create", "--pad-header", "--version", "1", "--key", junk, PAYLOAD,
            tmp_path / "o.bin", check=False)
    assert r.returncode == 1 and "not a PEM key" in r.stderr
    r = run("create", "--pad-header", "--version", "1", "--key", tmp_path / "missing.pem",
            PAYLOAD, tmp_path / "o.bin", check=False)
    assert r.returncode == 1
    assert not (tmp_path / "o.bin").exists()


# --- verify -----------------------------------------------------------------------------------

def test_verify_every_vector(tmp_path):
    for image in VECTORS.glob("*.signed.bin"):
        key = ED_KEY if image.name.startswith("ed25519") else EC_KEY
        signed = not image.name.startswith("hash-only")
        r = run("verify", "--key", key, image, check=False)
        assert r.returncode == (0 if signed else 1), image.name
        # Without a key: hash only, every image passes.
        out = run("verify", image).stdout
        assert "result:  valid" in out and "not checked" in out, image.name
        digest = image_hash(image.read_bytes()).hex()
        assert f"hash:    {digest}" in out


def test_verify_finds_tampering(tmp_path):
    good = bytearray((VECTORS / "ecdsa-p256.signed.bin").read_bytes())
    cases = {"payload": (0x300, "image hash mismatch"),
             "signature": (0x5080, "no valid signature by a trusted key"),
             "header": (20, "image hash mismatch"),
             "hash TLV type (SHA-384)": (0x5024, "SHA-384 image hash (not supported)")}
    for what, (offset, message) in cases.items():
        bad = bytearray(good)
        bad[offset] ^= 1
        path = tmp_path / f"{what}.bin"
        path.write_bytes(bad)
        r = run("verify", "--key", EC_KEY, path, check=False)
        assert r.returncode == 1 and message in r.stdout, what


def tlvs_replaced(image: bytes, entries) -> bytes:
    """image with its unprotected TLV area (no protected one) rebuilt from (type, value) pairs."""
    info, _, end = layout(image)
    body = b"".join(struct.pack("<HH", t, len(v)) + v for t, v in entries)
    return image[:info] + struct.pack("<HH", 0x6907, 4 + len(body)) + body + image[end:]


def test_pure_ed25519_signature_is_over_the_image(tmp_path):
    """imgtool --pure: Ed25519 over header and payload themselves (checked here with Python's
    cryptography), SHA512 TLV, 64-byte KEYHASH. Our verify checks that signature over the image:
    a payload change with a SHA512 TLV made to match is still refused, for its signature."""
    pytest.importorskip("cryptography")
    import hashlib
    from cryptography.hazmat.primitives import serialization

    image = (VECTORS / "ed25519-pure.signed.bin").read_bytes()
    info, tlvs, _ = layout(image)
    entries = dict(tlvs)
    key = serialization.load_pem_private_key(ED_KEY.read_bytes(), None)
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    key.public_key().verify(entries[0x24], image[:info])      # raises if not over the image
    assert entries[0x12] == hashlib.sha512(image[:info]).digest()
    assert entries[0x01] == hashlib.sha512(spki).digest() and entries[0x25] == b"\x01"
    out = run("verify", "--key", ED_KEY, VECTORS / "ed25519-pure.signed.bin").stdout
    assert f"hash:    {entries[0x12].hex()}" in out and "pure: over the image itself" in out

    altered = bytearray(image)
    altered[0x1234] ^= 0x40
    fixed = [(t, hashlib.sha512(altered[:info]).digest() if t == 0x12 else v) for t, v in tlvs]
    path = tmp_path / "altered.bin"
    path.write_bytes(tlvs_replaced(bytes(altered), fixed))
    r = run("verify", "--key", ED_KEY, path, check=False)
    assert r.returncode == 1 and "no valid signature by a trusted key" in r.stdout
    assert "result:  valid" in run("verify", path).stdout     # the hash alone matches
    r = run("verify", "--key", EC_KEY, VECTORS / "ed25519-pure.signed.bin", check=False)
    assert r.returncode == 1 and "no valid signature by a trusted key" in r.stdout


def test_sha512_ed25519_signature_is_over_the_digest(tmp_path):
    """Without SIG_PURE, an Ed25519 signature with a SHA-512 image hash is over the 64-byte
    digest, as MCUboot built for SHA-512 checks it: such an image (made here with Python's
    cryptography from the pure vector) verifies, and the pure signature in its place does not."""
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization

    image = (VECTORS / "ed25519-pure.signed.bin").read_bytes()
    _, tlvs, _ = layout(image)
    entries = dict(tlvs)
    key = serialization.load_pem_private_key(ED_KEY.read_bytes(), None)
    over_digest = key.sign(entries[0x12])
    for sig, want in ((over_digest, 0), (entries[0x24], 1)):
        path = tmp_path / f"sha512-{want}.bin"
        path.write_bytes(tlvs_replaced(image, [(0x12, entries[0x12]), (0x01, entries[0x01]),
                                               (0x24, sig)]))
        r = run("verify", "--key", ED_KEY, path, check=False)
        assert r.returncode == want, r.stdout
        assert ("pure" in r.stdout) is False


def test_full_public_key_image(tmp_path):
    """imgtool --public-key-format full: a PUBKEY TLV (the whole SubjectPublicKeyInfo) names the
    key instead of a KEYHASH. It names a trusted key only if it is that key, byte for byte."""
    image = (VECTORS / "ecdsa-p256-fullkey.signed.bin").read_bytes()
    info, tlvs, _ = layout(image)
    entries = dict(tlvs)
    assert 0x01 not in entries and len(entries[0x02]) == 91
    assert "result:  valid" in run("verify", "--key", EC_KEY,
                                   VECTORS / "ecdsa-p256-fullkey.signed.bin").stdout
    r = run("verify", "--key", ED_KEY, VECTORS / "ecdsa-p256-fullkey.signed.bin", check=False)
    assert r.returncode == 1 and "no valid signature by a trusted key" in r.stdout
    other = bytearray(entries[0x02])
    other[-1] ^= 1
    path = tmp_path / "other-key.bin"
    path.write_bytes(tlvs_replaced(image, [(t, bytes(other) if t == 0x02 else v)
                                           for t, v in tlvs]))
    r = run("verify", "--key", EC_KEY, path, check=False)
    assert r.returncode == 1 and "no valid signature by a trusted key" in r.stdout


# --- dfu_application.zip ----------------------------------------------------------------------

def test_zip_single_image(tmp_path):
    image = VECTORS / "ecdsa-p256.signed.bin"
    out = tmp_path / "dfu_application.zip"
    run("zip", "--name", "hello", "--board", "nrf52840dk/nrf52840", "--soc", "nrf52840",
        "--time", "1700000000", "--load-address", "0xc000", out, image)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert z.namelist() == ["hello.bin", "manifest.json"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        assert z.read("hello.bin") == image.read_bytes()
        text = z.read("manifest.json").decode()
    manifest = json.loads(text)
    # Key order and values as NCS's generate_zip.py writes them (json.dumps, indent 4).
    assert text == json.dumps(manifest, indent=4)
    assert list(manifest) == ["format-version", "time", "files", "name"]
    assert manifest["format-version"] == 1 and manifest["time"] == 1700000000
    assert manifest["name"] == "hello"
    (entry,) = manifest["files"]
    assert list(entry) == ["type", "board", "soc", "load_address", "image_index",
                           "slot_index_primary", "slot_index_secondary", "version_MCUBOOT",
                           "size", "file", "modtime"]
    assert entry == {
        "type": "application", "board": "nrf52840dk/nrf52840", "soc": "nrf52840",
        "load_address": 0xc000, "image_index": "0", "slot_index_primary": "1",
        "slot_index_secondary": "2", "version_MCUBOOT": "1.2.3+4",
        "size": image.stat().st_size, "file": "hello.bin",
        "modtime": int(image.stat().st_mtime),
    }


def test_zip_direct_xip(tmp_path):
    slot0 = tmp_path / "slot0.bin"
    slot1 = tmp_path / "slot1.bin"
    create(slot0, "--version", "1.4.0+2", "--rom-fixed", "0x10000")
    create(slot1, "--version", "1.4.0+2", "--rom-fixed", "0x90000")
    out = tmp_path / "dfu_application.zip"
    run("zip", "--direct-xip", "--name", "app", "--time", "1700000001", out, slot0, slot1)
    with zipfile.ZipFile(out) as z:
        assert z.namelist() == ["app.bin", "mcuboot_secondary_app.bin", "manifest.json"]
        assert z.read("app.bin") == slot0.read_bytes()
        assert z.read("mcuboot_secondary_app.bin") == slot1.read_bytes()
        manifest = json.loads(z.read("manifest.json"))
    files = manifest["files"]
    assert [f["slot"] for f in files] == ["0", "1"]
    assert [f["load_address"] for f in files] == [0x10000, 0x90000]
    for f in files:
        assert list(f) == ["type", "board", "soc", "load_address", "version_MCUBOOT+XIP",
                           "image_index", "slot", "size", "file", "modtime"]
        assert f["version_MCUBOOT+XIP"] == "1.4.0+2" and f["image_index"] == "0"
        assert "slot_index_primary" not in f

    # Two builds for the same address are a mistake, not a direct-xip package.
    r = run("zip", "--direct-xip", tmp_path / "x.zip", slot0, slot0, check=False)
    assert r.returncode == 1 and "load address" in r.stderr


def test_zip_refuses_what_is_not_an_image(tmp_path):
    r = run("zip", tmp_path / "x.zip", PAYLOAD, check=False)
    assert r.returncode == 1 and "not an MCUboot image" in r.stderr
    r = run("zip", "--direct-xip", tmp_path / "x.zip", PAYLOAD, check=False)
    assert r.returncode == 2


def keyhash_bytes_in_c(text):
    """The bytes of the .keyhash initialiser of getpub's C output, as hex."""
    block = text.split(".keyhash = {", 1)[1].split("}", 1)[0]
    return "".join(b[2:] for b in re.findall(r"0x[0-9a-f]{2}", block))


def test_getpub_writes_the_public_half_and_its_keyhash(tmp_path):
    for key, keyhash, key_type in ((EC_KEY, EC_KEYHASH, "ecdsa-p256"),
                                   (ED_KEY, ED_KEYHASH, "ed25519")):
        out = tmp_path / f"{key_type}.c"
        run("getpub", "--type", key_type, "--output", out, key)
        text = out.read_text()
        assert keyhash_bytes_in_c(text) == keyhash
        assert "PRIVATE" not in text and "smpdfu_boot_builtin_keys" in text
        r = run("getpub", "--type", "ed25519" if key_type != "ed25519" else "ecdsa-p256",
                "--output", out, key, check=False)
        assert r.returncode == 1 and "but the build requires" in r.stderr


def test_getpub_for_production_refuses_mcuboots_sample_keys(tmp_path):
    """A production build (CONFIG_SMPDFU_PRODUCTION) calls getpub --production: MCUboot's
    published sample keys are refused by their public half, whatever file holds them; a key of
    one's own is accepted."""
    for key, name in ((EC_KEY, "root-ec-p256.pem"), (ED_KEY, "root-ed25519.pem")):
        out = tmp_path / f"{name}.c"
        r = run("getpub", "--production", "--output", out, key, check=False)
        assert r.returncode == 1
        assert f"is MCUboot's published sample key {name}" in r.stderr
        assert not out.exists()
        # The same key under another name, its public half only: still refused.
        pub_only = tmp_path / "renamed.pem"
        subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub_only], check=True)
        r = run("getpub", "--production", "--output", out, pub_only, check=False)
        assert r.returncode == 1 and name in r.stderr
        # Without --production (the tests' own builds) the sample key is taken.
        run("getpub", "--output", out, key)
    for key_type in ("ecdsa-p256", "ed25519"):
        own = tmp_path / f"own-{key_type}.pem"
        run("keygen", "--type", key_type, own)
        run("getpub", "--production", "--type", key_type, "--output", tmp_path / "own.c", own)
        assert "smpdfu_boot_builtin_keys" in (tmp_path / "own.c").read_text()
