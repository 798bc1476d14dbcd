#!/bin/sh
# SPDX-License-Identifier: MIT
# The container outlives the berth that started it (SIGKILL) and any later berth finds it; a lost
# monitor shows as stale, never as running; two concurrent starts: exactly one wins.
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

gone() { # gone NAME: no definition, no runtime directory, no cgroup, nothing renamed left
    ! b ctr inspect "$1" >/dev/null 2>&1 && [ ! -e "$BERTH_ROOT/run/$1" ] &&
        [ ! -d "$(cg_dir pids "$1")" ] && [ -z "$(ls -A "$BERTH_ROOT/lib/containers" "$BERTH_ROOT/run" | grep '^\.rm-')" ]
}

# SIGKILL the berth running a container in the foreground. (The binary itself in the background,
# not the function b: $! must be berth's pid, not a subshell's.)
"$BERTH_BIN" ctr run "$P-fg" --rootfs "$ROOTFS" -- /bin/sh -c 'sleep 1000' >/dev/null 2>&1 &
bpid=$!
wait_for 10 is_status "$P-fg" running || fail "container never ran"
kill -9 "$bpid"
wait "$bpid" 2>/dev/null
! kill -0 "$bpid" 2>/dev/null || fail "berth $bpid survived SIGKILL"
sleep 0.5
[ "$(status_of "$P-fg")" = running ] || fail "after SIGKILL of berth: $(status_of "$P-fg")"
pid=$(json_field "$P-fg" pid)
kill -0 "$pid" || fail "init $pid died with the berth that started it"
ok "SIGKILL of the starting berth: container still running (pid $pid), found by a new berth"
b --batch -f json --no-vms 2>/dev/null | grep -q "\"id\":\"$P-fg\",\"name\":\"$P-fg\",\"state\":\"running\"" ||
    fail "a new berth --batch does not show it running"
ok "berth --batch shows it running"
b ctr stop -t 1 "$P-fg" || fail "stop after the berth died"
[ "$(json_field "$P-fg" exit_code)" = 137 ] || fail "exit code not recorded"
ok "stopped later, exit recorded (137)"

# Monitor killed: stale, not running; rm cleans up; start works again.
b ctr start "$P-fg" || fail "start again"
mon=$(b ctr inspect "$P-fg" | sed -n 's/^    "monitor_pid":\([0-9]*\).*/\1/p')
ipid=$(json_field "$P-fg" pid)
[ -n "$mon" ] || fail "no monitor pid in inspect"
kill -9 "$mon"
sleep 0.3
[ "$(status_of "$P-fg")" = stale ] || fail "monitor killed: status $(status_of "$P-fg"), expected stale"
b ctr ls | grep -q "^$P-fg  *crashed  *[-0-9]*  *[-0-9]*  *stale " || fail "ls does not show crashed/stale: $(b ctr ls)"
b --batch -f json --no-vms 2>/dev/null | grep -q "\"id\":\"$P-fg\",\"name\":\"$P-fg\",\"state\":\"crashed\",\"state_reason\":\"stale\"" ||
    fail "batch does not show crashed/stale"
ok "monitor SIGKILLed: shown as stale (crashed in batch), not running"
kill -9 "$ipid" 2>/dev/null
b ctr start "$P-fg" || fail "start of a stale container"
[ "$(status_of "$P-fg")" = running ] || fail "restart after stale"
b ctr rm -f "$P-fg" || fail "rm -f"
ok "a stale container starts again and is removed"

# run --rm in the foreground: the monitor removes the container when it exits, also when the
# berth that started it was SIGKILLed meanwhile.
"$BERTH_BIN" ctr run --rm "$P-rm" --rootfs "$ROOTFS" -- /bin/sh -c 'sleep 1' >/dev/null 2>&1 &
bpid=$!
wait_for 10 is_status "$P-rm" running || fail "--rm container never ran"
kill -9 "$bpid"
wait "$bpid" 2>/dev/null
wait_for 10 gone "$P-rm" || fail "--rm container left behind after its berth was SIGKILLed: $(ls -A "$BERTH_ROOT/lib/containers" "$BERTH_ROOT/run")"
ok "run --rm: berth SIGKILLed, the container ran on and was removed at its exit"

