#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/vm-hung: how long one refresh (app_sample, as the dashboard and --batch call it) takes
# when connections hang, before and after the samples of all connections were started at once.
# The hung connections are silent daemons (unix sockets that accept and never answer, as a
# SIGSTOPped libvirtd or a remote host gone quiet do), beside libvirt's test:///default.
# "before" is libberth.a built from BASE (default 4e9143b, the last commit that sampled
# connections one after another) in a scratch copy; "after" is this tree's build/libberth.a.
# usage: bench/vm-hung/run.sh [REPS]   (REPS default 5 refreshes after the first; BASE=<commit>;
#        BERTH_VM_TIMEOUT_MS as for berth, default 3000)
# Output: plain lines for docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/../.."
REPS=${1:-5}
BASE=${BASE:-4e9143b}
OUT=$PWD/build/bench/vm-hung
OLD=$OUT/base-$BASE
mkdir -p "$OUT"
PKGS="libvirt json-c ncursesw libseccomp"

make -j2 --no-print-directory build/libberth.a >&2
if [ ! -f "$OLD/build/libberth.a" ]; then
    rm -rf "$OLD"
    mkdir -p "$OLD"
    git archive "$BASE" | tar -x -C "$OLD"
    make -C "$OLD" -j2 --no-print-directory build/libberth.a >&2
fi
# build NAME TREE: vmhung linked with TREE's libberth.a (its own headers: app.h is the same API)
build() {
    # shellcheck disable=SC2046 # pkg-config output is a word list
    cc -O2 -std=gnu11 -I"$2/src" -D_GNU_SOURCE $(pkg-config --cflags $PKGS) -o "$OUT/vmhung-$1" \
        bench/vm-hung/vmhung.c "$2/build/libberth.a" $(pkg-config --libs $PKGS) -pthread -lm -lutil
}
build before "$OLD"
build after "$PWD"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -f "$OUT"/h*.sock' EXIT
hung=()
for i in 1 2; do
    sock=$OUT/h$i.sock
    rm -f "$sock"
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(16); held = []
while True:
    c, _ = s.accept(); held.append(c)  # never answer' "$sock" &
    pids+=($!)
    hung+=("qemu+unix:///system?socket=$sock")
done
for i in $(seq 50); do [ -S "$OUT/h1.sock" ] && [ -S "$OUT/h2.sock" ] && break; sleep 0.1; done

echo "== machine: $(nproc) CPUs, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//'),"\
    "$(uname -r), libvirt $(pkg-config --modversion libvirt), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== time-out ${BERTH_VM_TIMEOUT_MS:-3000} ms; refresh = app_sample(); before = $BASE, after = $(git rev-parse --short HEAD)"
for v in before after; do
    echo "-- test:///default alone"
    "$OUT/vmhung-$v" "$v" "$REPS" test:///default
    echo "-- 1 hung + test:///default"
    "$OUT/vmhung-$v" "$v" "$REPS" "${hung[0]}" test:///default
    echo "-- 2 hung + test:///default"
    "$OUT/vmhung-$v" "$v" "$REPS" "${hung[0]}" test:///default "${hung[1]}"
done
