#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sets up a Debian machine (packages) and runs every test of smpdfu: the style check, unit tests,
# the wire oracle and the system tests on the simulated device, a mutation sample, the unit and
# system tests again under AddressSanitizer/UBSan, the portability build of the core for Cortex-M4 with its size report, the
# firmware of both boards (run on QEMU's emulated nRF51 for the micro:bit), and the fuzz harnesses
# briefly.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh

jobs=$(nproc)

step "style: C within 100 columns, no trailing whitespace, indented by tabs"
bash scripts/check_style.sh

step "build and test: simulated device (configs/sim_udp.conf)"
cmake --preset sim >/dev/null
cmake --build --preset sim -j "$jobs"
ctest --preset sim -j "$jobs"

step "mutation sample: one planted bug per directory of src/ must fail the unit tests"
/usr/bin/python3 scripts/mutate.py --sample

# Every shipped variant: the base configuration plus one overlay, built and tested on its own.
# The wire oracle runs only for variants whose answers on the wire differ from the base (they
# say "# ci: wire-oracle"); the others change what happens behind the same answers. The feature
# probe builds its own configurations: the base build has run it.
for overlay in configs/variants/*.conf; do
	name=$(basename "$overlay" .conf)
	step "build and test: variant $name ($overlay)"
	cmake -S . -B "build/variant-$name" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DSMPDFU_CONF="configs/sim_udp.conf;$overlay" >/dev/null
	cmake --build "build/variant-$name" -j "$jobs"
	skip=(-E '^features$')
	grep -q '^# ci: wire-oracle' "$overlay" || skip=(-E '^(oracle|features)$')
	ctest --test-dir "build/variant-$name" -j "$jobs" --output-on-failure "${skip[@]}"
done

step "build and test: AddressSanitizer + UBSan"
cmake --preset sim-asan >/dev/null
cmake --build --preset sim-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 ctest --preset sim-asan -j "$jobs" -E '^(oracle|features)$'

step "portability: the core for Cortex-M4 (-Os -Werror), size per module"
cmake --preset cortex-m4 >/dev/null
cmake --build --preset cortex-m4 -j "$jobs"
arm-none-eabi-size -t build/cortex-m4/libsmpdfu_core.a | sed 's/ (ex .*)//'

# The firmware: both images of each board linked (wolfCrypt from Debian's source package), and the
# micro:bit's run on QEMU's emulated nRF51822: update, revert, refusal, resets during a swap.
for board in bbc_microbit bbc_microbit_ed25519 nrf52840dk_nrf52840; do
	step "firmware: $board (bootloader and SMP application)"
	cmake --preset "$board" >/dev/null
	cmake --build --preset "$board" -j "$jobs"
done
for board in bbc_microbit bbc_microbit_ed25519; do
	step "firmware on the emulated board: $board under QEMU"
	ctest --test-dir "build/$board" --output-on-failure
done

step "firmware footprint: flash and RAM per component, stack measured on the emulated board"
bash bench/footprint.sh

step "upload path under callgrind: instructions per byte within issue 10's bounds"
bash bench/upload_bench.sh 1

step "fuzz harnesses (libFuzzer, bounded time)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
ctest --test-dir build/fuzz -R '^fuzz\.' --output-on-failure

step "all tests passed"
