#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every benchmark and rewrites the generated parts of the docs: each bench/*.sh (but this
# one) runs in the mode its header line "# all.sh: MODE" names, "all" when it has none; "# all.sh:
# skip" leaves it out (one that takes hours names a short mode instead). Each script builds what it
# needs under build/bench/, prints "name=value" lines and writes its generated document parts
# (bench/lib/bench.sh); once all ran, those parts replace their blocks in docs/ (docs/tuning.md and
# its plots whole). The CPU time of each script and in all is reported at the end.
# Usage: bash bench/all.sh   (after scripts/setup.sh; exits 1 if any benchmark failed)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"

export BENCH_DOC_DIR=$BENCH_BUILD/all-doc
rm -rf "$BENCH_DOC_DIR"
mkdir -p "$BENCH_DOC_DIR" "$BENCH_BUILD/logs"
TIMEFORMAT='%R %U %S'
failed=()
summary=()
total=0
for script in bench/*.sh; do
	name=$(basename "$script" .sh)
	[[ $name == all ]] && continue
	mode=$(sed -n 's/^# all\.sh: *//p' "$script" | head -n 1)
	mode=${mode:-all}
	if [[ $mode == skip ]]; then
		summary+=("all.$name.mode=skip")
		continue
	fi
	log=$BENCH_BUILD/logs/$name.log
	echo "==== bash $script $mode"
	rc=0
	# shellcheck disable=SC2086 # the mode may be several words
	{ time bash "$script" $mode 2>&1 | tee "$log"; } 2>"$BENCH_BUILD/logs/$name.time" || rc=$?
	read -r real user sys <"$BENCH_BUILD/logs/$name.time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	total=$(awk -v t="$total" -v c="$cpu" 'BEGIN { printf "%.1f", t + c }')
	summary+=("all.$name.mode=$mode" "all.$name.ok=$((rc == 0))" "all.$name.cpu_s=$cpu"
		"all.$name.wall_s=$real")
	((rc == 0)) || failed+=("$name")
done

echo "==== docs"
$BENCH_PY bench/lib/docs.py "$BENCH_DOC_DIR" docs
echo "==== summary"
printf '%s\n' "${summary[@]}" "all.cpu_s=$total" "all.failed=${#failed[@]}"
if ((${#failed[@]} > 0)); then
	echo "bench/all.sh: failed: ${failed[*]} (logs in $BENCH_BUILD/logs/)" >&2
	exit 1
fi
