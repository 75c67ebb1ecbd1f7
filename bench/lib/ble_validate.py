#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Predicts every published figure of ble_validation.py with smpdfu-blesim and writes the
validation table (markdown) and name=value lines. Usage:
  ble_validate.py --bin fast=PATH --bin fast6=PATH [--table FILE] [--only ID,...]"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blesim  # noqa: E402
from ble_validation import FIGURES  # noqa: E402

SIZE = 524288
TOLERANCE = 0.10


def predict(fig, bins):
    report = blesim.run(bins[fig["build"]], fig["args"], fig.get("size", SIZE))
    kbs = (report["capacity_Bps"] if fig["measure"] == "capacity" else report["goodput_Bps"])
    return kbs / 1000.0, report


def row_md(fig, pred, ratio, hit):
    settings = fig["settings"]
    if fig["assumed"]:
        settings += f"; *assumed:* {fig['assumed']}"
    return (f"| {fig['id']} | {fig['what']} ([source]({fig['source'].split()[0]})) | "
            f"{fig['published']} | {settings} | {fig['pinned']} | `{fig['central']}` | "
            f"{pred:.1f} | {ratio:.2f} | {'yes' if hit else '**no**'} |")


def command_md(fig, bins):
    build = Path(bins[fig["build"]])
    cmd = blesim.command(f"build/bench/{build.parents[2].name}/sim/ble/smpdfu-blesim",
                         fig["args"], fig.get("size", SIZE))
    return f"{cmd}   # {fig['id']}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", default=[], help="BUILD=PATH of smpdfu-blesim")
    ap.add_argument("--table", help="write the markdown table here")
    ap.add_argument("--only", help="comma-separated ids")
    args = ap.parse_args()
    bins = dict(b.split("=", 1) for b in args.bin)
    only = set(args.only.split(",")) if args.only else None

    rows, cmds, hits, total, by_pin = [], [], 0, 0, {}
    for fig in FIGURES:
        if only and fig["id"] not in only:
            continue
        pred, _ = predict(fig, bins)
        ratio = pred / fig["value"]
        hit = abs(ratio - 1.0) <= TOLERANCE
        total += 1
        hits += hit
        print(f"validate.{fig['id']}.predicted_kBps={pred:.2f}")
        print(f"validate.{fig['id']}.published_kBps={fig['value']:.2f}")
        print(f"validate.{fig['id']}.ratio={ratio:.3f}")
        rows.append(row_md(fig, pred, ratio, hit))
        cmds.append(command_md(fig, bins))
        by_pin.setdefault(fig["pinned"], [0, 0])
        by_pin[fig["pinned"]][0] += hit
        by_pin[fig["pinned"]][1] += 1
    print(f"validate.figures={total}")
    print(f"validate.within_10pct={hits}")
    print(f"validate.share_within_10pct={hits / total:.3f}")
    for pin, (h, n) in sorted(by_pin.items()):
        print(f"validate.pinned_{pin}.within_10pct={h}")
        print(f"validate.pinned_{pin}.figures={n}")
    if args.table:
        head = ("| id | figure | published | settings (published; *assumed*) | pinned | "
                "profile | predicted kB/s | predicted / published | within ±10 % |\n"
                "|---|---|---|---|---|---|---|---|---|")
        pins = ", ".join(f"{h} of {n} pinned {pin!r}" for pin, (h, n) in sorted(by_pin.items(),
                                                                             reverse=True))
        foot = (f"\n\n**{hits} of {total} within ±10 %** ({100.0 * hits / total:.0f} %): {pins}. "
                "Commands (`bash bench/ble_validate.sh` builds these binaries):\n\n```sh\n" +
                "\n".join(cmds) + "\n```\n")
        Path(args.table).write_text(head + "\n" + "\n".join(rows) + foot)


if __name__ == "__main__":
    main()
