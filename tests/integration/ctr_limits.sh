#!/bin/sh
# SPDX-License-Identifier: MIT
# Limits are enforced: memory (OOM kill, reported by inspect), pids (a fork bomb stops at the
# limit), CPU quota (a busy loop held near 50% of one CPU, measured from the cgroup's usage).
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

# Memory: dd with a 64M buffer under a 16M limit is OOM-killed.
st=0
b ctr run "$P-oom" --memory 16M --rootfs "$ROOTFS" -- /bin/dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null || st=$?
[ "$st" -eq 137 ] || fail "memory hog exit status $st, expected 137 (OOM kill)"
b ctr inspect "$P-oom" | grep -q '^  "oom_killed":true' || fail "inspect does not report the OOM kill"
ok "--memory 16M: a 64M allocation is OOM-killed (137) and inspect says oom_killed"
st=0
b ctr run --rm "$P-mok" --memory 64M --rootfs "$ROOTFS" -- /bin/dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null || st=$?
[ "$st" -eq 0 ] || fail "8M under a 64M limit failed ($st)"
ok "--memory 64M: an 8M allocation works"

# pids: a fork bomb stops at 20.
# (busybox sh exits when it cannot fork: an outer loop keeps the bomb going)
b ctr run -d "$P-pids" --pids 20 --rootfs "$ROOTFS" -- /bin/sh -c 'while :; do sh -c "while :; do sleep 100 & done"; done' >/dev/null ||
    fail "run fork bomb"
pd=$(cg_dir pids "$P-pids")
sleep 2
cur=$(cat "$pd/pids.current")
max=$(cat "$pd/pids.max")
[ "$max" = 20 ] || fail "pids.max is $max"
[ "$(status_of "$P-pids")" = running ] || fail "the fork bomb container died: $(status_of "$P-pids")"
[ "$cur" -le 20 ] && [ "$cur" -ge 15 ] || fail "pids.current is $cur under a limit of 20"
if [ -f "$pd/pids.events" ]; then
    ev=$(sed -n 's/^max //p' "$pd/pids.events")
    [ "${ev:-0}" -gt 0 ] || fail "pids.events shows no refused fork"
fi
b ctr logs "$P-pids" | grep -qi "fork\|resource" || fail "no fork failure in the log"
b ctr rm -f "$P-pids" || fail "rm -f of the fork bomb"
ok "--pids 20: the fork bomb holds at $cur tasks, forks refused"

# CPU: a busy loop under --cpus 0.5, measured over 3 s from the cgroup's CPU usage.
b ctr run -d "$P-cpu" --cpus 0.5 --rootfs "$ROOTFS" -- /bin/sh -c 'while :; do :; done' >/dev/null ||
    fail "run busy loop"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    usage() { sed -n 's/^usage_usec //p' "$CGBASE/$CGP/$P-cpu/cpu.stat"; }
    scale=10000 # usec over 1 s -> percent
else
    usage() { cat "/sys/fs/cgroup/cpuacct/$CGP/$P-cpu/cpuacct.usage"; }
    scale=10000000 # nsec over 1 s -> percent
fi
sleep 1
u0=$(usage)
t0=$(date +%s%N)
sleep 3
u1=$(usage)
t1=$(date +%s%N)
pct=$(( (u1 - u0) * 1000 / ((t1 - t0) / 1000000) / scale ))
echo "    cpu usage over $(( (t1 - t0) / 1000000 )) ms: $pct% of one CPU"
# The limit is the ceiling; the floor only shows the loop ran (a loaded shared machine may give
# it well under its half).
[ "$pct" -ge 1 ] && [ "$pct" -le 70 ] || fail "--cpus 0.5 gave $pct% of one CPU"
ok "--cpus 0.5: a busy loop held at $pct% of one CPU"
b ctr rm -f "$P-cpu"
echo PASS
