# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the system tests: the simulated device (smpdfu-sim) as a real process on a free UDP
port with its own flash file, and a raw SMP-over-UDP client. Every process started here is killed
at teardown, whatever the test did."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app_markers  # noqa: E402

READY_TIMEOUT_S = 10.0
LISTENING_RE = re.compile(r"^smpdfu-sim: listening on udp (\S+):(\d+)$")


def build_dir() -> Path:
    d = os.environ.get("SMPDFU_BUILD_DIR")
    if not d:
        pytest.skip("SMPDFU_BUILD_DIR is not set (run through ctest)")
    return Path(d)


def sim_binary() -> Path:
    exe = build_dir() / "sim" / "smpdfu-sim"
    if not exe.exists():
        pytest.fail(f"{exe} is not built")
    return exe


def pytest_configure(config):
    app_markers.register(config)


def pytest_collection_modifyitems(config, items):
    """Tests for a device that does nothing by itself at boot skip in the nRF Desktop builds."""
    d = os.environ.get("SMPDFU_BUILD_DIR")
    path = os.environ.get("SMPDFU_CONFIG_H") or (f"{d}/generated/smpdfu/config.h" if d else None)
    if path:
        app_markers.apply(items, path)


def read_config() -> dict:
    """The generated <smpdfu/config.h> as {name: int}, so the tests follow the build's layout."""
    path = os.environ.get("SMPDFU_CONFIG_H") or str(build_dir() / "generated/smpdfu/config.h")
    return app_markers.read_config(path)


class FlashLayout:
    """Offsets of the simulated board's partitions in the flash file (sim/device/sim_board.c)."""

    def __init__(self, cfg: dict):
        self.page_size = cfg["CONFIG_SIM_FLASH_PAGE_SIZE"]
        self.boot_size = cfg["CONFIG_SIM_BOOT_SIZE"]
        self.slot_size = cfg["CONFIG_SIM_SLOT_SIZE"]
        self.scratch_size = cfg["CONFIG_SIM_SCRATCH_SIZE"]
        self.storage_size = cfg["CONFIG_SIM_STORAGE_SIZE"]
        self.slot0 = self.boot_size
        self.slot1 = self.slot0 + self.slot_size
        self.scratch = self.slot1 + self.slot_size
        self.storage = self.scratch + self.scratch_size
        self.size = self.storage + self.storage_size


@pytest.fixture(scope="session")
def layout() -> FlashLayout:
    return FlashLayout(read_config())


def free_udp_port() -> int:
    """A port free on both loopbacks right now. The device binds it a moment later; the window
    is small, and the kernel hands out ephemeral ports in a way that rarely repeats soon."""
    for _ in range(50):
        s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s4.bind(("127.0.0.1", 0))
            port = s4.getsockname()[1]
            if not socket.has_ipv6:
                return port
            s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            try:
                s6.bind(("::1", port))
                return port
            except OSError as e:
                if e.errno in (97, 99):  # EAFNOSUPPORT, EADDRNOTAVAIL: no IPv6 here
                    return port
            finally:
                s6.close()
        finally:
            s4.close()
    raise RuntimeError("no UDP port free on both loopbacks")


class Device:
    """One smpdfu-sim process. stdout is read by a thread (it carries the "listening" lines);
    stderr (the log) goes to a file the test can read."""

    def __init__(self, workdir: Path, flash: Path, port: int, args: list):
        self.workdir = workdir
        self.flash = flash
        self.port = port
        self.log_path = workdir / f"smpdfu-sim-{port}.log"
        self.lines = []
        self.listening = []  # (host, port) per "listening" line, across restarts
        self._cond = threading.Condition()
        self._log = open(self.log_path, "wb")
        # --recovery: most tests talk to devices with nothing (valid) to boot yet.
        cmd = [str(sim_binary()), "--flash", str(flash), "--port", str(port), "--recovery",
               *args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._log, cwd=workdir)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            with self._cond:
                self.lines.append(line)
                m = LISTENING_RE.match(line)
                if m:
                    self.listening.append((m.group(1).strip("[]"), int(m.group(2))))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_listening(self, count: int = 1, timeout: float = READY_TIMEOUT_S):
        """Waits until `count` "listening" lines were printed in total (one per bound address
        and start: after a restart, wait for the previous count plus the new ones)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.listening) < count:
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"device not listening (rc={self.proc.poll()}); log:\n{self.log()}")
                self._cond.wait(min(left, 0.1))

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_exit(self, timeout: float = READY_TIMEOUT_S) -> int:
        """The exit status, once everything the process printed is in self.lines."""
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        return rc

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        """Always ends the process: SIGTERM, then SIGKILL if it does not go."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        self.proc.stdout.close()
        self._log.close()


class SmpUdpClient:
    """Raw SMP over UDP: one request per datagram, one response per request."""

    def __init__(self, host: str, port: int, timeout: float = 2.0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.addr = (host, port)
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)

    def send(self, data: bytes):
        self.sock.sendto(data, self.addr)

    def recv(self) -> bytes:
        data, _ = self.sock.recvfrom(65536)
        return data

    def request(self, data: bytes) -> bytes:
        self.send(data)
        return self.recv()

    def close(self):
        self.sock.close()


@pytest.fixture
def start_device(tmp_path):
    """A factory: start_device(*args, flash=None, wait=True) -> Device on a free port, with a fresh
    flash file in tmp_path unless one is given. Every device started is stopped at teardown."""
    devices = []

    def start(*args, flash=None, wait=True):
        port = free_udp_port()
        dev = Device(tmp_path, Path(flash) if flash else tmp_path / "flash.bin", port,
                     list(args))
        devices.append(dev)
        if wait:
            dev.wait_listening()
        return dev

    yield start
    for dev in devices:
        dev.stop()


@pytest.fixture
def device(start_device):
    """A running device with default options (both loopbacks, a fresh flash file)."""
    return start_device()


@pytest.fixture
def client_for():
    """client_for(device, host="127.0.0.1") -> SmpUdpClient; closed at teardown."""
    clients = []

    def make(dev, host="127.0.0.1"):
        c = SmpUdpClient(host, dev.port)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
