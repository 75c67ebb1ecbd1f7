#!/usr/bin/env bash
# Footprint of the firmware, from linked images: flash and static RAM per component of each board's
# bootloader and SMP application (scripts/size_report.py over the linker maps), the stack
# high-water marks measured on the emulated micro:bit (bench/firmware_stack.py), and published
# figures of MCUboot and Zephyr beside them.
#
#   bash bench/footprint.sh [--markdown]
#
# Prints the tables and name=value lines. --markdown prints the tables as docs/footprint.md
# keeps them (the CI log shows the plain form).
set -euo pipefail
cd "$(dirname "$0")/.."

markdown=()
[ "${1:-}" = "--markdown" ] && markdown=(--markdown)

bash scripts/setup.sh
for board in bbc_microbit nrf52840dk_nrf52840; do
	cmake --preset "$board" >/dev/null
	cmake --build --preset "$board" -j "$(nproc)" >/dev/null
done

stack=$(/usr/bin/python3 bench/firmware_stack.py build/bbc_microbit)
boot_stack=$(sed -n 's/^boot_stack=//p' <<<"$stack")
app_stack=$(sed -n 's/^app_stack=//p' <<<"$stack")

report() { # board image stack
	local args=(--source-dir . --name "$1 $2" "${markdown[@]}")
	[ -n "$3" ] && args+=(--stack "$3")
	/usr/bin/python3 scripts/size_report.py "${args[@]}" "build/$1/firmware/$2.map"
	echo
}

report bbc_microbit boot "$boot_stack"
report bbc_microbit app "$app_stack"
report bbc_microbit app_manual_confirm ""
report nrf52840dk_nrf52840 boot ""
report nrf52840dk_nrf52840 app ""
report nrf52840dk_nrf52840 app_manual_confirm ""
echo "bbc_microbit_boot_stack=$boot_stack"
echo "bbc_microbit_app_stack=$app_stack"

cat <<'TXT'
Published figures for comparison (docs/footprint.md gives the sources):
  MCUboot, nRF52840 DK, default configuration (2025): 33,252 B flash, 22,464 B RAM
  MCUboot, nRF52840, Ed25519: 40,422 B flash
  Zephyr 3.5 MCUmgr (SMP core, serial, image and OS groups, CBOR, boot API, stream writer):
    about 10,200 B flash
TXT
