#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth ctr start --all-restartable` after a simulated reboot (every monitor and init SIGKILLed,
# the runtime directory gone as /run is at boot): always and unless-stopped containers that were
# running come back; an unless-stopped one stopped by `ctr stop` does not, nor do `no`,
# on-failure and never-started ones. A second call starts nothing.
. "$(dirname "$0")/lib_ctr.sh"

for p in always unless-stopped no on-failure; do
    b ctr run -d "$P-$p" --rootfs "$ROOTFS" --restart $p -- /bin/sleep 1000 >/dev/null || fail "run $p"
done
b ctr run -d "$P-usstop" --rootfs "$ROOTFS" --restart unless-stopped -- /bin/sleep 1000 >/dev/null || fail "run"
b ctr stop -t 1 "$P-usstop" >/dev/null || fail "stop"
b ctr run -d "$P-alstop" --rootfs "$ROOTFS" --restart always -- /bin/sleep 1000 >/dev/null || fail "run"
b ctr stop -t 1 "$P-alstop" >/dev/null || fail "stop"
b ctr create "$P-never" --rootfs "$ROOTFS" --restart always -- /bin/sleep 1000 >/dev/null || fail "create"

# The "reboot": our monitors and inits killed by pid, the runtime directory gone.
pids=
for f in "$BERTH_ROOT"/run/*/state.json; do
    pids="$pids $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["monitor_pid"], s["pid"])' "$f")"
done
for p in $pids; do [ "$p" -gt 1 ] && kill -9 "$p" 2>/dev/null; done
for p in $pids; do
    [ "$p" -gt 1 ] || continue
    wait_for 10 sh -c "! kill -0 $p" || fail "pid $p did not die"
done
rm -rf "$BERTH_ROOT/run"
ok "simulated reboot"

out=$(b ctr start --all-restartable) || fail "start --all-restartable: $out"
want=$(printf '%s\n' "$P-alstop" "$P-always" "$P-unless-stopped")
[ "$(echo "$out" | sort)" = "$want" ] || fail "started '$out', want '$want'"
for n in alstop always unless-stopped; do
    is_status "$P-$n" running || fail "$P-$n is not running"
done
for n in usstop no on-failure never; do
    is_status "$P-$n" running && fail "$P-$n was started"
done
ok "always (even stopped by hand) and unless-stopped come back; the others do not"
out=$(b ctr start --all-restartable) || fail "second call"
[ -z "$out" ] || fail "a second call started '$out'"
ok "a second call starts nothing"
expect_err "--all-restartable with a NAME" b ctr start --all-restartable "$P-no"
echo "PASS: start --all-restartable"
