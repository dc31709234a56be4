#!/bin/sh
# run_cli.sh - `wsbx run` as a person uses it: output redirected to a file
# reaches the file, the exit status is the guest's proc_exit code, a trap
# exits 3 with its kind on stderr, a missing file is one line naming it.
# Usage: run_cli.sh WSBX EXAMPLES_DIR
set -u
wsbx=$1
examples=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, condition result
        if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi
}
export XDG_CACHE_HOME="$tmp/cache"

# A probe: is WASI there at all (a build without it skips).
if ! "$wsbx" run "$examples/hello.wat" >"$tmp/hello.out" 2>"$tmp/hello.err"; then
        if grep -q 'WASI is not available' "$tmp/hello.err"; then
                echo "skip: this build's worker has no WASI"; exit 77
        fi
fi
printf 'Hello, world!\n' >"$tmp/hello.want"
cmp -s "$tmp/hello.out" "$tmp/hello.want"; check "stdout redirected to a file" $?

cat >"$tmp/exit.wat" <<'W'
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 42))))
W
"$wsbx" run "$tmp/exit.wat" >/dev/null 2>&1
[ $? -eq 42 ]; check "exit status is proc_exit's code" $?

cat >"$tmp/args.wat" <<'W'
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $asz (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $asz (i32.const 0) (i32.const 4)))
    (call $exit (i32.load (i32.const 0)))))
W
"$wsbx" run "$tmp/args.wat" a b c >/dev/null 2>&1
[ $? -eq 4 ]; check "the guest sees its arguments" $?
"$wsbx" run --no-sandbox "$tmp/args.wat" a b c >/dev/null 2>&1
[ $? -eq 4 ]; check "the guest sees its arguments with --no-sandbox" $?

cat >"$tmp/trap.wat" <<'W'
(module
  (memory (export "memory") 1)
  (func (export "_start") unreachable))
W
"$wsbx" run "$tmp/trap.wat" >/dev/null 2>"$tmp/trap.err"
[ $? -eq 3 ]; check "a trap exits 3" $?
grep -q 'unreachable' "$tmp/trap.err"; check "the trap's kind is on stderr" $?

# --timeout: a module compiled for the run gets epoch checks, so an
# endless loop traps "deadline exceeded" (exit 3), sandboxed or not; a
# precompiled artifact without them is stopped all the same (exit 1).
cat >"$tmp/spin.wat" <<'W'
(module (func (export "_start") (loop (br 0))))
W
for mode in "" --no-sandbox; do
        "$wsbx" run $mode --timeout 200ms "$tmp/spin.wat" >/dev/null 2>"$tmp/spin.err"
        rc=$?
        [ $rc -eq 3 ] && grep -q 'deadline exceeded' "$tmp/spin.err"
        check "--timeout interrupts an endless loop ${mode:-in the jail} (exit $rc)" $?
done
"$wsbx" compile "$tmp/spin.wat" -o "$tmp/spin.cwasm" >/dev/null
for mode in "" --no-sandbox; do
        "$wsbx" run $mode --timeout 200ms "$tmp/spin.cwasm" >/dev/null 2>"$tmp/spin.err"
        rc=$?
        [ $rc -eq 1 ] && grep -q 'deadline exceeded' "$tmp/spin.err"
        check "--timeout stops code without epoch checks ${mode:-in the jail} (exit $rc)" $?
done

"$wsbx" run "$tmp/missing.wasm" >/dev/null 2>"$tmp/missing.err"
rc=$?
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/missing.err")" -eq 1 ] && grep -q 'missing.wasm' "$tmp/missing.err"
check "a missing file is one line naming it" $?
exit $fail
