#!/usr/bin/env bash
# validate.sh - decode+validate throughput, wsbx against V8, in one run.
#
# Runs bench_validate (wsbx_module_decode) and validate.mjs
# (WebAssembly.validate under Node.js) on the same modules and prints one
# table: file, size, wsbx MB/s, V8 MB/s and the ratio wsbx/V8 (above 1:
# wsbx is faster), then the total, which is total bytes over the summed
# per-file median times (so large modules weigh more, as they do in
# practice). The two sides alternate file by file, so a slow spell of the
# machine hurts both alike. Raw results go to bench/out/.
#
# Usage: bench/validate.sh [--runs N] [--min-ms MS] [FILE...]
#   FILE     modules to measure (default: every *.wasm one level below
#            ../shared/sightglass, beside the checkout)
#   --runs   timed runs per file and engine; medians are reported (default 7)
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
                [ $# -ge 2 ] || { echo "validate.sh: $1 needs a value" >&2; exit 2; }
                opts+=("$1" "$2")
                shift 2
                ;;
        -*)
                echo "usage: bench/validate.sh [--runs N] [--min-ms MS] [FILE...]" >&2
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
        echo "validate.sh: no modules given and none found under ../shared/sightglass" >&2
        exit 1
fi
bench_need_node validate.sh
bench_build bench/bench_validate

mkdir -p "$out"
: >"$out/wsbx.tsv"
: >"$out/v8.tsv"
bench_banner ${#files[@]}
for f in "${files[@]}"; do
        # A module one side rejects is recorded as an error row, not fatal.
        "$build/bench/bench_validate" "${opts[@]}" "$f" >>"$out/wsbx.tsv" || true
        node "$root/bench/validate.mjs" "${opts[@]}" "$f" >>"$out/v8.tsv" || true
        printf . >&2
done
echo >&2

# Join on the file path; shorten paths to their last two components.
awk -F'\t' '
        function short(p,   n, a) { n = split(p, a, "/"); return n >= 2 ? a[n-1] "/" a[n] : p }
        function fmt(v) { return v == "" ? "-" : v }
        FNR == NR { w[$1] = $3; wsz[$1] = $2; wt[$1] = $4; order[++n] = $1; next }
        { v[$1] = $3; vt[$1] = $4 }
        END {
                printf "%-38s %10s %12s %12s %8s\n", "file", "KiB", "wsbx MB/s", "V8 MB/s", "wsbx/V8"
                for (i = 1; i <= n; i++) {
                        f = order[i]
                        ratio = "-"
                        if (w[f] != "error" && v[f] != "error" && v[f] > 0) {
                                ratio = sprintf("%.2f", w[f] / v[f])
                                bytes += wsz[f]; tw += wt[f]; tv += vt[f]
                        }
                        printf "%-38s %10.1f %12s %12s %8s\n", short(f), wsz[f] / 1024, fmt(w[f]), fmt(v[f]), ratio
                }
                if (tw > 0 && tv > 0)
                        printf "%-38s %10.1f %12.2f %12.2f %8.2f\n", "total (both accepted)", bytes / 1024,
                               bytes / (tw * 1e3), bytes / (tv * 1e3), (bytes / tw) / (bytes / tv)
        }' "$out/wsbx.tsv" "$out/v8.tsv" | tee "$out/table.txt"