# run --rm in the foreground, its monitor SIGKILLed: berth says so and removes the container.
"$BERTH_BIN" ctr run --rm "$P-rmk" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null 2>"$BERTH_ROOT/e-rmk" &
bpid=$!
wait_for 10 is_status "$P-rmk" running || fail "--rm container never ran"
ipid=$(json_field "$P-rmk" pid)
mon=$(b ctr inspect "$P-rmk" | sed -n 's/^    "monitor_pid":\([0-9]*\).*/\1/p')
kill -9 "$mon"
rc=0
wait "$bpid" || rc=$?
[ "$rc" -ne 0 ] || fail "run --rm returned 0 after its monitor was killed"
grep -q "monitor was lost" "$BERTH_ROOT/e-rmk" || fail "no word of the lost monitor: $(cat "$BERTH_ROOT/e-rmk")"
gone "$P-rmk" || fail "--rm container left after its monitor was killed"
dead_or_zombie() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
wait_for 5 dead_or_zombie "$ipid" || fail "the init $ipid still runs"
ok "run --rm, monitor SIGKILLed: exit $rc, '$(cat "$BERTH_ROOT/e-rmk")', container and init gone"

# rm -f of a running foreground --rm container: killed, removed by its monitor, rm succeeds.
"$BERTH_BIN" ctr run --rm "$P-rmf" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null 2>&1 &
bpid=$!
wait_for 10 is_status "$P-rmf" running || fail "--rm container never ran"
out=$(b ctr rm -f "$P-rmf" 2>&1) || fail "rm -f of a running --rm container failed: $out"
rc=0
wait "$bpid" || rc=$?
[ "$rc" = 137 ] || fail "its run returned $rc, expected 137"
wait_for 10 gone "$P-rmf" || fail "left behind after rm -f"
ok "rm -f of a running run --rm container: exit 0, the run says 137, nothing left"

# One name, run --rm back to back: each run finds the name free (removal renames first).
for i in 1 2 3 4 5; do
    out=$(b ctr run --rm "$P-again" --rootfs "$ROOTFS" -- /bin/sh -c "echo run$i; exit $i") && fail "exit $i lost"
    [ "$out" = "run$i" ] || fail "run $i printed '$out'"
done
wait_for 10 gone "$P-again" || fail "back-to-back runs left files behind"
ok "five back-to-back run --rm of one name: output and exit status each time, nothing left"

# A remover killed between renaming a container away and deleting it leaves ".rm-NAME-PID":
# the next listing deletes it, unless that remover is still alive.
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir -p "$BERTH_ROOT/lib/containers/.rm-x-$dead/upper/etc" "$BERTH_ROOT/run/.rm-x-$dead/rootfs" \
    "$BERTH_ROOT/lib/containers/.rm-y-$$"
b ctr ls >/dev/null || fail "ls"
[ ! -e "$BERTH_ROOT/lib/containers/.rm-x-$dead" ] && [ ! -e "$BERTH_ROOT/run/.rm-x-$dead" ] ||
    fail "leftovers of a dead remover ($dead) not swept"
[ -d "$BERTH_ROOT/lib/containers/.rm-y-$$" ] || fail "a live remover's directory was swept"
rmdir "$BERTH_ROOT/lib/containers/.rm-y-$$"
ok "ls sweeps what a dead remover left, and only that"

# A recycled pid is not taken for the container: forge a state whose pids are alive but other.
b ctr create "$P-rec" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
mkdir -p "$BERTH_ROOT/run/$P-rec"
boot=$(cat /proc/sys/kernel/random/boot_id)
sleep 100 &
other=$!
cat >"$BERTH_ROOT/run/$P-rec/state.json" <<JSON
{"status":"running","monitor_pid":$other,"monitor_start":1,"pid":$other,"pid_start":1,"boot_id":"$boot","started_ns":1,"finished_ns":0,"exit_code":-1,"oom_killed":false,"autoremove":false,"cgroup":"","cgroup_manager":"hybrid"}
JSON
[ "$(status_of "$P-rec")" = stale ] || fail "a live pid with another start time was taken as the container"
kill "$other"
ok "a recycled pid (start time differs) shows as stale"
b ctr rm -f "$P-rec" >/dev/null

# Two concurrent starts of one container: exactly one succeeds.
b ctr create "$P-cc" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "create"
b ctr start "$P-cc" 2>"$BERTH_ROOT/e1" &
p1=$!
b ctr start "$P-cc" 2>"$BERTH_ROOT/e2" &
p2=$!
r1=0 r2=0
wait "$p1" || r1=$?
wait "$p2" || r2=$?
if [ "$r1" -eq 0 ]; then wins=1; else wins=0; fi
[ "$r2" -eq 0 ] && wins=$((wins + 1))
[ "$wins" -eq 1 ] || fail "$wins of 2 concurrent starts succeeded ($r1, $r2)"
cat "$BERTH_ROOT/e1" "$BERTH_ROOT/e2" | grep -q "already running" || fail "the loser's error: $(cat "$BERTH_ROOT/e1" "$BERTH_ROOT/e2")"
n=$(cat "$(cg_dir pids "$P-cc")/cgroup.procs" | wc -l)
[ "$n" -eq 1 ] || fail "$n processes in the cgroup: started twice?"
ok "two concurrent starts: exactly one won, the other said 'already running'"
echo PASS
