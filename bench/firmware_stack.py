#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The firmware's stack high-water marks, measured on the emulated micro:bit: the bootloader
while it verifies and swaps in an update, the application through an upload and a reset.

    firmware_stack.py BUILD_DIR      (build/bbc_microbit, built)

Prints boot_stack=USED/SIZE and app_stack=USED/SIZE, the largest of every line the images logged.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from qemu_board import Board  # noqa: E402

BOOT_RE = re.compile(r"I: boot: starting the image .*stack high-water (\d+) of (\d+) bytes")
APP_RE = re.compile(r"I: cortex_m: rebooting; stack high-water (\d+) of (\d+) bytes")


def deepest(rx, text):
    found = [(int(a), int(b)) for a, b in rx.findall(text)]
    if not found:
        sys.exit(f"firmware_stack: no {rx.pattern!r} on the console")
    return max(found)


def main():
    build = Path(sys.argv[1]).resolve()
    fw = build / "firmware"
    tools = build.parent / "host-tools" / "tools"
    tool = tools / "smpdfu-image"
    key = build / "keys" / "signing-key.pem"
    cfg = dict(line.split("=", 1) for line in (fw / "app" / "generated" / ".config")
               .read_text().splitlines() if line.startswith("CONFIG_"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        state = work / "board.state"
        Board.make_state(fw / "factory-flash.bin", state, work)
        board = Board(work, state, tools / "smpdfu")
        board.power_on()
        try:
            board.wait_console(r"smpdfu-app 1\.0\.0")
            v2 = work / "v2.bin"
            subprocess.run([str(tool), "sign", "--version", "2.0.0", "--header-size",
                            cfg["CONFIG_ROM_START_OFFSET"], "--pad-header", "--slot-size",
                            cfg["CONFIG_SMPDFU_PARTITION_SLOT_SIZE"], "--max-sectors",
                            cfg["CONFIG_BOOT_MAX_IMG_SECTORS"], "--key", str(key),
                            str(fw / "app.bin"), str(v2)], check=True)
            board.smp("image", "upload", str(v2))
            digest = subprocess.run([str(tool), "hash", str(v2)], check=True,
                                    capture_output=True, text=True).stdout.split()[0]
            board.smp("image", "test", digest)
            board.smp("reset")
            board.wait_console(r"smpdfu-app 2\.0\.0")
            start = len(board.console())
            board.smp("reset")
            board.wait_console(r"I: boot: starting the image", start)
            text = board.console()
        finally:
            board.kill()
    print("boot_stack=%d/%d" % deepest(BOOT_RE, text))
    print("app_stack=%d/%d" % deepest(APP_RE, text))


if __name__ == "__main__":
    main()
