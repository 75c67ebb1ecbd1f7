#!/usr/bin/env bash
# The main job, visibly: set up and build, start a simulated device running firmware 1.0.0, make
# a 1 MiB firmware 2.0.0 image, upload it over SMP/UDP with a progress bar, list the slots, reset
# the device and show it answering again. Everything lives in build/demo/.
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
rm -f "$work/flash.bin"

say "Making firmware images: 1.0.0 for the factory, 2.0.0 to upload (1 MiB)"
head -c 65536 /dev/urandom >"$work/app-1.0.0.raw"
head -c 1047552 /dev/urandom >"$work/app-2.0.0.raw"
"$bin/tools/smpdfu-image" create --version 1.0.0 --pad-header "$work/app-1.0.0.raw" "$work/app-1.0.0.bin"
"$bin/tools/smpdfu-image" create --version 2.0.0 --pad-header "$work/app-2.0.0.raw" "$work/app-2.0.0.bin"
"$bin/tools/smpdfu-image" dump "$work/app-2.0.0.bin"

say "Starting the simulated device on udp 127.0.0.1:$port (its log: $work/device.log)"
"$bin/sim/smpdfu-sim" --flash "$work/flash.bin" --port "$port" --bind 127.0.0.1 \
	--load-slot0 "$work/app-1.0.0.bin" >"$work/device.out" 2>"$work/device.log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; wait $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	grep -q "listening" "$work/device.out" && break
	kill -0 $sim_pid 2>/dev/null || { cat "$work/device.log"; exit 1; }
	sleep 0.1
done
cat "$work/device.out"

smpdfu() { "$bin/tools/smpdfu" --port "$port" "$@"; }

say "Asking the device about itself"
smpdfu os-info a
smpdfu params
smpdfu bootloader-info mode

say "Slots before the update"
smpdfu image list

say "Uploading firmware 2.0.0"
smpdfu image upload "$work/app-2.0.0.bin"

say "Slots after the upload (2.0.0 is in the secondary slot)"
smpdfu image list

say "Resetting the device (the process restarts; its flash file survives)"
smpdfu reset
sleep 0.5
smpdfu echo "hello after reset"
smpdfu image list

say "Device log"
cat "$work/device.log"

say "Done. Marking 2.0.0 for test, swapping it in and confirming it come with the bootloader layer"
