#!/usr/bin/env bash
# install-deps.sh - installs the Debian packages wsbx needs to build, test
# and benchmark, and nothing else.
#
# Targets Debian 12 (bookworm). Safe to run again: packages already present
# are skipped, and when nothing is missing it neither updates the package
# lists nor calls apt-get at all, so a second run takes well under a second.
# Runs without a terminal (CI=true, no stdin); needs root, or sudo.
#
# The list below is the whole truth about what the project needs from the
# machine: scripts/quickstart.sh and scripts/test.sh call this first and
# assume nothing else was installed by hand.
set -euo pipefail

# Build: compiler, build system, and the libraries meson.build asks
# pkg-config for. Tests: Criterion. Scripts: coreutils (timeout, sort),
# findutils, grep, sed and an awk, all normally present but listed so a
# minimal image still works.
packages=(
        build-essential
        gcc
        meson
        ninja-build
        pkg-config
        libseccomp-dev
        liburing-dev
        libbpf-dev
        libcriterion-dev
        coreutils
        findutils
        grep
        sed
        mawk
        binaryen  # tests/difftest: wasm-opt -ttf makes the fuzz modules
        clang     # tests/wasi: C programs built with --target=wasm32-wasi
        lld
        wasi-libc
        libclang-rt-14-dev-wasm32
)

# Benchmarks compare against V8, so they need a `node`. Any Node.js on the
# PATH will do (a machine may ship a newer one than Debian's); only when
# there is none do we install Debian's.
if ! command -v node >/dev/null 2>&1; then
        packages+=(nodejs)
fi

missing=()
for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        if [ "$status" != "installed" ]; then
                missing+=("$p")
        fi
done

if [ ${#missing[@]} -eq 0 ]; then
        echo "install-deps: all ${#packages[@]} packages present"
        exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
                as_root=(sudo -n)
        else
                echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
                exit 1
        fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg (e.g. unattended upgrades at boot) instead
# of failing on its lock.
apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
"${as_root[@]}" apt-get "${apt_opts[@]}" update -q </dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q \
        --no-install-recommends "${missing[@]}" </dev/null
