#!/usr/bin/env bash
# kernels.sh - run time of compute kernels, wsbx against V8, in one run.
#
# For each kernel (bench/kernels/*.wat by default): bench_kernels turns it
# into a binary (written to bench/out/kernels/NAME.wasm), compiles it,
# instantiates it once in a session and times calls of its `run` export;
# then kernels.mjs runs the same binary under Node.js with V8's default
# tiers, warmed up first. The two sides alternate kernel by kernel, so a
# slow spell of the machine hurts both alike. Both report the median time
# per run and the checksum `run` returned; a checksum that differs between
# the engines is an error row, not a number.
#
# The table: kernel, checksum, wsbx ms, V8 ms per run (medians), and
# wsbx/V8 = V8 time / wsbx time (above 1: wsbx is faster; the goal is at
# least 0.5, within 2x of V8), then the geometric mean of the ratios.
# Raw results go to bench/out/kernels-*.tsv.
#
# Usage: bench/kernels.sh [--runs N] [--min-ms MS] [--warmup-ms MS] [FILE...]
#   FILE        kernels to run (.wat or .wasm; default bench/kernels/*.wat)
#   --runs      timed runs per kernel and engine (default 7)
#   --min-ms    shortest timed run in milliseconds (default 200)
#   --warmup-ms how long V8 runs each kernel before timing (default 1000)
# Environment: WSBX_BUILD names the build directory (default: build); it is
# configured and built here if needed.
set -euo pipefail

. "$(dirname "$0")/lib.sh"

opts=()
v8opts=()
files=()
while [ $# -gt 0 ]; do
        case $1 in
        --runs | --min-ms | --warmup-ms)
                [ $# -ge 2 ] || { echo "kernels.sh: $1 needs a value" >&2; exit 2; }
                [ "$1" = --warmup-ms ] || opts+=("$1" "$2")
                v8opts+=("$1" "$2")
                shift 2
                ;;
        -*)
                echo "usage: bench/kernels.sh [--runs N] [--min-ms MS] [--warmup-ms MS] [FILE...]" >&2
                exit 2
                ;;
        *)
                files+=("$1")
                shift
                ;;
        esac
done
if [ ${#files[@]} -eq 0 ]; then
        files=("$root"/bench/kernels/*.wat)
fi
bench_need_node kernels.sh
bench_build bench/bench_kernels

mkdir -p "$out/kernels"
: >"$out/kernels-wsbx.tsv"
: >"$out/kernels-v8.tsv"
bench_banner ${#files[@]}
for f in "${files[@]}"; do
        name=$(basename "$f")
        name=${name%.*}
        rm -f "$out/kernels/$name.wasm"
        # A kernel one side fails is recorded as an error row, not fatal;
        # so is a crash, which prints no row of its own.
        rc=0
        row=$("$build/bench/bench_kernels" "${opts[@]}" --emit-wasm "$out/kernels" "$f") || rc=$?
        [ -n "$row" ] || row=$(printf '%s\terror\tbench_kernels died (exit status %d)' "$name" "$rc")
        printf '%s\n' "$row" >>"$out/kernels-wsbx.tsv"
        if [ -f "$out/kernels/$name.wasm" ]; then
                node "$root/bench/kernels.mjs" "${v8opts[@]}" "$out/kernels/$name.wasm" \
                        >>"$out/kernels-v8.tsv" || true
        else
                printf '%s\terror\tno binary (see the wsbx side)\n' "$name" >>"$out/kernels-v8.tsv"
        fi
        printf . >&2
done
echo >&2

# Rows: name checksum median fastest slowest, or name error message.
awk -F'\t' '
        FILENAME == ARGV[1] { wc[$1] = $2; wm[$1] = $3; werr[$1] = $3; order[++n] = $1; next }
        { vc[$1] = $2; vm[$1] = $3; verr[$1] = $3 }
        END {
                printf "%-12s %11s %10s %10s %8s  %s\n", "kernel", "checksum", "wsbx ms", "V8 ms", "wsbx/V8", "note"
                for (i = 1; i <= n; i++) {
                        k = order[i]
                        note = ""; ratio = "-"; w = "-"; v = "-"
                        if (wc[k] == "error") note = "wsbx: " werr[k]
                        else w = sprintf(wm[k] < 1 ? "%.4f" : "%.2f", wm[k])
                        if (vc[k] == "error" || !(k in vc)) note = note (note == "" ? "" : "; ") "V8: " verr[k]
                        else v = sprintf(vm[k] < 1 ? "%.4f" : "%.2f", vm[k])
                        if (note == "" && wc[k] != vc[k]) {
                                note = "CHECKSUM MISMATCH: V8 " vc[k]
                                bad++
                        } else if (note == "" && wm[k] > 0 && vm[k] > 0) {
                                r = vm[k] / wm[k]
                                ratio = sprintf("%.2f", r)
                                logsum += log(r); nr++
                        }
                        printf "%-12s %11s %10s %10s %8s  %s\n", k, wc[k] == "error" ? vc[k] : wc[k], w, v,
                               ratio, substr(note, 1, 90)
                }
                if (nr > 0)
                        printf "%-12s %11s %10s %10s %8.2f  %d of %d kernels\n", "geomean", "", "", "",
                               exp(logsum / nr), nr, n
                print "(median ms per run; wsbx/V8 = V8 time / wsbx time, above 1: wsbx is faster)"
                if (bad) exit 1
        }' "$out/kernels-wsbx.tsv" "$out/kernels-v8.tsv" | tee "$out/kernels-table.txt"
