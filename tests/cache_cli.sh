#!/bin/sh
# The compile cache through the command: a second run does not compile, a
# corrupt entry is refused and compiled again, eight wsbx processes at
# once on the same and on different modules all print the right result,
# the size bound evicts, `wsbx cache clear|stats` work, and modules are
# compiled in the compile worker with their errors positioned.
# Usage: cache_cli.sh WSBX
set -eu
WSBX=$1
T=$(mktemp -d /tmp/wsbx-cache-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME="$T/xdg"
unset WSBX_CACHE_SIZE
fail() { echo "FAIL: $*" >&2; exit 1; }
stat_of() { "$WSBX" cache stats | awk -v k="$1:" '$1 == k { print $2 }'; }

for i in 0 1 2 3; do
        printf '(module (func (export "f") (result i32) i32.const %d))\n' $((100 + i)) > "$T/m$i.wat"
done
printf '(module\n  (func (export "f") (result i32)\n    i64.const 1))\n' > "$T/bad.wat"

# First run compiles and stores; the second only hits.
[ "$("$WSBX" run --invoke f "$T/m0.wat")" = 100 ] || fail "first run"
[ "$(stat_of misses)" = 1 ] && [ "$(stat_of stores)" = 1 ] || fail "first run did not store"
[ "$("$WSBX" run --invoke f "$T/m0.wat")" = 100 ] || fail "second run"
[ "$(stat_of hits)" = 1 ] && [ "$(stat_of stores)" = 1 ] || fail "second run compiled again"
[ "$("$WSBX" cache dir)" = "$XDG_CACHE_HOME/wsbx" ] || fail "cache dir"

# --no-cache neither reads nor writes.
[ "$("$WSBX" run --no-cache --invoke f "$T/m1.wat")" = 101 ] || fail "--no-cache run"
[ "$(stat_of hits)" = 1 ] && [ "$(stat_of misses)" = 1 ] && [ "$(stat_of entries)" = 1 ] ||
        fail "--no-cache touched the cache"

# A corrupt entry is refused, removed and compiled again.
for f in "$XDG_CACHE_HOME"/wsbx/*.cwasm; do
        printf 'garbage!' | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null
done
[ "$("$WSBX" run --invoke f "$T/m0.wat" 2>"$T/err")" = 100 ] || fail "run after corruption"
grep -q "cache entry refused (artifact: " "$T/err" || fail "refusal not reported: $(cat "$T/err")"
[ "$(stat_of refused)" = 1 ] && [ "$(stat_of stores)" = 2 ] || fail "corrupt entry not replaced"
[ "$("$WSBX" run --invoke f "$T/m0.wat")" = 100 ] || fail "run after replacement"
[ "$(stat_of refused)" = 1 ] || fail "the replacement was refused too"

# Errors come back from the compile worker with their text position, and
# an invalid module is never stored.
if "$WSBX" run --invoke f "$T/bad.wat" 2>"$T/err"; then fail "invalid module ran"; fi
grep -q "bad.wat:3:[0-9]*: invalid: type mismatch" "$T/err" || fail "error position: $(cat "$T/err")"
[ "$(stat_of entries)" = 1 ] || fail "an invalid module was stored"

# Eight at once, twice: modules 0-3, two processes each (same key) and
# four different keys; every process must print its module's value.
"$WSBX" cache clear > /dev/null
for round in 1 2; do
        pids=
        for p in 0 1 2 3 4 5 6 7; do
                m=$((p % 4))
                ( out=$("$WSBX" run --invoke f "$T/m$m.wat" 2>"$T/err.$p") &&
                  [ "$out" = $((100 + m)) ] && echo ok > "$T/ok.$p" ) &
                pids="$pids $!"
        done
        for pid in $pids; do wait "$pid" || true; done
        for p in 0 1 2 3 4 5 6 7; do
                [ -f "$T/ok.$p" ] || fail "round $round, process $p: $(cat "$T/err.$p")"
                rm -f "$T/ok.$p"
        done
done
[ "$(stat_of entries)" = 4 ] || fail "expected 4 entries, got $(stat_of entries)"
[ "$(( $(stat_of hits) + $(stat_of misses) ))" = 16 ] || fail "lookups not all counted"
[ "$(stat_of hits)" -ge 8 ] || fail "the second round compiled again"
ls -a "$XDG_CACHE_HOME/wsbx" | grep -q '^\.tmp-' && fail "temporary files left behind"

# The size bound: room for about one entry, so the older one goes.
one=$(( $(stat_of bytes) / $(stat_of entries) ))
"$WSBX" cache clear > /dev/null
export WSBX_CACHE_SIZE=$((one * 3 / 2))
"$WSBX" run --invoke f "$T/m0.wat" > /dev/null
"$WSBX" run --invoke f "$T/m1.wat" > /dev/null
[ "$(stat_of entries)" = 1 ] && [ "$(stat_of evictions)" = 1 ] || fail "size bound not kept"
[ "$("$WSBX" run --invoke f "$T/m1.wat")" = 101 ] && [ "$(stat_of hits)" = 1 ] || fail "newest entry evicted"
unset WSBX_CACHE_SIZE

# Artifacts: written by `wsbx compile` (in the worker), run without the cache.
"$WSBX" compile "$T/m2.wat" -o "$T/m2.cwasm" > /dev/null
"$WSBX" cache clear > /dev/null
[ "$("$WSBX" run --invoke f "$T/m2.cwasm")" = 102 ] || fail "artifact run"
[ "$(stat_of misses)" = 0 ] && [ "$(stat_of entries)" = 0 ] || fail "an artifact went through the cache"
if "$WSBX" compile "$T/bad.wat" -o "$T/bad.cwasm" 2>"$T/err"; then fail "invalid module compiled"; fi
grep -q "bad.wat:3:[0-9]*: invalid: type mismatch" "$T/err" || fail "compile error position: $(cat "$T/err")"
[ ! -e "$T/bad.cwasm" ] || fail "output written for an invalid module"
"$WSBX" cache clear > /dev/null
[ "$(stat_of entries)" = 0 ] || fail "clear"
echo "cache-cli: ok"
