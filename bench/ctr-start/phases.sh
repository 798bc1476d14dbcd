#!/bin/sh
# SPDX-License-Identifier: MIT
# Where the time of one `berth ctr run --rm ... -- /bin/true` goes: RUNS runs with BERTH_TRACE
# set (src/common/trace.h), then per phase the median time since the mark before it (in any of
# berth, the monitor and the init) and the median page faults of that process since its own
# last mark. A page fault costs about 17 us on the firecracker VMs these figures come from, so
# faults are half of the story. Same view as bench/ctr-start/run.sh (v2 mount hidden on a
# hybrid machine).
#   RUNS=30 bench/ctr-start/phases.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-30}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-start/phases.sh: needs root" >&2; exit 1; }
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
work=$(mktemp -d /tmp/berth-phases.XXXXXX)
trap 'rm -rf "$work"' EXIT
export BERTH_ROOT="$work/state"
cp "$BERTH" "$work/berth"

loop="i=0; while [ \$i -lt $RUNS ]; do BERTH_TRACE=$work/trace '$work/berth' ctr run --rm p$$ \
--rootfs '$ROOTFS' -- /bin/true || exit 1; i=\$((i + 1)); done"
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    unshare -m --propagation private sh -c "umount -l /sys/fs/cgroup/unified && $loop"
else
    sh -c "$loop"
fi

python3 - "$work/trace" <<'PY'
import collections, statistics, sys
runs, cur = [], None
for line in open(sys.argv[1]):
    ns, pid, flt, label = line.rstrip("\n").split(" ", 3)
    if label == "berth: main":
        cur = []
        runs.append(cur)
    if cur is not None:
        cur.append((int(ns), int(pid), int(flt), label))
gap, faults, total = collections.OrderedDict(), collections.OrderedDict(), []
for r in runs:
    r.sort()
    prev, last = r[0][0], {}
    for ns, pid, flt, label in r:
        gap.setdefault(label, []).append((ns - prev) / 1e6)
        faults.setdefault(label, []).append(flt - last.get(pid, 0))
        last[pid], prev = flt, ns
    total.append((r[-1][0] - r[0][0]) / 1e6)
print("%d runs; median from berth's main() to its last mark: %.2f ms" % (len(runs), statistics.median(total)))
print("%-20s %9s %7s" % ("mark", "ms before", "faults"))
for k in gap:
    print("%-20s %9.2f %7.0f" % (k, statistics.median(gap[k]), statistics.median(faults[k])))
PY
