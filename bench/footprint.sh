#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Footprint of the firmware, from linked images: flash and static RAM per component of each board's
# bootloader and SMP application (scripts/size_report.py over the linker maps); the anchor subset
# of issue 10 (the part of Zephyr's MCUmgr it compares with), the full default application, the
# bootloader alone and nRF Desktop's modules for the Cortex-M4 (nRF52840 DK, -Os, --gc-sections);
# the worst stack path of each from GCC's call graphs (scripts/stack_report.py) and the stack
# high-water marks measured on the emulated micro:bit (bench/firmware_stack.py).
#
#   bash bench/footprint.sh [all | --update-docs]
#
# Prints the tables and name=value lines, and last `subset flash_bytes=N ram_bytes=M`. Fails when
# the subset's N grows past SUBSET_FLASH_BUDGET plus 2 % or M past its buffers plus 1 KiB. all
# (bench/all.sh) writes the generated parts of docs/footprint.md and docs/performance.md to
# $BENCH_DOC_DIR; --update-docs puts them into docs/ at once.
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"

# The subset's flash (N): 5,970 B as issue 10 left it, 6,050 B since the streaming writer leaves
# out erased-value blocks (nRF counts writes per word); CI fails past it plus 2 %.
SUBSET_FLASH_BUDGET=6050

case "${1:-all}" in
all) ;;
--update-docs)
	export BENCH_DOC_DIR=$BENCH_BUILD/footprint-doc
	rm -rf "$BENCH_DOC_DIR"
	bash "$0" all
	$BENCH_PY bench/lib/docs.py "$BENCH_DOC_DIR" docs
	exit 0
	;;
*) echo "usage: bash bench/footprint.sh [all | --update-docs]" >&2; exit 2 ;;
esac

bash scripts/setup.sh >/dev/null
for board in bbc_microbit bbc_microbit_ed25519 nrf52840dk_nrf52840; do
	cmake --preset "$board" >/dev/null
	cmake --build --preset "$board" -j "${BENCH_JOBS:-2}" >/dev/null
done
m4=build/nrf52840dk_nrf52840/firmware
cmake --build build/nrf52840dk_nrf52840 -j "${BENCH_JOBS:-2}" --target footprint_images >/dev/null

stack=$($BENCH_PY bench/firmware_stack.py build/bbc_microbit)
boot_stack=$(sed -n 's/^boot_stack=//p' <<<"$stack")
app_stack=$(sed -n 's/^app_stack=//p' <<<"$stack")

doc=$(bench_doc_dir)
tables=$doc/footprint.tables.md
: >"$tables"
report() { # board image [measured stack]
	local args=(--source-dir . --name "$1 $2")
	[ -n "${3:-}" ] && args+=(--stack "$3")
	/usr/bin/python3 scripts/size_report.py "${args[@]}" "build/$1/firmware/$2.map"
	/usr/bin/python3 scripts/size_report.py "${args[@]}" --markdown \
		"build/$1/firmware/$2.map" | grep -v '=' >>"$tables"
	echo >>"$tables"
	echo
}
worst_stack() { # image (nRF52840 DK)
	$BENCH_PY scripts/stack_report.py --name "$1" "$m4/$1.elf" "$m4/CMakeFiles/$1.dir" \
		"$m4/CMakeFiles/$1_core.dir" "$m4/CMakeFiles/$1_wolfcrypt.dir"
}

report bbc_microbit boot "$boot_stack"
report bbc_microbit app "$app_stack"
report bbc_microbit app_manual_confirm
report bbc_microbit_ed25519 boot
for image in boot app app_manual_confirm subset desktop; do
	report nrf52840dk_nrf52840 "$image" | tee "$doc/size.$image.txt"
	worst_stack "$image" | tee "$doc/stack.$image.txt"
	echo
done
echo "bbc_microbit_boot_stack=$boot_stack"
echo "bbc_microbit_app_stack=$app_stack"

# The anchor: the core components that match the subset of Zephyr's MCUmgr, from the subset image.
$BENCH_PY - "$doc" "$m4/subset/generated/.config" "$SUBSET_FLASH_BUDGET" <<'PY'
import re, sys
from pathlib import Path

