#!/bin/sh
# SPDX-License-Identifier: MIT
# Containers: run in the foreground and detached, exit codes, stop/kill/pause/resume/restart,
# ls/inspect, and nothing left behind after rm (no mount, no cgroup, no files).
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

# Foreground run: output comes through, the exit status is the container's.
out=$(b ctr run --rm "$P-fg" --rootfs "$ROOTFS" -- /bin/sh -c 'echo hello-out; echo hello-err >&2; exit 3' 2>&1)
rc=$?
[ "$rc" -eq 3 ] || fail "foreground run exit status $rc, expected 3"
echo "$out" | grep -qx hello-out || fail "stdout not forwarded: $out"
echo "$out" | grep -qx hello-err || fail "stderr not forwarded: $out"
[ ! -e "$BERTH_ROOT/lib/containers/$P-fg" ] || fail "--rm left the definition"
ok "run --rm: output forwarded, exit status 3, removed"

# stdin is forwarded in the foreground.
out=$(echo piped-in | b ctr run --rm "$P-in" --rootfs "$ROOTFS" -- /bin/cat)
[ "$out" = piped-in ] || fail "stdin not forwarded: '$out'"
ok "run: stdin forwarded"

# Detached: it runs, ls and inspect show it with a live pid.
b ctr run -d "$P-d" --rootfs "$ROOTFS" -- /bin/sh -c 'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done' >/dev/null ||
    fail "run -d failed"
[ "$(status_of "$P-d")" = running ] || fail "status after run -d: $(status_of "$P-d")"
pid=$(json_field "$P-d" pid)
kill -0 "$pid" 2>/dev/null || fail "inspect pid $pid is not alive"
b ctr ls | grep -q "^$P-d  *running  *$pid " || fail "ls does not show it running: $(b ctr ls)"
b ctr ls --format json | grep -q "\"name\":\"$P-d\"" || fail "ls --format json lacks it"
ok "run -d: running, pid $pid alive, in ls (table and json)"

# pause / resume with the freezer: the log stops growing while paused.
b ctr pause "$P-d" || fail "pause"
[ "$(status_of "$P-d")" = paused ] || fail "status after pause: $(status_of "$P-d")"
fz=$(cg_dir freezer "$P-d")
if [ -f "$fz/freezer.state" ]; then
    [ "$(cat "$fz/freezer.state")" = FROZEN ] || fail "freezer.state is $(cat "$fz/freezer.state")"
fi
n1=$(b ctr logs "$P-d" | wc -l)
sleep 1
n2=$(b ctr logs "$P-d" | wc -l)
[ "$n1" -eq "$n2" ] || fail "log grew while paused ($n1 -> $n2)"
b ctr resume "$P-d" || fail "resume"
sleep 1
n3=$(b ctr logs "$P-d" | wc -l)
[ "$n3" -gt "$n2" ] || fail "log did not grow after resume ($n2 -> $n3)"
[ "$(status_of "$P-d")" = running ] || fail "status after resume"
ok "pause froze it ($n1 = $n2 lines), resume thawed it ($n3 lines)"

# stop: SIGTERM is handled (trap) -> exit 0 quickly.
b ctr stop -t 5 "$P-d" || fail "stop"
[ "$(status_of "$P-d")" = stopped ] || fail "status after stop: $(status_of "$P-d")"
[ "$(json_field "$P-d" exit_code)" = 0 ] || fail "exit code after TERM handler: $(json_field "$P-d" exit_code)"
kill -0 "$pid" 2>/dev/null && fail "init pid $pid still alive after stop"
ok "stop: SIGTERM handled, exit code 0"

# restart: a new init.
b ctr restart "$P-d" || fail "restart"
pid2=$(json_field "$P-d" pid)
[ "$(status_of "$P-d")" = running ] && [ "$pid2" != "$pid" ] || fail "restart: status $(status_of "$P-d") pid $pid2"
ok "restart: running again with pid $pid2"

# stop with a grace time, on a process ignoring SIGTERM (pid 1 without a handler): SIGKILL -> 137.
b ctr run -d "$P-k" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "run sleep"
start=$(date +%s)
b ctr stop -t 1 "$P-k" || fail "stop -t 1"
[ "$(json_field "$P-k" exit_code)" = 137 ] || fail "exit code after SIGKILL: $(json_field "$P-k" exit_code)"
[ $(($(date +%s) - start)) -lt 8 ] || fail "stop -t 1 took too long"
ok "stop -t 1: SIGKILL after the grace time, exit code 137 (128+9)"

# kill -s: a signal the process handles; and KILL.
b ctr start "$P-k" || fail "start again"
b ctr kill -s KILL "$P-k" || fail "kill -s KILL"
wait_for 5 is_status "$P-k" stopped ||
    fail "not stopped after kill"
