#!/usr/bin/env bash
# Upload benchmark over loopback UDP: goodput of a 1 MiB upload with the default window (median of
# RUNS runs, wall clock), and the device's instructions per uploaded byte under callgrind
# (deterministic, machine-independent), split into the SMP/CBOR path, flash writes and SHA-256.
# Usage: bash bench/upload_bench.sh [RUNS|all]   (all: 7 runs; builds build/bench/upload itself)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"
runs=${1:-7}
[[ $runs == all ]] && runs=7
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/upload_bench.sh [RUNS|all]" >&2; exit 2; }
bench_build upload "smpdfu-sim smpdfu smpdfu-image" configs/sim_udp.conf
bin=$BENCH_BUILD/upload
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

head -c $((1024 * 1024 - 552)) /dev/zero | tr '\0' '\141' >"$work/app.raw"
"$bin/tools/smpdfu-image" create --version 2.0.0 --pad-header "$work/app.raw" "$work/app.bin"
size=$(stat -c %s "$work/app.bin")
# A port that is free now (the kernel picks it), not a guess that may clash with another device.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start_device() {
	"$@" --flash "$work/flash.bin" --recovery --port "$port" --bind 127.0.0.1 --log-level wrn \
		>"$work/out" 2>"$work/log" &
	for _ in $(seq 200); do grep -q listening "$work/out" 2>/dev/null && return; sleep 0.05; done
	echo "device did not start" >&2; cat "$work/log" >&2; exit 1
}

start_device "$bin/sim/smpdfu-sim"
goodputs=()
for _ in $(seq "$runs"); do
	g=$("$bin/tools/smpdfu" --port "$port" --json image upload "$work/app.bin" |
		/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["match"]; print(r["goodput_kib_s"])')
	goodputs+=("$g")
done
kill %1; wait %1 || true
median=$(printf '%s\n' "${goodputs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
spread=$(printf '%s\n' "${goodputs[@]}" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}')
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "image: $size bytes, window buf_count-1, ${runs} runs"
echo "goodput (median): ${median} KiB/s   all: ${goodputs[*]}"
echo "upload.size=$size"
echo "upload.runs=$runs"
echo "upload.goodput_kib_s_median=$median"
echo "upload.goodput_kib_s_range=$spread"

# Instructions: the device under callgrind for one upload.
rm -f "$work/flash.bin"
start_device valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin/sim/smpdfu-sim"
"$bin/tools/smpdfu" --port "$port" --timeout-ms 20000 image upload "$work/app.bin" >/dev/null
kill -TERM %1; wait %1 || true
# One empty device start for the baseline (start-up and shutdown only).
rm -f "$work/flash.bin"
start_device valgrind --tool=callgrind --callgrind-out-file="$work/cg0.out" "$bin/sim/smpdfu-sim"
kill -TERM %1; wait %1 || true

total() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}'; }
# Inclusive instructions of one function (awk reads to the end: no SIGPIPE under pipefail).
incl() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
	awk -v f="$2" '!done && $NF ~ (":" f "$") {gsub(",","",$1); print $1; done=1}'; }
t=$(total "$work/cg.out"); t0=$(total "$work/cg0.out")
upload=$(incl "$work/cg.out" img_upload)
sha=$(incl "$work/cg.out" crypto_sha256_update)
flash=$(incl "$work/cg.out" stream_writer_write)
doc=$(bench_doc_dir)
$BENCH_PY - "$size" "$t" "$t0" "$upload" "$sha" "$flash" "$runs" "$median" "$spread" "$load" \
	"$doc/performance.upload.md" <<'PY'
import sys
size, t, t0, up, sha, fl = (int(x or 0) for x in sys.argv[1:7])
runs, median, spread, load, doc = sys.argv[7:]
print(f"device instructions for the upload: {t - t0:,} ({(t - t0) / size:.1f} per byte)")
print(f"  img_upload (handler, inclusive):  {up / size:6.1f} per byte")
print(f"  stream_writer_write (flash):      {fl / size:6.1f} per byte")
print(f"  SHA-256 of the finished image:    {sha / size:6.1f} per byte")
for k, v in (("instructions", t - t0), ("instructions_per_byte", f"{(t - t0) / size:.1f}"),
             ("upload_handler_per_byte", f"{up / size:.1f}"),
             ("flash_write_per_byte", f"{fl / size:.1f}"), ("sha256_per_byte", f"{sha / size:.1f}")):
    print(f"upload.{k}={v}")
lo, hi = spread.split("-")
open(doc, "w").write(f"""| figure | value |
|---|---|
| goodput, median of {runs} runs | {float(median):,.0f} KiB/s (runs ranged {float(lo):,.0f}-{float(hi):,.0f} KiB/s; load average {load} from other jobs) |
| device instructions for the whole upload | {t - t0:,} = **{(t - t0) / size:.1f} per byte** |
| of which the upload handler, inclusive | {up / size:.1f} per byte |
| of which writing to flash (streaming writer + simulator) | {fl / size:.1f} per byte |
| of which the final SHA-256 check of the image (`match`) | {sha / size:.1f} per byte |
""")
PY
