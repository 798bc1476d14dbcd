#!/bin/sh
# SPDX-License-Identifier: MIT
# Container start+stop latency: `berth ctr run --rm` of /bin/true in the busybox rootfs, RUNS
# times in a row, side by side with crun and runc on the same rootfs with the same namespaces
# (pid, mount, uts, ipc, network, cgroup). Needs root, hyperfine, crun, runc, python3.
#
# crun 1.8 refuses the hybrid cgroup layout ("cgroups in hybrid mode not supported") even with
# --cgroup-manager=disabled, so on a hybrid host its runs happen in a private mount namespace in
# which the (controller-less) v2 mount /sys/fs/cgroup/unified is unmounted: crun then sees plain
# v1. berth and runc run in the host's normal mount namespace.
#   RUNS=100 WARMUP=5 bench/ctr-start/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-100}
WARMUP=${WARMUP:-5}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-start: needs root" >&2; exit 1; }
for t in hyperfine crun runc python3; do
    command -v "$t" >/dev/null || { echo "bench/ctr-start: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
export BERTH_ROOT="$work/state"
# A private copy of the binary: a rebuild during the run must not break it.
cp "$BERTH" "$work/berth"
BERTH="$work/berth"
trap '"$BERTH" ctr rm -f "b$$" "i$$" "s$$" >/dev/null 2>&1; rm -rf "$work"' EXIT

# One OCI bundle for crun and runc: runc's default spec, /bin/true, berth's namespaces.
mkdir -p "$work/bundle"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$ROOTFS" <<'PY'
import json, sys
path, root = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"] = {"path": root, "readonly": True}
c["linux"]["namespaces"] = [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount", "cgroup"]]
json.dump(c, open(path, "w"), indent=1)
PY

# The same CLI code linked without libvirt/ncurses: the runtime's own cost (see docs/BENCH-ctr.md).
SLIM="$work/berth-ctr-slim"
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$SRC/src" -o "$SLIM" "$SRC/bench/ctr-start/slim.c" \
    "$SRC/build/libberth.a" $(pkg-config --libs json-c libseccomp) -lutil -lpthread -lm

hf() { hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" "$@"; }
hf --export-json "$work/berth.json" \
    -n berth "$BERTH ctr run --rm b$$ --rootfs $ROOTFS -- /bin/true" \
    -n berth-inplace "$BERTH ctr run --rm --inplace i$$ --rootfs $ROOTFS -- /bin/true" \
    -n berth-slim "$SLIM ctr run --rm s$$ --rootfs $ROOTFS -- /bin/true" \
    -n runc "runc run -b $work/bundle r$$"
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    unshare -m --propagation private sh -c "umount -l /sys/fs/cgroup/unified &&
        hyperfine -N --style basic --warmup $WARMUP --runs $RUNS --export-json $work/crun.json \
        -n crun 'crun run -b $work/bundle c$$'"
else
    hf --export-json "$work/crun.json" -n crun "crun run -b $work/bundle c$$"
fi

python3 - "$work/berth.json" "$work/crun.json" <<'PY'
import json, sys
res = {}
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        res[r["command"]] = r
print()
print("%-14s %10s %10s %10s" % ("runtime", "median ms", "mean ms", "user+sys"))
for k, r in res.items():
    print("%-14s %10.1f %10.1f %10.1f" % (k, r["median"] * 1e3, r["mean"] * 1e3,
                                         (r["user"] + r["system"]) * 1e3))
b = res["berth"]["median"]
for k in ("crun", "runc"):
    print("berth / %s (median): %.2f" % (k, b / res[k]["median"]))
print("berth --inplace / crun (median): %.2f" % (res["berth-inplace"]["median"] / res["crun"]["median"]))
print("berth-slim / crun (median): %.2f" % (res["berth-slim"]["median"] / res["crun"]["median"]))
PY