[ "$(json_field "$P-k" exit_code)" = 137 ] || fail "kill: exit $(json_field "$P-k" exit_code)"
b ctr run -d "$P-u" --rootfs "$ROOTFS" -- /bin/sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
sleep 0.3
b ctr kill -s SIGUSR1 "$P-u" || fail "kill -s SIGUSR1"
wait_for 5 sh -c "\"$BERTH_BIN\" ctr inspect $P-u | grep -q '\"exit_code\":42'" || fail "USR1 not delivered"
ok "kill -s KILL -> 137; kill -s SIGUSR1 -> handler's exit 42"

# Signals start at their defaults in a container (the monitor ignores SIGINT, SIGHUP and
# SIGPIPE; ignored signals survive execve): none ignored, also for exec from a shell that
# ignores some; SIGINT to a foreground `run` reaches the container's trap; a broken pipe ends
# the writer quietly, as on the host.
out=$(b ctr run --rm "$P-sig" --rootfs "$ROOTFS" -- grep SigIgn /proc/self/status)
[ "$out" = "SigIgn:	0000000000000000" ] || fail "signals ignored in the container: $out"
# Also glibc's own real-time signals (32, 33), which signal() cannot reset, ignored by the caller.
cat >"$BERTH_ROOT/ign.c" <<'C'
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    struct { void (*h)(int); unsigned long f; void (*r)(void); uint64_t m; } ign = {SIG_IGN, 0, 0, 0};
    (void)argc;
    syscall(SYS_rt_sigaction, 32, &ign, 0, 8);
    syscall(SYS_rt_sigaction, 33, &ign, 0, 8);
    execv(argv[1], argv + 1);
    return 127;
}
C
cc_cached "$BERTH_ROOT/ign" "$BERTH_ROOT/ign.c" || fail "cannot compile the helper"
out=$("$BERTH_ROOT/ign" "$BERTH_BIN" ctr run --rm "$P-sig" --rootfs "$ROOTFS" -- grep SigIgn /proc/self/status)
[ "$out" = "SigIgn:	0000000000000000" ] || fail "signals 32/33 ignored by the caller stay ignored inside: $out"
b ctr run -d "$P-sx" --rootfs "$ROOTFS" -- /bin/sleep 100 >/dev/null || fail "run -d"
out=$(sh -c 'trap "" INT PIPE HUP; exec "$0" ctr exec "$1" -- grep SigIgn /proc/self/status' "$BERTH_BIN" "$P-sx")
[ "$out" = "SigIgn:	0000000000000000" ] || fail "exec from a shell ignoring INT/PIPE/HUP: $out"
b ctr rm -f "$P-sx" >/dev/null
out=$(b ctr run --rm "$P-pipe" --rootfs "$ROOTFS" -- /bin/sh -c 'yes | head -c 2; echo " rc=$?"' 2>&1)
[ "$(echo "$out" | tr -d '\n')" = "y rc=0" ] || fail "a broken pipe inside the container: '$out'"
"$BERTH_BIN" ctr run --rm "$P-int" --rootfs "$ROOTFS" -- /bin/sh -c 'trap "exit 7" INT; sleep 100 & wait' >/dev/null 2>&1 &
bpid=$!
wait_for 10 is_status "$P-int" running || fail "the SIGINT container never ran"
sleep 0.3
kill -INT "$bpid"
rc=0
wait "$bpid" || rc=$?
[ "$rc" = 7 ] || fail "SIGINT to berth run: exit $rc, expected the trap's 7"
ok "signals at their defaults inside (run and exec); SIGINT to run reaches the trap (exit 7); yes|head ends quietly"

# Exit recorded with no berth running: a short-lived detached container.
b ctr run -d "$P-s" --rootfs "$ROOTFS" -- /bin/sh -c 'sleep 0.5; exit 9' >/dev/null
sleep 2
[ "$(status_of "$P-s")" = stopped ] && [ "$(json_field "$P-s" exit_code)" = 9 ] ||
    fail "exit not recorded by the monitor: $(status_of "$P-s") $(json_field "$P-s" exit_code)"
b ctr inspect "$P-s" | grep -q '"finished":"[0-9]' || fail "no finish time"
ok "exit status 9 and time recorded by the monitor alone"

# rm: running refused without -f; with -f nothing is left behind.
b ctr rm "$P-d" 2>/dev/null && fail "rm of a running container succeeded without -f"
b ctr rm -f "$P-d" "$P-k" "$P-u" "$P-s" || fail "rm -f"
for n in "$P-d" "$P-k" "$P-u" "$P-s"; do
    [ ! -e "$BERTH_ROOT/lib/containers/$n" ] || fail "definition of $n left"
    [ ! -e "$BERTH_ROOT/run/$n" ] || fail "runtime dir of $n left"
    ls -d /sys/fs/cgroup/*/"$CGP"/"$n" "$CGBASE/$CGP/$n" 2>/dev/null && fail "cgroup of $n left"
done
grep -q "$BERTH_ROOT" /proc/mounts && fail "a mount under $BERTH_ROOT is left: $(grep "$BERTH_ROOT" /proc/mounts)"
[ -z "$(ls "$BERTH_ROOT/lib/containers")" ] || fail "files left: $(ls -a "$BERTH_ROOT/lib/containers")"
ok "rm -f: no definition, runtime dir, cgroup or mount left"
echo "PASS"
