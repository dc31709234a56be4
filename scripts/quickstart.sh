#!/usr/bin/env bash
# quickstart.sh - from a fresh Debian 12 machine to a running wsbx: installs
# the packages it needs, builds it with meson and ninja, and runs the wsbx
# command on a bundled example module.
#
# Usage: scripts/quickstart.sh            (as root, or with sudo available)
# Environment: WSBX_BUILD names the build directory (default: build).
set -euo pipefail

cd "$(dirname "$0")/.."
build=${WSBX_BUILD:-build}

bash scripts/install-deps.sh

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
wsbx_setup "$build" --buildtype=debugoptimized
ninja -C "$build"

# calc.wat imports one host function (env.trace) that factorial never
# calls: let the runtime stand in a trapping one for it.
echo
echo "+ $build/wsbx run --trap-unknown-imports --invoke factorial examples/calc.wat 20"
"$build/wsbx" run --trap-unknown-imports --invoke factorial examples/calc.wat 20
