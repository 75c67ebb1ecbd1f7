#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Serial benchmark, in two parts.
# 1. The modelled line (smpdfu-serialsim, virtual time; figures repeat exactly on any machine): a
#    512 KiB upload at 115200 and 1,000,000 baud 8N1 with the client's defaults (packets of
#    buf_size - 4, window buf_count - 1, 127-byte lines), its goodput against the line rate and
#    against the bound the framing leaves of it; then the same with nRF52840 flash timing.
# 2. The simulated device's pseudo-terminal: a pty has no baud rate, so its wall-clock goodput says
#    little about a UART; what carries over is the device's instructions per uploaded byte under
#    callgrind, and the framing counted by the client's encoder on a real byte stream.
# Usage: bash bench/serial_bench.sh [RUNS|model|all]   ("model" runs part 1 only; all: both
#        parts, 7 runs; builds build/bench/serial itself)
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"
runs=${1:-all}
[[ $runs == all ]] && runs=7
[[ $runs == model || $runs =~ ^[1-9][0-9]*$ ]] ||
	{ echo "usage: bash bench/serial_bench.sh [RUNS|model|all]" >&2; exit 2; }
bench_build serial "smpdfu-sim smpdfu smpdfu-image smpdfu-serialsim" configs/sim_udp.conf
bin=$BENCH_BUILD/serial
doc=$(bench_doc_dir)

echo "== modelled line: smpdfu-serialsim --size 524288 --baud B [--flash nrf52840 --slot1 dirty]"
rows=()
for flash in "" "--flash nrf52840 --slot1 dirty"; do
	for baud in 115200 1000000; do
		# shellcheck disable=SC2086 # $flash is two options or none
		rows+=("$("$bin/sim/serial/smpdfu-serialsim" --size 524288 --baud "$baud" $flash --json)")
	done
done
$BENCH_PY - "$doc/performance.serial_model.md" "${rows[@]}" <<'PY'
import json, sys
doc, rows = sys.argv[1], [json.loads(r) for r in sys.argv[2:]]
md = ["| line | flash | DFU time | goodput | of the line rate | of the framing bound | "
      "DFU / max(line, flash) |", "|---|---|---|---|---|---|---|"]
for r in rows:
    assert r["ok"] and r["match"], r
    tag = f"serial_model.{r['baud']}.{r['flash']}"
    print(f"  {r['baud']:>7} baud, flash {r['flash']:<8}: DFU {r['upload_s']:7.3f} s, goodput "
          f"{r['goodput_Bps'] / 1024:5.2f} KiB/s = {100 * r['line_utilisation']:.2f} % of the "
          f"line rate, {100 * r['bound_ratio']:.2f} % of the framing bound")
    for k in ("upload_s", "goodput_Bps", "line_utilisation", "bound_ratio", "max_ratio"):
        print(f"{tag}.{k}={r[k]}")
    md.append(f"| {r['baud']:,} baud | {'untimed' if r['flash'] == 'none' else r['flash']} | "
              f"{r['upload_s']:.3f} s | {r['goodput_Bps'] / 1024:.2f} KiB/s | "
              f"{100 * r['line_utilisation']:.2f} % (of {r['line_Bps'] / 1024:.2f} KiB/s) | "
              f"**{100 * r['bound_ratio']:.2f} %** (of {r['bound_Bps'] / 1024:.2f} KiB/s) | "
              f"{r['max_ratio']:.3f} (line {r['line_s']:.3f} s, flash {r['flash_s']:.3f} s) |")
