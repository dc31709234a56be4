#!/bin/sh
# coldstart.sh [RUNS] - cold start of a WASI hello world: `wsbx run
# hello.wasm` (compile cache warm, so no compilation) vs `node` (node:wasi)
# on the same file vs a native C hello world, and `wsbx run --invoke` of a
# precompiled trivial module; median wall time of RUNS process launches
# each (default 20). Then the per-step breakdown of that last one
# (WSBX_TRACE: median time since main of each step, and what it added).
# WSBX names the binary (default build-rel/wsbx). The module is
# examples/hello.wat (needs wat2wasm).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-20}
wsbx=${WSBX:-$root/build-rel/wsbx}
[ -x "$wsbx" ] || { echo "coldstart.sh: $wsbx not found (set WSBX)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hello.wasm: examples/hello.wat in binary form.
command -v wat2wasm >/dev/null || { echo "coldstart.sh: needs wat2wasm (wabt)" >&2; exit 1; }
wat2wasm "$root/examples/hello.wat" -o "$tmp/hello.wasm"
cat >"$tmp/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("Hello, world!"); return 0; }
C
cc -O2 -o "$tmp/hello" "$tmp/hello.c"
cat >"$tmp/run.mjs" <<'JS'
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
const f = process.argv[2];
const bytes = readFileSync(f);
const wasi = new WASI({ version: "preview1", args: [f], env: {} });
const m = await WebAssembly.compile(bytes);
wasi.start(await WebAssembly.instantiate(m, { wasi_snapshot_preview1: wasi.wasiImport }));
JS

# median wall ms of RUNS launches of "$@"
median() {
        i=0
        : >"$tmp/t"
        while [ $i -lt "$runs" ]; do
                s=$(date +%s%N)
                "$@" >/dev/null 2>&1 || { echo FAIL; return; }
                e=$(date +%s%N)
                echo $(( (e - s) / 1000 )) >>"$tmp/t"
                i=$((i + 1))
        done
        sort -n "$tmp/t" | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}

"$wsbx" run "$tmp/hello.wasm" >/dev/null 2>&1 # fill the compile cache
printf '%-28s %10s\n' "hello world, $runs runs" "median ms"
printf '%-28s %10s\n' "native C" "$(median "$tmp/hello")"
printf '%-28s %10s\n' "wsbx run (cached)" "$(median "$wsbx" run "$tmp/hello.wasm")"
printf '%-28s %10s\n' "wsbx run --no-sandbox" "$(median "$wsbx" run --no-sandbox "$tmp/hello.wasm")"
if command -v node >/dev/null; then
        printf '%-28s %10s\n' "node (node:wasi)" "$(median node --no-warnings "$tmp/run.mjs" "$tmp/hello.wasm")"
fi
printf '(module (func (export "f") (result i32) i32.const 7))' >"$tmp/t.wat"
"$wsbx" compile "$tmp/t.wat" -o "$tmp/t.cwasm" >/dev/null
printf '%-28s %10s\n' "wsbx run --invoke (.cwasm)" "$(median "$wsbx" run --invoke f "$tmp/t.cwasm")"

# Where the time goes: each step's median time since main.
i=0
while [ $i -lt "$runs" ]; do
        WSBX_TRACE=1 "$wsbx" run --invoke f "$tmp/t.cwasm" 2>&1 >/dev/null | grep '^wsbx: trace:'
        i=$((i + 1))
done | awk '{ ms = $3; $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); v[$0] = v[$0] " " ms }
        END { for (k in v) { n = split(v[k], a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                        if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
                      printf "%.3f %s\n", (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2), k } }' |
        sort -n | awk 'BEGIN { print "\nwsbx run --invoke, step by step (median ms since main, +added)" }
                      { printf "  %8.3f  +%6.3f  %s\n", $1, $1 - p, substr($0, index($0, " ") + 1); p = $1 }'
if grep -q 'cgroup2.*favordynmods' /proc/mounts; then
        echo "cgroup2 is mounted with favordynmods (cgroup moves are cheap either way: workers move themselves)"
fi
