#!/bin/sh
# SPDX-License-Identifier: MIT
# Sampling cost at scale: N (default 1000) running containers, each a sleeping process over one
# shared busybox rootfs; CPU time (user + system) of one refresh of the containers provider,
# cold (first sample: opens every stat file) and warm (the dashboard's steady state, median of
# ROUNDS x 10 refreshes), with the stat files read in one io_uring batch (the default) and with
# one pread each (BERTH_NO_URING=1), REPEAT times each, interleaved (the project's shared VM runs
# at very different speeds from one minute to the next); then both paths in one process with
# their rounds alternated (pair-cpu.c). Torn down afterwards. Needs root.
#   N=1000 ROUNDS=30 REPEAT=5 bench/ctr-sample/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
N=${N:-1000}
ROUNDS=${ROUNDS:-30}
REPEAT=${REPEAT:-5}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-sample: needs root" >&2; exit 1; }
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-sample.XXXXXX)
export BERTH_ROOT="$work/root"
# A private copy of the binary: a rebuild during the run must not break it.
cp "$BERTH" "$work/berth"
BERTH="$work/berth"
P=s$$

# The cgroup parent berth uses under this BERTH_ROOT ("berth-" + FNV-1a of the path, as in
# src/ctr/store/paths.c ctr_cgroup_parent), removed at the end like the containers.
CGP=berth-$(python3 -c 'import sys
h=2166136261
for c in sys.argv[1].encode(): h=((h^c)*16777619)&0xffffffff
print("%08x"%h)' "$BERTH_ROOT")

cleanup() {
    echo "tearing down $N containers..." >&2
    ls "$BERTH_ROOT/lib/containers" 2>/dev/null | xargs -r -n 50 "$BERTH" ctr rm -f >/dev/null 2>&1 || true
    for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

for prog in sample-cpu pair-cpu; do
    cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$SRC/src" -o "$work/$prog" "$SRC/bench/ctr-sample/$prog.c" \
        "$SRC/build/libberth.a" $(pkg-config --libs json-c libseccomp) -lutil -lpthread -lm
done

echo "starting $N containers (sleep) over $ROOTFS ..." >&2
t0=$(date +%s)
i=0
while [ "$i" -lt "$N" ]; do
    "$BERTH" ctr run -d "$P-$i" --rootfs "$ROOTFS" -- /bin/sleep 100000 >/dev/null
    i=$((i + 1))
done
echo "started in $(($(date +%s) - t0)) s" >&2
sleep 5 # let the last starts settle
r=0
while [ "$r" -lt "$REPEAT" ]; do
    echo "io_uring $("$work/sample-cpu" "$ROUNDS")"
    echo "pread    $(BERTH_NO_URING=1 "$work/sample-cpu" "$ROUNDS")"
    r=$((r + 1))
done
# Both read paths in one process, rounds alternated (robust to the machine's changing speed).
r=0
while [ "$r" -lt "$REPEAT" ]; do
    echo "pair     $("$work/pair-cpu" "$ROUNDS")"
    r=$((r + 1))
done
