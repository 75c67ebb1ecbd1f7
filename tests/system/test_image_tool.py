"""smpdfu-image against bytes made by MCUboot's imgtool (../shared/vectors/mcuboot)."""
import os
import pathlib
import re
import subprocess

BUILD = pathlib.Path(os.environ["SMPDFU_BUILD_DIR"])
TOOL = BUILD / "tools" / "smpdfu-image"
VECTORS = pathlib.Path(os.environ["SMPDFU_SOURCE_DIR"]).parent / "shared" / "vectors" / "mcuboot"


def run(*args, check=True):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True,
                          check=check)


def test_unsigned_image_is_byte_identical_to_imgtool(tmp_path):
    out = tmp_path / "img.bin"
    run("create", "--version", "2.0.0", "--header-size", "0x200", "--pad-header",
        "--slot-size", "0x40000", VECTORS / "payload.bin", out)
    assert out.read_bytes() == (VECTORS / "hash-only.signed.bin").read_bytes()


def test_hash_is_the_digest_imgtool_verify_prints():
    for verify in VECTORS.glob("*.verify*.txt"):
        image = VECTORS / (verify.name.split(".signed.")[0] + ".signed.bin")
        digest = re.search(r"Image digest: ([0-9a-f]{64})", verify.read_text()).group(1)
        assert run("hash", image).stdout.strip() == digest, image.name


def test_dump_reads_every_imgtool_image():
    for image in VECTORS.glob("*.signed.bin"):
        out = run("dump", image).stdout
        assert "(matches)" in out, image.name
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
