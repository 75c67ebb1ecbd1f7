# SPDX-License-Identifier: Apache-2.0
"""System tests of the serial line model: smpdfu-serialsim (a whole DFU upload over the modelled
line, in virtual time, with the client's upload engine and the device's own serial transport) and
the client's --transport serial-model. The figures are the model's, so they repeat exactly; the
checks compare them with what the line rate allows, worked out here from the run's own byte
counts."""
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from conftest import read_config

BUILD = Path(os.environ.get("SMPDFU_BUILD_DIR", "."))
SERIALSIM = BUILD / "sim" / "serial" / "smpdfu-serialsim"
CLIENT = BUILD / "tools" / "smpdfu"
IMAGE_TOOL = BUILD / "tools" / "smpdfu-image"
MIB = 1024 * 1024
CFG = read_config() if os.environ.get("SMPDFU_BUILD_DIR") else {}
pytestmark = pytest.mark.skipif(not CFG.get("CONFIG_MCUMGR_TRANSPORT_UART"),
                                reason="the build has no serial transport")


def serialsim(*args, check=True):
    r = subprocess.run([str(SERIALSIM), "--json", *[str(a) for a in args]],
                       capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, f"{args} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
    return json.loads(r.stdout) if r.stdout.strip() else None, r


def test_upload_at_115200_baud_runs_at_the_line_rate_less_the_framing():
    rep, _ = serialsim("--baud", 115200, "--size", 128 * 1024)
    assert rep["ok"] and rep["match"] is True
    assert rep["size"] == 128 * 1024
    line_Bps = 115200 / 10
    assert rep["line_Bps"] == line_Bps
    # The framing bound from the run's own counts: the image over the request bytes on the wire.
    framing = rep["size"] / rep["tx_wire_bytes"]
    assert abs(rep["framing"] - framing) < 1e-4
    # Base64 alone leaves 75 %; markers, newlines, length and CRC and the SMP header and CBOR
    # keys take a little more.
    assert 0.70 < framing < 0.75
    # The line never idles while a window of requests is in flight: within 1 % of the bound, and
    # never above it (the model cannot beat its own line rate).
    assert 0.99 * line_Bps * framing <= rep["goodput_Bps"] <= line_Bps * framing
    assert rep["timeouts"] == 0 and rep["resyncs"] == 0


def test_the_dfu_time_scales_with_the_line_rate():
    slow, _ = serialsim("--baud", 115200, "--size", 65536)
    fast, _ = serialsim("--baud", 1000000, "--size", 65536)
    assert slow["tx_wire_bytes"] == fast["tx_wire_bytes"]
    ratio = slow["upload_s"] / fast["upload_s"]
    assert abs(ratio - 1000000 / 115200) / (1000000 / 115200) < 0.02


def test_a_window_of_one_waits_for_each_answer():
    windowed, _ = serialsim("--baud", 115200, "--size", 65536)
    single, _ = serialsim("--baud", 115200, "--size", 65536, "--window", 1)
    assert single["window"] == 1 and windowed["window"] == windowed["buf_count"] - 1
    # Each answer and the device's turn-around now cost line time the requests cannot use.
    assert single["upload_s"] > windowed["upload_s"] * 1.005
    assert single["match"] is True


def test_shorter_lines_frame_less_efficiently():
    default, _ = serialsim("--baud", 1000000, "--size", 65536)
    short, _ = serialsim("--baud", 1000000, "--size", 65536, "--line-size", 64)
    assert short["framing"] < default["framing"]
    assert short["upload_s"] > default["upload_s"]
    assert short["match"] is True


def test_lines_longer_than_the_device_buffer_go_unheard():
    # The device keeps lines of CONFIG_UART_MCUMGR_RX_BUF_SIZE bytes before the newline; a line
    # holds the two markers and whole 4-character Base64 groups, so the first line size that
    # overflows it is one group more than fits. Such lines are dropped whole: the client hears
    # nothing and gives up after its retries.
    rx_buf = CFG["CONFIG_UART_MCUMGR_RX_BUF_SIZE"]
    first_too_long = 2 + 4 * ((rx_buf - 2) // 4 + 1) + 1
    fits, _ = serialsim("--baud", 1000000, "--size", 8192, "--line-size", first_too_long - 1)
    assert fits["match"] is True
    rep, r = serialsim("--baud", 1000000, "--size", 8192, "--line-size", first_too_long,
                       "--timeout-ms", 500, check=False)
    assert r.returncode == 1
    assert rep["ok"] is False and rep["rx_wire_bytes"] == 0 and rep["timeouts"] >= 1
    assert rep["framing"] is None and rep["goodput_Bps"] is None


def test_flash_timing_makes_a_fast_line_wait_for_the_flash():
    rep, _ = serialsim("--baud", 1000000, "--flash", "nrf52840", "--slot1", "dirty")
    assert rep["match"] is True
    # 512 KiB on nRF52840: 128 words per 512 bytes at 41 µs and a page erase per 4 KiB at 85 ms
    # (the image and its trailer page), far more than the 7.3 s the line needs.
    assert rep["flash_pages"] >= 128 and rep["flash_s"] > rep["line_s"]
    # The device's CPU does the flash work and sends the answers (polled output) one after the
    # other, so the DFU cannot be shorter than both together.
    assert rep["upload_s"] >= rep["flash_s"] + rep["rx_wire_bytes"] / rep["line_Bps"]
    assert rep["max_ratio"] <= 1.10


def test_more_requests_in_flight_than_buffers_lose_some():
    # A flash-bound device holds the request in work until its flash work is done: with the
    # window one above buf_count, a request finds no buffer, is lost, and the client resends.
    flash = ("--baud", 1000000, "--flash", "nrf52840", "--slot1", "dirty", "--size", 131072)
    fits, _ = serialsim(*flash)
    over, _ = serialsim(*flash, "--window", fits["buf_count"] + 1)
    assert fits["timeouts"] == 0 and fits["resyncs"] == 0
    assert over["match"] is True
    assert over["resyncs"] + over["timeouts"] > 0
    assert over["upload_s"] > fits["upload_s"]


def test_bad_options_are_refused_with_the_reason():
    _, r = serialsim("--baud", 0, check=False)
    assert r.returncode == 2 and "--baud must be 1..4000000" in r.stderr
    _, r = serialsim("--line-size", 6, check=False)
    assert r.returncode == 2 and "--line-size" in r.stderr


def client(flash, *args, baud=1000000):
    """The client over --transport serial-model: one power-on of the modelled device."""
    r = subprocess.run([str(CLIENT), "--transport", "serial-model", "--model-flash", str(flash),
                        "--baud", str(baud), *[str(a) for a in args]],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"{args} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def test_every_command_works_over_the_serial_model(tmp_path):
    flash = tmp_path / "flash.bin"
    assert client(flash, "echo", "down the line").stdout.strip() == "down the line"
    assert f"buf_size: {CFG['CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE']}" in client(flash,
                                                                              "params").stdout
    assert "serial-model" in client(flash, "os-info", "a").stdout
    for args in (["bootloader-info"], ["image", "list"], ["image", "slot-info"]):
        client(flash, *args)


def test_a_one_mib_upload_lands_in_the_flash_at_the_line_rate(tmp_path):
    flash = tmp_path / "flash.bin"
    payload = tmp_path / "app.raw"
    payload.write_bytes(random.Random(7).randbytes(MIB - 0x200 - 40))
    image = tmp_path / "app.bin"
    subprocess.run([str(IMAGE_TOOL), "create", "--version", "2.0.0", "--pad-header",
                    str(payload), str(image)], check=True)
    data = image.read_bytes()
    assert len(data) == MIB

    res = json.loads(client(flash, "--json", "image", "upload", image, baud=115200).stdout)
    assert res["match"] is True and res["timeouts"] == 0
    # Virtual time at 115200 baud: the line carries 11,520 bytes/s, the framing leaves about
    # 72 % of it, and the client's seconds are the model's.
    assert 0.70 * 11520 < MIB / res["seconds"] < 0.75 * 11520
    slot1 = CFG["CONFIG_SIM_BOOT_SIZE"] + CFG["CONFIG_SIM_SLOT_SIZE"]
    with open(flash, "rb") as f:
        f.seek(slot1)
        assert f.read(MIB) == data
