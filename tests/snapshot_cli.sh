#!/bin/sh
# snapshot_cli.sh - `wsbx snapshot` and `wsbx run --snapshot`: a snapshot
# taken after an init function (in the jailed worker) restores its state
# (memory grown and written, globals, a table element) without running
# init or the start function again - in the jailed worker, lazily where
# /dev/userfaultfd opens, and in this process with --no-sandbox; a
# snapshot is refused for another module, a corrupt or truncated file with
# one line naming what is wrong, and usage errors and traps get their exit
# statuses.
# Usage: snapshot_cli.sh WSBX
set -u
wsbx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, condition result
        if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi
}
export XDG_CACHE_HOME="$tmp/cache"

cat >"$tmp/app.wat" <<'W'
(module
  (type $t (func (result i32)))
  (memory (export "memory") 1 10)
  (global $n (mut i32) (i32.const 0))
  (global $starts (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem declare func $seven)
  (func $seven (result i32) (i32.const 7))
  (func $start (global.set $starts (i32.add (global.get $starts) (i32.const 1))))
  (start $start)
  (func (export "init")
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 150000) (i32.const 1234))
    (table.set (i32.const 1) (ref.func $seven))
    (global.set $n (i32.const 5)))
  (func (export "get") (param $k i32) (result i32)
    (i32.add (i32.add (global.get $n) (i32.load (i32.const 150000)))
             (i32.add (call_indirect (type $t) (local.get $k)) (i32.mul (global.get $starts) (i32.const 1000)))))
  (func (export "boom") (unreachable))
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (i32.mul (local.get $i) (i32.const 4096)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))
W

out=$("$wsbx" snapshot "$tmp/app.wat" --init init -o "$tmp/app.snap" 2>"$tmp/err")
check "snapshot exits 0" $?
echo "$out" | grep -q "app.snap: 1 memories, 1 non-zero pages"; check "snapshot reports its pages ($out)" $?
# 5 + 1234 + 7 + 1 start * 1000: init's effects, the start function once.
out=$("$wsbx" run --snapshot "$tmp/app.snap" --invoke get "$tmp/app.wat" 1 2>"$tmp/err")
[ "$out" = 2246 ]; check "restored state answers 2246 (got '$out': $(cat "$tmp/err"))" $?
"$wsbx" run --invoke get "$tmp/app.wat" 1 >/dev/null 2>&1
[ $? -eq 3 ]; check "without the snapshot the table element is null (trap, 3)" $?
"$wsbx" run --snapshot "$tmp/app.snap" --invoke boom "$tmp/app.wat" >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] && grep -q "trap: unreachable" "$tmp/err"; check "a trap after restore exits 3" $?
"$wsbx" run --snapshot "$tmp/app.snap" --invoke get "$tmp/app.wat" >/dev/null 2>&1
[ $? -eq 2 ]; check "wrong argument count is a usage error" $?

# Both run in a jailed worker (the trace names its spawn), and the
# in-process path stays for --no-sandbox, in both directions.
WSBX_TRACE=1 "$wsbx" run --snapshot "$tmp/app.snap" --invoke get "$tmp/app.wat" 1 >/dev/null 2>"$tmp/err"
grep -q "worker spawned" "$tmp/err"; check "run --snapshot restores in a worker" $?
WSBX_TRACE=1 "$wsbx" snapshot "$tmp/app.wat" --init init -o "$tmp/t.snap" >/dev/null 2>"$tmp/err"
grep -q "worker: seccomp\|worker: ring" "$tmp/err" && cmp -s "$tmp/app.snap" "$tmp/t.snap"
check "snapshot takes it in a worker, the same bytes each time" $?
out=$("$wsbx" run --no-sandbox --snapshot "$tmp/app.snap" --invoke get "$tmp/app.wat" 1 2>/dev/null)
[ "$out" = 2246 ]; check "--no-sandbox restores in this process ($out)" $?
"$wsbx" snapshot --no-sandbox "$tmp/app.wat" --init init -o "$tmp/n.snap" >/dev/null 2>&1 &&
        cmp -s "$tmp/app.snap" "$tmp/n.snap"
check "--no-sandbox takes the same snapshot" $?
# Options the jailed restore takes like any run.
out=$("$wsbx" run --timeout 5s --snapshot "$tmp/app.snap" --invoke get "$tmp/app.wat" 1 2>&1)
[ "$out" = 2246 ]; check "--timeout with --snapshot ($out)" $?

