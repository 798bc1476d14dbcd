#!/bin/bash
# SPDX-License-Identifier: MIT
# Interrupted commands and lost state leave nothing behind (security issue, item 9). Each fault is
# made for real: berth is SIGKILLed while strace holds it at a chosen system call (a delay
# injected at its entry), the runtime directory is wiped under running containers, the disk of
# BERTH_ROOT (a small tmpfs) is filled before a container exits, the container's lock file is made
# unusable, the monitor's fd limit is lowered under it. Afterwards no leftover, no process and no
# cgroup may remain, and the exit codes must be recorded.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup
command -v strace >/dev/null || skip "strace is needed to stop berth at a chosen system call"
command -v prlimit >/dev/null || skip "prlimit (util-linux) is needed"

B=$BERTH_BIN
KILL_PIDS=()     # monitors that could outlive a failed run (the old binary's spinning one)
FULL_ROOT=$SEC_WORK/full
SEC_EXTRA_CLEANUP='faults_cleanup'
faults_cleanup() {
    local p c
    for p in "${KILL_PIDS[@]+"${KILL_PIDS[@]}"}" $STRACE_PID; do kill -9 "$p" 2>/dev/null; done
    # A lock file replaced by a directory (the lock-less record test) is put back first.
    for c in "$BERTH_ROOT"/lib/containers/*/; do
        [ -d "$c/lock" ] && rmdir "$c/lock"
    done
    if mountpoint -q "$FULL_ROOT" 2>/dev/null; then
        rm -f "$FULL_ROOT/filler"
        for c in $(ls "$FULL_ROOT/lib/containers" 2>/dev/null); do
            BERTH_ROOT=$FULL_ROOT "$B" ctr rm -f "$c" >/dev/null 2>&1
        done
        umount -l "$FULL_ROOT"
    fi
    # What a failing berth left in this test's cgroups (names end in -$$): killed, removed.
    for c in /sys/fs/cgroup/*/berth-*/sec-*-$$ /sys/fs/cgroup/berth-*/sec-*-$$; do
        [ -f "$c/cgroup.procs" ] && xargs -r kill -9 <"$c/cgroup.procs" 2>/dev/null
    done
    sleep 0.2
    for c in /sys/fs/cgroup/*/berth-*/sec-*-$$ /sys/fs/cgroup/berth-*/sec-*-$$; do
        [ -d "$c" ] && rmdir "$c" 2>/dev/null
    done
}

