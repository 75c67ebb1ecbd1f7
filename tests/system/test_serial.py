"""System tests of SMP over a serial console: the simulated device's pseudo-terminal driven by our
client (`--transport serial`) and by raw frames written from here. The framing used here is an
independent Python implementation (base64 module, bitwise CRC), not the C code under test."""
import base64
import json
import os
import random
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

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


# ---- An independent serial framing --------------------------------------------------------------

def crc16_xmodem(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def frame(pkt: bytes, line_max: int = 127) -> bytes:
    """A packet as serial lines: 4-character groups, at most line_max bytes per line."""
    body = len(pkt + b"xx").to_bytes(2, "big") + pkt + crc16_xmodem(pkt).to_bytes(2, "big")
    per_line = (line_max - 3) // 4 * 3
    out = b""
    for i in range(0, len(body), per_line):
        out += (b"\x06\x09" if i == 0 else b"\x04\x14") + base64.b64encode(
            body[i:i + per_line]) + b"\n"
    return out


def smp(op: int, group: int, seq: int, cmd: int, payload: bytes, version: int = 1) -> bytes:
    return (bytes([(version << 3) | op, 0]) + len(payload).to_bytes(2, "big")
            + group.to_bytes(2, "big") + bytes([seq, cmd]) + payload)


def echo_req(text: bytes, seq: int) -> bytes:
    assert len(text) < 24
    return smp(2, 0, seq, 0, bytes([0xa1, 0x61, 0x64, 0x60 + len(text)]) + text)


def echo_rsp(text: bytes, seq: int) -> bytes:
    return smp(3, 0, seq, 0, bytes([0xbf, 0x61, 0x72, 0x60 + len(text)]) + text + b"\xff")


class Pty:
    """The device's terminal opened from here: writes raw bytes, reads whole SMP packets and
    skips everything else (the banner, answers to others)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.buf = b""
        self.packets = []
        self.text = []

    def write(self, data: bytes):
        view = memoryview(data)
        while view:
            select.select([], [self.fd], [], 2.0)
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                continue
            view = view[n:]

    def _parse(self):
        pending = None
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.replace(b"\r", b"")
            if line[:2] == b"\x06\x09":
                pending = base64.b64decode(line[2:])
            elif line[:2] == b"\x04\x14" and pending is not None:
                pending += base64.b64decode(line[2:])
            else:
                if line:
                    self.text.append(line)
                continue
            want = int.from_bytes(pending[:2], "big")
            if len(pending) - 2 >= want:
                body = pending[2:2 + want]
                assert crc16_xmodem(body[:-2]) == int.from_bytes(body[-2:], "big")
                self.packets.append(body[:-2])
                pending = None
        if pending is not None:  # a packet still coming: keep its lines for the next read
            self.buf = b"\x06\x09" + base64.b64encode(pending) + b"\n" + self.buf

    def read_packet(self, match=None, timeout=3.0) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            self._parse()
            while self.packets:
                p = self.packets.pop(0)
                if match is None or match(p):
                    return p
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching SMP packet on the serial line")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    self.buf += os.read(self.fd, 65536)
                except BlockingIOError:
                    pass

    def request(self, pkt: bytes, timeout=3.0) -> bytes:
        self.write(frame(pkt))
        seq = pkt[6]
        return self.read_packet(lambda p: p[6] == seq, timeout)

    def close(self):
        os.close(self.fd)


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
    good = echo_req(b"ok", 0x40)
    big = smp(2, 0, 0x41, 0, b"\xa1\x61\x64\x78\xc8" + b"y" * 200)  # a 3-line frame
    big_frame = frame(big)
    bad_crc = bytearray(frame(good))
    bad_crc[8] ^= 0x01
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    overlong = b"\x06\x09" + b"A" * 300 + b"\n"
    lying_len = b"\x06\x09" + base64.b64encode(b"\x00\x50" + good) + b"\n"
    attacks = {
        "console text": b"*** Booting Zephyr OS ***\r\nlog: something happened\n",
        "bad crc": bytes(bad_crc),
        "bad base64": b"\x06\x09AB*D====\n",
        "overlong line": overlong,
        "orphan continuation": b"\x04\x14AAAA\n",
        "truncated packet": big_frame[:127],
        "length field lies": lying_len,
        "random bytes": junk + b"\n",
        "crlf and stray cr": b"\r\r\n\r",
        "marker without newline": b"\x06\x09QUFB",
    }
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
