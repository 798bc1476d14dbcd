#!/bin/bash
# SPDX-License-Identifier: MIT
# The caller's file descriptors never become the container's stdio (security issue, item 2):
# a host file given as stdin of `run` or `exec`, or a host log that `exec` appends to, cannot be
# reopened through /proc/self/fd/N to be rewritten, chmod'ed or read from its start; the
# container's fds 0-2 are pipes (or its own pty with -t); a background process left by `exec`
# holds nothing of the caller's terminal; and an exec'd process dies with its killed client
# (item 9, exec part).
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

host=$SEC_WORK/hostfile
log=$SEC_WORK/hostlog
printf 'host secret, read-only\n' >"$host"
chmod 0444 "$host"
cp -p "$host" "$host.orig"
printf 'earlier log line with a password\n' >"$log"
cp -p "$log" "$log.orig"
# Undo whatever an attack changed, even when the test fails half way.
SEC_EXTRA_CLEANUP='cp -p "$host.orig" "$host" 2>/dev/null; chmod 0444 "$host" 2>/dev/null; cp -p "$log.orig" "$log" 2>/dev/null; [ -n "${PTYPID:-}" ] && kill "$PTYPID" 2>/dev/null'

host_unchanged() {
    cmp -s "$host" "$host.orig" || fail "$1: the host file's content changed: $(head -c 80 "$host")"
    local mode
    mode=$(stat -c %a "$host")
    [ "$mode" = 444 ] || fail "$1: the host file's mode is now $mode (was 444)"
    echo "ok: $1: host file unchanged (content and mode 444)"
    cp -p "$host.orig" "$host"
    chmod 0444 "$host"
}

attack='echo X > /proc/self/fd/0; chmod 4777 /proc/self/fd/0; for f in 0 1 2; do readlink /proc/self/fd/$f; done'

# in_ctr PATTERN: the pid of a process of container $c whose command line matches.
in_ctr() {
    local p
    for p in $(pgrep -f "$1"); do
        grep -q "/$c\$" /proc/"$p"/cgroup 2>/dev/null && echo "$p" && return
    done
}

# 1. Foreground run with a host file as stdin.
out=$("$BERTH_BIN" ctr run --rm "$(sec_name run)" --rootfs "$ROOTFS" -- sh -c "$attack" <"$host" 2>&1)
host_unchanged "run < 0444 file, written and chmod'ed through /proc/self/fd/0"
for l in $out; do
    case "$l" in pipe:*) ;; *) fail "run: a stdio fd of the container is '$l', not a pipe ($out)" ;; esac
done
echo "ok: run: fds 0-2 are pipes: $(echo $out)"

# Stdin still arrives, with its EOF; stdout and stderr stay apart; the exit code is kept.
out=$(printf 'hi\n' | "$BERTH_BIN" ctr run --rm "$(sec_name cat)" --rootfs "$ROOTFS" -- cat)
expect "run: stdin relayed" "$out" hi
out=$("$BERTH_BIN" ctr run --rm "$(sec_name err)" --rootfs "$ROOTFS" -- sh -c 'echo o; echo e >&2; exit 5' 2>/dev/null)
rc=$?
expect "run: stdout only, exit code" "$out $rc" "o 5"

# A reader of run's output that goes away ends the container's writer (EPIPE / SIGPIPE).
n=$(sec_name yes)
timeout -k 5 30 "$BERTH_BIN" ctr run --rm "$n" --rootfs "$ROOTFS" -- yes 2>/dev/null | head -2 >"$SEC_WORK/yes.out"
rc=${PIPESTATUS[0]}
out=$(tr '\n' ' ' <"$SEC_WORK/yes.out")
[ "$out" = "y y " ] && [ "$rc" -lt 124 ] || fail "run -- yes | head: got '$out', berth status $rc"
echo "ok: run -- yes | head ended (berth status $rc)"

# 2. exec with a host file as stdin, and with a host log as stdout (>>).
c=$(sec_name exec)
"$BERTH_BIN" ctr run -d "$c" --rootfs "$ROOTFS" -- sleep 600 >/dev/null || fail "run -d"
out=$("$BERTH_BIN" ctr exec "$c" -- sh -c "$attack" <"$host" 2>&1)
host_unchanged "exec < 0444 file, written and chmod'ed through /proc/self/fd/0"
for l in $out; do
    case "$l" in pipe:*) ;; *) fail "exec: a stdio fd of the process is '$l', not a pipe ($out)" ;; esac
done
echo "ok: exec: fds 0-2 are pipes: $(echo $out)"

"$BERTH_BIN" ctr exec "$c" -- sh -c 'head -c 200 /proc/$$/fd/1 >&2 & p=$!; sleep 1; kill $p 2>/dev/null; echo OVERWRITTEN > /proc/self/fd/1' \
    >>"$log" 2>"$SEC_WORK/exec.err" </dev/null
