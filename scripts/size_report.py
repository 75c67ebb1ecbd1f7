#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Flash and RAM of a firmware image per component, from its linker map.

    size_report.py [--stack BYTES/SIZE] [--markdown] --source-dir DIR IMAGE.map

Every input section the link kept is counted under the component of the object it came from:
the core's subsystems by their folder in src/, the application modules, the ports, the
firmware's own files, wolfCrypt, libc and libgcc. Kinds: text (code, the vector table), rodata
(constants, unwinding tables), data (initial values in flash and their copy in RAM), bss. Flash
is text + rodata + data; static RAM is data + bss; alignment fill is counted apart.
"""
import argparse
import collections
import os
import re
import sys

SECTION_RE = re.compile(r"^ (\.\S+|COMMON)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*))?$")
CONT_RE = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
FILL_RE = re.compile(r"^ \*fill\*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")
OUTPUT_RE = re.compile(r"^(\.\S+)\s")
KEPT_OUTPUTS = {".text", ".ARM.exidx", ".data", ".bss"}
KINDS = ("text", "rodata", "data", "bss")


def kind_of(section: str) -> str:
    if section.startswith((".text", ".vectors")):
        return "text"
    if section.startswith((".rodata", ".ARM.exidx", ".ARM.extab")):
        return "rodata"
    if section.startswith(".data"):
        return "data"
    if section.startswith(".bss") or section == "COMMON":
        return "bss"
    return "other"


# Files that are a component of their own rather than their folder's: the flash folder holds the
# flash map (what Zephyr's storage subsystem does) and the stream writer (what MCUmgr uses).
OWN_COMPONENT = {"flash_map.c": "core: flash map", "stream_writer.c": "core: stream writer"}


def core_components(source_dir: str) -> dict:
    """{object basename: component} for the core's sources (src/<subsystem>/...)."""
    out = {}
    src = os.path.join(source_dir, "src")
    for root, _, files in os.walk(src):
        for f in files:
            if f.endswith(".c"):
                rel = os.path.relpath(root, src)
                out[f + ".obj"] = OWN_COMPONENT.get(f, "core: " + rel)
    return out


# Input sections counted with a component other than their object's: the application allocates
# the serial transport's state (its line buffers), but those bytes are the transport's.
SECTION_COMPONENT = {".bss.console_smp": "core: transport"}


def component_of(obj: str, core: dict) -> str:
    m = re.search(r"lib\w+_core\.a\(([^)]+)\)", obj)
    if m:
        return core.get(m.group(1), "core: ?")
    if re.search(r"lib\w+_wolfcrypt\.a\(", obj):
        return "wolfCrypt (Debian source)"
    if "libc_nano.a" in obj or "libc.a" in obj:
        return "libc (newlib-nano)"
    if "libgcc.a" in obj:
        return "libgcc"
    # The firmware's own files are named from firmware/, the rest from the source root ("__/").
    m = re.search(r"\.dir/(__/)?(.*)\.c\.obj$", obj)
    if not m:
        return "other"
    path = m.group(2)
    if not m.group(1):
        return "firmware: " + os.path.basename(path)
    if path.startswith("app/"):
        return "app: " + os.path.basename(path)
    if path.startswith("port/wolfcrypt/"):
        return "port: crypto (wolfCrypt glue)"
    if path.startswith("port/"):
        return "port: " + path.split("/")[1]
    return "firmware: " + os.path.basename(path)


def parse(map_path: str, core: dict):
    sizes = collections.defaultdict(lambda: dict.fromkeys(KINDS, 0))
    fill = 0
    output = None
    pending = None
    with open(map_path) as f:
        lines = f.read().split("Linker script and memory map", 1)[1].splitlines()
    for line in lines:
        m = OUTPUT_RE.match(line)
        if m:
            output = m.group(1)
            continue
        if output not in KEPT_OUTPUTS:
            continue
        m = FILL_RE.match(line)
        if m:
            fill += int(m.group(2), 16)
            continue
        if pending is not None:
            m = CONT_RE.match(line)
            if m:
                add(sizes, pending, int(m.group(2), 16), m.group(3), core)
            pending = None
            continue
        m = SECTION_RE.match(line)
        if m:
            if m.group(2) is None:
                pending = m.group(1)
            else:
                add(sizes, m.group(1), int(m.group(3), 16), m.group(4), core)
    return sizes, fill


def add(sizes, section, size, obj, core):
    kind = kind_of(section)
    if size and kind != "other":
        sizes[SECTION_COMPONENT.get(section) or component_of(obj, core)][kind] += size


def report(name, sizes, fill, stack, markdown):
    rows = sorted(sizes.items(), key=lambda kv: -sum(kv[1][k] for k in ("text", "rodata",
                                                                           "data")))
    total = dict.fromkeys(KINDS, 0)
    for _, s in rows:
        for k in KINDS:
            total[k] += s[k]
    flash = total["text"] + total["rodata"] + total["data"] + fill
    ram = total["data"] + total["bss"]
    out = []
    if markdown:
        out.append(f"| {name}: component | text | rodata | data | bss |")
        out.append("|---|---:|---:|---:|---:|")
        for comp, s in rows:
            out.append(f"| {comp} | " + " | ".join(f"{s[k]:,}" for k in KINDS) + " |")
        out.append(f"| alignment fill | {fill:,} | | | |")
        out.append(f"| **total** | " + " | ".join(f"**{total[k]:,}**" for k in KINDS) + " |")
    else:
        out.append(f"{name}:")
        out.append(f"  {'component':34} {'text':>8} {'rodata':>8} {'data':>6} {'bss':>7}")
        for comp, s in rows:
            out.append(f"  {comp:34} " + " ".join(f"{s[k]:>{w}}" for k, w in
                                                zip(KINDS, (8, 8, 6, 7))))
        out.append(f"  {'alignment fill':34} {fill:>8}")
        out.append(f"  {'total':34} " + " ".join(f"{total[k]:>{w}}" for k, w in
                                                zip(KINDS, (8, 8, 6, 7))))
    stack_text = f", stack high-water {stack}" if stack else ""
    out.append(f"{name}: flash {flash:,} B, static RAM {ram:,} B{stack_text}")
    return "\n".join(out), flash, ram


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--name")
    ap.add_argument("--stack", help="measured high-water, e.g. 4324/6144")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("map")
    args = ap.parse_args()
    sizes, fill = parse(args.map, core_components(args.source_dir))
    if not sizes:
        sys.exit(f"size_report: no sections found in {args.map}")
    name = args.name or os.path.splitext(os.path.basename(args.map))[0]
    text, flash, ram = report(name, sizes, fill, args.stack, args.markdown)
    print(text)
    key = re.sub(r"\W+", "_", name)
    print(f"{key}_flash_bytes={flash}")
    print(f"{key}_ram_bytes={ram}")


if __name__ == "__main__":
    main()