# An artifact of the same module restores the same snapshot.
"$wsbx" compile "$tmp/app.wat" -o "$tmp/app.cwasm" >/dev/null 2>&1
out=$("$wsbx" run --snapshot "$tmp/app.snap" --invoke get "$tmp/app.cwasm" 1 2>&1)
[ "$out" = 2246 ]; check "the compiled artifact takes the snapshot ($out)" $?

printf '(module (memory 1) (func (export "get") (param i32) (result i32) (i32.const 1)))' >"$tmp/other.wat"
"$wsbx" run --snapshot "$tmp/app.snap" --invoke get "$tmp/other.wat" 1 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "snapshot of another module" "$tmp/err"; check "another module is refused" $?
[ "$(wc -l <"$tmp/err")" -eq 1 ]; check "in one line" $?

head -c 100 "$tmp/app.snap" >"$tmp/trunc.snap"
"$wsbx" run --snapshot "$tmp/trunc.snap" --invoke get "$tmp/app.wat" 1 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "truncated" "$tmp/err"; check "a truncated snapshot is refused: $(cat "$tmp/err")" $?
printf 'garbage, not a snapshot at all, long enough for a header..............' >"$tmp/bad.snap"
"$wsbx" run --snapshot "$tmp/bad.snap" --invoke get "$tmp/app.wat" 1 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "bad magic" "$tmp/err"; check "a foreign file is refused: $(cat "$tmp/err")" $?

"$wsbx" snapshot "$tmp/app.wat" --init boom -o "$tmp/x.snap" >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] && [ ! -e "$tmp/x.snap" ]; check "a trapping init exits 3 and writes nothing" $?
"$wsbx" snapshot "$tmp/app.wat" --init nope -o "$tmp/x.snap" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'no exported function "nope"' "$tmp/err"; check "a missing init export is named" $?
"$wsbx" snapshot "$tmp/app.wat" --init get -o "$tmp/x.snap" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "must take none" "$tmp/err"; check "an init with parameters is refused" $?
"$wsbx" snapshot >/dev/null 2>&1
[ $? -eq 2 ]; check "no input is a usage error" $?
printf '(module (import "env" "f" (func)))' >"$tmp/imp.wat"
"$wsbx" snapshot "$tmp/imp.wat" -o "$tmp/x.snap" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'imports "env" "f"' "$tmp/err"; check "modules with imports are refused" $?
"$wsbx" run --snapshot "$tmp/app.snap" "$tmp/app.wat" >/dev/null 2>&1
[ $? -eq 2 ]; check "--snapshot without --invoke is a usage error" $?

# A memory quota of four pages: three pages read fine, forty trap.
out=$("$wsbx" run --memory-quota 16K --snapshot "$tmp/app.snap" --invoke sum "$tmp/app.wat" 3 2>"$tmp/err")
st=$?
if grep -q "no userfaultfd" "$tmp/err"; then
        echo "skip: --memory-quota: $(cat "$tmp/err")"
else
        [ $st -eq 0 ] && [ "$out" = 0 ]; check "--memory-quota 16K: three pages ($st, $out)" $?
        "$wsbx" run --memory-quota 16K --snapshot "$tmp/app.snap" --invoke sum "$tmp/app.wat" 40 >/dev/null 2>"$tmp/err"
        [ $? -eq 3 ] && grep -q "trap: memory quota exceeded" "$tmp/err"
        check "--memory-quota 16K: forty pages trap: $(head -1 "$tmp/err")" $?
fi
out=$("$wsbx" run --memory-quota 24K --invoke sum "$tmp/app.wat" 4 2>"$tmp/err")
st=$?
if grep -q "userfaultfd" "$tmp/err"; then
        echo "skip: --memory-quota: $(cat "$tmp/err")"
else
        [ $st -eq 0 ] && [ "$out" = 0 ]; check "--memory-quota 24K, a fresh instance: four pages ($st, $out)" $?
        "$wsbx" run --memory-quota 24K --invoke sum "$tmp/app.wat" 40 >/dev/null 2>"$tmp/err"
        [ $? -eq 3 ] && grep -q "trap: memory quota exceeded" "$tmp/err"
        check "--memory-quota 24K, a fresh instance: forty pages trap: $(head -1 "$tmp/err")" $?
fi
"$wsbx" run --no-sandbox --memory-quota 16K --invoke sum "$tmp/app.wat" 3 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "not with --no-sandbox" "$tmp/err"; check "--memory-quota with --no-sandbox is a usage error" $?
"$wsbx" run --memory-quota lots --snapshot "$tmp/app.snap" --invoke sum "$tmp/app.wat" 3 >/dev/null 2>&1
[ $? -eq 2 ]; check "--memory-quota needs a size" $?
exit $fail
