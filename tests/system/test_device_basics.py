# SPDX-License-Identifier: Apache-2.0
"""System tests of the simulated device as a process: SMP echo over raw UDP on both loopbacks,
reset restarting the process in place with its flash intact, signals, power cuts, and the UDP
transport's handling of port 0, bursts and oversized datagrams."""

import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import sim_binary

# The golden echo exchange: v1 write, group 0 (OS), seq 0x2b, id 0, {"d": "hello"}.
ECHO_REQ = bytes.fromhex("0a 00 00 09 00 00 2b 00 a1 61 64 65 68 65 6c 6c 6f")
ECHO_RSP = bytes.fromhex("0b 00 00 0a 00 00 2b 00 bf 61 72 65 68 65 6c 6c 6f ff")


def smp_hdr(op: int, group: int, seq: int, cmd: int, payload: bytes, version: int = 0) -> bytes:
    return (bytes([(version << 3) | op, 0]) + len(payload).to_bytes(2, "big")
            + group.to_bytes(2, "big") + bytes([seq, cmd]) + payload)


def echo_req(text: bytes, seq: int) -> bytes:
    assert len(text) < 24
    return smp_hdr(2, 0, seq, 0, bytes([0xa1, 0x61, 0x64, 0x60 + len(text)]) + text)


def reset_req(seq: int) -> bytes:
    return smp_hdr(2, 0, seq, 5, b"\xa0")


def image_erase_req(seq: int) -> bytes:
    return smp_hdr(2, 1, seq, 5, b"\xa0")


def ipv6_loopback_works() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def blank_flash(path, layout, marks=()):
    """Writes an erased flash file of the board's size, with (offset, bytes) patches in it."""
    data = bytearray(b"\xff" * layout.size)
    for off, chunk in marks:
        data[off:off + len(chunk)] = chunk
    path.write_bytes(bytes(data))


def test_echo_golden_ipv4(device, client_for):
    assert client_for(device).request(ECHO_REQ) == ECHO_RSP


@pytest.mark.skipif(not ipv6_loopback_works(), reason="no IPv6 loopback on this host")
def test_echo_golden_ipv6(device, client_for):
    assert ("::1", device.port) in device.listening
    assert client_for(device, "::1").request(ECHO_REQ) == ECHO_RSP


def test_listening_lines_name_each_loopback(device):
    hosts = {h for h, _ in device.listening}
    assert "127.0.0.1" in hosts
    assert all(p == device.port for _, p in device.listening)


def test_port_zero_binds_a_real_port(start_device, client_for):
    dev = start_device("--port", "0", "--bind", "127.0.0.1")
    [(host, port)] = dev.listening
    assert host == "127.0.0.1" and port != 0
    dev.port = port
    assert client_for(dev).request(ECHO_REQ) == ECHO_RSP


def test_burst_larger_than_buffer_pool_is_answered_in_order(device, client_for):
    """More requests than buf_count at once: the ones without a buffer wait in the socket queue
    and are read after processing frees buffers; none is lost, all answered in order."""
    c = client_for(device)
    count = 32
    for seq in range(count):
        c.send(echo_req(b"m%02d" % seq, seq))
    for seq in range(count):
        rsp = c.recv()
        assert rsp[6] == seq
        assert rsp.endswith(b"m%02d\xff" % seq)


def test_oversized_datagram_dropped_and_device_keeps_answering(device, client_for):
    c = client_for(device)
    c.send(ECHO_REQ + b"\x00" * 4096)  # larger than any SMP buffer
    assert c.request(ECHO_REQ) == ECHO_RSP
    deadline = time.monotonic() + 2
    while "dropped" not in device.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "dropped" in device.log()


