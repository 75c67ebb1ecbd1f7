#!/usr/bin/env bash
# DFU over the Bluetooth LE link model (smpdfu-blesim, virtual time): the figures are the model's
# predictions and repeat exactly on any machine. Each case uploads a 512 KiB image with the client's
# upload engine (window = buf_count - 1 from MCUmgr params) to a device built like nRF Connect SDK's
# fast BLE DFU set-up (reassembly, 2475-byte buffers, 4 of them).
#   a: 2M PHY, ATT MTU 498, data length 251, 7.5 ms interval: goodput / link capacity
#   b: the same with nRF52840 flash timing: DFU time / max(link time, flash time)
#   c: nRF Desktop-like link (7.5 ms, peripheral latency 99, encrypted), nRF52840 flash: DFU time
#      with ble_latency reacting to ble_smp_transfer_event vs with transfer events off
# Usage: bash bench/ble_bench.sh [a|b|c|all]   (configures and builds build/ble-bench*)
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
py=/usr/bin/python3

build() {
	local dir=$1
	shift
	local confs
	confs=$(IFS=';'; echo "$*")
	cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DSMPDFU_CONF=$confs" \
		>"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
	cmake --build "$dir" --target smpdfu-blesim >>"$dir.log" 2>&1 ||
		{ cat "$dir.log" >&2; exit 1; }
}

# Prints the named fields of a JSON report, "name=value" each.
fields() {
	$py - "$@" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("  ".join(f"{k}={r[k]}" for k in sys.argv[2:]))
PY
}

# One field of a JSON report.
field() {
	$py -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

fast=build/ble-bench
desk=build/ble-bench-desktop
link="--phy 2m --mtu 498 --dl 251 --interval 7.5 --latency 0 --size 524288"

case $which in a|b|all) build $fast configs/sim_udp.conf configs/ble_fast_dfu.conf ;; esac
case $which in c|all)
	build $desk configs/sim_udp.conf configs/ble_fast_dfu.conf configs/ble_nrf_desktop.conf ;;
esac

if [[ $which == a || $which == all ]]; then
	echo "== (a) $link, flash untimed"
	echo "   command: $fast/sim/ble/smpdfu-blesim $link"
	r=$($fast/sim/ble/smpdfu-blesim $link --json)
	fields "$r" ok match upload_s goodput_Bps capacity_Bps utilisation pairs_per_event \
		buf_size window
fi

if [[ $which == b || $which == all ]]; then
	echo "== (b) $link, nRF52840 flash timing, slot 1 holding an older image"
	echo "   command: $fast/sim/ble/smpdfu-blesim $link --flash nrf52840 --slot1 dirty"
	r=$($fast/sim/ble/smpdfu-blesim $link --flash nrf52840 --slot1 dirty --json)
	fields "$r" ok match upload_s link_s flash_s bound_ratio flash_words flash_pages
fi

if [[ $which == c || $which == all ]]; then
	desktop="--phy 2m --mtu 498 --dl 251 --interval 7.5 --latency 99 --timeout 4000"
	desktop="$desktop --encrypted on --flash nrf52840 --slot1 dirty --size 524288 --timeout-ms 10000"
	echo "== (c) nRF Desktop-like: $desktop"
	for te in on off; do
		echo "   command: $desk/sim/ble/smpdfu-blesim $desktop --transfer-events $te"
		r=$($desk/sim/ble/smpdfu-blesim $desktop --transfer-events $te --json)
		fields "$r" ok match transfer_events upload_s session_s goodput_Bps updates \
			final_latency events events_listened timeouts
		eval "t_$te=$(field "$r" upload_s)"
	done
	$py - "$t_on" "$t_off" <<'PY'
import sys
on, off = map(float, sys.argv[1:])
print(f"   DFU time, transfer events off / on: {off:.3f} s / {on:.3f} s = {off / on:.2f}x")
PY
fi
