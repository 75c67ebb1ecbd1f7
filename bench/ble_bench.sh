#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DFU over the Bluetooth LE link model (smpdfu-blesim, virtual time): the figures are the model's
# predictions and repeat exactly on any machine. Each case uploads a 512 KiB image with the
# client's upload engine (window = buf_count - 1 from MCUmgr params) to a device built like nRF
# Connect SDK's fast BLE DFU set-up (reassembly, 2475-byte buffers, 4 of them).
#   a: development kit as central (profile dk): goodput / link capacity
#   b: the same with nRF52840 and nRF5340 flash timing: DFU time / physical bound, each part with
#      its own rule (nRF52: flash slots take the radio; nRF5340: radio on its own core)
#   c: nRF Desktop-like link (7.5 ms, peripheral latency 99, encrypted), nRF52840 flash: DFU time
#      with ble_latency reacting to ble_smp_transfer_event vs with transfer events off
#   d: every central profile, window 1 and 3, flash untimed and nRF52840
#   e: other links of the development kit (PHYs, event length, data length, MTU, margin)
# Usage: bash bench/ble_bench.sh [a|b|c|d|e|all]   (builds build/bench/ble-* itself)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"
which=${1:-all}
case $which in
all) cases=a,b,c,d,e ;;
a | b | c | d | e) cases=$which ;;
*) echo "usage: bash bench/ble_bench.sh [a|b|c|d|e|all]" >&2; exit 2 ;;
esac

fast=(configs/sim_udp.conf configs/ble_fast_dfu.conf)
bench_build ble-fast smpdfu-blesim "${fast[@]}"
bench_build ble-desktop smpdfu-blesim "${fast[@]}" configs/ble_nrf_desktop.conf

doc=$(bench_doc_dir)
args=(--fast "$BENCH_BUILD/ble-fast/sim/ble/smpdfu-blesim"
	--desktop "$BENCH_BUILD/ble-desktop/sim/ble/smpdfu-blesim" --cases "$cases")
[[ $which == all ]] && args+=(--doc "$doc/performance.ble.md")
$BENCH_PY bench/lib/ble_bench.py "${args[@]}"
