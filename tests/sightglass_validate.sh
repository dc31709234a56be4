#!/bin/sh
# sightglass_validate.sh WSBX DIR - every real WASI program in the sightglass
# folder DIR (each DIR/*/*.wasm) must pass `wsbx validate`, and a truncated
# copy of one must fail it, so a validator that accepts everything cannot
# pass. Prints one line per module and a closing count; exits 77 (skipped)
# when DIR does not exist.
set -u
wsbx=$1
dir=$2

if [ ! -d "$dir" ]; then
        echo "SKIP: sightglass directory $dir not found"
        exit 77
fi

passed=0
failed=0
first=
for f in "$dir"/*/*.wasm; do
        [ -f "$f" ] || continue
        [ -n "$first" ] || first=$f
        if out=$("$wsbx" validate "$f" 2>&1); then
                echo "ok    $f"
                passed=$((passed + 1))
        else
                echo "FAIL  $f: $out"
                failed=$((failed + 1))
        fi
done

if [ -z "$first" ]; then
        echo "FAIL: no */*.wasm under $dir"
        exit 1
fi

# Negative control: the first 40 bytes of a real module end inside a
# section, which must be reported as malformed with exit status 1.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
head -c 40 "$first" >"$tmp"
"$wsbx" validate "$tmp" >/dev/null 2>"$tmp.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q malformed "$tmp.err"; then
        echo "ok    truncated copy of $first rejected: $(cat "$tmp.err")"
        passed=$((passed + 1))
else
        echo "FAIL  truncated copy of $first: exit status $rc, stderr: $(cat "$tmp.err")"
        failed=$((failed + 1))
fi
rm -f "$tmp.err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
