#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Generates docs/tuning.md and its plots from smpdfu-blesim runs (bench/tuning.sh): predicted DFU
time and goodput across the settings users tune, and recommended settings per use. Usage:
  tuning.py --fast BIN --big BIN --desktop BIN --out DIR
DIR receives tuning.md and img/tuning-*.svg (bench/all.sh copies them to docs/); name=value lines
go to stdout."""
import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blesim  # noqa: E402

KIB512 = 524288
MIB = 1048576
DIRTY = ["--slot1", "dirty"]
PROFILES = ["dk", "android-high", "android-balanced", "ios", "bluez"]


class Runner:
    def __init__(self, bins):
        self.bins = bins
        self.count = 0

    def __call__(self, build, args, size=KIB512):
        self.count += 1
        return blesim.run(self.bins[build], args, size)


def secs(r):
    return f"{r['upload_s']:.1f} s"


def kbs(r):
    return f"{r['goodput_Bps'] / 1000:.1f} kB/s"


def cell(r):
    return f"{secs(r)} ({kbs(r)})"


def gnuplot(out_svg, title, xlabel, ylabel, series, logx=False, logy=False, xtics=None):
    """One line plot (SVG): series is [(label, [(x, y), ...]), ...]; xtics lists tick values."""
    lines = [
        'set terminal svg size 760,430 dynamic font "sans,12" background rgb "white"',
        f'set output "{out_svg}"',
        f'set title "{title}"', f'set xlabel "{xlabel}"', f'set ylabel "{ylabel}"',
        "set grid", "set key outside right top", "set datafile separator whitespace",
    ]
    if logx:
        lines.append("set logscale x")
    if logy:
        lines.append("set logscale y")
    if xtics:
        lines.append("set xtics (" + ", ".join(f'"{x:g}" {x}' for x in xtics) + ")")
        lines.append(f"set xrange [{min(xtics) * 0.9}:{max(xtics) * 1.1}]")
    plots = []
    data = []
    for label, points in series:
        plots.append(f"'-' using 1:2 with linespoints lw 2 title \"{label}\"")
        data.append("\n".join(f"{x} {y}" for x, y in points) + "\ne")
    lines.append("plot " + ", ".join(plots))
    script = "\n".join(lines) + "\n" + "\n".join(data) + "\n"
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def section_profiles(run, md, out):
    md += ["## Central and part", "",
           "The device as nRF Connect SDK's fast DFU set-up (MTU 498, data length 251, 2M, "
           "reassembly, 2475-byte buffers, 4 of them, window 3), slot 1 holding an older image; "
           "each central with its profile (`--central NAME`, see docs/ble_model.md).", "",
           "| central | nRF52840, 512 KiB | nRF52840, 1 MiB | nRF5340, 512 KiB | "
           "nRF5340, 1 MiB | flash untimed, 512 KiB |", "|---|---|---|---|---|---|"]
    for prof in PROFILES:
        cells = []
        for part in ("nrf52840", "nrf5340"):
            for size in (KIB512, MIB):
                r = run("fast", ["--central", prof, "--part", part] + DIRTY, size)
                out(f"profile.{prof}.{part}.{size}.upload_s={r['upload_s']}")
                cells.append(cell(r))
        r = run("fast", ["--central", prof])
        out(f"profile.{prof}.untimed.upload_s={r['upload_s']}")
        cells.append(cell(r))
        md.append(f"| `{prof}` | " + " | ".join(cells) + " |")
    md += ["", "On the nRF52840 the flash is the bound for every central: its erase and write "
           "slots take the radio, so link time and flash time add up; on the nRF5340 the radio "
           "has its own core and the two overlap. Command: `smpdfu-blesim --central NAME --part "
           "PART --slot1 dirty --size BYTES`.", ""]


def section_interval(run, md, out, img):
    intervals = [7.5, 10, 15, 20, 30, 45, 60, 90]
    setups = [
        ("no PDU cap, untimed", ["--central", "dk"], []),
        ("no PDU cap, nRF52840", ["--central", "dk"], ["--part", "nrf52840"] + DIRTY),
        ("4 PDUs/event, untimed", ["--central", "android-high"], []),
        ("4 PDUs/event, nRF52840", ["--central", "android-high"], ["--part", "nrf52840"] + DIRTY),
        ("4 PDUs/event, nRF5340", ["--central", "android-high"], ["--part", "nrf5340"] + DIRTY),
    ]
    series = []
    rows = {}
    for label, base, flash in setups:
        pts = []
        for iv in intervals:
            r = run("fast", base + ["--interval", iv] + flash)
            out(f"interval.{label.replace(' ', '_').replace(',', '')}.{iv}={r['upload_s']}")
            pts.append((iv, r["upload_s"]))
            rows.setdefault(iv, []).append(secs(r))
        series.append((label, pts))
    gnuplot(img / "tuning-interval.svg", "512 KiB DFU time by connection interval",
            "connection interval (ms)", "DFU time (s)", series, logx=True, xtics=intervals)
    md += ["## Connection interval", "",
           "![DFU time by connection interval](img/tuning-interval.svg)", "",
           "| interval | " + " | ".join(s[0] for s in setups) + " |",
           "|---" * (len(setups) + 1) + "|"]
    md += [f"| {iv:g} ms | " + " | ".join(rows[iv]) + " |" for iv in intervals]
    md += ["", "A central without a PDU cap fills each event up to the interval, so a longer "
           "interval loses little (one margin per event); a central that sends 4 PDUs per event "
           "moves 4 PDUs per interval whatever its length, so its DFU time grows with the "
           "interval. With nRF52840 flash timing the flash bound dominates from 15 ms on. "
           "Commands: `--central dk|android-high --interval MS [--part PART --slot1 dirty]`.",
           ""]


def section_mtu_dl_phy(run, md, out):
    md += ["## ATT MTU, data length and PHY", "",
           "`android-high` (15 ms, 4 PDUs per event), flash untimed, 512 KiB, reassembly on "
           "(`--mtu N --dl N`):", "",
           "| ATT MTU | data length 27 | data length 251 |", "|---|---|---|"]
    for mtu in (23, 185, 247, 498, 517):
        cells = []
        for dl in (27, 251):
            r = run("fast", ["--central", "android-high", "--mtu", mtu, "--dl", dl])
            out(f"mtu.{mtu}.dl{dl}.upload_s={r['upload_s']}")
            cells.append(cell(r))
        md.append(f"| {mtu} | " + " | ".join(cells) + " |")
    md += ["", "Data length decides the PDU count; the MTU only where a write leaves a short "
           "last PDU (MTU 498 packs a write into exactly two 251-byte PDUs, 517 into three).",
           "", "PHY (`--phy 1m|2m|coded-s2|coded`), flash untimed, 512 KiB:", "",
           "| PHY | `dk` at 7.5 ms | `dk` at 50 ms | `android-high` |", "|---|---|---|---|"]
    for phy, name in (("1m", "1M"), ("2m", "2M"), ("coded-s2", "Coded S=2"),
                      ("coded", "Coded S=8")):
        cells = []
        for base in (["--central", "dk"], ["--central", "dk", "--interval", "50"],
                     ["--central", "android-high"]):
            r = run("fast", base + ["--phy", phy])
            out(f"phy.{phy}.{'_'.join(base[1:])}.upload_s={r['upload_s']}")
            cells.append(cell(r))
        md.append(f"| {name} | " + " | ".join(cells) + " |")
    md += ["", "LE Coded S=8 needs 16.8 ms for one 251-byte PDU: at 7.5 ms one pair fills each "
           "event, and a DFU of 512 KiB takes minutes.", ""]


def section_buffers(run, md, out, img):
    sizes = [495, 990, 1485, 2048, 2475, 4096, 4950]
    counts = [2, 3, 4, 6, 8]
    md += ["## SMP buffer size and count, client window", "",
           "A device with buffers of S bytes, C of them, simulated by a device with 4950-byte "
           "buffers (8) and a client that sends packets of S with window C − 1 (`--packet S "
           "--window C-1`): the link carries the same. `android-high`, nRF52840, slot 1 "
           "dirty, 512 KiB; goodput:", "",
           "![Goodput by SMP buffer size and count](img/tuning-buffers.svg)", "",
           "| buffer size | " + " | ".join(f"count {c} (window {c - 1})" for c in counts) + " |",
           "|---" * (len(counts) + 1) + "|"]
    series = {c: [] for c in counts}
    for size in sizes:
        cells = []
        for c in counts:
            r = run("big", ["--central", "android-high", "--part", "nrf52840", "--packet",
                            size, "--window", c - 1] + DIRTY)
            out(f"buffers.{size}.count{c}.goodput_Bps={r['goodput_Bps']}")
            series[c].append((size, r["goodput_Bps"] / 1000))
            cells.append(kbs(r))
        md.append(f"| {size} | " + " | ".join(cells) + " |")
    gnuplot(img / "tuning-buffers.svg", "Goodput by SMP buffer size (android-high, nRF52840)",
            "SMP buffer size (bytes)", "goodput (kB/s)",
            [(f"{c} buffers (window {c - 1})", series[c]) for c in counts], xtics=sizes)
    md += ["", "Untimed flash shows what the link alone does with the same buffers:", "",
           "| buffer size | count 2 | count 4 | count 8 |", "|---|---|---|---|"]
    for size in sizes:
        cells = []
        for c in (2, 4, 8):
            r = run("big", ["--central", "android-high", "--packet", size, "--window", c - 1])
            out(f"buffers.untimed.{size}.count{c}.goodput_Bps={r['goodput_Bps']}")
            cells.append(kbs(r))
        md.append(f"| {size} | " + " | ".join(cells) + " |")
    md += ["", "With the flash timed, two buffers (window 1) cost a round trip per packet; from "
           "three on the flash is the limit on nRF52840 and more buffers add nothing. Sizes that "
           "are whole multiples of a write (495 bytes at MTU 498: 1485, 2475, 4950) leave no "
           "short last PDU; 2048 and 4096 (Zephyr's defaults) do. With the flash untimed, what "
           "the link alone does, small buffers need a deep window.", ""]


def section_reassembly(run, md, out):
    md += ["## Reassembly", "",
           "One SMP packet per write (`--reassembly off`, what a client does without MCUmgr "
           "params) against packets of the buffer size over several writes; window 3, "
           "nRF52840, slot 1 dirty, 512 KiB:", "",
           "| central | reassembly on | reassembly off |", "|---|---|---|"]
    for prof in PROFILES:
        cells = []
        for reass in ("on", "off"):
            r = run("fast", ["--central", prof, "--reassembly", reass, "--part", "nrf52840"] +
                    DIRTY)
            out(f"reassembly.{prof}.{reass}.upload_s={r['upload_s']}")
            cells.append(cell(r))
        md.append(f"| `{prof}` | " + " | ".join(cells) + " |")
    md.append("")


def section_latency(run, md, out, img):
    lats = [0, 4, 9, 29, 49, 99]
    base = ["--central", "dk", "--encrypted", "on", "--timeout", "6000", "--part", "nrf52840",
            "--timeout-ms", "15000"] + DIRTY
    md += ["## Peripheral latency and transfer events", "",
           "An nRF Desktop-style device (`ble_latency` and `dfu_mcumgr`, configs/"
           "ble_nrf_desktop.conf) with peripheral latency L between transfers; with transfer "
           "events the first upload chunk makes `ble_latency` ask for latency 0. `dk` at "
           "7.5 ms, encrypted, 6 s supervision timeout, nRF52840, slot 1 dirty, 512 KiB, client "
           "timeout 15 s:", "",
           "![DFU time by peripheral latency](img/tuning-latency.svg)", "",
           "| latency | transfer events on | transfer events off |", "|---|---|---|"]
    series = {"on": [], "off": []}
    for lat in lats:
        cells = []
        for te in ("on", "off"):
            r = run("desktop", base + ["--latency", lat, "--transfer-events", te])
            out(f"latency.{lat}.{te}.upload_s={r['upload_s']}")
            series[te].append((lat + 1, r["upload_s"]))
            cells.append(cell(r))
        md.append(f"| {lat} | " + " | ".join(cells) + " |")
    gnuplot(img / "tuning-latency.svg", "512 KiB DFU time by peripheral latency (nRF52840)",
            "peripheral latency + 1 (events between listens)", "DFU time (s)",
            [("transfer events on", series["on"]), ("transfer events off", series["off"])],
            logx=True, logy=True, xtics=[lat + 1 for lat in lats])
    md.append("")


RECOMMENDED = [
    ("Phone app, Android", "fast",
     ["--central", "android-high"],
     "Device: nRF Connect SDK's fast DFU set-up (MTU 498, data length 251, 2M, reassembly, "
     "2475-byte buffers, 4: window 3). App: nRF Connect Device Manager asks for high "
     "connection priority (11.25-15 ms)."),
    ("Phone app, iOS", "fast",
     ["--central", "ios"],
     "Device as above; ask for 15 ms (Apple allows 15 ms and multiples of 15 ms), iOS "
     "negotiates MTU 185, so packets of 2475 bytes still span several writes."),
    ("Laptop (BlueZ)", "fast",
     ["--central", "bluez", "--interval", "15"],
     "Device as above, asking for a 15 ms interval (BlueZ accepts the peripheral's request; "
     "its own 30-50 ms leaves a window-bound client idle most of each interval)."),
    ("nRF Desktop-style HID device", "desktop",
     ["--central", "bluez", "--interval", "7.5", "--latency", "99", "--encrypted", "on",
      "--timeout", "4000", "--transfer-events", "on"],
     "Latency 99 between transfers for power; `dfu_mcumgr` transfer events make "
     "`ble_latency` drop it to 0 for the upload; 7.5 ms as HID hosts grant."),
]


def section_recommended(run, md, out):
    md += ["## Recommended settings", "",
           "| use | settings | nRF52840, 512 KiB | nRF52840, 1 MiB | nRF5340, 512 KiB | "
           "nRF5340, 1 MiB |", "|---|---|---|---|---|---|"]
    for name, build, args, why in RECOMMENDED:
        cells = []
        for part in ("nrf52840", "nrf5340"):
            for size in (KIB512, MIB):
                r = run(build, args + ["--part", part, "--timeout-ms", "15000"] + DIRTY, size)
                key = name.split(",")[0].lower().replace(" ", "_")
                out(f"recommended.{key}.{part}.{size}.upload_s={r['upload_s']}")
                cells.append(cell(r))
        md.append(f"| {name} | {why} `{' '.join(args)}` | " + " | ".join(cells) + " |")
    md.append("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", required=True)
    ap.add_argument("--big", required=True)
    ap.add_argument("--desktop", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    outdir = Path(args.out)
    img = outdir / "img"
    img.mkdir(parents=True, exist_ok=True)
    run = Runner({"fast": args.fast, "big": args.big, "desktop": args.desktop})

    md = ["# Tuning Bluetooth LE DFU", "",
          "<!-- Generated by bench/tuning.sh (bench/all.sh); do not edit. -->", "",
          "Predicted DFU times and goodput from the Bluetooth LE link model and the simulated "
          "device (`smpdfu-blesim`, docs/ble_model.md), in virtual time: every figure repeats "
          "exactly. They are predictions of a model, checked against published measurements "
          "in docs/ble_model.md (validation): development-kit links within a few per cent, "
          "phone figures much less surely, as their settings are rarely published. Read them "
          "as how the settings compare, and measure your own set-up.", "",
          "Common to all, unless a section says otherwise: a device built like nRF Connect "
          "SDK's fast BLE DFU set-up (configs/ble_fast_dfu.conf: reassembly, 2475-byte SMP "
          "buffers, 4), smpdfu's stream writer (erases a page ahead of the data), the client's "
          "window from MCUmgr params (buffers − 1).", ""]
    section_recommended(run, md, print)
    section_profiles(run, md, print)
    section_interval(run, md, print, img)
    section_mtu_dl_phy(run, md, print)
    section_buffers(run, md, print, img)
    section_reassembly(run, md, print)
    section_latency(run, md, print, img)
    print(f"tuning.runs={run.count}")
    (outdir / "tuning.md").write_text("\n".join(md))


if __name__ == "__main__":
    main()
