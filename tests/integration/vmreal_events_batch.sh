#!/bin/bash
# SPDX-License-Identifier: MIT
# berth --batch sampling every 600 s prints a sample at once when a guest is started, paused or
# destroyed behind its back (with virsh). Skipped while src/ui/batch/batch.c does not watch the
# provider's vm_events_fd() (vmreal_events.sh checks the provider's events themselves).
. "$BERTH_SRC"/tests/integration/lib_vm.sh
grep -q vm_events_fd "$BERTH_SRC"/src/ui/batch/batch.c ||
    skip "berth --batch does not print a sample on lifecycle events yet (src/ui/batch/batch.c does not watch vm_events_fd)"
vm_setup

vm_name dom evb
vm_create "$dom" idle
out=$VM_TMP/batch.jsonl
bg berth --batch --no-containers -f json -n 0 -d 600 >"$out" 2>"$VM_TMP/batch.err"
batch_pid=$BG_PID
seen=0
# wait_line STATE SECONDS: a sample printed after the last one seen shows the domain in STATE.
wait_line() {
    local want=$1 end=$((SECONDS + $2)) n got
    while [ $SECONDS -lt $end ]; do
        kill -0 "$batch_pid" 2>/dev/null || fail "berth --batch exited: $(cat "$VM_TMP/batch.err")"
        n=$(wc -l <"$out")
        if [ "$n" -gt "$seen" ]; then
            got=$(sed -n "${n}p" "$out" | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
print(next((i["state"] for i in s["instances"] if i["name"] == sys.argv[1]), "absent"))' "$dom")
            seen=$n
            [ "$got" = "$want" ] && return 0
        fi
        sleep 0.1
    done
    fail "berth --batch -d 600: no sample showing $dom $want within $2 s; last: $(tail -1 "$out" | head -c 600)"
}
wait_line stopped 15
for step in "start:running" "suspend:paused" "destroy:stopped"; do
    t=$SECONDS
    virsh_ "${step%%:*}" "$dom" >/dev/null || fail "virsh ${step%%:*} failed"
    wait_line "${step#*:}" 10
    note "virsh ${step%%:*}: berth --batch printed $dom ${step#*:} after $((SECONDS - t)) s"
done
lines=$(wc -l <"$out")
[ "$lines" -le 10 ] || fail "$lines samples in well under the 600 s interval: polling, not events"
echo "PASS: lifecycle events reach berth's provider and berth --batch at once ($lines samples)"
