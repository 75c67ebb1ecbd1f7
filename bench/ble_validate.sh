#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks the Bluetooth LE model against published, measured figures (bench/lib/ble_validation.py:
# each with its source, the settings it gives and what had to be assumed): predicts each with
# smpdfu-blesim and its central profile, prints predicted/published per figure as name=value
# lines, and writes the validation table of docs/ble_model.md. Virtual time: the predictions
# repeat exactly on any machine.
# Usage: bash bench/ble_validate.sh [all]   (builds build/bench/validate-* itself)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"
[[ ${1:-all} == all ]] || { echo "usage: bash bench/ble_validate.sh [all]" >&2; exit 2; }

fast=(configs/sim_udp.conf configs/ble_fast_dfu.conf)
bench_build validate-fast smpdfu-blesim "${fast[@]}"
bench_build validate-fast6 smpdfu-blesim "${fast[@]}" \
	"$(bench_conf validate-count6 CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT=6)"

doc=$(bench_doc_dir)
$BENCH_PY bench/lib/ble_validate.py \
	--bin fast="$BENCH_BUILD/validate-fast/sim/ble/smpdfu-blesim" \
	--bin fast6="$BENCH_BUILD/validate-fast6/sim/ble/smpdfu-blesim" \
	--table "$doc/ble_model.validation.md"
echo "table: $doc/ble_model.validation.md"
