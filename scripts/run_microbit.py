#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The firmware on an emulated BBC micro:bit, by hand: builds the board's images, powers the board
on (from its factory flash the first time, afterwards from the flash it kept), shows its console
and says how to talk to it. Ctrl-C powers it off; its flash is kept for the next run.

    /usr/bin/python3 scripts/run_microbit.py [--fresh]

--fresh starts again from the factory flash (bootloader and application 1.0.0).
"""
import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from qemu_board import Board  # noqa: E402

BUILD = ROOT / "build" / "bbc_microbit"


def build():
    subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, check=True)
    subprocess.run(["cmake", "--preset", "bbc_microbit"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", "--preset", "bbc_microbit"], cwd=ROOT, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fresh", action="store_true", help="start from the factory flash again")
    args = ap.parse_args()
    build()

    work = BUILD / "board"
    work.mkdir(exist_ok=True)
    state = BUILD / "board.state"
    if args.fresh or not state.exists():
        Board.make_state(BUILD / "firmware" / "factory-flash.bin", state, work)
    tools = BUILD.parent / "host-tools" / "tools"
    board = Board(work, state, tools / "smpdfu")
    board.console_log.unlink(missing_ok=True)
    board.power_on(own_session=True)

    tools = tools.relative_to(ROOT)
    fw = BUILD.relative_to(ROOT) / "firmware"
    print(f"""
The emulated micro:bit runs; its console UART is {board.pty}. In another terminal:
  {tools}/smpdfu --transport serial --device {board.pty} image list
An update (the application signed as 2.0.0 with this build's key):
  {tools}/smpdfu-image sign --version 2.0.0 --header-size 0x200 --pad-header \\
      --slot-size 0x1c000 --max-sectors 112 --key {BUILD.relative_to(ROOT)}/keys/signing-key.pem \\
      {fw}/app.bin v2.bin
  {tools}/smpdfu --transport serial --device {board.pty} image upload v2.bin
  then: image test HASH, reset, image list, image confirm
Ctrl-C powers the board off and keeps its flash (--fresh starts from the factory flash).
--- console ---""", flush=True)

    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    shown = 0
    while not stop:
        text = board.console()
        sys.stdout.write(text[shown:])
        sys.stdout.flush()
        shown = len(text)
        time.sleep(0.1)
    board.power_off()
    print(f"\npowered off; the flash is kept in {state.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
