# lib.sh - what the benchmark drivers share (sourced, not run).
#
# After sourcing: $root is the checkout, $build the build directory
# (WSBX_BUILD, default `build`, relative to the checkout), $out the
# directory for raw results (bench/out). Functions:
#   bench_build TARGET...    configure $build if needed, build the targets
#   bench_modules            print the default modules, one absolute path a
#                            line: every *.wasm one level below
#                            ../shared/sightglass, beside the checkout
#   bench_need_node NAME     fail with a message naming the driver when
#                            node is missing
#   bench_banner N           describe the run on stderr (version, node, N
#                            inputs, CPUs, load)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WSBX_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$root/bench/out

bench_build() {
        if [ ! -f "$build/meson-private/coredata.dat" ]; then
                meson setup "$build" --buildtype=debugoptimized >/dev/null
        fi
        ninja -C "$build" "$@" >/dev/null
}

bench_modules() {
        local f
        for f in "$root"/../shared/sightglass/*/*.wasm; do
                [ -f "$f" ] && echo "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
        done
        return 0
}

bench_need_node() {
        command -v node >/dev/null || { echo "$1: node not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
}

bench_banner() {
        echo "wsbx $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), node $(node --version)," \
             "$1 inputs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}
