#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The worst stack path of a firmware image, from the call graphs GCC writes with
-fcallgraph-info=su (one .ci file per object: each function's frame and its calls).

    stack_report.py [--name NAME] IMAGE.elf CI_DIR...

Only functions the link kept count (arm-none-eabi-nm). An indirect call (a handler from a table,
a flash or transport operation, a callback) may reach any kept function that nothing calls
directly, the worst of those is taken, which over-counts rather than under-counts; but only the
SMP dispatcher (src/smp/) calls the group handlers (src/grp/), as the architecture has it. A path
that would come back to a function already on it stops there (nothing in the core recurses).
Prints the path and NAME_stack_worst_bytes=N.
"""
import argparse
import collections
import pathlib
import re
import subprocess
import sys

NODE_RE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE_RE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
FRAME_RE = re.compile(r"\\n(\d+) bytes \((\w+)")
INDIRECT = "__indirect_call"


def short(key):
    """The function's name, as the link knows it."""
    return key[1].rsplit(":", 1)[-1]


def kept_functions(elf):
    out = subprocess.run(["arm-none-eabi-nm", "--defined-only", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    return {parts[2] for parts in (l.split() for l in out.splitlines())
            if len(parts) == 3 and parts[1] in "tTwW"}


def load(ci_dirs):
    """{(file, name): frame}, {(file, name): [callee titles]}, {name: [(file, name)]}."""
    frames, calls, by_name = {}, collections.defaultdict(list), collections.defaultdict(list)
    for d in ci_dirs:
        for ci in pathlib.Path(d).rglob("*.ci"):
            text = ci.read_text(errors="replace")
            defined = {}
            for title, label in NODE_RE.findall(text):
                m = FRAME_RE.search(label)
                if m:  # a function of this object (declarations have no frame)
                    key = (str(ci), title)
                    frames[key] = int(m.group(1)) + (1 << 30 if m.group(2) == "dynamic" else 0)
                    defined[title] = key
                    by_name[title].append(key)
            for src, dst in EDGE_RE.findall(text):
                if src in defined:
                    calls[defined[src]].append(dst)
    return frames, calls, by_name


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", default="image")
    ap.add_argument("elf")
    ap.add_argument("ci_dirs", nargs="+")
    args = ap.parse_args()
    kept = kept_functions(args.elf)
    frames, calls, by_name = load(args.ci_dirs)
    # Static functions are titled "file:name": the link knows them by name.
    nodes = {k for k in frames if short(k) in kept}

    def resolve(caller, title):
        """The called function: the caller's own file first (statics), else any kept one."""
        same = (caller[0], title)
        if same in nodes:
            return same
        return next((k for k in by_name.get(title, ()) if k in nodes), None)

    called = {resolve(k, t) for k in nodes for t in calls[k] if t != INDIRECT}
    indirect_targets = sorted(k for k in nodes - called if short(k) != "main")
    memo = {}

    def worst(key, path):
        """(bytes, chain) of the deepest path from key, not revisiting path."""
        if key in memo:
            return memo[key]
        best = (0, [])
        on_path = path | {key}
        for title in calls[key]:
            targets = [resolve(key, title)]
            if title == INDIRECT:
                targets = [t for t in indirect_targets
                           if "/src/smp/" in key[0] or "/src/grp/" not in t[0]]
            for t in targets:
                if t is None or t in on_path:
                    continue
                depth = worst(t, on_path)
                if depth[0] > best[0]:
                    best = depth
        result = (frames[key] + best[0], [key] + best[1])
        if not path & set(result[1]):
            memo[key] = result
        return result

    roots = [k for k in nodes if short(k) == "main"]
    if not roots:
        sys.exit(f"stack_report: no main in {args.elf}")
    total, chain = max(worst(r, frozenset()) for r in roots)
    print(f"{args.name}: worst stack path {total} bytes (frames from -fcallgraph-info):")
    for k in chain:
        print(f"  {frames[k] & ((1 << 30) - 1):5} {short(k)}")
    key = re.sub(r"\W+", "_", args.name)
    print(f"{key}_stack_worst_bytes={total}")


if __name__ == "__main__":
    main()
