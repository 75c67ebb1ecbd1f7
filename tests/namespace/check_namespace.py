#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The namespace check (docs/architecture.md, "Names"): smpdfu links beside MCUboot and Zephyr.

1. Every external name the libraries define starts with smpdfu_, and so does every name they
   need from outside (the port contract, the crypto port, the trusted keys), apart from the C
   library functions in C_LIBRARY and the names C reserves for the implementation ("__x", "_X":
   the compiler's runtime, the sanitizers' instrumentation, the linker's _GLOBAL_OFFSET_TABLE_).
2. foreign_symbols.c, which defines the names MCUboot, Zephyr and NCS export, links beside every
   object of the libraries (--whole-archive) without a second definition. A control link adds
   one of smpdfu's own names a second time and must fail, so the check is known to bite.

Usage: check_namespace.py --cc CC --nm NM --foreign foreign_symbols.c --work DIR LIB...
"""
import argparse
import os
import re
import subprocess
import sys

PREFIX = "smpdfu_"
# Standard C names the core calls; every toolchain's C library defines them once, under these
# names, so they cannot be prefixed and do not collide with anything of MCUboot or Zephyr.
C_LIBRARY = {"memchr", "memcmp", "memcpy", "memmove", "memset", "snprintf", "strlen"}
RESERVED = re.compile(r"_[_A-Z]")


def symbols(nm, lib, *flags):
    out = subprocess.run([nm, *flags, lib], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.endswith(":"):
            names.add(fields[-1])
    return names


def unprefixed(nm, libs):
    bad = []
    for lib in libs:
        for name in sorted(symbols(nm, lib, "-g", "--defined-only")):
            if not (name.startswith(PREFIX) or RESERVED.match(name)):
                bad.append("%s defines %s" % (os.path.basename(lib), name))
        for name in sorted(symbols(nm, lib, "-u")):
            if not (name.startswith(PREFIX) or RESERVED.match(name) or name in C_LIBRARY):
                bad.append("%s needs %s" % (os.path.basename(lib), name))
    return bad


def link(cc, objects, libs, out):
    cmd = [cc, "-o", out, *objects, "-Wl,--whole-archive", *libs, "-Wl,--no-whole-archive",
           "-Wl,--unresolved-symbols=ignore-all"]
    return subprocess.run(cmd, capture_output=True, text=True)


def compile_c(cc, src, obj):
    subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Wmissing-prototypes", "-Werror", "-c",
                    src, "-o", obj], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--foreign", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("libs", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    failed = False

    bad = unprefixed(args.nm, args.libs)
    for line in bad:
        print("namespace: %s (not %s...)" % (line, PREFIX))
    failed |= bool(bad)

    foreign = os.path.join(args.work, "foreign_symbols.o")
    compile_c(args.cc, args.foreign, foreign)
    result = link(args.cc, [foreign], args.libs, os.path.join(args.work, "beside_upstream"))
    if result.returncode != 0:
        print("namespace: smpdfu does not link beside MCUboot's and Zephyr's names:\n"
              + result.stderr)
        failed = True

    own = min(n for n in symbols(args.nm, args.libs[0], "-g", "--defined-only")
              if n.startswith(PREFIX))
    control_src = os.path.join(args.work, "control.c")
    with open(control_src, "w") as f:
        f.write("void %s(void);\nvoid %s(void)\n{\n}\n" % (own, own))
    control = os.path.join(args.work, "control.o")
    compile_c(args.cc, control_src, control)
    result = link(args.cc, [foreign, control], args.libs, os.path.join(args.work, "control"))
    if result.returncode == 0 or "multiple definition" not in result.stderr:
        print("namespace: the control link (%s defined twice) did not fail with a multiple "
              "definition, so the link check proves nothing:\n%s" % (own, result.stderr))
        failed = True

    if failed:
        sys.exit(1)
    print("namespace: %d libraries, every external name %s..., linked beside %s"
          % (len(args.libs), PREFIX, os.path.basename(args.foreign)))


if __name__ == "__main__":
    main()
