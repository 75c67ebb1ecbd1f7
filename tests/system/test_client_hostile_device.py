# SPDX-License-Identifier: Apache-2.0
"""System tests: the client `smpdfu` as a process against a device that answers what the test
scripts: escape codes in its text, bodies malformed half-way, strings that are not UTF-8, over UDP
and over the config channel's socket. What the user's terminal gets must be safe text, and what
--json prints must be one whole JSON value in UTF-8, or nothing."""
import json
import os
import socket
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
CLIENT = BUILD / "tools" / "smpdfu"

G_OS, G_IMG = 0, 1
ECHO, OS_INFO, BOOTLOADER_INFO, IMAGE_STATE = 0, 7, 8, 0

# A window title, a bell and a cleared screen; as the client shows it.
HOSTILE = b"ok\x1b]0;owned\x07\x1b[2J"
HOSTILE_SHOWN = b"ok\\x1b]0;owned\\x07\\x1b[2J"


# ---- CBOR, by hand: the answers must hold what an encoder would refuse to write ----------------

def head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    return bytes([major << 5 | 25]) + n.to_bytes(2, "big")


def enc(v) -> bytes:
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v)
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):  # a text string with exactly these bytes, UTF-8 or not
        return head(3, len(v)) + v
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(enc(x) for x in v)
    assert isinstance(v, dict)
    return head(5, len(v)) + b"".join(enc(k) + enc(x) for k, x in v.items())


# ---- The scripted device ----------------------------------------------------------------------

class ScriptedDevice:
    """Answers each SMP request on a UDP port with the body scripted for its (group, id)."""

    def __init__(self, answers: dict):
        self.answers = answers
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                req, peer = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            if len(req) < 8:
                continue
            group = int.from_bytes(req[4:6], "big")
            body = self.answers.get((group, req[7]))
            if body is None:
                continue
            op = req[0] & 7
            rsp = bytes([(req[0] & ~7) | (op + 1), 0]) + len(body).to_bytes(2, "big")
            self.sock.sendto(rsp + req[4:8] + body, peer)

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def scripted():
    devices = []

    def start(answers: dict) -> ScriptedDevice:
        dev = ScriptedDevice(answers)
        devices.append(dev)
        return dev

    yield start
    for dev in devices:
        dev.stop()


def smpdfu(dev, *args):
    return subprocess.run([str(CLIENT), "--port", str(dev.port), "--timeout-ms", "3000", *args],
                          capture_output=True, timeout=30)


def assert_terminal_safe(out: bytes):
    """UTF-8 with no character a terminal acts on but the newline: no C0 (ESC, BEL, CR...), DEL,
    C1, nor bidirectional controls."""
    text = out.decode("utf-8")  # strict: raises on bytes that are not UTF-8
    for ch in text:
        c = ord(ch)
        assert ch == "\n" or not (c < 0x20 or 0x7f <= c <= 0x9f or c in (0x61c, 0x200e, 0x200f)
                                  or 0x2028 <= c <= 0x202e or 0x2066 <= c <= 0x2069), repr(text)


# ---- Text for people --------------------------------------------------------------------------

@pytest.mark.parametrize("args, answers, shown", [
    (["echo", "hi"], {(G_OS, ECHO): enc({"r": HOSTILE})}, HOSTILE_SHOWN + b"\n"),
    (["os-info"], {(G_OS, OS_INFO): enc({"output": HOSTILE})}, HOSTILE_SHOWN + b"\n"),
    (["bootloader-info"],
     {(G_OS, BOOTLOADER_INFO): enc({"bootloader": b"MCU\x1b[31mboot\xc2\x9b", "mode": 3})},
     b"bootloader: MCU\\x1b[31mboot\\u009b\nmode: 3 (swap using move)\n"),
])
def test_escape_codes_in_device_text_are_shown_as_escapes(scripted, args, answers, shown):
    r = smpdfu(scripted(answers), *args)
    assert r.returncode == 0, r
    assert r.stdout == shown
    assert_terminal_safe(r.stdout)


def test_version_with_escape_codes_keeps_the_list_columns(scripted):
    entry = {"slot": 0, "version": b"1.0\x1b[8m\x9b", "hash": b"\xab" * 32, "bootable": True,
             "active": True, "confirmed": True}
    r = smpdfu(scripted({(G_IMG, IMAGE_STATE): enc({"images": [entry]})}), "image", "list")
    assert r.returncode == 0, r
    assert_terminal_safe(r.stdout)
    header, row = r.stdout.decode().splitlines()
    assert row.split()[:3] == ["0", "0", "1.0\\x1b[8m\\x9b"]
    # The flags start in their column: the version's escapes are counted as they are shown.
    assert row.index("active") == header.index("flags")


def test_device_reason_with_escape_codes_is_shown_as_escapes(scripted):
    dev = scripted({(G_OS, ECHO): enc({"rc": 3, "rsn": b"bad\x1b[8m\rhidden\xff"})})
    r = smpdfu(dev, "echo", "hi")
    assert r.returncode == 1, r
    assert b'(device says: "bad\\x1b[8m\\rhidden\\xff")' in r.stderr
    assert_terminal_safe(r.stderr)


