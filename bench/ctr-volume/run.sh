#!/bin/sh
# SPDX-License-Identifier: MIT
# What a volume adds to a container start: `berth ctr run --rm ... -- /bin/true` without a
# volume, with a named volume, with a read-only bind and with a --tmpfs, side by side with crun
# running the same OCI bundle without and with a read-only bind (crun is what podman runs a
# volume with). Interleaved rounds in a shuffled order; medians. Same cgroup view as
# bench/ctr-start/run.sh (crun refuses the hybrid layout: the v2 mount is hidden).
#   RUNS=50 bench/ctr-volume/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-3}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-volume: needs root" >&2; exit 1; }
for t in crun runc python3 unshare; do
    command -v "$t" >/dev/null || { echo "bench/ctr-volume: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-bench-vol.XXXXXX)
export BERTH_ROOT="$work/state"
cp "$BERTH" "$work/berth"
BERTH="$work/berth"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/host"
echo data >"$work/host/f"
"$BERTH" volume create benchvol >/dev/null

mkdir -p "$work/bundle" "$work/bundle-v"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$work/bundle-v/config.json" "$ROOTFS" "$work/host" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"] = {"path": sys.argv[3], "readonly": True}
c["linux"]["namespaces"] = [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount", "cgroup"]]
json.dump(c, open(sys.argv[1], "w"), indent=1)
c["mounts"].append({"destination": "/data", "type": "bind", "source": sys.argv[4],
                    "options": ["rbind", "ro", "nosuid", "nodev", "rprivate"]})
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

cat >"$work/drive.py" <<'PY'
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
med = {n: statistics.median(w) * 1e3 for n, w in wall.items()}
for n, w in wall.items():
    w = sorted(w)
    print("%-16s median %6.1f ms  p10 %6.1f  p90 %6.1f" % (n, med[n], w[len(w) // 10] * 1e3,
                                                          w[len(w) * 9 // 10] * 1e3))
for a, b in [("berth-named", "berth"), ("berth-bind-ro", "berth"), ("berth-tmpfs", "berth"),
             ("crun-bind-ro", "crun"), ("berth-bind-ro", "crun-bind-ro")]:
    print("%-14s - %-13s %+6.1f ms  (ratio %.2f)" % (a, b, med[a] - med[b], med[a] / med[b]))
PY

US=$(printf '\037')
R="${US}--rootfs${US}$ROOTFS${US}--${US}/bin/true"
B="$BERTH${US}ctr${US}run${US}--rm"
echo "== $(date -u +%FT%TZ), $(nproc) CPUs, $(uname -r), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== interleaved, $RUNS runs each, $WARMUP warm-up rounds"
# shellcheck disable=SC2046
unshare -m --propagation private sh -c '[ ! -f /sys/fs/cgroup/unified/cgroup.controllers ] ||
    [ -f /sys/fs/cgroup/cgroup.controllers ] || umount -l /sys/fs/cgroup/unified; exec "$@"' sh \
    python3 "$work/drive.py" "$RUNS" "$WARMUP" \
    "berth${US}$B${US}a$$$R" \
    "berth-named${US}$B${US}n$$${US}-v${US}benchvol:/data$R" \
    "berth-bind-ro${US}$B${US}b$$${US}-v${US}$work/host:/data:ro$R" \
    "berth-tmpfs${US}$B${US}t$$${US}--tmpfs${US}/data$R" \
    "crun${US}crun${US}run${US}-b${US}$work/bundle${US}c$$" \
    "crun-bind-ro${US}crun${US}run${US}-b${US}$work/bundle-v${US}v$$"
