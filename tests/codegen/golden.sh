#!/bin/sh
# golden.sh - code generator golden files.
#
#   golden.sh CC_TOOL FILE.wat...           check
#   golden.sh --bless CC_TOOL FILE.wat...   rewrite the expected output
#                                           (or WSBX_BLESS=1 in the environment)
#
# Each FILE.wat is a module followed by the disassembly the compiler must
# produce for it, in comments after a marker line (the module's text ends
# there). The code is compiled by `cc_tool dump` with the CPU features
# pinned to the x86-64-v2 floor, and each function is disassembled on its
# own (objdump, Intel syntax) so offsets and jump targets are relative to
# the function; the int3 padding between functions is left out.
#
# Exit status: 0 all match, 1 a mismatch (the diff is printed), 77 when
# objdump is missing (the test is skipped).
set -eu

bless=0
if [ "${WSBX_BLESS:-}" = 1 ]; then
        bless=1
fi
if [ "${1:-}" = "--bless" ]; then
        bless=1
        shift
fi
if [ $# -lt 2 ]; then
        echo "usage: golden.sh [--bless] CC_TOOL FILE.wat..." >&2
        exit 2
fi
cc_tool=$1
shift
if ! command -v objdump >/dev/null 2>&1; then
        echo "objdump not found: skipping the golden files" >&2
        exit 77
fi

marker=';; ---- expected: tests/codegen/golden.sh --bless rewrites below ----'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for wat in "$@"; do
        # The module: everything before the marker.
        awk -v m="$marker" '$0 == m { exit } { print }' "$wat" >"$tmp/module.wat"
        if ! "$cc_tool" dump "$tmp/module.wat" "$tmp/code.bin" >"$tmp/list" 2>"$tmp/err"; then
                echo "$wat: does not compile: $(cat "$tmp/err")" >&2
                status=1
                continue
        fi
        : >"$tmp/actual"
        grep '^func ' "$tmp/list" | while read -r _ name off size; do
                dd if="$tmp/code.bin" of="$tmp/func.bin" bs=1 skip=$((off)) count="$size" 2>/dev/null
                echo ";; function $name:"
                objdump -D -b binary -m i386:x86-64 -M intel --no-show-raw-insn "$tmp/func.bin" |
                        awk -F'\t' '/^ *[0-9a-f]+:\t/ && $2 !~ /^int3/ {
                                sub(/^ +/, "", $1); gsub(/ +/, " ", $2); sub(/ +$/, "", $2)
                                print ";;   " $1 " " $2 }'
        done >"$tmp/actual"
        if [ $bless = 1 ]; then
                { cat "$tmp/module.wat"; echo "$marker"; cat "$tmp/actual"; } >"$tmp/new"
                cp "$tmp/new" "$wat"
                continue
        fi
        awk -v m="$marker" 'found { print } $0 == m { found = 1 }' "$wat" >"$tmp/expected"
        if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
                echo "$wat: generated code differs from the golden file:" >&2
                cat "$tmp/diff" >&2
                status=1
        fi
done
exit $status
