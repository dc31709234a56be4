# shellcheck shell=bash
# lib.sh - shell helpers shared by the scripts in this folder (sourced, not
# run). Keep it small: anything a person might type belongs in the scripts
# themselves, where it can be read top to bottom.

# wsbx_setup DIR [MESON-OPTIONS...]
# Configures build directory DIR with the given options. A directory that is
# already configured is reconfigured in place (keeping the objects, so a
# second run only rebuilds what changed); one meson cannot reconfigure, for
# instance one left by another meson version, is wiped and configured afresh.
wsbx_setup() {
        local dir=$1
        shift
        if [ -f "$dir/meson-private/coredata.dat" ]; then
                meson setup --reconfigure "$dir" "$@" ||
                        meson setup --wipe "$dir" "$@"
        else
                meson setup "$dir" "$@"
        fi
}
