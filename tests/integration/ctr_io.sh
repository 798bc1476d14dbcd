#!/bin/sh
# SPDX-License-Identifier: MIT
# Output and terminals: logs (tail, follow, the size cap and rotation), exec -t, attach to a
# --tty container and its detach keys (Ctrl-P Ctrl-Q).
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

# Log cap: with an 8 KiB cap, 200 KiB of output leaves at most two capped files.
export BERTH_CTR_LOG_MAX=8192
b ctr run "$P-log" --rootfs "$ROOTFS" -- /bin/sh -c 'i=0; while [ $i -lt 4000 ]; do echo "line $i 0123456789012345678901234567890123456789"; i=$((i+1)); done' >/dev/null ||
    fail "chatty run"
d="$BERTH_ROOT/lib/containers/$P-log"
s0=$(stat -c %s "$d/log")
s1=$(stat -c %s "$d/log.1")
[ "$s0" -le 8192 ] && [ "$s1" -le 8192 ] || fail "log sizes $s0 and $s1 exceed the 8192 cap"
[ "$(ls "$d" | grep -c '^log')" -eq 2 ] || fail "more than two log files: $(ls "$d")"
[ "$(b ctr logs --tail 1 "$P-log")" = "line 3999 0123456789012345678901234567890123456789" ] ||
    fail "logs --tail 1: $(b ctr logs --tail 1 "$P-log")"
[ "$(b ctr logs --tail 3 "$P-log" | wc -l)" -eq 3 ] || fail "logs --tail 3"
ok "log capped at 8192 bytes per file, rotated once ($s1 + $s0 bytes kept), tail works"
unset BERTH_CTR_LOG_MAX

# logs -f follows until the container stops.
b ctr run -d "$P-f" --rootfs "$ROOTFS" -- /bin/sh -c 'sleep 0.5; echo first; sleep 0.5; echo second' >/dev/null
out=$(timeout 10 "$BERTH_BIN" ctr logs -f "$P-f")
rc=$?
[ "$rc" -eq 0 ] || fail "logs -f exit $rc (did it stop with the container?)"
[ "$(echo "$out" | tr '\n' ' ')" = "first second " ] || fail "logs -f gave: $out"
ok "logs -f printed the lines as they came and ended with the container"

# exec -t: the process gets a terminal.
b ctr run -d "$P-t" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null
out=$(b ctr exec -t "$P-t" -- /bin/sh -c 'tty; [ -t 0 ] && echo is-a-tty' </dev/null | tr -d '\r')
echo "$out" | grep -q "^/dev/pts/" && echo "$out" | grep -qx is-a-tty || fail "exec -t: $out"
ok "exec -t: stdin is a terminal ($(echo "$out" | head -1))"
out=$(b ctr exec "$P-t" -- /bin/sh -c '[ -t 0 ] && echo tty || echo no-tty' </dev/null)
[ "$out" = no-tty ] || fail "exec without -t has a tty"
ok "exec without -t: no terminal"

# attach: input reaches the container's shell, output comes back; Ctrl-P Ctrl-Q detaches.
b ctr run -d --tty "$P-a" --rootfs "$ROOTFS" -- /bin/sh >/dev/null || fail "run --tty"
out=$( (sleep 0.5; printf 'echo attach-$((6*7))\n'; sleep 1; printf '\020\021') |
    timeout 10 "$BERTH_BIN" ctr attach "$P-a" 2>&1 | tr -d '\r')
echo "$out" | grep -q "attach-42" || fail "attach: no output of the typed command: $out"
echo "$out" | grep -q "detached" || fail "attach did not detach on Ctrl-P Ctrl-Q: $out"
[ "$(status_of "$P-a")" = running ] || fail "the container stopped on detach"
ok "attach: typed command ran (attach-42), Ctrl-P Ctrl-Q detached, container still running"
(sleep 0.5; printf 'exit 4\n') | timeout 10 "$BERTH_BIN" ctr attach "$P-a" >/dev/null 2>&1
wait_for 5 is_status "$P-a" stopped || fail "exit typed over attach did not stop it"
[ "$(json_field "$P-a" exit_code)" = 4 ] || fail "exit code over attach $(json_field "$P-a" exit_code)"
ok "exit 4 typed over attach: container stopped with status 4"
echo PASS