def test_printable_text_in_any_script_is_shown_as_sent(scripted):
    text = "Zephyr 3.7 Grüße, 中文, 🙂 \\o/ \"quoted\""
    r = smpdfu(scripted({(G_OS, OS_INFO): enc({"output": text})}), "os-info")
    assert r.returncode == 0, r
    assert r.stdout.decode() == text + "\n"


# ---- --json -----------------------------------------------------------------------------------

# {"r": 1, {"a": 1}: 2}: the error check skips the key that is a map, the JSON has none of it.
MAP_KEY = bytes([0xa2, 0x61, ord("r"), 0x01, 0xa1, 0x61, ord("a"), 0x01, 0x02])
# {"rc": 3, {"a": 1}: 2}: a device error whose body cannot be shown as JSON either.
MAP_KEY_ERROR = bytes([0xa2, 0x62, ord("r"), ord("c"), 0x03, 0xa1, 0x61, ord("a"), 0x01, 0x02])


@pytest.mark.parametrize("body, code", [(MAP_KEY, 3), (MAP_KEY_ERROR, 1)])
def test_json_of_a_body_malformed_half_way_prints_nothing(scripted, body, code):
    r = smpdfu(scripted({(G_OS, ECHO): body}), "--json", "echo", "hi")
    assert r.returncode == code, r
    assert r.stdout == b""
    assert b"the body is not well-formed CBOR" in r.stderr


def test_json_of_text_that_is_not_utf8_is_utf8(scripted):
    dev = scripted({(G_OS, ECHO): enc({"r": b"\xffA\xe4\xb8B\xc2\x9b\x1b[2J\xe2\x80\xae"})})
    r = smpdfu(dev, "--json", "echo", "hi")
    assert r.returncode == 0, r
    assert_terminal_safe(r.stdout)
    assert json.loads(r.stdout.decode("utf-8")) == {"r": "\ufffdA\ufffdB\u009b\u001b[2J\u202e"}


# ---- The config channel -----------------------------------------------------------------------

class ScriptedConfigChannel:
    """The config channel's socket, answering each request line by the first word."""

    def __init__(self, path: Path, answers: dict):
        self.answers = answers
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(str(path))
        self.srv.listen(1)
        self.srv.settimeout(10)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.srv.accept()
        except socket.timeout:
            return
        with conn, conn.makefile("rb") as lines:
            for line in lines:
                conn.sendall(self.answers[line.split()[0].decode()] + b"\n")

    def stop(self):
        self.thread.join(timeout=5)
        self.srv.close()


SYNC = b"ok state=0 name=\x1b[2Jidle length=0 csum=0 offset=0 sync_buffer=4096"


@pytest.mark.parametrize("args, answers, out, err", [
    (["sync"], {"sync": SYNC}, b"state: 0 (\\x1b[2Jidle)\n", b""),
    (["data", "00"], {"data": b"err EINVAL \x1b[8mhidden\x07"}, b"",
     b"smpdfu: device refused 'data 00': EINVAL \\x1b[8mhidden\\x07\n"),
])
def test_config_channel_text_is_shown_as_escapes(tmp_path, args, answers, out, err):
    sock = tmp_path / "cc.sock"
    cc = ScriptedConfigChannel(sock, answers)
    r = subprocess.run([str(CLIENT), "config-dfu", *args, "--socket", str(sock)],
                       capture_output=True, timeout=30)
    cc.stop()
    assert r.stdout.startswith(out) and r.stderr == err, r
    assert_terminal_safe(r.stdout + r.stderr)


def test_config_channel_json_stays_json(tmp_path):
    sock = tmp_path / "cc.sock"
    cc = ScriptedConfigChannel(sock, {"sync": SYNC.replace(b"idle", b'"idle\\')})
    r = subprocess.run([str(CLIENT), "--json", "config-dfu", "sync", "--socket", str(sock)],
                       capture_output=True, timeout=30)
    cc.stop()
    assert r.returncode == 0, r
    assert_terminal_safe(r.stdout)
    assert json.loads(r.stdout)["name"] == '\\x1b[2J"idle\\'


# ---- A package's names ------------------------------------------------------------------------

@pytest.mark.parametrize("entry, shown", [
    ({"file": "\x1b[2Jx\x07.bin"},
     b"manifest.json names \\x1b[2Jx\\x07.bin, which the package lacks"),
    ({"file": "app.bin", "slot": "\x1b[8m"}, b"application file app.bin has slot '\\x1b[8m'"),
])
def test_names_in_a_package_are_shown_as_escapes(tmp_path, entry, shown):
    package = tmp_path / "dfu_application.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("manifest.json", json.dumps({"files": [{"image_index": "0", **entry}]}))
    r = subprocess.run([str(CLIENT), "image", "upload", str(package)], capture_output=True,
                       timeout=30)
    assert r.returncode == 2, r
    assert shown in r.stderr
    assert_terminal_safe(r.stderr)
