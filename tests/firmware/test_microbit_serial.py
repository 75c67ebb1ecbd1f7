# SPDX-License-Identifier: Apache-2.0
"""Bad input over the emulated board's UART: it never wedges the board, and malformed requests get
the answers the simulated device gives (both run the same core; the framing here is the
independent Python one of tests/serial_frames.py)."""
import re
import subprocess
import time

import pytest

from serial_frames import Pty, echo_req, echo_rsp, frame, serial_attacks, smp
from test_microbit import booted

LISTENING_SERIAL = re.compile(r"^smpdfu-sim: listening on serial (\S+)$", re.M)


def malformed_requests() -> dict:
    """Framed SMP requests that every configuration must refuse the same way."""
    return {
        "unknown group": smp(2, 0x55, 1, 0, b"\xa0"),
        "unknown command": smp(2, 0, 2, 0x3f, b"\xa0"),
        "read of reset": smp(0, 0, 3, 5, b"\xa0"),
        "echo not a map": smp(2, 0, 4, 0, b"\x82\x01\x02"),
        "echo cut short": smp(2, 0, 5, 0, b"\xbf\x61"),
        "echo of a number": smp(2, 0, 6, 0, b"\xa1\x61\x64\x01"),
        "future version": smp(2, 0, 7, 0, b"\xa1\x61\x64\x61\x78", version=3),
        "length field too long": smp(2, 0, 8, 0, b"\xa0")[:2] + b"\x00\x09" + smp(2, 0, 8, 0,
                                                                                  b"\xa0")[4:],
        "upload offset as text": smp(2, 1, 9, 1, b"\xa2\x63off\x61x\x64data\x40"),
        "state write short hash": smp(2, 1, 10, 0, b"\xa2\x64hash\x43\x00\x01\x02\x67confirm"
                                                   b"\xf4"),
        "os info format as a number": smp(0, 0, 11, 7, b"\xa1\x66format\x01"),
    }


@pytest.fixture
def sim_tty(fw, tmp_path):
    """The simulated device from the board's host build, on its pseudo-terminal."""
    proc = subprocess.Popen([str(fw.sim), "--flash", str(tmp_path / "sim-flash.bin"),
                             "--port", "0", "--recovery"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 10
        out = ""
        while not LISTENING_SERIAL.search(out):
            assert time.monotonic() < deadline, out
            out += proc.stdout.readline()
        yield LISTENING_SERIAL.search(out).group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_bad_input_never_wedges_the_board(board):
    booted(board, "1.0.0")
    with board.talk():
        bad_input_then_echo(board)
    assert board.smp("echo", "still fine").stdout.strip() == "still fine"


def bad_input_then_echo(board):
    pty = Pty(board.pty)
    try:
        seq = 0x50
        for name, attack in serial_attacks().items():
            pty.write(attack + b"\n")
            text = name.encode()[:20]
            assert pty.request(echo_req(text, seq), timeout=5) == echo_rsp(text, seq), name
            seq += 1
        # A packet larger than the board's 384-byte buffers is dropped whole; the next is fine.
        oversize = smp(2, 0, 0x60, 0, b"\xa1\x61\x64\x79\x01\xf4" + b"z" * 500)
        pty.write(frame(oversize) + frame(echo_req(b"after", 0x61)))
        assert pty.read_packet(lambda p: p[6] == 0x61, timeout=5) == echo_rsp(b"after", 0x61)
        # Everything at once, then a frame right behind it in the same write.
        pty.write(b"".join(serial_attacks().values()) + b"\n" + frame(echo_req(b"last", 0x70)))
        assert pty.read_packet(lambda p: p[6] == 0x70, timeout=5) == echo_rsp(b"last", 0x70)
    finally:
        pty.close()


def test_malformed_requests_get_the_simulated_devices_answers(board, sim_tty):
    booted(board, "1.0.0")
    answers = {}
    for where, path in (("board", board.pty), ("sim", sim_tty)):
        with board.talk():
            pty = Pty(path)
            try:
                pty.write(b"\n")
                answers[where] = {name: pty.request(req, timeout=5)
                                  for name, req in malformed_requests().items()}
            finally:
                pty.close()
    for name in malformed_requests():
        board_rsp, sim_rsp = answers["board"][name], answers["sim"][name]
        assert board_rsp == sim_rsp, (name, board_rsp.hex(), sim_rsp.hex())
        assert board_rsp[0] & 0x07 in (1, 3), name  # a response (read or write), not silence
    # Not a vacuous comparison: every one of them is an error answer.
    assert [n for n, rsp in answers["board"].items() if b"rc" not in rsp] == []
