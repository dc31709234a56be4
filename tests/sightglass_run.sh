#!/bin/sh
# sightglass_run.sh WSBX DIR [NAME-PATTERN] - every sightglass program
# (DIR/*/*.wasm, or only those whose file name matches the shell pattern)
# runs under `wsbx bench --runs 1` in its own folder and prints exactly its
# X.stdout.expected / X.stderr.expected (byte-exact; a missing expected file
# means empty output is not checked for that stream). The bench report goes
# to a JSON file so stderr holds only the program's own output. Exits 77
# (skipped) when DIR does not exist or this build's worker has no WASI.
set -u
wsbx=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$2
pat=${3:-*}

if [ ! -d "$dir" ]; then
        echo "SKIP: sightglass directory $dir not found"
        exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Probe: a program with one WASI import.
printf '(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))\n (func (export "_start")))\n' >"$tmp/probe.wat"
"$wsbx" run "$tmp/probe.wat" 2>"$tmp/probe.err" || true
if grep -q "WASI is not available" "$tmp/probe.err"; then
        echo "SKIP: $(cat "$tmp/probe.err")"
        exit 77
fi

passed=0
failed=0
for f in "$dir"/*/$pat.wasm; do
        [ -f "$f" ] || continue
        d=$(dirname "$f")
        b=$(basename "$f" .wasm)
        # Through pipes: the jailed worker's RLIMIT_FSIZE 0 forbids writing
        # its stdio into regular files.
        { (cd "$d" && "$wsbx" bench --runs 1 --json "$tmp/report.json" "$b.wasm"; echo $? >"$tmp/rc") |
                cat >"$tmp/out"; } 2>&1 | cat >"$tmp/err"
        rc=$(cat "$tmp/rc")
        why=
        [ $rc -eq 0 ] || why="exit status $rc"
        if [ -z "$why" ] && [ -f "$d/$b.stdout.expected" ] && ! cmp -s "$tmp/out" "$d/$b.stdout.expected"; then
                why="stdout differs"
        fi
        if [ -z "$why" ] && [ -f "$d/$b.stderr.expected" ] && ! cmp -s "$tmp/err" "$d/$b.stderr.expected"; then
                why="stderr differs"
        fi
        if [ -z "$why" ] && ! grep -q '"median"' "$tmp/report.json"; then
                why="no bench report"
        fi
        # The worker's CPU time in the region: a software perf counter,
        # there whenever perf_event_open may watch the worker (as root).
        if [ -z "$why" ] && [ "$(id -u)" = 0 ] && ! grep -q '"task_clock_ns": [0-9]' "$tmp/report.json"; then
                why="no task clock in the report"
        fi
        if [ -z "$why" ]; then
                echo "ok    $f"
                passed=$((passed + 1))
        else
                echo "FAIL  $f: $why"
                head -c 400 "$tmp/err" | sed 's/^/      /'
                failed=$((failed + 1))
        fi
done
echo "$passed passed, $failed failed"
[ $((passed + failed)) -gt 0 ] || { echo "FAIL: no programs found"; exit 1; }
[ $failed -eq 0 ]
