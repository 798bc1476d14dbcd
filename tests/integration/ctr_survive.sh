#!/bin/sh
# SPDX-License-Identifier: MIT
# The container outlives the berth that started it (SIGKILL) and any later berth finds it; a lost
# monitor shows as stale, never as running; two concurrent starts: exactly one wins.
. "$(dirname "$0")/lib-ctr.sh"

# SIGKILL the berth running a container in the foreground.
b ctr run "$P-fg" --rootfs "$ROOTFS" -- /bin/sh -c 'sleep 1000' >/dev/null 2>&1 &
bpid=$!
wait_for 10 is_status "$P-fg" running || fail "container never ran"
kill -9 "$bpid"
wait "$bpid" 2>/dev/null
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
b ctr ls | grep -q "^$P-fg  *stale" || fail "ls does not show stale"
b --batch -f json --no-vms 2>/dev/null | grep -q "\"id\":\"$P-fg\",\"name\":\"$P-fg\",\"state\":\"crashed\",\"state_reason\":\"stale\"" ||
    fail "batch does not show crashed/stale"
ok "monitor SIGKILLed: shown as stale (crashed in batch), not running"
kill -9 "$ipid" 2>/dev/null
b ctr start "$P-fg" || fail "start of a stale container"
[ "$(status_of "$P-fg")" = running ] || fail "restart after stale"
b ctr rm -f "$P-fg" || fail "rm -f"
ok "a stale container starts again and is removed"

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
