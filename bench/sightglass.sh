#!/bin/sh
# sightglass.sh [RUNS] - each ../shared/sightglass program's measured region
# (bench.start .. bench.end) on wsbx (`wsbx bench --json`) and on V8 (Node's
# node:wasi, bench/sightglass_node.mjs), in the same run: medians of RUNS
# runs each (default 5), the per-program ratio wsbx/V8 and their geometric
# mean. WSBX names the binary (default build-rel/wsbx; build it with
# `meson setup build-rel --buildtype=release && ninja -C build-rel`), SG the
# sightglass folder. Programs that fail on either side are listed and left
# out of the geomean.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-5}
wsbx=${WSBX:-$root/build-rel/wsbx}
sg=${SG:-$root/../shared/sightglass}
case $wsbx in /*) ;; *) wsbx=$(pwd)/$wsbx ;; esac
[ -x "$wsbx" ] || { echo "sightglass.sh: $wsbx not found (set WSBX)" >&2; exit 1; }
command -v node >/dev/null || { echo "sightglass.sh: node not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-36s %12s %12s %8s\n' program "wsbx ms" "V8 ms" ratio
logsum=0
n=0
for f in "$sg"/*/*.wasm; do
        d=$(dirname "$f")
        b=$(basename "$f" .wasm)
        name=$(basename "$d")/$b
        w=$( (cd "$d" && "$wsbx" bench --runs "$runs" --json "$tmp/w.json" "$b.wasm" >/dev/null 2>"$tmp/w.err") &&
                sed -n 's/.*"median": \([0-9]*\).*/\1/p' "$tmp/w.json")
        v=$( (cd "$d" && node --no-warnings "$here/sightglass_node.mjs" "$b.wasm" "$runs" >/dev/null 2>"$tmp/v.err") &&
                tail -n 1 "$tmp/v.err" | sed -n 's/.*"median_ns":\([0-9.]*\).*/\1/p')
        if [ -z "$w" ] || [ -z "$v" ]; then
                wm=FAIL vm=FAIL
                [ -z "$w" ] || wm=$(awk -v x="$w" 'BEGIN{printf "%.3f", x/1e6}')
                [ -z "$v" ] || vm=$(awk -v x="$v" 'BEGIN{printf "%.3f", x/1e6}')
                printf '%-36s %12s %12s %8s\n' "$name" "$wm" "$vm" -
                [ -n "$w" ] || head -n 2 "$tmp/w.err" | sed 's/^/    wsbx: /'
                continue
        fi
        r=$(awk -v w="$w" -v v="$v" 'BEGIN { printf "%.3f", (v > 0 ? w / v : 0) }')
        printf '%-36s %12.3f %12.3f %8s\n' "$name" "$(awk -v x="$w" 'BEGIN{print x/1e6}')" \
                "$(awk -v x="$v" 'BEGIN{print x/1e6}')" "$r"
        if awk -v r="$r" 'BEGIN { exit !(r > 0) }'; then
                logsum=$(awk -v s="$logsum" -v r="$r" 'BEGIN { printf "%.9f", s + log(r) }')
                n=$((n + 1))
        fi
done
if [ $n -gt 0 ]; then
        awk -v s="$logsum" -v n="$n" 'BEGIN { printf "geomean wsbx/V8 over %d programs: %.3f (goal <= 2)\n", n, exp(s / n) }'
else
        echo "geomean: no program ran on both sides"
        exit 1
fi
