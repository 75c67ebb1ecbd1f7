#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Helpers the bench scripts source (not a benchmark itself): a build of their own under
# build/bench/, "name=value" result lines, and the generated parts of the documents.
#
# Generated documents: when BENCH_DOC_DIR is set (bench/all.sh sets it), a script writes
#   $BENCH_DOC_DIR/<doc>.<block>.md   to replace the block <block> of docs/<doc>.md, between
#                                     "<!-- generated: <block> -->" and "<!-- end: <block> -->"
#   $BENCH_DOC_DIR/files/<path>       to be copied to docs/<path> as it is (whole pages, plots)
# Without it they go to build/bench/doc/ for a look.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_BUILD=$BENCH_ROOT/build/bench
BENCH_PY=/usr/bin/python3

# bench_build NAME "TARGET..." CONF... : configures and builds build/bench/NAME with the Kconfig
# fragments CONF... (paths from the repository root), only TARGETs; the log is NAME.log beside it.
bench_build() {
	local name=$1 targets=$2 dir log confs
	shift 2
	dir=$BENCH_BUILD/$name
	log=$BENCH_BUILD/$name.log
	mkdir -p "$BENCH_BUILD"
	confs=$(IFS=';'; echo "$*")
	# shellcheck disable=SC2086 # targets is a list
	if ! { cmake -S "$BENCH_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DSMPDFU_CONF=$confs" && cmake --build "$dir" -j "${BENCH_JOBS:-2}" \
		--target $targets; } >"$log" 2>&1; then
		echo "bench: building $name failed; its log ($log):" >&2
		tail -40 "$log" >&2
		exit 1
	fi
}

# bench_conf NAME LINE... : writes a Kconfig fragment build/bench/NAME.conf and prints its path.
bench_conf() {
	local name=$1 path
	shift
	path=$BENCH_BUILD/$name.conf
	mkdir -p "$BENCH_BUILD"
	printf '%s\n' "$@" >"$path"
	echo "$path"
}

# bench_doc_dir: where this run's generated document parts go (created).
bench_doc_dir() {
	local d=${BENCH_DOC_DIR:-$BENCH_BUILD/doc}
	mkdir -p "$d/files"
	echo "$d"
}
