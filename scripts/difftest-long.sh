#!/usr/bin/env bash
# difftest-long.sh [N] [SEED] - a long differential run of wsbx against V8:
# N binaryen fuzz modules (default 1000) from seed SEED (default 1), no time
# limit. This is the run that gives the acceptance numbers ("with an export
# that returned", "disagreements"); the meson suite 'difftest' makes a short
# one. Builds wsbx first in $WSBX_BUILD (default build). Disagreements are
# saved under tests/difftest/failures/, one folder per module with a README
# holding the command that reproduces it.
#
# Usage: scripts/difftest-long.sh [N] [SEED]
# Exit status: that of tests/difftest/driver.js (0 no disagreement, 1 some,
# 77 wsbx cannot execute modules yet).
set -euo pipefail

cd "$(dirname "$0")/.."
count=${1:-1000}
seed=${2:-1}
build=${WSBX_BUILD:-build}

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
if [ ! -f "$build/build.ninja" ]; then
        wsbx_setup "$build"
fi
if ! log=$(ninja -C "$build" wsbx 2>&1); then
        printf '%s\n' "$log" >&2
        echo "difftest-long: building wsbx in $build failed" >&2
        exit 1
fi

exec tests/difftest/run.sh "$build/wsbx" --seed "$seed" --count "$count" --batch 50
