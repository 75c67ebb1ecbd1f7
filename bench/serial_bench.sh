#!/usr/bin/env bash
# Serial benchmark, in two parts.
# 1. The modelled line (smpdfu-serialsim, virtual time; figures repeat exactly on any machine): a
#    512 KiB upload at 115200 and 1,000,000 baud 8N1 with the client's defaults (packets of
#    buf_size - 4, window buf_count - 1, 127-byte lines), its goodput against the line rate and
#    against the bound the framing leaves of it; then the same with nRF52840 flash timing.
# 2. The simulated device's pseudo-terminal: a pty has no baud rate, so its wall-clock goodput says
#    little about a UART; what carries over is the device's instructions per uploaded byte under
#    callgrind, and the framing counted by the client's encoder on a real byte stream.
# Usage: bash bench/serial_bench.sh [RUNS|model]   (build first: cmake --build --preset sim;
#        BUILD=build/other picks another build directory; "model" runs part 1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=${BUILD:-build/sim}

echo "== modelled line: $bin/sim/serial/smpdfu-serialsim --size 524288 --baud B \\"
echo "   [--flash nrf52840 --slot1 dirty]"
summary=$(cat <<'PY'
import json, sys
r = json.load(sys.stdin)
assert r["ok"] and r["match"], r
print(f"  {r['baud']:>7} baud, flash {r['flash']:<8}: DFU {r['upload_s']:7.3f} s, goodput "
      f"{r['goodput_Bps'] / 1024:5.2f} KiB/s = {100 * r['line_utilisation']:.2f} % of the line rate "
      f"({r['line_Bps'] / 1024:.2f} KiB/s), {100 * r['bound_ratio']:.2f} % of the framing bound "
      f"({r['bound_Bps'] / 1024:.2f} KiB/s); DFU / max(line {r['line_s']:.3f} s, "
      f"flash {r['flash_s']:.3f} s) = {r['max_ratio']:.3f}")
PY
)
for flash in "" "--flash nrf52840 --slot1 dirty"; do
	for baud in 115200 1000000; do
		# shellcheck disable=SC2086 # $flash is two options or none
		"$bin/sim/serial/smpdfu-serialsim" --size 524288 --baud "$baud" $flash --json |
			/usr/bin/python3 -c "$summary"
	done
done
[[ $runs == model ]] && exit 0

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
