#!/usr/bin/env bash
# Upload benchmark over loopback UDP: goodput of a 1 MiB upload with the default window (median of
# RUNS runs, wall clock), and the device's instructions per uploaded byte under callgrind
# (deterministic, machine-independent), split into the SMP/CBOR path, flash writes and SHA-256.
# Usage: bash bench/upload_bench.sh [RUNS]   (build first: cmake --build --preset sim)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=build/sim
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
echo "image: $size bytes, window buf_count-1, ${runs} runs"
echo "goodput (median): ${median} KiB/s   all: ${goodputs[*]}"

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
/usr/bin/python3 - "$size" "$t" "$t0" "$upload" "$sha" "$flash" <<'PY'
import sys
size, t, t0, up, sha, fl = (int(x or 0) for x in sys.argv[1:])
print(f"device instructions for the upload: {t - t0:,} ({(t - t0) / size:.1f} per byte)")
print(f"  img_upload (handler, inclusive):  {up / size:6.1f} per byte")
print(f"  stream_writer_write (flash):      {fl / size:6.1f} per byte")
print(f"  SHA-256 of the finished image:    {sha / size:6.1f} per byte")
PY
