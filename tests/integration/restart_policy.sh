#!/bin/bash
# SPDX-License-Identifier: MIT
# --restart (issue 13), enforced by the monitor: on-failure:3 restarts three times, then the
# container stays stopped with its last status; on-failure leaves a clean exit alone; always
# survives a kill of its init (a new init, the count in inspect and batch JSON); `ctr stop`
# ends it for good, also in the middle of a back-off; unless-stopped stays stopped after stop.
. "$(dirname "$0")/lib_ctr.sh"

restarts() { b ctr ls --format json | python3 -c "
import json, sys
print([c['restarts'] for c in json.load(sys.stdin) if c['name'] == '$1'][0])"; }

b ctr run -d "$P-of" --rootfs "$ROOTFS" --restart on-failure:3 -- /bin/sh -c 'echo run; exit 3' >/dev/null ||
    fail "run on-failure:3"
wait_for 60 sh -c "[ \"\$($BERTH_BIN ctr logs $P-of | grep -c '^run$')\" = 4 ] && $BERTH_BIN ctr inspect $P-of | grep -q '\"status\":\"stopped\"'" ||
    fail "on-failure:3 did not run 4 times and stop: $(b ctr logs "$P-of" | grep -c run) runs, $(status_of "$P-of")"
sleep 1
[ "$(b ctr logs "$P-of" | grep -c '^run$')" = 4 ] || fail "it ran again after the third restart"
[ "$(restarts "$P-of")" = 3 ] || fail "restart count $(restarts "$P-of"), want 3"
[ "$(json_field "$P-of" exit_code)" = 3 ] || fail "last exit status not kept"
ok "on-failure:3: three restarts, then stopped with status 3"

b ctr run -d "$P-ok" --rootfs "$ROOTFS" --restart on-failure -- /bin/sh -c 'echo run; exit 0' >/dev/null || fail "run"
wait_for 20 is_status "$P-ok" stopped || fail "on-failure with exit 0 did not stop"
sleep 1
[ "$(b ctr logs "$P-ok" | grep -c '^run$')" = 1 ] || fail "on-failure restarted a clean exit"
ok "on-failure leaves a clean exit alone"

b ctr run -d "$P-al" --rootfs "$ROOTFS" --restart always -- /bin/sleep 1000 >/dev/null || fail "run always"
pid1=$(json_field "$P-al" pid)
[ -n "$pid1" ] && [ "$pid1" != null ] || fail "no pid"
kill -9 "$pid1"
wait_for 30 sh -c "p=\$($BERTH_BIN ctr inspect $P-al | sed -n 's/^  \"pid\":\([0-9]*\),/\1/p'); [ -n \"\$p\" ] && [ \"\$p\" != $pid1 ]" ||
    fail "always: no new init after the kill"
is_status "$P-al" running || fail "always: not running after the kill"
[ "$(restarts "$P-al")" = 1 ] || fail "restart count $(restarts "$P-al"), want 1"
"$BERTH_BIN" --batch --no-vms -f json -n 1 | python3 -c "
import json, sys
for line in sys.stdin:
    for r in (lambda d: d if isinstance(d, list) else d.get('instances', [d]))(json.loads(line)):
        if r.get('name') == '$P-al':
            assert r['restarts'] == 1, r
            sys.exit(0)
sys.exit(1)" || fail "batch JSON does not show restarts 1"
ok "always: survives a kill of its init, restarts 1 in ls and batch JSON"
b ctr stop -t 2 "$P-al" >/dev/null || fail "stop always"
sleep 1
is_status "$P-al" stopped || fail "always: restarted after ctr stop"
ok "ctr stop ends an always container for good"

# A crash loop: stop arrives during a back-off.
b ctr run -d "$P-loop" --rootfs "$ROOTFS" --restart always -- /bin/false >/dev/null || fail "run loop"
wait_for 30 sh -c "[ \$($BERTH_BIN ctr ls --format json | grep -c '\"restarts\":[3-9]') -ge 1 ]" ||
    fail "the crash loop did not restart"
b ctr stop -t 2 "$P-loop" >/dev/null || fail "stop during the back-off"
n=$(restarts "$P-loop")
sleep 2
is_status "$P-loop" stopped || fail "crash loop still running after stop"
[ "$(restarts "$P-loop")" = "$n" ] || fail "it restarted after stop"
ok "stop during a back-off ends the loop"

b ctr run -d "$P-us" --rootfs "$ROOTFS" --restart unless-stopped -- /bin/sleep 1000 >/dev/null || fail "run unless-stopped"
b ctr stop -t 1 "$P-us" >/dev/null || fail "stop unless-stopped"
sleep 1
is_status "$P-us" stopped || fail "unless-stopped restarted after ctr stop"
ok "unless-stopped stays stopped after ctr stop"
echo "PASS: restart policies"
