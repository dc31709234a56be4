#!/bin/sh
# spec.sh WSBX TESTSUITE_DIR - runs the official spec test scripts through
# `WSBX wast`. Exits 77 (meson's "skipped") with a reason when the test
# suite is not there; otherwise exits with wsbx's status, so any failing
# command fails the test.
set -u

if [ $# -ne 2 ]; then
        echo "usage: $0 WSBX TESTSUITE_DIR" >&2
        exit 2
fi
wsbx=$1
dir=$2

if [ ! -d "$dir" ]; then
        echo "SKIP: spec test directory '$dir' not found (set -Dtestsuite=PATH)"
        exit 77
fi
set -- "$dir"/*.wast
if [ ! -e "$1" ]; then
        echo "SKIP: no .wast files in '$dir'"
        exit 77
fi
if [ ! -x "$wsbx" ]; then
        echo "spec.sh: '$wsbx' is not executable" >&2
        exit 2
fi

exec "$wsbx" wast "$@"
