#!/usr/bin/env bash
# Serial benchmark on the simulated device's pseudo-terminal: a 512 KiB upload with the client's
# defaults (packets of buf_size - 4, window buf_count - 1, 127-byte lines). A pty has no baud rate,
# so its wall-clock goodput says little about a UART; the figures that carry over are the framing
# efficiency (SMP bytes / wire bytes, counted by the client's encoder), the line-rate bound that
# follows from it, and the device's instructions per uploaded byte under callgrind.
# Usage: bash bench/serial_bench.sh [RUNS]   (build first: cmake --build --preset sim;
#        BUILD=build/other picks another build directory)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=${BUILD:-build/sim}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

head -c $((512 * 1024 - 552)) /dev/zero | tr '\0' '\141' >"$work/app.raw"
"$bin/tools/smpdfu-image" create --version 2.0.0 --pad-header "$work/app.raw" "$work/app.bin"
size=$(stat -c %s "$work/app.bin")
tty="$work/tty"

start_device() {
	"$@" --flash "$work/flash.bin" --recovery --port 0 --bind 127.0.0.1 --serial-link "$tty" \
		--log-level wrn >"$work/out" 2>"$work/log" &
	for _ in $(seq 400); do
		grep -q "listening on serial" "$work/out" 2>/dev/null && return
		sleep 0.05
	done
	echo "device did not start" >&2; cat "$work/log" >&2; exit 1
}
upload() {
	"$bin/tools/smpdfu" --transport serial --device "$tty" "$@" image upload "$work/app.bin"
}

start_device "$bin/sim/smpdfu-sim"
goodputs=()
for _ in $(seq "$runs"); do
	g=$(upload --json |
		/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["match"]; print(r["goodput_kib_s"])')
	goodputs+=("$g")
done
# One more with --verbose: the client's framing counters (what its encoder wrote).
upload --verbose --json 2>"$work/client.err" >"$work/client.out"
kill %1; wait %1 || true
median=$(printf '%s\n' "${goodputs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "image: $size bytes over the pseudo-terminal, ${runs} runs"
echo "goodput on the pty (median, not a UART figure): ${median} KiB/s   all: ${goodputs[*]}"
/usr/bin/python3 - "$size" "$work/client.err" <<'PY'
import re, sys
size = int(sys.argv[1])
text = open(sys.argv[2]).read()
m = re.search(r"sent (\d+) packets, (\d+) bytes as (\d+) wire bytes.*received (\d+) packets "
              r"in (\d+) wire bytes", text)
pk, smp, wire, rpk, rwire = (int(x) for x in m.groups())
print(f"requests: {pk} packets, {smp:,} SMP bytes -> {wire:,} wire bytes")
print(f"  framing efficiency (SMP bytes / wire bytes):   {100 * smp / wire:.2f} %")
print(f"  image bytes / request wire bytes:              {100 * size / wire:.2f} %")
print(f"responses: {rpk} packets in {rwire:,} wire bytes ({rwire / rpk:.1f} per answer)")
# 8N1: 10 bits per byte on the wire; a full-duplex UART carries requests and answers at once.
for baud in (115200, 1000000):
    print(f"  bound at {baud} baud 8N1: {baud / 10 * size / wire / 1024:.1f} KiB/s of image")
PY

# Instructions: the device under callgrind for one upload, and an idle start for the baseline.
rm -f "$work/flash.bin"
start_device valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin/sim/smpdfu-sim"
upload --timeout-ms 20000 >/dev/null
kill -TERM %1; wait %1 || true
rm -f "$work/flash.bin"
start_device valgrind --tool=callgrind --callgrind-out-file="$work/cg0.out" "$bin/sim/smpdfu-sim"
kill -TERM %1; wait %1 || true

total() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}'; }
# Inclusive instructions of one function, found as "file:function" in any column (a function
# inlined into its caller has no line of its own and counts in the caller; awk reads to the end:
# no SIGPIPE under pipefail).
incl() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
	awk -v f="$2" '!done { for (i = 2; i <= NF; i++) if ($i ~ (":" f "$")) {
		gsub(",", "", $1); print $1; done = 1; break } }'; }
t=$(total "$work/cg.out"); t0=$(total "$work/cg0.out")
rx=$(incl "$work/cg.out" smp_serial_transport_rx)
b64=$(incl "$work/cg.out" smp_serial_b64_decode)
tx=$(incl "$work/cg.out" smp_serial_encode)
upload_h=$(incl "$work/cg.out" img_upload)
sha=$(incl "$work/cg.out" crypto_sha256_update)
/usr/bin/python3 - "$size" "$t" "$t0" "$rx" "$b64" "$tx" "$upload_h" "$sha" <<'PY'
import sys
size, t, t0, rx, b64, tx, up, sha = (int(x or 0) for x in sys.argv[1:])
print(f"device instructions for the upload: {t - t0:,} ({(t - t0) / size:.1f} per byte)")
print(f"  serial receive (lines, Base64, CRC; inclusive): {rx / size:6.1f} per byte")
print(f"    of which Base64 decoding:                     {b64 / size:6.1f} per byte")
print(f"  serial send (responses):                        {tx / size:6.1f} per byte")
print(f"  img_upload (handler, inclusive):                {up / size:6.1f} per byte")
print(f"  SHA-256 of the finished image:                  {sha / size:6.1f} per byte")
PY
