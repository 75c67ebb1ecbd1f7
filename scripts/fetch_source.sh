#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fetches and unpacks a Debian source package for code that must be cross-compiled for a
# microcontroller (e.g. wolfCrypt for the firmware's signature checks), without changing the
# machine's apt configuration: the source entries are derived at run time from the machine's own
# binary entries and used from a private apt state below the destination.
#
#   scripts/fetch_source.sh PACKAGE DEST
#
# Unpacks into DEST/PACKAGE (replaced atomically) and prints that path. Takes the version of the
# installed binary package named by SMPDFU_SOURCE_MATCH (e.g. libwolfssl-dev) when it is
# available, so that the host and the device run the same release. Does nothing when DEST/PACKAGE
# is already unpacked.
set -euo pipefail

pkg=${1:?usage: fetch_source.sh PACKAGE DEST}
dest=${2:?usage: fetch_source.sh PACKAGE DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
out="$dest/$pkg"
if [ -f "$out/.smpdfu-fetched" ]; then
	echo "$out"
	exit 0
fi

state="$dest/.apt-$pkg"
rm -rf "$state"
mkdir -p "$state/parts" "$state/lists/partial" "$state/cache/archives/partial" "$state/work"
: >"$state/sources.list"

# The machine's binary entries, turned into source entries: one-line files and deb822 files.
eval "$(apt-config shell ETC Dir::Etc/d SOURCELIST Dir::Etc::sourcelist/f \
	PARTS Dir::Etc::sourceparts/d)"
for f in "$SOURCELIST" "$PARTS"/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$state/sources.list"
done
for f in "$PARTS"/*.sources; do
	[ -f "$f" ] || continue
	sed 's/^Types:.*$/Types: deb-src/' "$f" >"$state/parts/$(basename "$f")"
done

apt_private=(-o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=$state/parts"
	-o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o "APT::Sandbox::User=$(id -un)"
	-qq)
echo "fetch_source: reading the source index for $pkg" >&2
apt-get "${apt_private[@]}" update >&2 || true

want=$pkg
if [ -n "${SMPDFU_SOURCE_MATCH:-}" ]; then
	ver=$(dpkg-query -W -f='${Version}' "$SMPDFU_SOURCE_MATCH" 2>/dev/null || true)
	[ -n "$ver" ] && want="$pkg=$ver"
fi
cd "$state/work"
if ! apt-get "${apt_private[@]}" source --download-only "$want" >&2; then
	[ "$want" != "$pkg" ] || exit 1
	echo "fetch_source: $want is not offered; taking the newest $pkg" >&2
	apt-get "${apt_private[@]}" source --download-only "$pkg" >&2
fi
dsc=$(ls ./*.dsc | head -n 1)
dpkg-source --no-check -x "$dsc" unpacked >&2
touch unpacked/.smpdfu-fetched
rm -rf "$out"
mv unpacked "$out"
rm -rf "$state"
echo "$out"