grep -q password "$SEC_WORK/exec.err" && fail "exec >> log: the process read the log's earlier content"
head -1 "$log" | grep -qx 'earlier log line with a password' ||
    fail "exec >> log: the log was rewritten from offset 0: $(head -c 80 "$log")"
echo "ok: exec >> log: earlier content neither read nor rewritten ($(wc -l <"$log") lines, first kept)"

out=$("$BERTH_BIN" ctr exec -t "$c" -- sh -c 'readlink /proc/self/fd/0' </dev/null | tr -d '\r')
case "$out" in /dev/pts/*) echo "ok: exec -t: stdin is the container's pty ($out)" ;;
*) fail "exec -t: stdin is '$out'" ;; esac

# Behaviour kept: exit codes, stderr apart, input EOF, 10 MB in order, SIGPIPE for `| head`.
"$BERTH_BIN" ctr exec "$c" -- sh -c 'exit 3'
expect "exec exit code" $? 3
out=$("$BERTH_BIN" ctr exec "$c" -- sh -c 'echo o; echo e >&2' 2>"$SEC_WORK/e")
expect "exec stdout/stderr" "$out/$(cat "$SEC_WORK/e")" "o/e"
out=$(printf 'a\nb\n' | "$BERTH_BIN" ctr exec "$c" -- wc -l)
expect "exec stdin with EOF" "$(echo $out)" 2
head -c 10000000 /dev/urandom >"$SEC_WORK/big"
"$BERTH_BIN" ctr exec "$c" -- cat <"$SEC_WORK/big" | cmp -s - "$SEC_WORK/big" ||
    fail "exec: 10 MB through cat did not arrive complete and in order"
echo "ok: exec: 10 MB through cat arrived complete and in order"
out=$(timeout 20 "$BERTH_BIN" ctr exec "$c" -- yes | head -2 | tr '\n' ' ')
expect "exec yes | head" "$out" "y y "
[ -n "$(in_ctr '^yes$')" ] && fail "exec: yes still runs after head went away"
echo "ok: exec: yes ended when head went away"

# 3. A background process left by exec keeps nothing of the caller's terminal. The caller is
# played by a pty (python); the leftover's fds must not point at that pty.
command -v python3 >/dev/null || skip "python3 needed to play the caller's terminal"
python3 - "$BERTH_BIN" "$c" "$SEC_WORK/ptyname" >"$SEC_WORK/pty.out" 2>&1 <<'PY' &
import fcntl, os, select, sys, termios, time
berth, ctr, namefile = sys.argv[1:4]
master, slave = os.openpty()
with open(namefile, "w") as f:
    f.write(os.ttyname(slave))
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for i in range(3):
        os.dup2(slave, i)
    os.execv(berth, [berth, "ctr", "exec", ctr, "--", "sh", "-c", "sleep 321 & echo started"])
os.close(slave)
out, code = b"", None
end = time.time() + 15
while time.time() < end and code is None:
    if select.select([master], [], [], 0.2)[0]:
        try:
            out += os.read(master, 1024)
        except OSError:
            pass
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:  # berth returned (a leftover may still keep the pty open)
        code = os.waitstatus_to_exitcode(st)
while select.select([master], [], [], 0.2)[0]:
    try:
        out += os.read(master, 1024)
    except OSError:
        break
print("exit", code, out.decode(errors="replace").strip())
PY
PTYPID=$!
wait "$PTYPID"
PTYPID=
grep -q "exit 0 started" "$SEC_WORK/pty.out" || fail "exec under a pty: $(cat "$SEC_WORK/pty.out")"
tty=$(cat "$SEC_WORK/ptyname")
left=$(in_ctr '^sleep 321$')
[ -n "$left" ] || fail "the background sleep left by exec is not running"
held=$(ls -l /proc/"$left"/fd 2>/dev/null | grep -F " $tty" || true)
[ -z "$held" ] || fail "the leftover process holds the caller's terminal $tty: $held"
echo "ok: exec returned under a terminal ($tty); its leftover holds none of it: $(ls -l /proc/"$left"/fd | awk 'NR>1 {print $NF}' | tr '\n' ' ')"
kill "$left"

# 4. A killed exec client takes its process with it.
"$BERTH_BIN" ctr exec "$c" -- sleep 432 &
cl=$!
for _ in $(seq 50); do [ -n "$(in_ctr '^sleep 432$')" ] && break; sleep 0.1; done
left=$(in_ctr '^sleep 432$')
[ -n "$left" ] || fail "exec'd sleep 432 did not start"
kill -9 "$cl"
wait "$cl" 2>/dev/null
for _ in $(seq 50); do [ -d /proc/"$left" ] || break; sleep 0.1; done
if [ -d /proc/"$left" ]; then
    kill -9 "$left"
    fail "the exec'd process survived its SIGKILLed client"
fi
echo "ok: SIGKILL of the exec client killed the exec'd process"
echo PASS