doc, dotconfig, budget = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
cfg = dict(l.split("=", 1) for l in dotconfig.read_text().splitlines() if l.startswith("CONFIG_"))
# The rooms of the core that Zephyr's figure covers: SMP core, CBOR, serial transport (its state
# included), the OS and image groups with the image reading they use, the boot API and the stream
# writer. Not counted: the flash map and the timers (Zephyr's storage subsystem and kernel), the
# port, libc and crypto.
COUNTED = ["core: smp", "core: mgmt", "core: cbor", "core: transport", "core: grp/os",
           "core: grp/img", "core: image", "core: boot", "core: stream writer"]
ROW = re.compile(r"^  (core: [\w/ ]+?|[\w:() -]+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$")


def rows(image):
    out = {}
    for line in (doc / f"size.{image}.txt").read_text().splitlines():
        m = ROW.match(line)
        if m and m.group(1).strip() != "total":
            text, ro, data, bss = (int(x) for x in m.groups()[1:])
            out[m.group(1).strip()] = (text + ro + data, data + bss)
    return out


def worst(image):
    text = (doc / f"stack.{image}.txt").read_text()
    return int(re.search(r"_stack_worst_bytes=(\d+)", text).group(1))


sub = rows("subset")
n = sum(sub.get(c, (0, 0))[0] for c in COUNTED)
m = sum(sub.get(c, (0, 0))[1] for c in COUNTED)
core_all = sum(f for c, (f, _) in sub.items() if c.startswith("core:"))
buffers = int(cfg["CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE"]) * int(cfg["CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT"])
ram_goal = buffers + 1024
stack_size = int(cfg["CONFIG_MAIN_STACK_SIZE"])
lines = ["| subset component (nRF52840 DK, Cortex-M4 -Os, --gc-sections, logging off) | flash | static RAM |",
         "|---|---:|---:|"]
print("\nAnchor subset (issue 10), nRF52840 DK, Cortex-M4 -Os, --gc-sections, logging off:")
print(f"  {'component':28} {'flash':>7} {'RAM':>6}")
for c in COUNTED:
    f, r = sub.get(c, (0, 0))
    print(f"  {c:28} {f:>7} {r:>6}")
    lines.append(f"| {c} | {f:,} | {r:,} |")
print(f"  {'counted (N, M)':28} {n:>7} {m:>6}")
print(f"  {'Zephyr 3.5 MCUmgr, same set':28} {'~10200':>7}      (measured by issue 10's author)")
print(f"  not counted: flash map {sub.get('core: flash map', (0, 0))[0]} B, timers "
      f"{sub.get('core: sys', (0, 0))[0]} B; whole core {core_all} B")
print(f"  worst stack path {worst('subset')} of {stack_size} B (call graphs)")
lines += [f"| **counted: N, M** | **{n:,}** | **{m:,}** |",
          "| Zephyr 3.5 MCUmgr, the same features (issue 10's measurement) | about 10,200 | |",
          f"| not counted: flash map, timers | {sub.get('core: flash map', (0, 0))[0]:,} + "
          f"{sub.get('core: sys', (0, 0))[0]:,} | |",
          f"| the whole core | {core_all:,} | |",
          f"| budget (CI fails above it + 2 %) | {budget:,} | buffers + 1 KiB = {ram_goal:,} |"]
stacks = ["| image (nRF52840 DK) | flash | static RAM | worst stack path (call graphs) |",
          "|---|---:|---:|---|"]
for image, what in (("subset", "anchor subset, logging off"),
                    ("app_manual_confirm", "application without modules"),
                    ("app", "full default application (`dfu_mcumgr`)"),
                    ("desktop", "nRF Desktop's modules"),
                    ("boot", "bootloader alone")):
    text = (doc / f"size.{image}.txt").read_text()
    flash, ram = re.search(r"flash ([\d,]+) B, static RAM ([\d,]+) B", text).groups()
    stacks.append(f"| {image}: {what} | {flash} B | {ram} B | {worst(image):,} B |")
(doc / "performance.footprint.md").write_text("\n".join(lines + [""] + stacks) + "\n")
(doc / "footprint.summary.md").write_text("\n".join(stacks) + "\n")
print(f"subset_core_bytes={core_all}")
print(f"subset flash_bytes={n} ram_bytes={m}")
if n > budget * 1.02:
    sys.exit(f"footprint: the subset's {n} B are past the budget {budget} B + 2 %")
if m > ram_goal:
    sys.exit(f"footprint: the subset's {m} B of RAM are past its buffers + 1 KiB ({ram_goal} B)")
PY
