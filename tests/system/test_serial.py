# SPDX-License-Identifier: Apache-2.0
"""System tests of SMP over a serial console: the simulated device's pseudo-terminal driven by our
client (`--transport serial`) and by raw frames written from here (tests/serial_frames.py, an
independent Python implementation of the framing, not the C code under test)."""
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from serial_frames import Pty, echo_req, echo_rsp, frame, serial_attacks, smp
from test_upload import CLIENT, MIB, image_hash, kill_upload_at, make_image, slot_bytes

SERIAL_RE = re.compile(r"^smpdfu-sim: listening on serial (\S+)$")


def serial_in_build() -> bool:
    """False only when the generated config.h says the serial transport is off."""
    path = os.environ.get("SMPDFU_CONFIG_H")
    if not path or not Path(path).exists():
        return True
    return "#define CONFIG_MCUMGR_TRANSPORT_UART 0" not in Path(path).read_text()


pytestmark = pytest.mark.skipif(not serial_in_build(),
                                reason="this build has no serial transport "
                                       "(CONFIG_MCUMGR_TRANSPORT_UART=n)")


# ---- Fixtures -----------------------------------------------------------------------------------

def serial_paths(dev):
    return [m.group(1) for m in map(SERIAL_RE.match, list(dev.lines)) if m]


@pytest.fixture
def serial_device(start_device, tmp_path):
    """A device with its terminal linked at tmp_path/tty (dev.tty)."""
    def start(*args):
        link = tmp_path / "tty"
        dev = start_device("--serial-link", str(link), *args)
        wait_for(lambda: serial_paths(dev), "the serial listening line")
        dev.tty = link
        return dev
    return start


