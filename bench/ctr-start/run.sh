#!/bin/sh
# SPDX-License-Identifier: MIT
# Container start+stop latency: `berth ctr run --rm` of /bin/true in the busybox rootfs, RUNS
# times, side by side with crun and runc on the same rootfs with the same namespaces (pid, mount,
# uts, ipc, network, cgroup). The runtimes are interleaved (one run of each per round, in an
# order shuffled each round) so that a machine whose load drifts treats them alike, and none
# always follows runc; medians are reported.
#
# crun 1.8 refuses the hybrid cgroup layout ("cgroups in hybrid mode not supported") even with
# --cgroup-manager=disabled. So the whole comparison runs in a private mount namespace in which
# the controller-less v2 mount /sys/fs/cgroup/unified is unmounted: every runtime sees plain v1
# there (berth uses its v1 backend). berth is also timed alone in the host's hybrid layout.
# berth loads libvirt only when a VM is touched (src/vm/virt.c), so `berth ctr` pays for
# ncursesw, libseccomp and json-c only.
# The kernel's floor runs beside them: `unshare --fork` into the same namespaces, /bin/true from
# the host (no root file system, no cgroup). BERTH_BASE=PATH adds another berth binary (the one
# before a change, "berth-base") to the same interleaved rounds, for an A/B comparison.
#   RUNS=100 WARMUP=5 [BERTH_BASE=old/berth] bench/ctr-start/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-100}
WARMUP=${WARMUP:-5}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-start: needs root" >&2; exit 1; }
for t in crun runc python3 unshare; do
    command -v "$t" >/dev/null || { echo "bench/ctr-start: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
export BERTH_ROOT="$work/state"
# A private copy of the binary: a rebuild during the run must not break it.
cp "$BERTH" "$work/berth"
BERTH="$work/berth"
if [ -n "${BERTH_BASE:-}" ]; then
    cp "$BERTH_BASE" "$work/berth-base"
    BERTH_BASE="$work/berth-base"
fi
trap 'rm -rf "$work"' EXIT

# One OCI bundle for crun and runc: runc's default spec, /bin/true, berth's namespaces.
"$SRC/bench/ctr-start/bundle.sh" "$work/bundle" "$ROOTFS"

cat >"$work/drive.py" <<'PY'
import os, random, resource, statistics, subprocess, sys, time
runs, warmup = int(sys.argv[1]), int(sys.argv[2])
cmds = [a.split("\x1f") for a in sys.argv[3:]]
names = [c[0] for c in cmds]
wall = {n: [] for n in names}
cpu = {n: 0.0 for n in names}

def once(argv):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stderr.decode()))
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

for _ in range(warmup):
    for c in cmds:
        once(c[1:])
order = random.Random(1)
for _ in range(runs):
    # A new order each round: the runtime after runc would otherwise always meet the kernel's
    # deferred clean-up of runc's namespaces.
    for c in order.sample(cmds, len(cmds)):
        dt, c_cpu = once(c[1:])
        wall[c[0]].append(dt)
        cpu[c[0]] += c_cpu
for n in names:
    w = sorted(wall[n])
    print("%-22s median %7.1f ms  p10 %7.1f  p90 %7.1f  mean %7.1f  cpu/run %6.1f ms" % (
        n, statistics.median(w) * 1e3, w[len(w) // 10] * 1e3, w[len(w) * 9 // 10] * 1e3,
        statistics.mean(w) * 1e3, cpu[n] / len(w) * 1e3))
    sys.stdout.flush()
med = {n: statistics.median(wall[n]) for n in names}
for a, b in [("berth", "crun"), ("berth", "runc"), ("berth-inplace", "crun"),
             ("berth-inplace", "runc"), ("berth", "unshare"), ("berth-base", "crun"),
             ("berth", "berth-base")]:
    if a in med and b in med:
        print("%s / %s (median): %.2f" % (a, b, med[a] / med[b]))
PY

US=$(printf '\037')
run_args() {
    echo "berth${US}$BERTH${US}ctr${US}run${US}--rm${US}b$$${US}--rootfs${US}$ROOTFS${US}--${US}/bin/true"
    echo "berth-inplace${US}$BERTH${US}ctr${US}run${US}--rm${US}--inplace${US}i$$${US}--rootfs${US}$ROOTFS${US}--${US}/bin/true"
    echo "crun${US}crun${US}run${US}-b${US}$work/bundle${US}c$$"
    echo "unshare${US}unshare${US}--fork${US}--pid${US}--mount${US}--uts${US}--ipc${US}--net${US}--cgroup${US}/bin/true"
    [ -z "${BERTH_BASE:-}" ] ||
        echo "berth-base${US}$BERTH_BASE${US}ctr${US}run${US}--rm${US}o$$${US}--rootfs${US}$ROOTFS${US}--${US}/bin/true"
    echo "runc${US}runc${US}run${US}-b${US}$work/bundle${US}r$$"
}
echo "== $(date -u +%FT%TZ), $(nproc) CPUs, $(uname -r), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== interleaved, $RUNS runs each, $WARMUP warm-up rounds; v1 view (unified v2 mount hidden)"
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    # shellcheck disable=SC2046
    unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh \
        python3 "$work/drive.py" "$RUNS" "$WARMUP" $(run_args)
else
    python3 "$work/drive.py" "$RUNS" "$WARMUP" $(run_args)
fi
echo "== berth alone in the host's own cgroup layout ($(ls /sys/fs/cgroup | tr '\n' ' '))"
python3 "$work/drive.py" "$RUNS" "$WARMUP" "$(run_args | head -1)" "$(run_args | sed -n 2p)"
