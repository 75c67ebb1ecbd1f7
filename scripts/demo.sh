#!/usr/bin/env bash
# The main job, visibly: set up and build; make a signing key and two signed firmware images;
# start a simulated device (MCUboot-style bootloader, then the application) running 1.0.0; upload
# 2.0.0 over SMP/UDP with a progress bar; mark it for test; reset (the bootloader swaps it in); see
# 2.0.0 running unconfirmed; confirm it; reset again and see it stay. Everything is in build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Setting up (Debian packages) and building"
bash scripts/setup.sh
cmake --preset sim >/dev/null
cmake --build --preset sim -j "$(nproc)" | tail -n 1

bin=build/sim
work=build/demo
port=${SMPDFU_DEMO_PORT:-1337}
mkdir -p "$work"
rm -f "$work/flash.bin" "$work/device.out" "$work/device.log"

say "Making a signing key and firmware images 1.0.0 (factory) and 2.0.0 (1 MiB, to upload)"
"$bin/tools/smpdfu-image" keygen --type ecdsa-p256 "$work/key.pem"
head -c 65536 /dev/urandom >"$work/app-1.0.0.raw"
head -c 1047000 /dev/urandom >"$work/app-2.0.0.raw"
"$bin/tools/smpdfu-image" sign --key "$work/key.pem" --version 1.0.0 --pad-header \
	"$work/app-1.0.0.raw" "$work/app-1.0.0.bin"
"$bin/tools/smpdfu-image" sign --key "$work/key.pem" --version 2.0.0 --pad-header \
	"$work/app-2.0.0.raw" "$work/app-2.0.0.bin"
"$bin/tools/smpdfu-image" dump "$work/app-2.0.0.bin"

say "Starting the simulated device on udp 127.0.0.1:$port (log: $work/device.log)"
"$bin/sim/smpdfu-sim" --flash "$work/flash.bin" --port "$port" --bind 127.0.0.1 \
	--key "$work/key.pem" --load-slot0 "$work/app-1.0.0.bin" \
	>"$work/device.out" 2>"$work/device.log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; wait $sim_pid 2>/dev/null || true' EXIT

# Waits until the device printed its n-th "listening" line (one per start).
wait_listening() {
	for _ in $(seq 100); do
		[ "$(grep -c listening "$work/device.out" || true)" -ge "$1" ] && return
		kill -0 $sim_pid 2>/dev/null || { cat "$work/device.log"; exit 1; }
		sleep 0.1
	done
	echo "the device did not come up" >&2
	exit 1
}
wait_listening 1

smpdfu() { "$bin/tools/smpdfu" --port "$port" "$@"; }
starts=1
reset_device() {
	smpdfu reset
	starts=$((starts + 1))
	wait_listening $starts
}

say "The device"
smpdfu os-info a
smpdfu params
smpdfu bootloader-info mode
smpdfu image list

say "Uploading firmware 2.0.0"
smpdfu image upload "$work/app-2.0.0.bin"
smpdfu image list

say "Marking 2.0.0 for test (it runs once; without a confirm the bootloader reverts it)"
hash=$("$bin/tools/smpdfu-image" hash "$work/app-2.0.0.bin")
smpdfu image test "$hash"

say "Resetting: the bootloader verifies and swaps 2.0.0 in"
reset_device
smpdfu image list

say "Confirming 2.0.0, then resetting again: it stays"
smpdfu image confirm
reset_device
smpdfu image list

say "What the device logged (bootloader and application)"
cat "$work/device.log"