def wait_for(cond, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def sclient(dev, *args, check=True, timeout=120):
    r = subprocess.run([str(CLIENT), "--transport", "serial", "--device", str(dev.tty),
                        *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"smpdfu serial {args} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture
def images(tmp_path):
    v1 = make_image(tmp_path, "v1", "1.0.0", 64 * 1024, seed=11)
    v2 = make_image(tmp_path, "v2", "2.0.0+3", MIB - 1024, seed=12)
    return v1, v2


# ---- Tests --------------------------------------------------------------------------------------

def test_listening_line_link_and_banner(serial_device):
    dev = serial_device()
    [path] = serial_paths(dev)
    assert re.match(r"^/dev/pts/\d+$", path)
    assert os.readlink(dev.tty) == path
    pty = Pty(dev.tty)
    try:
        # The banner is console text; the echo still answers byte for byte.
        assert pty.request(echo_req(b"hello", 0x2b)) == echo_rsp(b"hello", 0x2b)
        assert b"smpdfu-sim: serial console ready" in pty.text
    finally:
        pty.close()


def test_no_serial_option(start_device):
    dev = start_device("--no-serial")
    time.sleep(0.2)
    assert serial_paths(dev) == []
    assert "--serial" in subprocess.run([str(dev.proc.args[0]), "--help"], capture_output=True,
                                        text=True).stdout


def test_client_echo_params_list_over_serial(serial_device, images):
    v1, _ = images
    dev = serial_device("--load-slot0", v1)
    r = sclient(dev, "--verbose", "echo", "over a pty")
    assert r.stdout.strip() == "over a pty"
    # The device's banner was skipped as console text, not taken for a packet.
    assert "console text: smpdfu-sim: serial console ready" in r.stderr
    params = json.loads(sclient(dev, "--json", "params").stdout)
    assert params == {"buf_size": 2048, "buf_count": 4}
    listing = json.loads(sclient(dev, "--json", "image", "list").stdout)
    assert listing["images"][0]["version"] == "1.0.0"
    assert listing["images"][0]["hash"] == image_hash(v1)
    # Long answers span lines; tiny lines and paced lines work too.
    text = "x" * 600
    assert sclient(dev, "echo", text).stdout.strip() == text
    assert sclient(dev, "--line-size", "7", "echo", "tiny lines").stdout.strip() == "tiny lines"
    assert sclient(dev, "--line-delay-ms", "2", "echo", text).stdout.strip() == text


def test_upload_one_mib_over_serial(serial_device, layout, images):
    v1, v2 = images
    dev = serial_device("--load-slot0", v1)
    data = v2.read_bytes()
    report = json.loads(sclient(dev, "--json", "image", "upload", v2).stdout)
    assert report["match"] is True
    assert report["bytes"] == len(data)
    # Packets fill buf_size minus the serial length and CRC fields.
    assert report["packet_size"] == 2048 - 4
    assert report["window"] == 3
    assert slot_bytes(dev, layout, 1, len(data)) == data
    listing = json.loads(sclient(dev, "--json", "image", "list").stdout)
    slots = {e["slot"]: e for e in listing["images"]}
    assert slots[1]["hash"] == image_hash(v2) and slots[1]["version"] == "2.0.0.3"
    assert "upload complete" in dev.log()


def test_garbage_never_disturbs_the_next_request(serial_device):
    dev = serial_device()
    big = smp(2, 0, 0x41, 0, b"\xa1\x61\x64\x78\xc8" + b"y" * 200)  # a 3-line frame
    attacks = serial_attacks()
    pty = Pty(dev.tty)
    try:
        seq = 0x50
        for name, attack in attacks.items():
            pty.write(attack)
            # A newline ends whatever line the attack left open, as the next frame starts.
            req = echo_req(name.encode()[:20], seq)
            pty.write(b"\n")
            assert pty.request(req) == echo_rsp(name.encode()[:20], seq), name
            seq += 1
        # Everything at once, then a frame right behind it in the same write.
        pty.write(b"".join(attacks.values()) + b"\n" + frame(echo_req(b"last", 0x70)))
        assert pty.read_packet(lambda p: p[6] == 0x70) == echo_rsp(b"last", 0x70)
        # And the long one, over three lines each way.
        rsp = pty.request(big)
        assert rsp[8:] == b"\xbf\x61\x72\x78\xc8" + b"y" * 200 + b"\xff"
    finally:
        pty.close()
    assert dev.alive()
    assert sclient(dev, "echo", "still fine").stdout.strip() == "still fine"


def test_upload_interrupted_then_resumed_over_serial(serial_device, layout, images):
    _, v2 = images
    data = v2.read_bytes()
    dev = serial_device()
    kill_upload_at(["--transport", "serial", "--device", str(dev.tty)], v2, 30)

    # Whatever half frame the killed client left is cut by the next first line.
    report = json.loads(sclient(dev, "--json", "image", "upload", v2).stdout)
    assert 0.25 * len(data) < report["resumed_from"] < len(data)
    assert report["match"] is True
    assert report["data_sent"] < len(data) - report["resumed_from"] + 4096
    assert slot_bytes(dev, layout, 1, len(data)) == data
    assert "upload resumed at" in dev.log()


def test_reset_over_serial_relinks_the_new_terminal(serial_device, images):
    v1, _ = images
    dev = serial_device("--load-slot0", v1)
    pid = dev.pid
    starts = len(dev.listening)
    sclient(dev, "reset")
    dev.wait_listening(2 * starts)
    wait_for(lambda: len(serial_paths(dev)) == 2, "the second serial listening line")
    assert dev.alive() and dev.proc.pid == pid
    assert os.readlink(dev.tty) == serial_paths(dev)[-1]
    assert sclient(dev, "echo", "after reset").stdout.strip() == "after reset"
    # On a clean stop the link goes with the terminal.
    dev.stop()
    assert not os.path.lexists(dev.tty)


def test_serial_link_must_not_replace_a_file(start_device, tmp_path):
    f = tmp_path / "not-a-link"
    f.write_text("keep me")
    dev = start_device("--serial-link", str(f), wait=False)
    assert dev.wait_exit() != 0
    assert f.read_text() == "keep me"
    assert "not a symlink" in dev.log()


def test_client_usage_and_dead_device(serial_device):
    r = subprocess.run([str(CLIENT), "--transport", "serial", "echo", "x"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--device" in r.stderr
    dev = serial_device()
    r = sclient(dev, "--baud", "12345", "echo", "x", check=False)
    assert r.returncode == 2 and "baud" in r.stderr
    dev.stop()
    r = sclient(dev, "--timeout-ms", "300", "echo", "x", check=False)
    assert r.returncode == 3
