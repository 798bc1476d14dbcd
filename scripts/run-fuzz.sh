#!/bin/bash
# SPDX-License-Identifier: MIT
# Build and run libFuzzer targets for a bounded time each; fail on any crash.
# usage: scripts/run-fuzz.sh SECONDS tests/fuzz/fuzz_NAME.c...
# Each target is built with clang -fsanitize=fuzzer,address,undefined together with
# src/common/*.c and src/ctr/**.c, run for SECONDS over a scratch copy of its seeds in
# tests/fuzz/corpus/NAME/ (the seeds are never modified). A crash, leak or timeout input is
# written to tests/fuzz/regress/NAME/ (commit it after fixing the bug: the integration test
# tests/integration/sec_fuzz_regress.sh replays every file there in `make check`).
# Environment: CLANG (default clang), FUZZ_OUT (build dir, default build/fuzz),
# FUZZ_EXTRA (more sources to link).
set -u
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
    echo "usage: scripts/run-fuzz.sh SECONDS tests/fuzz/fuzz_NAME.c..." >&2
    exit 2
fi
secs=$1
shift
case "$secs" in '' | *[!0-9]*) echo "run-fuzz: SECONDS must be a number, not '$secs'" >&2; exit 2 ;; esac
: "${CLANG:=clang}"
: "${FUZZ_OUT:=build/fuzz}"
: "${FUZZ_EXTRA:=}"
command -v "$CLANG" >/dev/null || { echo "run-fuzz: '$CLANG' not found (scripts/install-deps.sh fuzz)" >&2; exit 2; }
mkdir -p "$FUZZ_OUT"

# shellcheck disable=SC2046
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -std=gnu11 -Isrc -D_GNU_SOURCE -DBERTH_VERSION='"fuzz"'
    -DBERTH_DATADIR='"/nonexistent"' $(pkg-config --cflags json-c libseccomp libcurl libcrypto libnl-route-3.0 libnftables))
libs=($(pkg-config --libs json-c libseccomp libcurl libcrypto) -lutil -lm -pthread)
srcs=(src/common/*.c src/ctr/*.c src/ctr/*/*.c $FUZZ_EXTRA)

failed=0
for target in "$@"; do
    name=$(basename "$target" .c)
    bin=$FUZZ_OUT/$name
    echo "== fuzz: $name (${secs}s)"
    if ! "$CLANG" "${flags[@]}" -o "$bin" "$target" "${srcs[@]}" "${libs[@]}"; then
        echo "FAIL $name: build failed"
        failed=1
        continue
    fi
    seeds=tests/fuzz/corpus/$name
    work=$FUZZ_OUT/$name.corpus
    regress=tests/fuzz/regress/$name
    mkdir -p "$seeds" "$work" "$regress"
    # Known regressions first: each must pass before new inputs are searched for.
    if [ -n "$(ls -A "$regress")" ] && ! "$bin" -runs=0 "$regress"/* >"$FUZZ_OUT/$name.replay.log" 2>&1; then
        echo "FAIL $name: a regression input crashes again (see $FUZZ_OUT/$name.replay.log)"
        failed=1
        continue
    fi
    BERTH_SECCOMP_CACHE=off "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="$regress/" "$work" "$seeds" >"$FUZZ_OUT/$name.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name (exit $rc): new input(s) in $regress/, log $FUZZ_OUT/$name.log:"
        grep -E 'ERROR|SUMMARY|==[0-9]+==' "$FUZZ_OUT/$name.log" | head -n 15 | sed 's/^/    /'
        failed=1
    else
        echo "ok   $name: $(grep -E '^stat::number_of_executed_units' "$FUZZ_OUT/$name.log" | awk '{print $2}') runs"
    fi
done
exit $failed
