#!/bin/bash
# SPDX-License-Identifier: MIT
# /sys and /sys/fs/cgroup inside a container are read-only, all the way down, and show the
# container's own cgroups only (issue 18, item 4). Before, where a fresh sysfs could not be made
# (a user namespace without a network namespace: --net host with --userns, rootless, or a bundle
# mapping container root to host root) berth bound the host's /sys recursively with only the top
# mount read-only: the container froze another container, set its memory limit and moved itself
# into the root cgroup. Now every mount below a read-only bind is read-only, and /sys/fs/cgroup
# is a read-only view of the container's own cgroups (fresh cgroup mounts in its cgroup
# namespace), with or without --net host. A victim container is attacked from each kind of
# container; its limit and freezer state are checked on the host and put back by the trap.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

CG=/sys/fs/cgroup
if [ -f $CG/cgroup.controllers ]; then layout=v2; else layout=v1; fi
[ $layout = v2 ] || [ -f $CG/memory/cgroup.procs ] || skip "no cgroup memory controller"

victim=$(sec_name victim)
"$BERTH_BIN" ctr run -d "$victim" --memory 32M --rootfs "$ROOTFS" -- sleep 600 >/dev/null || fail "run the victim"
vcg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cgroup"])' "$BERTH_ROOT/run/$victim/state.json") ||
    fail "the victim's cgroup"
if [ $layout = v2 ]; then
    vlimit=$CG/$vcg/memory.max vfreeze=$CG/$vcg/cgroup.freeze thawed=0
else
    vlimit=$CG/memory/$vcg/memory.limit_in_bytes vfreeze=$CG/freezer/$vcg/freezer.state thawed=THAWED
fi
limit0=$(cat "$vlimit") freeze0=$(cat "$vfreeze")
echo "victim cgroup $vcg: limit $limit0, freezer $freeze0"
undo_victim() {
    echo "$thawed" >"$vfreeze" 2>/dev/null
    echo "$limit0" >"$vlimit" 2>/dev/null
    # v1/hybrid: the host's /sys/fs/cgroup is a tmpfs; a file created there by a writable view.
    [ $layout = v2 ] || rm -f $CG/memory.max $CG/cgroup.freeze $CG/cgroup.procs
}
SEC_EXTRA_CLEANUP=undo_victim

# Inside: every mount under /sys read-only; the victim's cgroup nowhere; writes to the victim's
# files (by the host's paths), to the root cgroups and to its own limits all refused; its own
# memory limit readable where the host's layout puts it.
attack='v=$1
for m in $(awk "\$5 ~ \"^/sys\" && \$6 !~ /^ro/ { print \$5 }" /proc/self/mountinfo); do echo "RW-MOUNT $m"; done
[ -n "$(find /sys/fs/cgroup -name "$(basename "$v")" 2>/dev/null)" ] && echo "SEES-VICTIM"
try() { [ -f "/sys/fs/cgroup/$1" ] && (echo "$2" >"/sys/fs/cgroup/$1") 2>/dev/null && echo "WROTE $1"; }
try "memory/$v/memory.limit_in_bytes" 8388608; try "freezer/$v/freezer.state" FROZEN
try "$v/memory.max" 8388608; try "$v/cgroup.freeze" 1
for d in memory pids freezer cpu unified systemd .; do try "$d/cgroup.procs" $$; done
try memory/memory.limit_in_bytes 1073741824; try memory.max max; try pids/pids.max max
try freezer/freezer.state FROZEN; try cgroup.freeze 1
echo "own-limit $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null)"
echo attack-done'

check() { # MODE OUTPUT
    echo "[$1]"
    echo "$2" | sed 's/^/    /'
    local now_l now_f
    now_l=$(cat "$vlimit") now_f=$(cat "$vfreeze")
    if [ "$now_l" != "$limit0" ] || [ "$now_f" != "$freeze0" ]; then
        undo_victim
        fail "$1: the victim changed: limit $limit0 -> $now_l, freezer $freeze0 -> $now_f (put back)"
    fi
    echo "$2" | grep -qx attack-done || fail "$1: the attack did not run"
    echo "$2" | grep -E '^(RW-MOUNT|SEES-VICTIM|WROTE)' && fail "$1: /sys is writable or shows other cgroups"
    echo "$2" | grep -qx "own-limit 33554432" || fail "$1: the container does not see its own cgroup's memory limit (33554432)"
    echo "ok: $1: /sys read-only throughout, its own cgroups only, the victim untouched"
}

for mode in --net=host default $(sec_userns_usable >&2 && echo --userns+--net=host); do
    opts=(--memory 32M)
    case $mode in --net=host) opts+=(--net host) ;; --userns+--net=host) opts+=(--userns --net host) ;; esac
    run=sec_run
    [ "$mode" = default ] || [ "$mode" = --net=host ] || run=sec_run_userns
    out=$($run "$(sec_name att)" "${opts[@]}" -- /bin/sh -c "$attack" sh "$vcg")
    check "$mode" "$out"
done

# The issue's case: a bundle whose user namespace maps container root to host root, without a
# network namespace (the host's /sys bound), with and without a cgroup namespace.
for cgns in yes no; do
    n=$(sec_name attb)
    "$BERTH_BIN" ctr create "$n" --memory 32M --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
    mkdir -p "$SEC_WORK/bundle-$cgns"
    python3 - "$BERTH_ROOT/lib/containers/$n/config.json" "$SEC_WORK/bundle-$cgns/config.json" \
        "$ROOTFS" "$attack" "$vcg" "$cgns" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
c["process"]["args"] = ["/bin/sh", "-c", sys.argv[4], "sh", sys.argv[5]]
lx = c["linux"]
drop = {"user", "network"} | (set() if sys.argv[6] == "yes" else {"cgroup"})
lx["namespaces"] = [x for x in lx["namespaces"] if x["type"] not in drop] + [{"type": "user"}]
lx["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
lx["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
json.dump(c, open(sys.argv[2], "w"))
P
    "$BERTH_BIN" ctr rm "$n" >/dev/null
    out=$("$BERTH_BIN" ctr run --rm "$(sec_name attbrun)" --bundle "$SEC_WORK/bundle-$cgns" 2>&1)
    check "bundle 0->0, no netns, cgroupns=$cgns" "$out"
done
echo "PASS"
