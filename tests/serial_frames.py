# SPDX-License-Identifier: Apache-2.0
"""SMP over a serial console, framed from Python: an implementation independent of the C code
under test (the base64 module, a bitwise CRC), a terminal reader that picks SMP packets out of
console text, and a set of bad input. The simulated device's serial tests and the emulated
board's firmware tests share it."""
import base64
import os
import random
import select
import time


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


def serial_attacks() -> dict:
    """Bad input for a serial SMP device, by name; the firmware tests send the same to the
    emulated board."""
    good = echo_req(b"ok", 0x40)
    big = smp(2, 0, 0x41, 0, b"\xa1\x61\x64\x78\xc8" + b"y" * 200)  # a 3-line frame
    big_frame = frame(big)
    bad_crc = bytearray(frame(good))
    bad_crc[8] ^= 0x01
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    overlong = b"\x06\x09" + b"A" * 300 + b"\n"
    lying_len = b"\x06\x09" + base64.b64encode(b"\x00\x50" + good) + b"\n"
    return {
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
