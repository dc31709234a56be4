#!/usr/bin/env bash
# compile.sh - compile throughput, wsbx against V8's baseline compiler, in
# one run.
#
# Runs bench_compile (decode + validate + wsbx_compile to an artifact in
# memory) and compile.mjs (`new WebAssembly.Module` under
# `--liftoff-only --no-wasm-lazy-compilation`) on the same modules, each
# both on one thread and on every core, and prints one table: file, size,
# MB/s of each side in each setting, and the ratios wsbx/V8 (above 1: wsbx
# is faster), then the total, which is total bytes over the summed
# per-file median times (so large modules weigh more). The two sides
# alternate file by file, so a slow spell of the machine hurts both
# alike. Raw results go to bench/out/compile-*.tsv.
#
# Usage: bench/compile.sh [--runs N] [--min-ms MS] [FILE...]
#   FILE     modules to measure (default: every *.wasm one level below
#            ../shared/sightglass, beside the checkout)
#   --runs   timed runs per file, engine and setting (default 7)
#   --min-ms shortest timed run in milliseconds (default 50)
# Environment: WSBX_BUILD names the build directory (default: build); it is
# configured and built here if needed.
set -euo pipefail

. "$(dirname "$0")/lib.sh"

opts=()
files=()
while [ $# -gt 0 ]; do
        case $1 in
        --runs | --min-ms)
                [ $# -ge 2 ] || { echo "compile.sh: $1 needs a value" >&2; exit 2; }
                opts+=("$1" "$2")
                shift 2
                ;;
        -*)
                echo "usage: bench/compile.sh [--runs N] [--min-ms MS] [FILE...]" >&2
                exit 2
                ;;
        *)
                files+=("$1")
                shift
                ;;
        esac
done
if [ ${#files[@]} -eq 0 ]; then
        mapfile -t files < <(bench_modules)
fi
if [ ${#files[@]} -eq 0 ]; then
        echo "compile.sh: no modules given and none found under ../shared/sightglass" >&2
        exit 1
fi
bench_need_node compile.sh
bench_build bench/bench_compile

# Baseline tier only, everything compiled before the constructor returns,
# and no reuse of an earlier compile of the same bytes.
v8=(node --expose-gc --liftoff-only --no-wasm-lazy-compilation --no-wasm-native-module-cache-enabled)

mkdir -p "$out"
: >"$out/compile-wsbx.tsv"
: >"$out/compile-v8.tsv"
: >"$out/compile-v8-1t.tsv"
bench_banner ${#files[@]}
for f in "${files[@]}"; do
        # A module one side rejects is recorded as an error row, not fatal;
        # so is a crash, which prints no row of its own.
        rc=0
        row=$("$build/bench/bench_compile" "${opts[@]}" "$f") || rc=$?
        [ -n "$row" ] || row=$(printf '%s\t%s\terror\tbench_compile died (exit status %d)' "$f" \
                                      "$(stat -c %s "$f")" "$rc")
        printf '%s\n' "$row" >>"$out/compile-wsbx.tsv"
        "${v8[@]}" "$root/bench/compile.mjs" "${opts[@]}" "$f" >>"$out/compile-v8.tsv" || true
        "${v8[@]}" --wasm-num-compilation-tasks=0 "$root/bench/compile.mjs" "${opts[@]}" "$f" \
                >>"$out/compile-v8-1t.tsv" || true
        printf . >&2
done
echo >&2

# Join on the file path; shorten paths to their last two components.
# wsbx rows: file size mbps1 ms1 mbpsN msN artifact; V8 rows: file size mbps ms.
awk -F'\t' '
        function short(p,   n, a) { n = split(p, a, "/"); return n >= 2 ? a[n-1] "/" a[n] : p }
        function fmt(v) { return v == "" ? "-" : v }
        function ok(f) { return w1[f] != "error" && w1[f] != "" && vn[f] != "error" && vn[f] > 0 && \
                                v1[f] != "error" && v1[f] > 0 }
        function why(side, msg) { if (!((side, msg) in errs)) eorder[++ne] = side SUBSEP msg; errs[side, msg]++ }
        FILENAME == ARGV[1] { w1[$1] = $3; wt1[$1] = $4; wn[$1] = $5; wtn[$1] = $6; sz[$1] = $2
                              order[++n] = $1; if ($3 == "error") why("wsbx", $4); next }
        FILENAME == ARGV[2] { vn[$1] = $3; vtn[$1] = $4; if ($3 == "error") why("V8", $4); next }
        { v1[$1] = $3; vt1[$1] = $4 }
        END {
                printf "%-34s %8s %10s %10s %10s %10s %8s %8s\n", "file", "KiB", "wsbx-1T", "wsbx-all",
                       "V8-1T", "V8-all", "1T w/V8", "all w/V8"
                for (i = 1; i <= n; i++) {
                        f = order[i]
                        r1 = rn = "-"
                        if (ok(f)) {
                                r1 = sprintf("%.2f", w1[f] / v1[f])
                                rn = sprintf("%.2f", wn[f] / vn[f])
                                bytes += sz[f]; tw1 += wt1[f]; twn += wtn[f]; tv1 += vt1[f]; tvn += vtn[f]
                        }
                        printf "%-34s %8.1f %10s %10s %10s %10s %8s %8s\n", short(f), sz[f] / 1024,
                               fmt(w1[f]), fmt(wn[f]), fmt(v1[f]), fmt(vn[f]), r1, rn
                }
                if (tw1 > 0 && twn > 0 && tv1 > 0 && tvn > 0)
                        printf "%-34s %8.1f %10.2f %10.2f %10.2f %10.2f %8.2f %8.2f\n", "total (all accepted)",
                               bytes / 1024, bytes / (tw1 * 1e3), bytes / (twn * 1e3), bytes / (tv1 * 1e3),
                               bytes / (tvn * 1e3), tv1 / tw1, tvn / twn
                print "(MB/s of module bytes; ratios above 1: wsbx is faster)"
                for (i = 1; i <= ne; i++) {
                        split(eorder[i], e, SUBSEP)
                        printf "%s error on %d module(s): %s\n", e[1], errs[e[1], e[2]], e[2]
                }
        }' "$out/compile-wsbx.tsv" "$out/compile-v8.tsv" "$out/compile-v8-1t.tsv" | tee "$out/compile-table.txt"
