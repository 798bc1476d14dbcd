#!/bin/bash
# SPDX-License-Identifier: MIT
# Seccomp at container start: (1) compile vs cached load of berth's default filter, in-process,
# median of N runs; (2) end to end, `berth ctr run --rm` of /bin/true with the cache on and off
# (hyperfine, when run as root). Figures go to docs/BENCHMARKS.md by hand.
set -eu
cd "$(dirname "$0")/../.."
[ -f build/libberth.a ] || make -s build/libberth.a
out=$(mktemp -d /tmp/berth-bench-sec.XXXXXX)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2046
cc -O2 -std=gnu11 -Isrc -D_GNU_SOURCE $(pkg-config --cflags json-c libseccomp) \
    -o "$out/bench" bench/sec-seccomp/bench_seccomp.c build/libberth.a \
    $(pkg-config --libs json-c libseccomp) -lutil -lm -pthread
"$out/bench" "$out/cache" "${N:-200}"

if [ "$(id -u)" -eq 0 ] && command -v hyperfine >/dev/null && [ -x ./berth ]; then
    rootfs=$(scripts/build-rootfs.sh build/rootfs/busybox)
    export BERTH_ROOT=$out/root
    hyperfine -N -w 5 -r "${RUNS:-40}" --export-json "$out/e2e.json" \
        -n "cache on" "./berth ctr run --rm b1 --rootfs $rootfs -- /bin/true" \
        -n "cache off" "env BERTH_SECCOMP_CACHE=off ./berth ctr run --rm b1 --rootfs $rootfs -- /bin/true" \
        -n "unconfined" "./berth ctr run --rm b1 --seccomp unconfined --rootfs $rootfs -- /bin/true"
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-11s median %.1f ms" % (r["command"], r["median"] * 1000))' "$out/e2e.json"
fi
