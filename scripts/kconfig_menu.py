#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Edit a build's configuration in kconfiglib's menuconfig (terminal) or guiconfig (Tk).

The menu starts from Kconfig, the build's fragments (SMPDFU_CONF) and the fragment an earlier run
wrote; what the user saves becomes that fragment again, holding only the options whose values
differ from what the build's own fragments give. CMake adds it after SMPDFU_CONF, so the next
build configures with it (and scripts/genconfig.py checks it like any fragment); delete it to go
back.
"""
import argparse
import os
import sys
import tempfile

import kconfiglib


def load(kconfig, fragments):
    kconf = kconfiglib.Kconfig(kconfig, warn_to_stderr=False)
    for frag in fragments:
        if os.path.exists(frag):
            kconf.load_config(frag, replace=False)
    return kconf


def changed_lines(base, edited):
    """The options a user can set whose value in edited differs from base, as .conf lines."""
    out = []
    for sym in sorted(edited.unique_defined_syms, key=lambda s: s.name):
        if not any(node.prompt for node in sym.nodes) or not sym.config_string:
            continue
        if sym.str_value != base.syms[sym.name].str_value:
            out.append(sym.config_string.rstrip("\n"))
    return out


def run_tool(tool, kconf):
    if tool == "guiconfig":
        if not os.environ.get("DISPLAY"):
            sys.exit("guiconfig: no display (DISPLAY is not set); use the menuconfig target")
        try:
            import guiconfig
        except ImportError:
            sys.exit("guiconfig: Python's tkinter is missing (Debian: python3-tk); "
                     "use the menuconfig target")
        guiconfig.menuconfig(kconf)
    else:
        if not sys.stdin.isatty() or not sys.stdout.isatty():
            sys.exit("menuconfig: needs a terminal")
        import menuconfig
        menuconfig.menuconfig(kconf)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tool", choices=("menuconfig", "guiconfig"), default="menuconfig")
    ap.add_argument("--kconfig", required=True)
    ap.add_argument("--fragment", required=True, help="the fragment this tool writes")
    ap.add_argument("fragments", nargs="+", help="the build's own fragments (SMPDFU_CONF)")
    args = ap.parse_args()
    os.environ.setdefault("srctree", os.path.dirname(os.path.abspath(args.kconfig)))

    base = load(args.kconfig, args.fragments)
    with tempfile.TemporaryDirectory() as tmp:
        dotconfig = os.path.join(tmp, ".config")
        load(args.kconfig, args.fragments + [args.fragment]).write_config(dotconfig, header="")
        os.environ["KCONFIG_CONFIG"] = dotconfig
        run_tool(args.tool, kconfiglib.Kconfig(args.kconfig, warn_to_stderr=False))
        edited = kconfiglib.Kconfig(args.kconfig, warn_to_stderr=False)
        edited.load_config(dotconfig)

    lines = changed_lines(base, edited)
    with open(args.fragment, "w") as f:
        f.write(f"# Written by {args.tool} (scripts/kconfig_menu.py): what differs from "
                f"{', '.join(os.path.basename(p) for p in args.fragments)}.\n"
                "# The build adds this fragment after its own; delete it to go back.\n")
        f.write("".join(line + "\n" for line in lines))
    print(f"{args.tool}: {len(lines)} option(s) in {args.fragment}")


if __name__ == "__main__":
    main()
