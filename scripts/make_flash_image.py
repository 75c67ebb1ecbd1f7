#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Lay binary files out in a flash image: the rest reads erased (0xFF), as a chip's flash does.

    make_flash_image.py --size BYTES OUTPUT FILE@OFFSET...

Fails when a file does not fit the flash or overlaps another.
"""
import argparse
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", required=True, type=lambda s: int(s, 0))
    ap.add_argument("output")
    ap.add_argument("parts", nargs="+", metavar="FILE@OFFSET")
    args = ap.parse_args()

    flash = bytearray(b"\xff" * args.size)
    used = []
    for part in args.parts:
        path, _, off = part.rpartition("@")
        off = int(off, 0)
        data = open(path, "rb").read()
        end = off + len(data)
        if end > args.size:
            sys.exit(f"make_flash_image: {path} ends at {end:#x}, past the flash ({args.size:#x})")
        for other, (o_off, o_end) in used:
            if off < o_end and o_off < end:
                sys.exit(f"make_flash_image: {path} overlaps {other}")
        used.append((path, (off, end)))
        flash[off:end] = data
    with open(args.output, "wb") as f:
        f.write(flash)


if __name__ == "__main__":
    main()
