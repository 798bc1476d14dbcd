#!/bin/sh
# SPDX-License-Identifier: MIT
# The same phases for every runtime, from the system calls that bound them: `berth ctr run --rm`
# and `crun run` of /bin/true (the bundle and rootfs of bench/ctr-start/run.sh), and
# the kernel's floor `unshare --fork --pid --mount --uts --ipc --net --cgroup /bin/true`. Each
# command runs RUNS times, interleaved, while one system-wide `perf trace -a -T` records only a few
# calls (execve, clone, clone3, unshare, pivot_root, exit_group): perf reads tracepoints, stops
# no process (unlike strace) and, system-wide, adds nothing to a fork (unlike following a
# command), so the phases are comparable between runtimes. Per phase, the median ms:
#   setup     the runtime's execve -> the clone of the process that becomes /bin/true
#   mounts    that clone -> the child's pivot_root (namespaces, the root file system, /proc, ...)
#   to exec   pivot_root -> the execve of /bin/true (security, the hand-over to the user process)
#   run       that execve -> /bin/true's exit_group (exec, the program, its exit)
#   teardown  its exit_group -> the last exit_group of the command the caller waits for
# Same view as run.sh (the unified v2 mount hidden on a hybrid host). runc is not in the table:
# its container process re-executes runc (`runc init`), whose stages this split does not follow.
#   RUNS=20 bench/ctr-start/syscalls.sh
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-20}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-start/syscalls.sh: needs root" >&2; exit 1; }
for t in crun runc perf python3 unshare; do  # runc: its spec makes the bundle
    command -v "$t" >/dev/null || { echo "bench/ctr-start/syscalls.sh: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-syscalls.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export BERTH_ROOT="$work/state"
cp "$BERTH" "$work/berth"
"$SRC/bench/ctr-start/bundle.sh" "$work/bundle" "$ROOTFS"
cat >"$work/loop.sh" <<LOOP
i=0
while [ \$i -lt $RUNS ]; do
    for r in berth crun unshare; do
        case \$r in
        berth) set -- "$work/berth" ctr run --rm s\$\$ --rootfs "$ROOTFS" -- /bin/true ;;
        crun) set -- crun run -b "$work/bundle" c\$\$ ;;
        unshare) set -- unshare --fork --pid --mount --uts --ipc --net --cgroup /bin/true ;;
        esac
        sh -c 'echo "\$0 \$\$" >>"\$1"; shift; exec "\$@"' \$r.\$i "$work/pids" "\$@" >/dev/null 2>&1 ||
            { echo "\$r failed" >&2; exit 1; }
    done
    i=\$((i + 1))
done
LOOP
echo "== $(date -u +%FT%TZ), $(nproc) CPUs, $(uname -r), load: $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"
perf trace -a -T -e execve,clone,clone3,unshare,pivot_root,exit_group -o "$work/trace" &
perf_pid=$!
sleep 2 # perf's set-up
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    unshare -m --propagation private sh -c "umount -l /sys/fs/cgroup/unified && sh $work/loop.sh"
else
    sh "$work/loop.sh"
fi
sleep 0.5
kill -INT $perf_pid
wait $perf_pid || true
python3 - "$work" "$RUNS" <<'PY'
import collections, re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
# "44670818.245 ( 1.312 ms): berth-monitor/2786 clone3(uargs: ...) = 2787"; "? (): x/1 ... [continued]"
line = re.compile(r"^\s*(\d+\.\d+) \(\s*[\d.]* *(?:ms)?\): (.+?)/(\d+) +(\w+)\((.*)$")
# a call whose start perf printed apart: "45294731.470 (29.265 ms): true/26781  ... [continued]: execve()) = 0"
cont = re.compile(r"^\s*(\d+\.\d+) \(\s*[\d.]* *(?:ms)?\): (.+?)/(\d+) +\.\.\. \[continued\]: (\w+)\((.*)$")
ev = []
for l in open(work + "/trace", errors="replace"):
    m = line.match(l) or cont.match(l)
    if m:
        ev.append((float(m.group(1)), m.group(2), int(m.group(3)), m.group(4), m.group(5)))
ev.sort()
by_pid = collections.defaultdict(list)
for e in ev:
    by_pid[e[2]].append(e)
runs_of = {}
for l in open(work + "/pids"):
    name, pid = l.split()
    runs_of[name] = int(pid)
phases = ["setup", "mounts", "to exec", "run", "teardown", "total"]
print("%-8s %s" % ("ms", " ".join("%9s" % p for p in phases)))
for r in ["berth", "crun", "unshare"]:
    got = {p: [] for p in phases}
    for i in range(runs):
        main = runs_of.get("%s.%d" % (r, i))
        if main is None:
            continue
        tree, todo, mine = {main}, [main], []
        while todo:  # the command's processes: children from clone's return value
            p = todo.pop()
            for e in by_pid[p]:
                mine.append(e)
                if e[3] in ("clone", "clone3"):
                    m = re.search(r"= (\d+)", e[4])
                    if m and int(m.group(1)) > 0 and int(m.group(1)) not in tree:
                        tree.add(int(m.group(1)))
                        todo.append(int(m.group(1)))
        mine.sort()
        exe = next((e for e in mine if e[3] == "execve" and e[1] == "true"), None)
        # The clone that made the process which becomes /bin/true (the container's init).
        ns = next((e for e in mine if exe and e[3] in ("clone", "clone3") and
                   re.search(r"= %d\b" % exe[2], e[4])), None)
        piv = next((e for e in mine if e[3] == "pivot_root"), None)
        # The runtime's own execve (after the wrapper shell's): main's last successful one before.
        start = ([e for e in mine if e[2] == main and e[3] == "execve" and "= -1" not in e[4] and
                  ns and e[0] <= ns[0]] or [None])[-1]
        ex_true = next((e for e in mine if e[3] == "exit_group" and e[1] == "true"), None)
        end = next((e for e in mine if e[3] == "exit_group" and e[2] == main), None)
        if not (start and ns and exe and ex_true and end):
            continue
        pv = piv[0] if piv else ns[0]
        got["setup"].append(ns[0] - start[0])
        got["mounts"].append(pv - ns[0])
        got["to exec"].append(exe[0] - pv)
        got["run"].append(ex_true[0] - exe[0])
        got["teardown"].append(end[0] - ex_true[0])
        got["total"].append(end[0] - start[0])
    print("%-8s %s  (%d runs)" % (r, " ".join("%9.2f" % (statistics.median(got[p]) if got[p] else float("nan"))
                                               for p in phases), len(got["total"])))
PY
