#!/bin/sh
# SPDX-License-Identifier: MIT
# What a bridge network adds to a container start: `berth ctr run --rm` of /bin/true with
# --net bridge (veth pair, lease, eth0 configured, /etc files), with --net bridge -p (plus one
# nftables transaction for the port), and with --net none, side by side with podman
# (runtime runc: crun refuses the hybrid cgroup layout) on its default bridge network and on
# none, same busybox rootfs. Interleaved rounds in a shuffled order; medians.
#   RUNS=20 WARMUP=2 bench/ctr-net/run.sh      (PODMAN=0: berth only)
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}
PODMAN=${PODMAN:-1}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-net: needs root" >&2; exit 1; }
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-bench-net.XXXXXX)
export BERTH_ROOT="$work/state"
cp "$BERTH" "$work/berth"
BERTH="$work/berth"
trap '"$BERTH" net prune >/dev/null 2>&1; rm -rf "$work"' EXIT
PORT=$(python3 -c 'import socket
s=socket.socket(); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])')

US=$(printf '\037')
args() { # NAME ARGV...
    n=$1
    shift
    printf '%s' "$n"
    for a in "$@"; do printf '%s%s' "$US" "$a"; done
    echo
}
set -- \
    "$(args berth-none "$BERTH" ctr run --rm n$$ --rootfs "$ROOTFS" --net none -- /bin/true)" \
    "$(args berth-bridge "$BERTH" ctr run --rm b$$ --rootfs "$ROOTFS" --net bridge -- /bin/true)" \
    "$(args berth-bridge-p "$BERTH" ctr run --rm p$$ --rootfs "$ROOTFS" --net bridge -p "$PORT:80" -- /bin/true)"
if [ "$PODMAN" = 1 ] && command -v podman >/dev/null; then
    P="podman --runtime runc run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
    # shellcheck disable=SC2086
    set -- "$@" \
        "$(args podman-none $P --network none --rootfs "$ROOTFS" /bin/true)" \
        "$(args podman-bridge $P --network bridge --rootfs "$ROOTFS" /bin/true)"
fi

echo "== $(date -u +%FT%TZ), $(nproc) CPUs, $(uname -r), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== interleaved, $RUNS runs each, $WARMUP warm-up rounds"
python3 - "$RUNS" "$WARMUP" "$@" <<'PY'
import random, statistics, subprocess, sys, time
runs, warmup = int(sys.argv[1]), int(sys.argv[2])
cmds = [a.split("\x1f") for a in sys.argv[3:]]
wall = {c[0]: [] for c in cmds}
def once(argv):
    t = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.decode()))
    return time.perf_counter() - t
for _ in range(warmup):
    for c in cmds:
        once(c[1:])
order = random.Random(1)
for _ in range(runs):
    for c in order.sample(cmds, len(cmds)):
        wall[c[0]].append(once(c[1:]))
med = {}
for n, w in wall.items():
    w.sort()
    med[n] = statistics.median(w)
    print("%-16s median %8.1f ms  p10 %8.1f  p90 %8.1f" % (n, med[n] * 1e3, w[len(w) // 10] * 1e3,
                                                            w[len(w) * 9 // 10] * 1e3))
print("berth bridge - none (network set-up): %.1f ms" % ((med["berth-bridge"] - med["berth-none"]) * 1e3))
print("berth bridge -p - bridge (one nftables transaction): %.1f ms" %
      ((med["berth-bridge-p"] - med["berth-bridge"]) * 1e3))
if "podman-bridge" in med:
    print("berth-bridge / podman-bridge (median): %.2f" % (med["berth-bridge"] / med["podman-bridge"]))
    print("podman bridge - none: %.1f ms" % ((med["podman-bridge"] - med["podman-none"]) * 1e3))
PY
