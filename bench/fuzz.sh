#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzing campaign: runs every libFuzzer harness of tests/fuzz/ (ASan + UBSan) for a time or a
# number of runs, carrying on past a crash (fork mode), and reports per harness the runs, the runs
# per second of wall clock and of CPU time (what a free core gives, on a machine others share),
# the coverage of its corpus afterwards (edges, features, inputs) and the findings (distinct
# failures of the crashing inputs, each replayed). Prints name=value lines and writes the table
# into docs/fuzzing.md (block fuzz-short for the default mode, fuzz-campaign otherwise; into
# $BENCH_DOC_DIR/fuzzing.<block>.md instead when bench/all.sh sets it).
# Usage: bash bench/fuzz.sh [short | all | long | RUNS | SECONDSs] [HARNESS...]
#   short (the default; "all" too, as bench/all.sh names modes): 20 s each; long: 10,000,000 runs
#   each (hours: docs/fuzzing.md has the estimate); RUNS: that many; 90s: 90 s each.
#   PARALLEL=N runs N harnesses at once, FORK=N gives each N processes (default 1 and 1: on a
#   machine of C free cores, PARALLEL * FORK = C). BUILD=dir (default build/bench/fuzz).
# Corpora grow in BUILD/tests/fuzz/corpus/<harness>/ from run to run, seeded by
# tests/fuzz/corpus/<harness>/; crashing inputs go to BUILD/fuzz-findings/<harness>/.
# all.sh: short
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-short}
[[ $# -gt 0 ]] && shift
block=fuzz-campaign
if [[ $mode == short || $mode == all ]]; then
	limit=(-max_total_time=20) block=fuzz-short what="20 s each"
elif [[ $mode == long ]]; then
	limit=(-runs=10000000) what="10,000,000 runs each"
elif [[ $mode =~ ^[0-9]+s$ ]]; then
	limit=(-max_total_time="${mode%s}") what="${mode%s} s each"
elif [[ $mode =~ ^[0-9]+$ ]]; then
	limit=(-runs="$mode") what="$mode runs each"
else
	echo "usage: bash bench/fuzz.sh [short | all | long | RUNS | SECONDSs] [HARNESS...]" >&2
	exit 2
fi
parallel=${PARALLEL:-1}
fork=${FORK:-1}
build=${BUILD:-build/bench/fuzz}
command="bash bench/fuzz.sh $mode${*:+ $*}"
[[ $parallel != 1 || $fork != 1 ]] && command="PARALLEL=$parallel FORK=$fork $command"

mkdir -p "$(dirname "$build")"
echo "== building the harnesses in $build"
# -O1, as OSS-Fuzz builds: about twice the runs per CPU second of the preset's -O0 (fuzz_dfu: 2.2x),
# with the same sanitizers and asserts (still a Debug build: no NDEBUG).
if ! { cmake --preset fuzz -B "$build" -DCMAKE_C_FLAGS_DEBUG="-g -O1" &&
	cmake --build "$build" -j "${BENCH_JOBS:-2}"; } \
	>"$build.log" 2>&1; then
	tail -40 "$build.log" >&2
	exit 1
fi
fz=$build/tests/fuzz
harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
	mapfile -t harnesses < <(awk '{ print $1 }' "$fz/fuzz_args.txt")
fi
for h in "${harnesses[@]}"; do
	if ! awk -v h="$h" '$1 == h { found = 1 } END { exit !found }' "$fz/fuzz_args.txt"; then
		echo "bench/fuzz.sh: no harness $h (there are: $(awk '{ print $1 }' \
			"$fz/fuzz_args.txt" | tr '\n' ' '))" >&2
		exit 2
	fi
done

results=$build/fuzz-results
rm -rf "$results"
mkdir -p "$results"

# The libFuzzer options a harness asks for itself (fuzz_args.txt, written by CMake).
own_args() {
	awk -v h="$1" '$1 == h { $1 = ""; print }' "$fz/fuzz_args.txt"
}

# The first line of a failure's report: a harness check, a sanitizer, libFuzzer itself.
diagnosis='check failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY'

# One harness: the campaign, then the coverage of its corpus, then its crashing inputs replayed.
run_one() {
	local h=$1 args work seeds found log
	read -r -a args <<<"$(own_args "$h")"
	work=$fz/corpus/$h
	seeds=tests/fuzz/corpus/$h
	found=$build/fuzz-findings/$h
	log=$results/$h.log
	mkdir -p "$work" "$found"
	# bash's time: wall clock, and the CPU time of the fuzzer and of every process it forked.
	{
		time "$fz/$h" -fork="$fork" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
			-timeout=10 -rss_limit_mb=2048 "${limit[@]}" "${args[@]}" \
			-artifact_prefix="$found/" "$work" "$seeds" >"$log" 2>&1 || true
	} 2>"$results/$h.time"
	# The last status line of fork mode: "#RUNS: cov: ... oom/timeout/crash: ...".
	awk '/^#[0-9]+: cov:/ { runs = substr($1, 2) + 0 }
		FILENAME ~ /time$/ { wall = $1; cpu = $2 + $3 }
		END { printf "runs=%d seconds=%.1f cpu=%.1f\n", runs, wall, cpu }' \
		"$log" "$results/$h.time" >"$results/$h.stats"
	# Coverage of what the corpus holds now (the crashing inputs are kept out of it).
	"$fz/$h" -runs=0 "${args[@]}" "$work" 2>&1 | sed -nE \
		's/.*INITED cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov=\1 ft=\2 corp=\3/p' \
		>>"$results/$h.stats"
	# Each crashing input replayed: its first line of diagnosis, addresses and pids left out.
	: >"$results/$h.findings"
	for a in "$found"/*; do
		[[ -f $a ]] || continue
		"$fz/$h" "${args[@]}" "$a" 2>&1 | grep -m1 -E "$diagnosis" |
			sed -E 's/^==[0-9]+==//; s/0x[0-9a-f]+/ADDR/g; s|^.*/tests/fuzz/||' \
			>>"$results/$h.findings" || true
	done
	sort -u -o "$results/$h.findings" "$results/$h.findings"
	echo "   $h: $(tr '\n' ' ' <"$results/$h.stats")findings=$(wc -l <"$results/$h.findings")"
}

TIMEFORMAT='%R %U %S'
echo "== fuzzing: $what (${harnesses[*]}), $parallel at a time, $fork process(es) each"
running=0
for h in "${harnesses[@]}"; do
	run_one "$h" &
	running=$((running + 1))
	if ((running >= parallel)); then
		wait -n
		running=$((running - 1))
	fi
done
wait

# 12345678 -> 12,345,678
thousands() {
	echo "$1" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta'
}

# The table and the name=value lines.
table=$results/table.md
{
	echo "Command: \`$command\` ($(date -u +%Y-%m-%d), $(nproc) CPUs, $(clang --version |
		head -n 1 | sed 's/ (.*//'))."
	echo
	echo "| harness | runs | seconds | runs/s | runs/CPU-s | coverage (edges) | features |" \
		"corpus | findings |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"
total_findings=0
for h in "${harnesses[@]}"; do
	declare -A v=([runs]=0 [seconds]=0 [cpu]=0 [cov]=0 [ft]=0 [corp]=0)
	read -r -a kvs <<<"$(tr '\n' ' ' <"$results/$h.stats")"
	for kv in "${kvs[@]}"; do
		v[${kv%%=*}]=${kv#*=}
	done
	n=$(wc -l <"$results/$h.findings")
	total_findings=$((total_findings + n))
	rate=$(awk -v r="${v[runs]}" -v s="${v[seconds]}" \
		'BEGIN { printf "%d", (s > 0 ? r / s : 0) }')
	cpu_rate=$(awk -v r="${v[runs]}" -v s="${v[cpu]}" \
		'BEGIN { printf "%d", (s > 0 ? r / s : 0) }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$h" \
		"$(thousands "${v[runs]}")" "${v[seconds]}" "$(thousands "$rate")" \
		"$(thousands "$cpu_rate")" "${v[cov]}" "${v[ft]}" "${v[corp]}" "$n" >>"$table"
	name=fuzz_${h#fuzz_}
	printf '%s_runs=%s\n%s_runs_per_s=%s\n%s_runs_per_cpu_s=%s\n%s_cov=%s\n%s_findings=%s\n' \
		"$name" "${v[runs]}" "$name" "$rate" "$name" "$cpu_rate" "$name" "${v[cov]}" \
		"$name" "$n"
	unset v
done
echo "fuzz_findings=$total_findings"
if ((total_findings > 0)); then
	{
		echo
		echo "Findings (each crashing input replayed; the inputs are in" \
			"$build/fuzz-findings/):"
		echo
		for h in "${harnesses[@]}"; do
			sed "s/^/- $h: /; s/\`/'/g" "$results/$h.findings"
		done
	} >>"$table"
fi

# Into the document: the block between its two markers.
if [[ -n ${BENCH_DOC_DIR:-} ]]; then
	cp "$table" "$BENCH_DOC_DIR/fuzzing.$block.md"
else
	/usr/bin/python3 - docs/fuzzing.md "$block" "$table" <<'PY'
import re, sys
doc, block, table = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(doc).read()
begin, end = f"<!-- generated: {block} -->", f"<!-- end: {block} -->"
pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
if not pattern.search(text):
    sys.exit(f"bench/fuzz.sh: {doc} has no block {block}")
open(doc, "w").write(pattern.sub(lambda m: f"{begin}\n{table}{end}", text))
PY
	echo "== docs/fuzzing.md: block $block rewritten"
fi
cat "$table"
