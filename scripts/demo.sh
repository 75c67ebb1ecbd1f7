#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job, visibly: set up and build the nRF Desktop configuration (dfu_mcumgr, the config
# channel DFU and the DFU lock between them); make a signing key and two signed firmware images;
# start a simulated device (MCUboot-style bootloader, then the application) running 1.0.0; upload
# 2.0.0 over SMP/UDP with a progress bar; mark it for test; reset (the bootloader swaps it in, and
# dfu_mcumgr confirms it at boot as on an nRF Desktop device); reset again and see it stay; then
# the same kind of upload over the Bluetooth LE link model, where transfer events lower the
# connection latency. Everything is in build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Setting up (Debian packages) and building the nRF Desktop configuration"
bash scripts/setup.sh
bin=build/demo-nrf-desktop
cmake -S . -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DSMPDFU_CONF="configs/sim_udp.conf;configs/variants/nrf_desktop.conf" >/dev/null
cmake --build "$bin" -j "$(nproc)" | tail -n 1

work=build/demo
port=${SMPDFU_DEMO_PORT:-1337}
mkdir -p "$work"
rm -f "$work/flash.bin" "$work/flash.bin.cc.sock" "$work/device.out" "$work/device.log" "$work/key.pem"

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

# Waits until the device has printed at least $1 "listening" lines (one per transport per start).
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
sleep 0.2 # every transport of the first start has announced itself by now
per_start=$(grep -c listening "$work/device.out")

smpdfu() { "$bin/tools/smpdfu" --port "$port" "$@"; }
starts=1
reset_device() {
	smpdfu reset
	starts=$((starts + 1))
	wait_listening $((starts * per_start))
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

say "Resetting: the bootloader verifies and swaps 2.0.0 in; dfu_mcumgr confirms it at boot"
reset_device
smpdfu image list
grep -E "boot: |dfu_mcumgr: running image confirmed" "$work/device.log" | tail -n 6

say "Confirming from the host is now a no-op; resetting again: 2.0.0 stays"
smpdfu image confirm >/dev/null
reset_device
smpdfu image list

say "The same kind of upload over the Bluetooth LE link model (virtual time; nRF Desktop link:"
say "7.5 ms interval, peripheral latency 99, nRF52840 flash timing)"
"$bin/sim/ble/smpdfu-blesim" --size 262144 --latency 99 --flash nrf52840 --log-level inf \
	2>"$work/ble.log" | grep -v "^upload:"
grep -m 4 -E "lock|transfer_event|ble_latency|latency 0" "$work/ble.log"
echo "... ($(grep -c ble_smp_transfer_event "$work/ble.log") transfer events in $work/ble.log)"

say "What the device logged: bootloader, module states, DFU lock hand-overs, MCUmgr"
cat "$work/device.log"
