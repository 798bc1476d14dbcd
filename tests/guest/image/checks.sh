#!/bin/sh
# SPDX-License-Identifier: MIT
# The container checks run inside the test guest (busybox sh), as root or rootless. One line per
# check on stdout: "GUEST-RESULT <check> PASS|SKIP|FAIL <detail>"; the host-side tests
# (tests/guest/*.sh) count them. Inputs: GUEST_ROOTFS (a busybox rootfs the user owns),
# GUEST_CGROUP (v2|v1|hybrid), GUEST_STATE (tmpfs|ext4), BERTH_ROOT (root only).
R=$GUEST_ROOTFS
B=/usr/bin/berth
res() {
    echo "GUEST-RESULT $1 $2 $3"
}
# field NAME KEY: a scalar of `berth ctr inspect NAME` (first occurrence).
field() {
    $B ctr inspect "$1" 2>/dev/null | sed -n "s/^ *\"$2\":\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -1
}
# cgdir PID CONTROLLER: the cgroup directory of PID for a controller (v1) or the unified tree.
cgdir() {
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"
    elif [ -f "/sys/fs/cgroup/$2/cgroup.procs" ]; then
        echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")"
    fi
}
# v2 or v1 file: readcg PID V2CTL V2FILE V1CTL V1FILE
readcg() {
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        cat "$(cgdir "$1" x)/$3" 2>&1
    else
        cat "$(cgdir "$1" "$4")/$5" 2>&1
    fi
}
echo "GUEST-CHECKS uid=$(id -u) cgroup=$GUEST_CGROUP state=$GUEST_STATE"

# 1. a foreground run and its exit status
out=$($B ctr run --rm fg --rootfs "$R" -- sh -c 'echo hello-from-ctr; exit 7' 2>&1)
rc=$?
if [ $rc -eq 7 ] && [ "$out" = hello-from-ctr ]; then
    res run PASS "exit 7 relayed, output seen"
else
    res run FAIL "rc=$rc out=$(echo $out)"
fi

# 1b. where the kernel can (a single v2 group), the init is made in its cgroup by clone3
#     (CLONE_INTO_CGROUP) instead of being moved there after; BERTH_TRACE names the way taken.
rm -f /tmp/berth-trace
BERTH_TRACE=/tmp/berth-trace $B ctr run --rm tr --rootfs "$R" -- true >/dev/null 2>&1
how=$(grep -o 'mon: attached.*' /tmp/berth-trace 2>/dev/null | head -1)
if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ "$GUEST_CGROUP" = v2 ]; then
    [ "$how" = "mon: attached (clone3 into cgroup)" ] && res clone-cgroup PASS "$how" ||
        res clone-cgroup FAIL "v2, trace says '$how'"
else
    [ "$how" = "mon: attached" ] && res clone-cgroup PASS "$how (no single v2 group)" ||
        res clone-cgroup FAIL "$GUEST_CGROUP, trace says '$how'"
fi

# 2. a detached container with limits
out=$($B ctr run -d lim --rootfs "$R" --memory 32M --cpus 0.5 --pids 10 -- sleep 600 2>&1)
rc=$?
pid=$(field lim pid)
if [ $rc -eq 0 ] && [ "$(field lim state)" = running ] && [ -d "/proc/$pid" ]; then
    res start PASS "running, pid $pid, cgroup manager $(field lim cgroup_manager)"
else
    res start FAIL "rc=$rc $(echo $out) state=$(field lim state)"
