#!/usr/bin/env bash
# Enforces on tracked *.c/*.h files: no line over 100 columns (tab = 8), no trailing whitespace.
set -euo pipefail
cd "$(dirname "$0")/.."

# Columns are characters, not bytes: a '§' or 'µ' in a comment takes one column.
export LC_ALL=C.UTF-8
max=100
bad=0

while IFS= read -r -d '' f; do
	[[ -f $f ]] || continue
	while IFS= read -r hit; do
		text=${hit#*:}
		printf '%s:%s: %d columns\n' "$f" "${hit%%:*}" "${#text}"
		bad=$((bad + 1))
	done < <(expand -t8 -- "$f" | grep -nE "^.{$((max + 1)),}" || true)
	while IFS= read -r hit; do
		printf '%s:%s: trailing whitespace\n' "$f" "${hit%%:*}"
		bad=$((bad + 1))
	done < <(grep -nE '[[:space:]]+$' -- "$f" || true)
done < <(git ls-files -z -- '*.c' '*.h')

if ((bad > 0)); then
	echo "check_style: $bad line(s) over $max columns (tab = 8) or with trailing whitespace" >&2
	exit 1
fi
echo "check_style: ok"
