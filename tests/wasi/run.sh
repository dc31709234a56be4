#!/bin/sh
# run.sh WSBX - builds the C programs in tests/wasi with clang
# --target=wasm32-wasi and runs each through `wsbx run` in the jailed
# worker; each program checks its own results and this script checks
# stdout and the exit code. Skips (77) without the WASI toolchain.
set -u
WSBX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$(cd "$(dirname "$0")" && pwd)
CC=${WASI_CC:-clang}
if ! command -v "$CC" >/dev/null 2>&1; then
        echo "skip: $CC missing (scripts/install-deps.sh installs clang, wasi-libc, lld)"
        exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! "$CC" --target=wasm32-wasi -O2 -o "$T/basic.wasm" "$DIR/basic.c" 2>"$T/cc.err"; then
        echo "skip: cannot build for wasm32-wasi:"; cat "$T/cc.err"
        exit 77
fi
fail=0
cd "$T" || exit 1
# stdout is captured through a pipe here (run-cli checks redirection to
# a regular file).
out=$("$WSBX" run --dir . --env WSBX_T=1 basic.wasm a bc)
rc=$?
if [ "$rc" != 7 ]; then echo "basic: exit $rc, want 7"; fail=1; fi
if [ "$out" != "hello" ]; then echo "basic: stdout '$out', want 'hello'"; fail=1; fi
[ $fail = 0 ] && echo "wasi: basic passed"
exit $fail
