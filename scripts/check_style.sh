#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The house style a machine can check, on tracked *.c/*.h files: no line over 100 columns (tab = 8),
# no trailing whitespace, indentation by tabs (a space may only start a comment's " *" line or
# align after tabs), element counts by ARRAY_SIZE, digest sizes by name, CBOR fields read by name
# outside the tests; and on every tracked source file, its SPDX licence line. Everything else of
# the spec's style.md (Linux braces, names, one concern per file) is kept by hand and review:
# clang-format 14 would reflow 166 of 254 files
# (hand-aligned initialisers, tables and comments), and a configuration that does not describe
# the code would be worse than none, so there is no .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."

# Columns are characters, not bytes: a '§' or 'µ' in a comment takes one column.
export LC_ALL=C.UTF-8
max=100
bad=0

report() { # file, grep -n output, what
	while IFS= read -r hit; do
		[[ -n $hit ]] || continue
		printf '%s:%s: %s\n' "$1" "${hit%%:*}" "$3"
		bad=$((bad + 1))
	done <<<"$2"
}

while IFS= read -r -d '' f; do
	[[ -f $f ]] || continue
	while IFS= read -r hit; do
		text=${hit#*:}
		printf '%s:%s: %d columns\n' "$f" "${hit%%:*}" "${#text}"
		bad=$((bad + 1))
	done < <(expand -t8 -- "$f" | grep -nE "^.{$((max + 1)),}" || true)
	report "$f" "$(grep -nE '[[:space:]]+$' -- "$f" || true)" "trailing whitespace"
	report "$f" "$(grep -nE '^ +[^ *]|^ {2,}\*' -- "$f" || true)" "indented with spaces"
	report "$f" "$(grep -nP '^\t* +\t' -- "$f" || true)" "a space before a tab in the indentation"
	# Counts and digest sizes by name (src/util.h's ARRAY_SIZE, <smpdfu/crypto.h>'s sizes).
	report "$f" "$(grep -nE 'sizeof\(?(\w+)\)? */ *sizeof\(?\1\[0\]' -- "$f" || true)" \
		"an element count written out: ARRAY_SIZE()"
	report "$f" "$(grep -nE '(sha|hash|digest)\w*\[(32|64)\]' -- "$f" || true)" \
		"a digest size as a bare number: SMPDFU_SHA256_DIGEST_SIZE or _SHA512_"
	# Outside the tests, a field of a decoded CBOR map is read by its name, not its position.
	case $f in
	tests/*) ;;
	*) report "$f" "$(grep -nE 'CBOR_FOUND\([0-9]+\)' -- "$f" || true)" \
		"a CBOR field read by its position: index the table by a named constant" ;;
	esac
done < <(git ls-files -z -- '*.c' '*.h')

# Every source file says its licence (LICENSE, Apache-2.0) in its first lines; data (test
# vectors, fuzz corpora), docs and JSON are not source.
while IFS= read -r -d '' f; do
	case $f in
	tests/vectors/* | tests/fuzz/corpus/*) continue ;;
	*.c | *.h | *.ld | *.py | *.sh | *.cmake | *.conf | */CMakeLists.txt | CMakeLists.txt) ;;
	Kconfig* | */Kconfig* | .ci/run) ;;
	*) continue ;;
	esac
	if ! head -n 3 -- "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
		printf '%s:1: no SPDX-License-Identifier: Apache-2.0 line\n' "$f"
		bad=$((bad + 1))
	fi
done < <(git ls-files -z)

if ((bad > 0)); then
	echo "check_style: $bad line(s) break the style (100 columns with tab = 8, no trailing" \
		"whitespace, tabs for indentation, named counts, digest sizes and CBOR fields," \
		"an SPDX line in every source file)" >&2
	exit 1
fi
echo "check_style: ok"
