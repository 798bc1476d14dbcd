#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark the common layer's per-refresh work (sampler_update at 10..10000 instances, host
# totals from /proc). Prints CSV: what,instances,median_us. Needs build/libberth.a (make).
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
[ -f "$B/libberth.a" ] || make -j2 "$B/libberth.a" >/dev/null
out=$(mktemp -d /tmp/berth-bench-common-XXXXXX)
trap 'rm -rf "$out"' EXIT
cc -O2 -std=gnu11 -D_GNU_SOURCE -Isrc $(pkg-config --cflags json-c) -o "$out/bench_common" \
    bench/common/bench_common.c "$B/libberth.a" $(pkg-config --libs json-c) -lm -pthread
"$out/bench_common"
