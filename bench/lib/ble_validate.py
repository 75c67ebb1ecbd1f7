#!/usr/bin/python3
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


def row_md(fig, pred, ratio, hit, bins):
    rng = f" (range {fig['low']:g}-{fig['high']:g})" if "low" in fig else ""
    cmd = blesim.command(Path(bins[fig["build"]]).name, fig["args"], fig.get("size", SIZE))
    assumed = fig["assumed"] or "-"
    return (f"| {fig['id']} | {fig['what']}; [source]({fig['source'].split()[0]}) | "
            f"{fig['published']}{rng} | {fig['settings']} | {assumed} | {fig['pinned']} | "
            f"`{fig['central']}` | {pred:.1f} | {ratio:.2f} | {'yes' if hit else '**no**'} |"
            f"\n|  | `{cmd}` |  |  |  |  |  |  |  |  |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", default=[], help="BUILD=PATH of smpdfu-blesim")
    ap.add_argument("--table", help="write the markdown table here")
    ap.add_argument("--only", help="comma-separated ids")
    args = ap.parse_args()
    bins = dict(b.split("=", 1) for b in args.bin)
    only = set(args.only.split(",")) if args.only else None

    rows, hits, total = [], 0, 0
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
        rows.append(row_md(fig, pred, ratio, hit, bins))
    print(f"validate.figures={total}")
    print(f"validate.within_10pct={hits}")
    print(f"validate.share_within_10pct={hits / total:.3f}")
    if args.table:
        head = ("| id | figure | published | settings published | assumed | pinned | "
                "profile | predicted kB/s | predicted / published | within ±10 % |\n"
                "|---|---|---|---|---|---|---|---|---|---|")
        foot = (f"\n\n**{hits} of {total} within ±10 %** "
                f"({100.0 * hits / total:.0f} %).\n")
        Path(args.table).write_text(head + "\n" + "\n".join(rows) + foot)


if __name__ == "__main__":
    main()
