#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Every source file of src/ and app/ that the configuration compiles and that keeps writable
file-scope data (a static or global in .data or .bss, function-scope statics included) must have an
entry in the table of resets (src/sys/state_reset.c, app/app_state_reset.c): it must define a
function that one of the table files references. Otherwise a simulated reboot or a test harness
would start with that file's state left over from the last run.

Read from the compiled objects (objdump -t), so nothing escapes by how it is spelled: the table
files hold nothing but their tables, so what they leave undefined is what their tables call.

usage: check_state_reset.py [--objdump PATH] [--configured a.c,b.c,...] LIB.a...
Without --configured every object in the archives counts as configured (a firmware-like build).
"""
import argparse
import re
import subprocess
import sys

TABLE_FILES = ("state_reset.c", "app_state_reset.c")

# Writable data that another file's reset returns to power-on: symbol (or prefix ending in '*')
# -> that file, which must itself have an entry.
RESET_BY = {
    # APP_EVENT_TYPE_DEFINE's run-time part of each event type, set and cleared by the manager.
    "app_event_state_*": "app_event_manager.c",
    # The image group's registration: its link is cleared when the server forgets its groups.
    "img_group": "smp_server.c",
}

# Writable data that holds nothing from one call to the next, with the reason.
NOT_STATE = {
    ("loader.c", "bl"): "smpdfu_boot_go_mode() initialises its work area whole on every call",
}

LINE = re.compile(r"^[0-9a-fA-F]+ (?P<flags>.{7}) (?P<section>\S+)\s+[0-9a-fA-F]+\s+(?P<name>\S+)$")


def is_writable(section):
    if section == "*COM*":
        return True
    if section.startswith(".data.rel.ro"):
        return False
    return section.startswith(".data") or section.startswith(".bss")


def read_objects(objdump, archives):
    """{member source name: {"data": set, "defined": set, "undefined": set}} of all archives."""
    objects = {}
    for lib in archives:
        out = subprocess.run([objdump, "-t", lib], capture_output=True, text=True,
                             check=True).stdout
        current = None
        for line in out.splitlines():
            # GNU objdump names the member, llvm-objdump "archive(member)".
            member = re.match(r"^(?:.*\()?([^()\s]+?)(?:\.obj|\.o)\)?:\s+file format", line)
            if member:
                current = objects.setdefault(member.group(1), {
                    "data": set(), "defined": set(), "undefined": set()})
                continue
            m = LINE.match(line)
            if current is None or not m:
                continue
            flags, section, name = m.group("flags"), m.group("section"), m.group("name")
            if section == "*UND*":
                current["undefined"].add(name)
            elif "F" in flags and section.startswith(".text"):
                current["defined"].add(name)
            elif "O" in flags and is_writable(section) and not name.startswith("__"):
                # ("__" names are the implementation's: sanitizers' ODR indicators and such.)
                # A function-scope static: "bl.0" (GCC), "smpdfu_boot_go_mode.bl" (clang).
                current["data"].add(re.sub(r"\.\d+$", "", name).rsplit(".", 1)[-1])
    return objects


def owner_of(source, symbol):
    if (source, symbol) in NOT_STATE:
        return None
    for pattern, owner in RESET_BY.items():
        if symbol == pattern or (pattern.endswith("*") and symbol.startswith(pattern[:-1])):
            return owner
    return source


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objdump", default="objdump")
    ap.add_argument("--configured", help="comma-separated source file names")
    ap.add_argument("archives", nargs="+")
    args = ap.parse_args()

    objects = read_objects(args.objdump, args.archives)
    configured = (set(filter(None, args.configured.split(","))) if args.configured
                  else set(objects))
    tables = [t for t in TABLE_FILES if t in objects and t in configured]
    if not tables:
        print(f"no table of resets ({', '.join(TABLE_FILES)}) in {' '.join(args.archives)}")
        return 1
    entries = set().union(*(objects[t]["undefined"] for t in tables))

    needs = {}  # file whose reset must exist -> the symbols it answers for
    for source, obj in objects.items():
        if source not in configured or source in tables:
            continue
        for symbol in obj["data"]:
            owner = owner_of(source, symbol)
            if owner is not None:
                needs.setdefault(owner, set()).add(f"{symbol} ({source})"
                                                   if owner != source else symbol)

    missing = []
    for owner, symbols in sorted(needs.items()):
        if owner not in objects or not objects[owner]["defined"] & entries:
            missing.append(f"  {owner}: {', '.join(sorted(symbols))}")
    if missing:
        print("file-scope state with no entry in the table of resets "
              f"({' or '.join(tables)}):")
        print("\n".join(missing))
        print("add the file's reset function to the table, under the option that compiles it")
        return 1
    print(f"{len(needs)} files with state, each reset by an entry of {' and '.join(tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
