#!/bin/sh
# run.sh WSBX [DRIVER-OPTIONS...] - the differential test against V8, as the
# meson suite 'difftest' runs it: checks that node (V8) and wasm-opt
# (binaryen) are installed, then hands over to driver.js. Without options it
# makes a bounded, seeded run: 150 modules or 90 seconds, whichever comes
# first, with seed 1, so a failure reproduces exactly. Exits 77 (meson's
# "skipped") with a reason when a tool is missing or wsbx cannot execute
# modules yet; 1 on any disagreement.
set -u

if [ $# -lt 1 ]; then
        echo "usage: $0 WSBX [DRIVER-OPTIONS...]" >&2
        exit 2
fi
wsbx=$1
shift

for tool in node wasm-opt; do
        if ! command -v "$tool" >/dev/null 2>&1; then
                echo "SKIP: '$tool' not found (install nodejs and binaryen: scripts/install-deps.sh)"
                exit 77
        fi
done
if [ ! -x "$wsbx" ]; then
        echo "run.sh: '$wsbx' is not executable" >&2
        exit 2
fi

here=$(dirname "$0")
if [ $# -eq 0 ]; then
        set -- --seed 1 --count 150 --time-limit 90
fi
exec node "$here/driver.js" --wsbx "$wsbx" "$@"
