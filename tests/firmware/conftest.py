# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the firmware tests: the board's build (firmware/CMakeLists.txt passes its folders
in the environment), images signed from its application binaries, and an emulated board
powered on from the factory flash."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parents[2] / "scripts"))
from qemu_board import QEMU, Board  # noqa: E402

STACK_RE = re.compile(r"stack high-water (\d+) of (\d+) bytes")


def assert_stack_never_overflowed(board: Board):
    """Every high-water mark an image logged left some of its stack untouched: one that reached
    the end may have run past it."""
    marks = [(int(a), int(b)) for a, b in STACK_RE.findall(board.console())]
    assert all(used < size for used, size in marks), marks


class Firmware:
    """What the board's build made, and its configuration."""

    def __init__(self):
        self.dir = Path(os.environ["SMPDFU_FIRMWARE_DIR"])
        host = Path(os.environ["SMPDFU_HOST_BUILD_DIR"])
        self.client = host / "tools" / "smpdfu"
        self.image_tool = host / "tools" / "smpdfu-image"
        self.sim = host / "sim" / "smpdfu-sim"
        self.key = Path(os.environ["SMPDFU_SIGNING_KEY"])
        self.config = {}
        for line in (self.dir / "app" / "generated" / ".config").read_text().splitlines():
            if line.startswith("CONFIG_") and "=" in line:
                name, _, value = line.partition("=")
                self.config[name] = value.strip('"')

    def num(self, name: str) -> int:
        return int(self.config[name], 0)

    @property
    def slot0(self) -> int:
        return self.num("CONFIG_SMPDFU_PARTITION_BOOT_SIZE")

    @property
    def slot_size(self) -> int:
        return self.num("CONFIG_SMPDFU_PARTITION_SLOT_SIZE")

    def sign(self, binary: str, version: str, out: Path, key: Path = None, extra=()) -> Path:
        """An application binary of the build (app, app_manual_confirm) signed as an image."""
        subprocess.run([str(self.image_tool), "sign", "--version", version,
                        "--header-size", self.config["CONFIG_ROM_START_OFFSET"],
                        "--pad-header", "--slot-size", hex(self.slot_size),
                        "--max-sectors", self.config["CONFIG_BOOT_MAX_IMG_SECTORS"],
                        "--key", str(key or self.key), *extra,
                        str(self.dir / f"{binary}.bin"), str(out)], check=True)
        return out

    def image_hash(self, image: Path) -> str:
        return subprocess.run([str(self.image_tool), "hash", str(image)], check=True,
                              capture_output=True, text=True).stdout.split()[0]

    def flash_image(self, out: Path, *parts) -> Path:
        """A whole flash (the rest erased) from (file, offset) parts."""
        subprocess.run(["/usr/bin/python3",
                        str(Path(__file__).parents[2] / "scripts" / "make_flash_image.py"),
                        "--size", str(self.num("CONFIG_FLASH_SIZE") * 1024), str(out),
                        *[f"{p}@{off:#x}" for p, off in parts]], check=True)
        return out


def pytest_collection_modifyitems(config, items):
    if QEMU is None:
        skip = pytest.mark.skip(reason="qemu-system-arm is not installed (scripts/setup.sh)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fw() -> Firmware:
    return Firmware()


@pytest.fixture(scope="session")
def factory_state(fw, tmp_path_factory) -> Path:
    """The saved machine with the factory flash: bootloader and application 1.0.0."""
    work = tmp_path_factory.mktemp("factory")
    state = work / "factory.state"
    Board.make_state(fw.dir / "factory-flash.bin", state, work)
    return state


def board_from(fw, state: Path, tmp_path: Path, gdb=False) -> Board:
    own = tmp_path / "board.state"
    own.write_bytes(state.read_bytes())
    board = Board(tmp_path, own, fw.client)
    board.power_on(gdb=gdb)
    return board


@pytest.fixture
def board(fw, factory_state, tmp_path):
    """A board fresh from the factory, powered on; its bootloader runs at once."""
    b = board_from(fw, factory_state, tmp_path)
    yield b
    b.kill()
    assert_stack_never_overflowed(b)