fi
if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
    v=$(readcg "$pid" x memory.max memory memory.limit_in_bytes)
    [ "$v" = 33554432 ] && res limit-memory PASS "33554432" || res limit-memory FAIL "read '$v'"
    v=$(readcg "$pid" x cpu.max cpu cpu.cfs_quota_us)
    case $v in "50000 100000" | 50000) res limit-cpu PASS "$v" ;; *) res limit-cpu FAIL "read '$v'" ;; esac
    v=$(readcg "$pid" x pids.max pids pids.max)
    [ "$v" = 10 ] && res limit-pids PASS "10" || res limit-pids FAIL "read '$v'"
    out=$($B --batch -f json -n 1 2>&1)
    line=$(echo "$out" | tr '{' '\n' | grep '"name":"lim"')
    case $line in
    *'"state":"running"'*'"mem_bytes":'[0-9]*'"mem_limit_bytes":33554432'*'"pids":'[0-9]*)
        res stats PASS "batch: $(echo "$line" | grep -o '"mem_bytes":[0-9]*'), $(echo "$line" | grep -o '"pids":[0-9]*')" ;;
    *) res stats FAIL "batch line: '$line' ($(echo "$out" | head -c 300))" ;;
    esac
    out=$($B ctr exec lim -- sh -c 'echo exec-ok' 2>&1)
    [ "$out" = exec-ok ] && res exec PASS "exec-ok" || res exec FAIL "$(echo $out)"
    if $B ctr pause lim >/dev/null 2>&1 && [ "$(field lim state)" = paused ]; then
        f=$(readcg "$pid" x cgroup.freeze freezer freezer.state)
        $B ctr resume lim >/dev/null 2>&1
        st=$(field lim state)
        case "$f/$st" in 1/running | FROZEN/running) res pause PASS "frozen ($f), resumed" ;;
        *) res pause FAIL "freeze file '$f', after resume '$st'" ;; esac
    else
        res pause FAIL "$($B ctr pause lim 2>&1) state=$(field lim state)"
    fi
    cg=$(cgdir "$pid" memory)
    $B ctr stop -t 2 lim >/dev/null 2>&1
    st=$(field lim state)
    [ "$st" = stopped ] && res stop PASS "stopped" || res stop FAIL "state '$st'"
    $B ctr start lim >/dev/null 2>&1
    st=$(field lim state)
    $B ctr kill lim >/dev/null 2>&1
    sleep 1
    st2=$(field lim state)
    [ "$st/$st2" = running/stopped ] && res restart-kill PASS "start: running, kill: stopped" ||
        res restart-kill FAIL "after start '$st', after kill '$st2'"
    out=$($B ctr rm lim 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && ! $B ctr inspect lim >/dev/null 2>&1 && [ ! -d "$cg" ]; then
        res rm-cgroup PASS "removed, $cg gone"
    else
        res rm-cgroup FAIL "rc=$rc $(echo $out) cgroup dir $cg exists=$([ -d "$cg" ] && echo yes)"
    fi
else
    for c in limit-memory limit-cpu limit-pids stats exec pause stop restart-kill rm-cgroup; do
        res $c FAIL "no running container to check"
    done
    $B ctr rm -f lim >/dev/null 2>&1
fi

# 3. enforcement: the OOM killer at --memory, fork failures at --pids
$B ctr run --rm oom --rootfs "$R" --memory 32M -- dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
rc=$?
[ $rc -eq 137 ] && res oom PASS "64M in a 32M container: killed, 137" || res oom FAIL "rc=$rc (want 137)"
out=$($B ctr run --rm forks --rootfs "$R" --pids 10 -- sh -c 'sh -c "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 20 & done" 2>/dev/null; set -- /proc/[0-9]*; echo procs=$#' 2>&1)
n=${out##*procs=}
if [ -n "$n" ] && [ "$n" -le 10 ] 2>/dev/null && [ "$n" -ge 5 ]; then
    res pids-enforced PASS "20 forks tried, $n processes"
else
    res pids-enforced FAIL "$(echo $out)"
fi

# 4. --userns (id-mapped rootfs)
out=$($B ctr run --rm uns --rootfs "$R" --userns -- sh -c 'echo $(cat /proc/self/uid_map) owner=$(stat -c %u /bin/busybox); echo x >/etc/written && echo wrote' 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    case $out in
    *owner=0*wrote) res userns PASS "$(echo $out): root-owned rootfs seen as 0, copy-up works" ;;
    *) res userns FAIL "$(echo $out)" ;;
    esac
elif echo "$out" | grep -q 'id-mapped' && [ "$(echo "$out" | wc -l)" -eq 1 ] && [ "$GUEST_STATE" = tmpfs ]; then
    res userns SKIP "refused clearly on $(stat -f -c %T "$R") with kernel $(uname -r): $out"
else
    res userns FAIL "rc=$rc $(echo $out)"
fi

# 5. nothing left: no container, no cgroup under berth's parent
left=$($B ctr ls 2>&1 | tail -n +2)
cgs=$(find /sys/fs/cgroup/ -mindepth 1 -type d -name 'berth*' -exec find {} -mindepth 1 -type d \; 2>/dev/null)
[ -z "$left" ] && [ -z "$cgs" ] && res cleaned PASS "no container, no cgroup left" ||
    res cleaned FAIL "containers: $(echo $left) cgroups: $(echo $cgs)"
