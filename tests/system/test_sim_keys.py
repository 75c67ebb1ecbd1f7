# SPDX-License-Identifier: Apache-2.0
"""The simulated device's trusted keys: --key loads the public half of PEM files (private or
public, EC P-256 or Ed25519), a bad file stops the device before it starts, and the keys stay the
same across the reboots the device does by re-executing itself."""
import pathlib
import subprocess

import pytest

from conftest import sim_binary

# What --key does; a build that requires a signature takes no --key (test_signature_required.py).
pytestmark = pytest.mark.runtime_keys

VECTORS = pathlib.Path(__file__).resolve().parents[1] / "vectors" / "mcuboot"
EC_KEY = VECTORS / "root-ec-p256.pem"
ED_KEY = VECTORS / "root-ed25519.pem"
# SMP write, os group, sequence 1, reset, with an empty map as its payload.
RESET_REQ = bytes.fromhex("02000001000001" "05a0")


def run_sim(tmp_path, *args):
    return subprocess.run([str(sim_binary()), "--flash", str(tmp_path / "flash.bin"), "--port",
                           "0", *map(str, args)], capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("content,reason", [
    (None, "No such file"),
    ("hello\n", "not a PEM key"),
    ("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", "not an EC P-256"),
])
def test_bad_key_file_stops_the_device(tmp_path, content, reason):
    key = tmp_path / "key.pem"
    if content is not None:
        key.write_text(content)
    r = run_sim(tmp_path, "--key", key)
    assert r.returncode == 2
    assert reason in r.stderr and "--key" in r.stderr
    assert "listening" not in r.stdout


def test_too_many_keys_are_refused(tmp_path):
    r = run_sim(tmp_path, *["--key", EC_KEY] * 5)
    assert r.returncode == 2 and "at most" in r.stderr


def test_help_mentions_key(tmp_path):
    r = run_sim(tmp_path, "--help")
    assert r.returncode == 0 and "--key FILE.pem" in r.stdout


def test_keys_survive_a_reboot(start_device, client_for, tmp_path):
    public = tmp_path / "ed-public.pem"
    # The public half of the Ed25519 sample key, as a PUBLIC KEY PEM (SubjectPublicKeyInfo).
    public.write_text("-----BEGIN PUBLIC KEY-----\n"
                      "MCowBQYDK2VwAyEA1LMbpJo63T+CXRDKfzG1Cw3ofzfMxJ8aQDpcEyD/tOA=\n"
                      "-----END PUBLIC KEY-----\n")
    dev = start_device("--key", str(EC_KEY), "--key", str(public))
    starts = len(dev.listening)
    client_for(dev).request(RESET_REQ)
    dev.wait_listening(2 * starts)
    with open(f"/proc/{dev.pid}/cmdline", "rb") as f:
        argv = f.read().split(b"\0")
    keys = [argv[i + 1] for i, a in enumerate(argv) if a == b"--key"]
    assert keys == [str(EC_KEY).encode(), str(public).encode()]


def test_the_log_says_what_is_trusted(start_device):
    dev = start_device("--key", str(EC_KEY), "--key", str(ED_KEY))
    log = dev.log()
    if "trusted key" not in log:
        pytest.skip("the device does not run its bootloader at start yet")
    assert "trusted key 0: ecdsa-p256, keyhash e30466f6b8470c1f" in log
    assert "trusted key 1: ed25519, keyhash c1907fa4eac7fae3" in log
    assert "published sample key" in log
    assert "no signing key" not in log

    dev = start_device()
    assert "no signing key: images are checked by hash only" in dev.log()


def test_bootloader_boots_only_what_a_trusted_key_signed(start_device, tmp_path):
    signed = VECTORS / "ecdsa-p256.signed.bin"
    refused = "smpdfu-sim: bootloader: no valid image to boot; running the recovery SMP server"
    cases = [([], False), (["--key", EC_KEY], False), (["--key", ED_KEY], True),
             (["--key", ED_KEY, "--key", EC_KEY], False)]
    for i, (keys, want_refused) in enumerate(cases):
        dev = start_device("--load-slot0", str(signed), *map(str, keys),
                           flash=tmp_path / f"flash{i}.bin")
        if "trusted key" not in dev.log() and "no signing key" not in dev.log():
            pytest.skip("the device does not run its bootloader at start yet")
        assert (refused in dev.lines) == want_refused, (keys, dev.lines, dev.log())
        dev.stop()


@pytest.mark.parametrize("image,right,wrong", [
    ("ed25519-pure.signed.bin", ED_KEY, EC_KEY),
    ("ecdsa-p256-fullkey.signed.bin", EC_KEY, ED_KEY),
])
def test_bootloader_agrees_with_the_image_tool(start_device, tmp_path, image, right, wrong):
    """The images smpdfu-image verifies (imgtool --pure, --public-key-format full) boot with the
    key that signed them and only with it: the bootloader validates with the same code."""
    refused = "smpdfu-sim: bootloader: no valid image to boot; running the recovery SMP server"
    for i, key in enumerate((right, wrong)):
        dev = start_device("--load-slot0", str(VECTORS / image), "--key", str(key),
                           flash=tmp_path / f"flash{i}.bin")
        assert (refused in dev.lines) == (key == wrong), (key, dev.lines, dev.log())
        if key == right:
            assert "booting slot 0 version 1.2.3" in dev.log(), dev.log()
        dev.stop()
