#!/usr/bin/env bash
# test.sh - the whole test suite, as CI runs it (.ci/run calls exactly this).
#
# Installs the packages wsbx needs, then builds it twice and runs `meson
# test` in each build:
#   - a normal build (debugoptimized: -O2 with assertions);
#   - a sanitizer build: AddressSanitizer (with LeakSanitizer) and
#     UndefinedBehaviorSanitizer, where any UBSan report aborts the test
#     (-fno-sanitize-recover=all), so nothing is merely printed and passed.
# A failure in one build does not stop the other from being tested; the
# script exits non-zero if any build or test failed, after printing the logs
# of the failing tests and a closing line "tests: N passed, N failed, N
# skipped" over both builds.
#
# Usage: scripts/test.sh                  (as root, or with sudo available)
# Environment: WSBX_BUILD and WSBX_BUILD_ASAN name the two build directories
# (default: build and build-asan).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
build=${WSBX_BUILD:-build}
build_asan=${WSBX_BUILD_ASAN:-build-asan}
start=$SECONDS

bash scripts/install-deps.sh || exit 1

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

passed=0
failed=0
skipped=0
report=()

# run_build DIR LABEL TIMEOUT-MULTIPLIER [MESON-OPTIONS...]
run_build() {
        local dir=$1 label=$2 mult=$3
        shift 3
        local t0=$SECONDS t1

        echo
        echo "=== $label: $dir ==="
        if ! wsbx_setup "$dir" "$@" || ! ninja -C "$dir"; then
                echo "test.sh: $label: build FAILED" >&2
                failed=$((failed + 1))
                report+=("$label ($dir): build failed")
                return
        fi
        t1=$SECONDS

        # meson test rebuilds nothing here (ninja just ran) and prints the
        # output of every failing test after its summary.
        rm -f "$dir/meson-logs/testlog.json"
        meson test -C "$dir" --print-errorlogs --timeout-multiplier "$mult"

        # Count results from meson's machine-readable log: one JSON object
        # per test per line, each with a "result" field.
        local ok=0 fail=0 skip=0 r
        if [ -f "$dir/meson-logs/testlog.json" ]; then
                while read -r r; do
                        case $r in
                        OK | EXPECTEDFAIL) ok=$((ok + 1)) ;;
                        SKIP) skip=$((skip + 1)) ;;
                        *) fail=$((fail + 1)) ;;
                        esac
                done < <(grep -o '"result": *"[A-Z]*"' "$dir/meson-logs/testlog.json" |
                         sed 's/.*"\([A-Z]*\)"$/\1/')
        fi
        if [ $((ok + fail + skip)) -eq 0 ]; then
                # A build whose test run recorded nothing has not passed.
                echo "test.sh: $label: no test results recorded" >&2
                fail=1
        fi
        passed=$((passed + ok))
        failed=$((failed + fail))
        skipped=$((skipped + skip))
        report+=("$label ($dir): $ok ok, $fail failed, $skip skipped" \
                 "    build $((t1 - t0)) s, tests $((SECONDS - t1)) s")
}

run_build "$build" "debugoptimized" 1 --buildtype=debugoptimized

# Sanitizer reports abort the test that caused them; leaks count as errors.
# A caller's own settings win.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:halt_on_error=1:detect_leaks=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-abort_on_error=1:halt_on_error=1:print_stacktrace=1:print_summary=1}

# -Db_lundef=false: sanitizer runtimes resolve some symbols only at run time.
# Tests run slower under the sanitizers, hence the larger timeout multiplier.
run_build "$build_asan" "ASan+UBSan" 3 --buildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all

echo
echo "=== summary ==="
for line in "${report[@]}"; do
        echo "$line"
done
echo "total time: $((SECONDS - start)) s"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
