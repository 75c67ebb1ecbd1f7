#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Generates docs/tuning.md and its plots (docs/img/tuning-*.svg, gnuplot): predicted DFU time
# and goodput of 512 KiB and 1 MiB images over the Bluetooth LE model across the settings users
# tune (central profile, interval, MTU, data length, PHY, peripheral latency with and without
# transfer events, SMP buffer size and count, window, reassembly, part) and recommended settings
# per use. Virtual time: the figures repeat exactly on any machine.
# Usage: bash bench/tuning.sh [all]   (builds build/bench/tuning-* itself; bench/all.sh copies the
#        page into docs/, a run on its own leaves it in build/bench/doc/files/)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"
[[ ${1:-all} == all ]] || { echo "usage: bash bench/tuning.sh [all]" >&2; exit 2; }

fast=(configs/sim_udp.conf configs/ble_fast_dfu.conf)
big=$(bench_conf tuning-big CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE=4950 \
	CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT=8)
bench_build tuning-fast smpdfu-blesim "${fast[@]}"
bench_build tuning-big smpdfu-blesim "${fast[@]}" "$big"
bench_build tuning-desktop smpdfu-blesim "${fast[@]}" configs/ble_nrf_desktop.conf

doc=$(bench_doc_dir)
$BENCH_PY bench/lib/tuning.py --out "$doc/files" \
	--fast "$BENCH_BUILD/tuning-fast/sim/ble/smpdfu-blesim" \
	--big "$BENCH_BUILD/tuning-big/sim/ble/smpdfu-blesim" \
	--desktop "$BENCH_BUILD/tuning-desktop/sim/ble/smpdfu-blesim"
echo "page: $doc/files/tuning.md"
