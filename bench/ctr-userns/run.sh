#!/bin/sh
# SPDX-License-Identifier: MIT
# Cost of --userns at container start, as root: `berth ctr run --rm` of /bin/true in the busybox
# rootfs without and with --userns (the id-mapped overlay root built by the monitor), side by
# side with crun on the same rootfs with and without a user namespace (crun uses the rootfs as
# it is: with a user namespace its files show as nobody inside, there is no id map and no
# overlay, so it is the floor, not the same work). Medians from hyperfine. As in
# bench/ctr-start, everything runs in a private mount namespace without the controller-less v2
# mount /sys/fs/cgroup/unified, because crun 1.8 refuses the hybrid layout.
#   RUNS=30 bench/ctr-userns/run.sh
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-30}
[ "$(id -u)" = 0 ] || { echo "bench/ctr-userns: needs root" >&2; exit 1; }
for t in crun runc hyperfine python3; do
    command -v "$t" >/dev/null || { echo "bench/ctr-userns: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
ROOTFS=$(cd "$ROOTFS" && pwd)
work=$(mktemp -d /tmp/berth-bench-userns.XXXXXX)
trap 'rm -rf "$work"' EXIT
export BERTH_ROOT="$work/state"
cp "${BERTH_BIN:-$SRC/berth}" "$work/berth" # a rebuild during the run must not break it

for b in plain userns; do
    mkdir -p "$work/$b"
    (cd "$work/$b" && runc spec)
    python3 - "$work/$b/config.json" "$ROOTFS" "$b" <<'PY'
import json, sys
path, root, kind = sys.argv[1:4]
c = json.load(open(path))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"] = {"path": root, "readonly": True}
ns = ["pid", "network", "ipc", "uts", "mount", "cgroup"]
if kind == "userns":
    ns.append("user")
    m = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    c["linux"]["uidMappings"] = m
    c["linux"]["gidMappings"] = m
c["linux"]["namespaces"] = [{"type": t} for t in ns]
json.dump(c, open(path, "w"), indent=1)
PY
done

B="$work/berth"
unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh \
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/result.json" \
    -n "berth" "$B ctr run --rm b1 --rootfs $ROOTFS -- /bin/true" \
    -n "berth --userns" "$B ctr run --rm b2 --userns --rootfs $ROOTFS -- /bin/true" \
    -n "crun" "crun --cgroup-manager=disabled run -b $work/plain c1" \
    -n "crun (user ns, no id map)" "crun --cgroup-manager=disabled run -b $work/userns c2"
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
base = statistics.median(r[0]["times"])
for x in r:
    m = statistics.median(x["times"])
    print("%-28s median %6.1f ms  min %6.1f  max %6.1f  x%.2f of berth" % (
        x["command"], m * 1e3, min(x["times"]) * 1e3, max(x["times"]) * 1e3, m / base))
PY
