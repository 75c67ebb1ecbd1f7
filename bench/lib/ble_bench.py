#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The DFU figures of the Bluetooth LE model (bench/ble_bench.sh): name=value lines on stdout and
the generated BLE part of docs/performance.md. Usage:
  ble_bench.py --fast BIN --desktop BIN [--cases a,b,c,d,e] [--doc FILE]"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blesim  # noqa: E402

SIZE = 524288
PROFILES = ["dk", "android-high", "android-balanced", "ios", "bluez"]


def rel(path):
    """A binary's path as the docs print it: from the repository root."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path(__file__).resolve().parents[2]))
    except ValueError:
        return str(p)


class Bench:
    def __init__(self, fast, desktop):
        self.bin = {"fast": fast, "desktop": desktop}
        self.md = []
        self.kv = []

    def run(self, build, args, size=SIZE):
        return blesim.run(self.bin[build], args, size)

    def cmd(self, build, args, size=SIZE):
        return blesim.command(rel(self.bin[build]), args, size)

    def out(self, *lines):
        for line in lines:
            print(line)
            self.kv.append(line)


def case_a(b):
    args = ["--central", "dk"]
    r = b.run("fast", args)
    b.out(*blesim.kv("a", r, "upload_s", "goodput_Bps", "capacity_Bps", "utilisation",
                     "pairs_per_event", "window", "buf_size"))
    b.md += [
        "| (a) | development kit as central (`dk`: 2M, MTU 498, data length 251, 7.5 ms, "
        "events extended to the interval with the end-of-event margin), flash untimed | "
        f"goodput / link capacity | {r['goodput_Bps'] / 1000:.1f} kB/s / "
        f"{r['capacity_Bps'] / 1000:.1f} kB/s = **{100 * r['utilisation']:.1f} %** "
        f"({r['upload_s']:.3f} s, {r['pairs_per_event']} PDU pairs per event) |",
    ]
    return [b.cmd("fast", args)]


def case_b(b):
    cmds = []
    for part, name in (("nrf52840", "nRF52840"), ("nrf5340", "nRF5340")):
        args = ["--central", "dk", "--part", part, "--slot1", "dirty"]
        r = b.run("fast", args)
        b.out(*blesim.kv(f"b.{part}", r, "upload_s", "link_s", "write_s", "erase_s",
                         "sharing", "bound_s", "bound_ratio", "events_blocked"))
        if r["sharing"] == "timeslot":
            rule = (f"erase {r['erase_s']:.3f} s + link {r['link_s']:.3f} s + write "
                    f"{r['write_s']:.3f} s (flash slots take the radio)")
        else:
            rule = (f"max(link {r['link_s']:.3f} s, flash {r['flash_s']:.3f} s) (radio on "
                    "its own core)")
        b.md.append(
            f"| (b) {name} | as (a), {name} flash timing, slot 1 holding an older image | "
            f"DFU time / physical bound | {r['upload_s']:.3f} s / {r['bound_s']:.3f} s = "
            f"**{r['bound_ratio']:.3f}**; bound = {rule} |")
        cmds.append(b.cmd("fast", args))
    return cmds


def case_c(b):
    args = ["--central", "dk", "--latency", "99", "--timeout", "4000", "--encrypted", "on",
            "--part", "nrf52840", "--slot1", "dirty", "--timeout-ms", "10000"]
    t = {}
    for te in ("on", "off"):
        r = b.run("desktop", args + ["--transfer-events", te])
        t[te] = r["upload_s"]
        b.out(*blesim.kv(f"c.{te}", r, "upload_s", "goodput_Bps", "updates", "final_latency",
                         "events", "events_listened", "timeouts"))
    b.out(f"c.speedup={t['off'] / t['on']:.2f}")
    b.md.append(
        "| (c) | nRF Desktop-like: `dk` at 7.5 ms, peripheral latency 99, encrypted, 4 s "
        "supervision timeout, nRF52840 flash; client timeout 10 s | DFU time, transfer events "
        f"off / on | {t['off']:.3f} s / {t['on']:.3f} s = **{t['off'] / t['on']:.1f}×** |")
    return [b.cmd("desktop", args + ["--transfer-events", "on"]) + "   # and: off"]


def case_d(b):
    rows = []
    for prof in PROFILES:
        cells = []
        for extra in ([], ["--part", "nrf52840", "--slot1", "dirty"]):
            for window in ("1", "3"):
                args = ["--central", prof, "--window", window] + extra
                r = b.run("fast", args)
                tag = f"d.{prof}.w{window}.{'nrf52840' if extra else 'untimed'}"
                b.out(f"{tag}.upload_s={r['upload_s']}", f"{tag}.goodput_Bps={r['goodput_Bps']}")
                cells.append(f"{r['upload_s']:.1f} s ({r['goodput_Bps'] / 1000:.1f} kB/s)")
        r = b.run("fast", ["--central", prof])
        rows.append(f"| `{prof}` | {r['interval_ms']:g} ms, {r['max_pairs'] or 'no'} cap, "
                    f"turnaround {r['turnaround']}, MTU {r['mtu']} | "
                    f"{r['capacity_Bps'] / 1000:.1f} kB/s | " + " | ".join(cells) + " |")
    b.md += ["", "Central profiles, 512 KiB image, same device (`--central NAME [--window 1] "
             "[--part nrf52840 --slot1 dirty]`):", "",
             "| profile | link | capacity | untimed, window 1 | untimed, window 3 | nRF52840, "
             "window 1 | nRF52840, window 3 |", "|---|---|---|---|---|---|---|"] + rows
    return [b.cmd("fast", ["--central", "NAME", "--window", "1|3", "--part", "nrf52840",
                           "--slot1", "dirty"])]


OTHER_LINKS = [
    (["--phy", "1m", "--mtu", "247", "--interval", "15"], "1M PHY, MTU 247, 15 ms"),
    (["--event-len", "3.75"], "SoftDevice default event length (3.75 ms)"),
    (["--interval", "15", "--max-pairs", "6"], "15 ms, a central that sends 6 PDUs per event"),
    (["--dl", "27"], "no data length extension"),
    (["--mtu", "23", "--dl", "27"], "no MTU exchange either"),
    (["--event-overhead", "0"], "the margin pair alone, no SoftDevice event overhead"),
    (["--margin", "off"], "no end-of-event margin (the model before profiles)"),
    (["--phy", "coded", "--interval", "50"], "LE Coded S=8, 50 ms"),
    (["--phy", "coded-s2", "--interval", "50"], "LE Coded S=2, 50 ms"),
    (["--window", "1"], "no pipelining (window 1)"),
]


def case_e(b):
    rows = []
    for i, (extra, what) in enumerate(OTHER_LINKS):
        args = ["--central", "dk"] + extra
        r = b.run("fast", args)
        b.out(f"e{i}.upload_s={r['upload_s']}", f"e{i}.goodput_Bps={r['goodput_Bps']}",
              f"e{i}.capacity_Bps={r['capacity_Bps']}")
        rows.append(f"| `{' '.join(extra)}` | {what} | {r['goodput_Bps'] / 1000:.1f} kB/s | "
                    f"{r['capacity_Bps'] / 1000:.1f} kB/s | {100 * r['utilisation']:.1f} % |")
    b.md += ["", "Other links, development kit as central (`--central dk` and):", "",
             "| settings | what | goodput | capacity | ratio |", "|---|---|---|---|---|"] + rows
    return []


CASES = {"a": case_a, "b": case_b, "c": case_c, "d": case_d, "e": case_e}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", required=True)
    ap.add_argument("--desktop", required=True)
    ap.add_argument("--cases", default="a,b,c,d,e")
    ap.add_argument("--doc")
    args = ap.parse_args()
    b = Bench(args.fast, args.desktop)
    b.md = ["| case | link | figure | result |", "|---|---|---|---|"]
    cmds = []
    for c in args.cases.split(","):
        cmds += CASES[c](b)
    if args.doc:
        text = "\n".join(b.md) + "\n\nCommands of the cases (as the script runs them):\n\n```sh\n"
        text += "\n".join(cmds) + "\n```\n"
        Path(args.doc).write_text(text)


if __name__ == "__main__":
    main()
