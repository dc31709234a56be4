#!/bin/sh
# run.sh WSBX - builds the C programs in tests/wasi with clang
# --target=wasm32-wasi and runs each through `wsbx run` in the jailed
# worker, in a fresh folder preopened as "."; each program checks its own
# results (and error paths) and prints "NAME ok", and this script checks
# stdout and the exit code. escape.c gets links pointing out of its folder
# and this script checks nothing outside changed. With WSBX_WASI_NODE=1
# (and node installed) the same programs also run under node:wasi
# (node_run.mjs); differences are reported, never fatal (DIFFERENCES.md
# says which side is right). Off by default: node:wasi is no sandbox, and
# the suite runs as root.
# Skips (77) without the WASI toolchain.
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
PROGS="basic fs dir poll libc escape sock"
for p in $PROGS; do
        if ! "$CC" --target=wasm32-wasi -O2 -o "$T/$p.wasm" "$DIR/$p.c" 2>"$T/cc.err"; then
                echo "skip: cannot build $p.c for wasm32-wasi:"; cat "$T/cc.err"
                exit 77
        fi
done
fail=0

# Each program runs in $T/NAME/root; what lies beside root is "outside".
setup() {
        rm -rf "$T/$1"
        mkdir -p "$T/$1/root"
        [ "$1" = escape ] || return 0
        E=$T/escape
        echo secret >"$E/secret.txt"
        mkdir "$E/secret.d"
        mkdir "$E/root/sub"
        echo inside >"$E/root/sub/file"
        ln -s ../secret.d "$E/root/out"
        ln -s ../secret.txt "$E/root/outf"
        ln -s "$E/secret.txt" "$E/root/abs"
        ln -s ../nowhere "$E/root/dangling"
        ln -s loop "$E/root/loop"
        ln -s .. "$E/root/up"
        ln -s /proc/self/cwd "$E/root/magic"
        ln -s /proc/self/fd/0 "$E/root/fdl"
        ln -s sub "$E/root/in"
}

# run NAME STDIN ARGS...: runs NAME.wasm under wsbx in its folder.
run() {
        name=$1 input=$2
        shift 2
        setup "$name"
        out=$(cd "$T/$name/root" && printf '%s' "$input" | "$WSBX" run --dir . "$@")
        rc=$?
        echo "$out" >"$T/$name.out"
}

# stdout is captured through a pipe here (run-cli checks redirection to
# a regular file).
run basic "" --env WSBX_T=1 ../../basic.wasm a bc
if [ "$rc" != 7 ]; then echo "basic: exit $rc, want 7"; fail=1; fi
if [ "$out" != "hello" ]; then echo "basic: stdout '$out', want 'hello'"; fail=1; fi

for p in fs dir poll libc escape; do
        run "$p" ping "../../$p.wasm" "$T/$p"
        if [ "$rc" != 0 ] || [ "$out" != "$p ok" ]; then
                echo "$p: exit $rc, stdout '$out', want 0 and '$p ok'"
                fail=1
        fi
done

# sock.c serves one connection on a socket wsbx listens with
# (--tcplisten); python3 (meson's own interpreter) is the client.
if command -v python3 >/dev/null 2>&1; then
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        setup sock
        (cd "$T/sock/root" && "$WSBX" run --dir . --tcplisten "127.0.0.1:$port" ../../sock.wasm \
                >"$T/sock.out" 2>"$T/sock.err"; echo $? >"$T/sock.rc") &
        reply=$(python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("cannot connect")
s.sendall(b"hello wasi\n")
data = b""
while True:
    d = s.recv(1024)
    if not d:
        break
    data += d
sys.stdout.write(data.decode())
PY
)
        wait
        if [ "$(cat "$T/sock.rc")" != 0 ] || [ "$(cat "$T/sock.out")" != "sock ok" ] ||
           [ "$reply" != "$(printf 'ECHO HELLO WASI\nBYE')" ]; then
                echo "sock: exit $(cat "$T/sock.rc"), stdout '$(cat "$T/sock.out")', reply '$reply'"
                cat "$T/sock.err"
                fail=1
        fi
else
        echo "sock: skipped (no python3 for the client)"
fi

# Nothing outside escape's folder changed, and nothing appeared beside it.
E=$T/escape
if [ "$(cat "$E/secret.txt")" != secret ]; then echo "escape: secret.txt changed"; fail=1; fi
if [ -n "$(ls -A "$E/secret.d")" ]; then echo "escape: secret.d is not empty"; fail=1; fi
extra=$(ls -A "$E" | grep -v -x -e root -e secret.txt -e secret.d)
if [ -n "$extra" ]; then echo "escape: new files outside the preopen: $extra"; fail=1; fi
if [ -e "$E/root/stolen" ] || [ -e "$E/root/hl" ]; then echo "escape: an outside file was linked in"; fail=1; fi

[ $fail = 0 ] && echo "wasi: $PROGS passed"

# The same programs under node:wasi, for DIFFERENCES.md: informational.
# Never escape.c: node:wasi is no sandbox and follows links out of the
# preopen (DIFFERENCES.md), so that program must not run outside a jail.
if command -v node >/dev/null 2>&1 && [ -n "${WSBX_WASI_NODE:-}" ]; then
        for p in fs dir poll libc; do
                setup "$p"
                nout=$(cd "$T/$p/root" && printf ping | timeout 5 node "$DIR/node_run.mjs" "../../$p.wasm" 2>"$T/node.err")
                if [ "$nout" = "$p ok" ]; then
                        echo "node: $p passes too"
                else
                        echo "node: $p differs (see tests/wasi/DIFFERENCES.md):"
                        grep -v -i -e warning -e trace "$T/node.err" | head -n 40 | sed 's/^/  /'
                fi
        done
fi
exit $fail