open(doc, "w").write("\n".join(md) + "\n")
PY
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
spread=$(printf '%s\n' "${goodputs[@]}" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}')
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "image: $size bytes over the pseudo-terminal, ${runs} runs"
echo "goodput on the pty (median, not a UART figure): ${median} KiB/s   all: ${goodputs[*]}"
echo "serial_pty.goodput_kib_s_median=$median"
echo "serial_pty.goodput_kib_s_range=$spread"
$BENCH_PY - "$size" "$work/client.err" "$work/framing.txt" <<'PY'
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
print(f"serial_pty.framing_efficiency={smp / wire:.4f}")
print(f"serial_pty.image_per_wire_byte={size / wire:.4f}")
open(sys.argv[3], "w").write(" ".join(str(x) for x in (pk, smp, wire, rpk, rwire)))
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
rx=$(incl "$work/cg.out" smpdfu_smp_serial_transport_rx)
b64=$(incl "$work/cg.out" smpdfu_smp_serial_b64_decode)
tx=$(incl "$work/cg.out" serial_send) # the device's send: the inline encoder of smp_serial_tx.h
upload_h=$(incl "$work/cg.out" smpdfu_img_upload)
sha=$(incl "$work/cg.out" smpdfu_crypto_sha256_update)
$BENCH_PY - "$size" "$t" "$t0" "$rx" "$b64" "$tx" "$upload_h" "$sha" "$runs" "$median" \
	"$spread" "$load" "$work/framing.txt" "$doc/performance.serial_pty.md" <<'PY'
import sys
size, t, t0, rx, b64, tx, up, sha = (int(x or 0) for x in sys.argv[1:9])
runs, median, spread, load, framing, doc = sys.argv[9:]
# A function renamed or inlined away counts 0: fail rather than print a figure of nothing.
for name, n in (("receive", rx), ("Base64", b64), ("send", tx), ("upload", up), ("SHA-256", sha)):
    if n == 0:
        sys.exit(f"serial bench: no instructions found for the {name} function (renamed?)")
pk, smp, wire, rpk, rwire = (int(x) for x in open(framing).read().split())
print(f"device instructions for the upload: {t - t0:,} ({(t - t0) / size:.1f} per byte)")
print(f"  serial receive (lines, Base64, CRC; inclusive): {rx / size:6.1f} per byte")
print(f"    of which Base64 decoding:                     {b64 / size:6.1f} per byte")
print(f"  serial send (responses):                        {tx / size:6.1f} per byte")
print(f"  smpdfu_img_upload (handler, inclusive):                {up / size:6.1f} per byte")
print(f"  SHA-256 of the image, chunk by chunk:            {sha / size:6.1f} per byte")
per = {"instructions_per_byte": (t - t0) / size, "receive_per_byte": rx / size,
       "base64_per_byte": b64 / size, "send_per_byte": tx / size,
       "upload_handler_per_byte": up / size, "sha256_per_byte": sha / size}
for k, v in per.items():
    print(f"serial_pty.{k}={v:.1f}")
lo, hi = spread.split("-")
rows = [
    ("framing efficiency: SMP bytes / wire bytes of the requests", f"**{100 * smp / wire:.2f} %**"),
    ("image bytes / request wire bytes (SMP header and CBOR included)",
     f"{100 * size / wire:.2f} % ({smp:,} SMP bytes -> {wire:,} wire bytes for {pk} packets)"),
    ("answers", f"{rpk} packets in {rwire:,} wire bytes ({rwire / rpk:.1f} each)"),
    ("bound at 115200 baud 8N1", f"{115200 / 10 * size / wire / 1024:.1f} KiB/s of image "
     f"(at 1 Mbaud: {1e6 / 10 * size / wire / 1024:.1f} KiB/s)"),
    (f"goodput on the pty, median of {runs} runs",
     f"{float(median):,.0f} KiB/s (runs ranged {float(lo):,.0f}-{float(hi):,.0f} KiB/s; load "
     f"average {load})"),
    ("device instructions for the whole upload", f"{t - t0:,} = **{per['instructions_per_byte']:.1f} per byte**"),
    ("of which serial receive (line buffer, Base64, CRC, inclusive)",
     f"{per['receive_per_byte']:.1f} per byte (Base64 decoding {per['base64_per_byte']:.1f})"),
    ("of which serial send (the answers)", f"{per['send_per_byte']:.1f} per byte"),
    ("of which the upload handler, inclusive",
     f"{per['upload_handler_per_byte']:.1f} per byte (SHA-256 check of the image, chunk by chunk "
     f"{per['sha256_per_byte']:.1f})"),
]
open(doc, "w").write("| figure | value |\n|---|---|\n" +
                     "\n".join(f"| {a} | {b} |" for a, b in rows) + "\n")
PY