# Names listed by `ctr ls` (first column, header dropped).
names() { "$B" ctr ls 2>/dev/null | awk 'NR > 1 { print $1 }' | tr '\n' ' '; }
status_of() { "$B" ctr ls 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
reason_of() { "$B" ctr ls 2>/dev/null | awk -v n="$1" '$1 == n { print $5 }'; }
exit_of() { "$B" ctr ls 2>/dev/null | awk -v n="$1" '$1 == n { print $4 }'; }
state_field() { sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" "$BERTH_ROOT/run/$1/state.json"; }
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# The cgroup directories of container $1 under this BERTH_ROOT's parent, in every hierarchy.
cgroups_of() {
    local parent
    parent=$(ls -d /sys/fs/cgroup/*/berth-*/"$1" /sys/fs/cgroup/berth-*/"$1" 2>/dev/null)
    echo $parent
}
wait_until() { # SECONDS COMMAND...: poll until COMMAND succeeds
    local t=$(($1 * 10))
    shift
    while [ $t -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        t=$((t - 1))
    done
    return 1
}
# x86_64 numbers of the system calls berth is held at (read back from /proc/PID/syscall).
declare -A SYSNO=([rename]=82 [flock]=73 [poll,ppoll]="7|271")
[ "$(uname -m)" = x86_64 ] || skip "syscall numbers of this test are x86_64's"
# Run berth under strace with a delay injected at the entry of syscall $1 (occurrence $2 on), in
# the background; BERTH_PID is berth's pid once it sits in that call.
BERTH_PID=
STRACE_PID=
held() { # the syscall berth is stopped in, twice in a row 0.3 s apart
    local a b
    a=$(awk '{ print $1 }' "/proc/$BERTH_PID/syscall" 2>/dev/null)
    sleep 0.3
    b=$(awk '{ print $1 }' "/proc/$BERTH_PID/syscall" 2>/dev/null)
    [ "$a" = "$b" ] && [[ "$a" =~ ^(${SYSNO[$1]})$ ]]
}
held_at() {
    local sc=$1 when=$2
    shift 2
    strace -o /dev/null -e trace="$sc" -e inject="$sc:delay_enter=20000000:when=$when+" \
        "$B" "$@" >/dev/null 2>&1 &
    local sp=$!
    disown "$sp" # no "Killed" notice
    STRACE_PID=$sp
    wait_until 5 pgrep -P "$sp" >/dev/null || fail "berth did not start under strace"
    BERTH_PID=$(pgrep -P "$sp")
    wait_until 10 held "$sc" || fail "berth $* never reached $sc"
}
kill_held() {
    kill -9 "$BERTH_PID"
    # strace holds the killed tracee at its exit until the delay ends: let go of it.
    kill -9 "$STRACE_PID" 2>/dev/null
    wait_until 5 sh -c "! [ -d /proc/$BERTH_PID ]" || fail "berth $BERTH_PID survived SIGKILL"
    wait 2>/dev/null
}

# 1. `create` killed between making .new-NAME-PID and renaming it into place: the next `ls`
#    deletes the directory (its creator is dead).
n=$(sec_name new)
held_at rename 1 ctr create "$n" --rootfs "$ROOTFS" -- true
ls -a "$BERTH_ROOT/lib/containers" | grep -q "^\.new-$n-" || fail "no .new- directory while held"
kill_held
"$B" ctr ls >/dev/null
left=$(ls -a "$BERTH_ROOT/lib/containers" | grep "^\.new-" | tr '\n' ' ')
expect ".new- directories after a killed create and an ls" "$left" ""

# 2. `run --rm` killed after the create, before the start (held at the start's lock): the next
#    `ls` removes the container still "created" (its creator is gone).
n=$(sec_name rmcreated)
held_at flock 1 ctr run --rm "$n" --rootfs "$ROOTFS" -- true
[ -f "$BERTH_ROOT/lib/containers/$n/config.json" ] || fail "run --rm: not created while held"
kill_held
expect "run --rm killed before its start, after an ls" "$(names)" ""

# 3a. `rm -f` of a running container killed once it has sent SIGKILL (held in the wait for the
#     monitor): the removal completes without another command.
n=$(sec_name rmrun)
"$B" ctr run -d "$n" --rootfs "$ROOTFS" -- sleep 600 >/dev/null || fail "run -d $n"
init=$(state_field "$n" pid)
held_at poll,ppoll 1 ctr rm -f "$n"
kill_held
wait_until 5 sh -c "! [ -d /proc/$init ]" || fail "the container's init $init still runs"
wait_until 5 sh -c "[ -z \"\$('$B' ctr ls | awk 'NR > 1')\" ]"
expect "containers after an rm -f killed while waiting" "$(names)" ""

# 3b. `rm` of a stopped container killed between its two renames (runtime directory moved away,
#     definition not yet): nothing is left that looks like a container, and the next ls sweeps.
n=$(sec_name rmstop)
"$B" ctr run -d "$n" --rootfs "$ROOTFS" -- true >/dev/null || fail "run -d $n"
wait_until 5 sh -c "'$B' ctr ls | grep -q '^$n  *stopped'" || fail "$n did not stop"
held_at rename 2 ctr rm -f "$n"
kill_held
expect "containers after an rm killed between its renames" "$(names)" ""
left=$(ls -a "$BERTH_ROOT/lib/containers" "$BERTH_ROOT/run" | grep -e "$n" | tr '\n' ' ')
expect "leftovers of $n after ls" "$left" ""
# And the name is free again.
"$B" ctr create "$n" --rootfs "$ROOTFS" -- true >/dev/null || fail "create $n again"
"$B" ctr rm "$n" || fail "rm $n"

# 4. The runtime directory wiped while containers run: ls shows them orphaned, rm -f kills every
#    process of their cgroups, the monitors end, the cgroups go. One of them lost its definition
#    as well (an older berth's rm -f deleted it): it is found by its cgroup alone.
a=$(sec_name wipea)
b=$(sec_name wipeb)
pids=
for c in "$a" "$b"; do
    "$B" ctr run -d "$c" --rootfs "$ROOTFS" -- sh -c 'sleep 600 & sleep 600' >/dev/null ||
        fail "run -d $c"
    pids="$pids $(state_field "$c" pid) $(state_field "$c" monitor_pid)"
    KILL_PIDS+=($(state_field "$c" monitor_pid))
done
for p in $pids; do alive "$p" || fail "pid $p not running before the wipe"; done
[ -n "$(cgroups_of "$a")" ] || skip "no container cgroup found under /sys/fs/cgroup (rootless?)"
rm -rf "$BERTH_ROOT/run"
rm -rf "$BERTH_ROOT/lib/containers/$b"
expect "status of $a with its state lost" "$(status_of "$a") $(reason_of "$a")" "crashed orphaned"
expect "status of $b with state and definition lost" "$(status_of "$b") $(reason_of "$b")" "crashed orphaned"
out=$("$B" ctr rm "$a" 2>&1) && fail "rm (no -f) of an orphaned container succeeded"
echo "ok: rm without -f refused: $out"
"$B" ctr rm -f "$a" "$b" || fail "rm -f of the orphans"
for p in $pids; do
    wait_until 6 sh -c "! [ -d /proc/$p ] || grep -q '^State:.*Z' /proc/$p/status" ||
        fail "pid $p still runs after rm -f ($(cat /proc/$p/comm 2>/dev/null))"
done
expect "cgroups left of $a $b" "$(cgroups_of "$a") $(cgroups_of "$b")" " "
expect "containers after rm -f of the orphans" "$(names)" ""

# 5. The monitor cannot take the lock when the container exits (its lock file unusable: here a
#    directory in its place): the exit is still recorded, not left "stale".
n=$(sec_name nolock)
"$B" ctr run -d "$n" --rootfs "$ROOTFS" -- sh -c 'trap "exit 6" TERM; while :; do sleep 0.1; done' \
    >/dev/null || fail "run -d $n"
init=$(state_field "$n" pid)
mon=$(state_field "$n" monitor_pid)
KILL_PIDS+=("$mon")
rm -f "$BERTH_ROOT/lib/containers/$n/lock"
mkdir "$BERTH_ROOT/lib/containers/$n/lock"
kill -TERM "$init"
wait_until 5 sh -c "! [ -d /proc/$mon ]" || fail "the monitor did not end"
expect "status of $n after an exit without the lock" "$(status_of "$n")" "stopped"
expect "exit code of $n" "$(exit_of "$n")" "6"
rmdir "$BERTH_ROOT/lib/containers/$n/lock"
"$B" ctr rm "$n" || fail "rm $n"

# 6. A poll() error in the monitor (its fd limit lowered under it, so nfds > RLIMIT_NOFILE):
#    no busy loop, and the exit is still recorded.
n=$(sec_name poll)
"$B" ctr run -d "$n" --rootfs "$ROOTFS" -- \
    sh -c 'trap "exit 5" TERM; while :; do echo tick; sleep 0.2; done' >/dev/null ||
    fail "run -d $n"
init=$(state_field "$n" pid)
mon=$(state_field "$n" monitor_pid)
KILL_PIDS+=("$mon")
prlimit --pid "$mon" --nofile=3: || fail "prlimit"
sleep 0.5 # a tick: the monitor polls again
t0=$(awk '{ print $14 + $15 }' "/proc/$mon/stat")
sleep 1
t1=$(awk '{ print $14 + $15 }' "/proc/$mon/stat")
[ $((t1 - t0)) -lt 20 ] || fail "the monitor spins: $((t1 - t0)) ticks of CPU in 1 s"
echo "ok: monitor used $((t1 - t0)) ticks of CPU in 1 s with its fd limit lowered"
kill -TERM "$init"
wait_until 5 sh -c "! [ -d /proc/$mon ]" || fail "the monitor did not end after the exit"
expect "exit code of $n after a poll error" "$(exit_of "$n")" "5"
"$B" ctr rm "$n" || fail "rm $n"

# 7. Full disk: BERTH_ROOT on a 4 MiB tmpfs, filled while the container runs; it then exits and
#    its exit code is recorded (the room for the record was kept at its start).
mkdir -p "$FULL_ROOT"
mount -t tmpfs -o size=4m,mode=0700 berth-sec-full "$FULL_ROOT" || skip "cannot mount a tmpfs"
n=$(sec_name full)
BERTH_ROOT=$FULL_ROOT "$B" ctr run -d "$n" --rootfs "$ROOTFS" -- \
    sh -c 'echo before-full; trap "exit 7" TERM; while :; do sleep 0.1; done' >/dev/null ||
    fail "run -d $n on the tmpfs"
BERTH_ROOT=$FULL_ROOT wait_until 5 sh -c "grep -q before-full '$FULL_ROOT/lib/containers/$n/log'"
dd if=/dev/zero of="$FULL_ROOT/filler" bs=64k 2>/dev/null
avail=$(df --output=avail "$FULL_ROOT" | tail -1 | tr -d ' ')
expect "free KiB on the filled tmpfs" "$avail" "0"
init=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$FULL_ROOT/run/$n/state.json")
mon=$(sed -n 's/.*"monitor_pid": *\([0-9]*\).*/\1/p' "$FULL_ROOT/run/$n/state.json")
KILL_PIDS+=("$mon")
kill -TERM "$init"
wait_until 5 sh -c "! [ -d /proc/$mon ]" || fail "the monitor did not end"
st=$(BERTH_ROOT=$FULL_ROOT "$B" ctr ls | awk -v n="$n" '$1 == n { print $2, $4 }')
expect "status and exit code on a full disk" "$st" "stopped 7"
out=$(BERTH_ROOT=$FULL_ROOT "$B" ctr logs "$n")
expect "output kept before the disk filled" "$out" "before-full"
rm -f "$FULL_ROOT/filler"
BERTH_ROOT=$FULL_ROOT "$B" ctr rm "$n" || fail "rm $n on the tmpfs"

# 8. The original finding's way: `run --rm` and `rm -f` SIGKILLed after random short delays. After
#    one `ls` (and the monitors' own removals) nothing is left: no container, no .new-/.rm-
#    directory, no cgroup.
for i in $(seq 1 24); do
    n=sec-loop$i-$$
    "$B" ctr run --rm "$n" --rootfs "$ROOTFS" -- sleep 0.2 >/dev/null 2>&1 &
    p=$!
    disown "$p"
    sleep "0.0$((RANDOM % 10))"
    kill -9 "$p" 2>/dev/null
    if [ $((i % 3)) = 0 ]; then
        "$B" ctr rm -f "$n" >/dev/null 2>&1 &
        p=$!
        disown "$p"
        sleep "0.0$((RANDOM % 5))"
        kill -9 "$p" 2>/dev/null
    fi
done
sleep 0.5
wait_until 10 sh -c "[ -z \"\$('$B' ctr ls | awk 'NR > 1')\" ]"
expect "containers after the kill loop" "$(names)" ""
left=$(ls -a "$BERTH_ROOT/lib/containers" "$BERTH_ROOT/run" | grep -e '^\.new-' -e '^\.rm-' -e loop |
    tr '\n' ' ')
expect "leftovers after the kill loop" "$left" ""
wait_until 5 sh -c "[ -z \"\$(ls -d /sys/fs/cgroup/*/berth-*/sec-loop*-$$ 2>/dev/null)\" ]"
expect "cgroups after the kill loop" "$(ls -d /sys/fs/cgroup/*/berth-*/sec-loop*-$$ 2>/dev/null)" ""

echo "PASS"
