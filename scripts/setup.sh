#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages smpdfu needs, only when some are missing (idempotent, quiet when done).
set -euo pipefail

packages=(
	build-essential cmake ninja-build          # host build
	gcc-arm-none-eabi libnewlib-arm-none-eabi  # firmware images, portability check of the core
	dpkg-dev                                   # apt-get source: wolfCrypt for the firmware
	qemu-system-arm                            # the firmware on an emulated nRF51 (micro:bit)
	clang libclang-rt-14-dev                   # libFuzzer harnesses
	libcmocka-dev                              # unit tests
	libwolfssl-dev                             # crypto port: SHA-256, ECDSA P-256, Ed25519
	python3 python3-kconfiglib                 # configuration
	python3-cbor2 python3-pytest               # independent wire oracle and system tests
	valgrind                                   # benchmarks (callgrind)
	gnuplot-nox                                # benchmarks: plots of docs/tuning.md (SVG)
	tmux                                       # system test of the menuconfig target (headless)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