def test_reset_restarts_in_place_and_keeps_flash(start_device, client_for, layout, tmp_path):
    flash = tmp_path / "flash.bin"
    marker = b"survives a reset"
    blank_flash(flash, layout, [(layout.storage, marker)])
    before = flash.read_bytes()

    dev = start_device(flash=flash)
    c = client_for(dev)
    assert c.request(ECHO_REQ) == ECHO_RSP
    starts = len(dev.listening)

    rsp = c.request(reset_req(7))
    assert rsp[0] & 0x07 == 3 and rsp[6] == 7  # write response, same sequence number

    dev.wait_listening(2 * starts)  # the restarted process announced itself again
    assert dev.alive()  # Popen saw no exit: the same PID runs the new image
    assert open(f"/proc/{dev.pid}/comm").read().strip() == "smpdfu-sim"
    assert "rebooting" in dev.log()
    assert c.request(ECHO_REQ) == ECHO_RSP
    assert flash.read_bytes() == before


def test_factory_programming_is_done_once(start_device, client_for, layout, tmp_path):
    image = tmp_path / "factory.bin"
    payload = bytes(range(256)) * 37 + b"\x01\x02\x03"  # not a multiple of the write block
    image.write_bytes(payload)

    dev = start_device("--load-slot0", str(image))
    flash = dev.flash.read_bytes()
    assert flash[layout.slot0:layout.slot0 + len(payload)] == payload
    assert flash[layout.slot0 + len(payload):layout.slot1] == b"\xff" * (
        layout.slot_size - len(payload))

    starts = len(dev.listening)
    client_for(dev).request(reset_req(1))
    dev.wait_listening(2 * starts)
    # Same process, restarted without the programmer attached.
    with open(f"/proc/{dev.pid}/cmdline", "rb") as f:
        argv = f.read().split(b"\0")
    assert b"--load-slot0" not in argv
    assert dev.log().count("factory programming") == 1
    assert client_for(dev).request(ECHO_REQ) == ECHO_RSP


@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly(device, signo):
    os.kill(device.pid, signo)
    assert device.wait_exit() == 0


def test_bad_option_exits_2(start_device):
    dev = start_device("--log-level", "loud", wait=False)
    assert dev.wait_exit() == 2


def test_help_exits_0(start_device):
    dev = start_device("--help", wait=False)
    assert dev.wait_exit() == 0
    assert any("--cut-after" in line for line in dev.lines)


@pytest.mark.device_idle_at_boot
def test_clean_cut_exits_99_and_leaves_flash_as_it_was(start_device, client_for, layout,
                                                      tmp_path):
    """A clean cut at the very first flash operation (an image erase of a slot holding data):
    the process dies with 99 and the operation never reached the file."""
    flash = tmp_path / "flash.bin"
    blank_flash(flash, layout, [(layout.slot1, b"\x00" * 16)])
    before = flash.read_bytes()

    dev = start_device("--cut-after", "0", flash=flash)
    client_for(dev).send(image_erase_req(3))
    assert dev.wait_exit() == 99
    assert "power cut" in dev.log()
    assert flash.read_bytes() == before


@pytest.mark.device_idle_at_boot
def test_torn_cut_exits_99_with_half_an_operation_on_file(start_device, client_for, layout,
                                                          tmp_path):
    """A torn cut: the interrupted erase did part of its work, and that part is on file."""
    flash = tmp_path / "flash.bin"
    slot1_end = layout.slot1 + layout.slot_size
    blank_flash(flash, layout, [(layout.slot1, b"\x00" * layout.slot_size)])
    before = flash.read_bytes()

    dev = start_device("--cut-after", "0", "--cut-mode", "torn", flash=flash)
    client_for(dev).send(image_erase_req(4))
    assert dev.wait_exit() == 99
    assert "power cut" in dev.log()
    after = flash.read_bytes()
    assert after[:layout.slot1] == before[:layout.slot1]
    assert after[slot1_end:] == before[slot1_end:]
    slot1 = after[layout.slot1:slot1_end]
    assert b"\xff" in slot1 and b"\x00" in slot1  # partly erased, not wholly


def test_nothing_to_boot_is_refused_loudly(tmp_path):
    """Without --recovery a device whose slots hold no valid image stops with a clear message and
    exit status 3, rather than running nothing in silence."""
    r = subprocess.run([str(sim_binary()), "--flash", str(tmp_path / "flash.bin"), "--port", "0",
                        "--no-serial"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 3
    assert "bootloader: no valid image to boot; stopping" in r.stdout
    assert "--recovery" in r.stdout
