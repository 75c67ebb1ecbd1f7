# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the wire oracle: the configuration, the simulated device as a black-box process
(a fresh flash file per test), and a UDP session to it. Every process started here is stopped at
teardown, after checking that it still answers echo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import smp_oracle as o  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app_markers  # noqa: E402

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("SMPDFU_SOURCE_DIR", HERE.parent.parent))
BUILD_DIR = Path(os.environ.get("SMPDFU_BUILD_DIR", SOURCE_DIR / "build" / "sim"))
CONFIG_H = Path(os.environ.get("SMPDFU_CONFIG_H",
                               BUILD_DIR / "generated" / "smpdfu" / "config.h"))
VECTORS = HERE.parent / "vectors"  # in the repository: the suite needs nothing beside it


def pytest_configure(config):
    app_markers.register(config)


def pytest_collection_modifyitems(config, items):
    """Tests for a device that does nothing by itself at boot skip in the nRF Desktop builds."""
    app_markers.apply(items, CONFIG_H)


@pytest.fixture(scope="session")
def cfg() -> o.Config:
    if not CONFIG_H.exists():
        pytest.fail(f"configuration header {CONFIG_H} not found (set SMPDFU_CONFIG_H)")
    c = o.Config.load(CONFIG_H)
    for name in ("CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE", "CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT",
                 "CONFIG_SIM_SLOT_SIZE", "CONFIG_SIM_BOOT_SIZE"):
        assert name in c.values, f"{name} missing from {CONFIG_H}"
    return c


@pytest.fixture(scope="session")
def layout(cfg) -> o.FlashLayout:
    return o.FlashLayout(cfg)


@pytest.fixture(scope="session")
def sim_exe() -> Path:
    exe = BUILD_DIR / "sim" / "smpdfu-sim"
    if not exe.exists():
        pytest.fail(f"{exe} is not built (set SMPDFU_BUILD_DIR)")
    return exe


@pytest.fixture(scope="session")
def vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.fail(f"test vectors not found at {VECTORS}")
    return VECTORS


class DeviceFactory:
    """Starts devices for one test; each gets its own flash file unless one is passed."""

    def __init__(self, exe: Path, tmp: Path):
        self.exe, self.tmp = exe, tmp
        self.devices: list[o.SimDevice] = []
        self.sessions: list[o.SmpUdp] = []

    def __call__(self, *, load_slot0: bytes | Path | None = None, flash: Path | None = None,
                 name: str | None = None) -> o.SimDevice:
        n = len(self.devices)
        name = name or f"dev{n}"
        if isinstance(load_slot0, (bytes, bytearray)):
            p = self.tmp / f"{name}-slot0.bin"
            p.write_bytes(load_slot0)
            load_slot0 = p
        dev = o.SimDevice(self.exe, flash or self.tmp / f"{name}-flash.bin",
                          self.tmp / f"{name}.log", load_slot0=load_slot0)
        self.devices.append(dev)
        dev.start()
        return dev

    def session(self, dev: o.SimDevice, **kw) -> o.SmpUdp:
        s = dev.session(**kw)
        self.sessions.append(s)
        return s

    def teardown(self) -> list[str]:
        problems = []
        for s in self.sessions:
            s.close()
        for dev in self.devices:
            try:
                if not dev.alive():
                    problems.append(f"device exited with status {dev.proc.returncode}")
                else:
                    with dev.session(seq=0xA0) as s:
                        s.drain()
                        try:
                            rsp = o.wait_until_answers(s, timeout=3.0)
                            if rsp.body != {"r": "alive?"}:
                                problems.append(f"final echo answered {rsp.body}")
                        except (o.NoResponse, AssertionError) as e:
                            problems.append(f"device no longer answers echo: {e}")
            finally:
                rc = dev.stop()
                if rc not in (0, None) and not problems:
                    problems.append(f"device exit status {rc} on SIGTERM")
            if problems:
                problems.append("device log:\n" + dev.log()[-4000:])
        return problems


@pytest.fixture
def devices(sim_exe, tmp_path):
    f = DeviceFactory(sim_exe, tmp_path)
    try:
        yield f
    finally:
        problems = f.teardown()
    if problems:
        pytest.fail("after the test: " + "\n".join(problems), pytrace=False)


@pytest.fixture
def device(devices) -> o.SimDevice:
    """A device with a fresh, erased flash."""
    return devices()


@pytest.fixture
def smp(devices, device) -> o.SmpUdp:
    """A session to `device`."""
    return devices.session(device)


@pytest.fixture
def running_device(devices, cfg):
    """A device whose slot 0 holds (factory-programmed) the running image 1.0.0: the capture's,
    or in direct-XIP one that validates (o.running_image says why)."""
    img = o.running_image(cfg)
    dev = devices(load_slot0=img.data)
    dev.slot0_image = img
    return dev
