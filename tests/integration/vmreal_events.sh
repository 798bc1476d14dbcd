#!/bin/bash
# SPDX-License-Identifier: MIT
# Lifecycle events reach berth without waiting for the next refresh: with berth --batch sampling
# every 600 s, a guest started, paused and destroyed behind berth's back (with virsh) shows up in
# a sample printed within a few seconds of each change.
. "$BERTH_SRC"/tests/integration/lib-vm.sh
vm_setup

vm_name dom ev
vm_create "$dom" idle
out=$VM_TMP/batch.jsonl
bg berth --batch --no-containers -f json -n 0 -d 600 >"$out" 2>"$VM_TMP/batch.err"
batch_pid=$BG_PID

# wait_line STATE SECONDS: a sample line, printed after the last one seen, shows the domain in
# STATE. Prints how long it took.
seen=0
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
    fail "no sample showing $dom $want within $2 s (interval 600 s); last line: $(tail -1 "$out" | head -c 600)"
}

wait_line stopped 15
note "first sample: $dom stopped"
t=$SECONDS
virsh_ start "$dom" >/dev/null || fail "virsh start failed"
wait_line running 10
note "started with virsh: sample after $((SECONDS - t)) s"
t=$SECONDS
virsh_ suspend "$dom" >/dev/null || fail "virsh suspend failed"
wait_line paused 10
note "suspended with virsh: sample after $((SECONDS - t)) s"
t=$SECONDS
virsh_ destroy "$dom" >/dev/null || fail "virsh destroy failed"
wait_line stopped 10
note "destroyed with virsh: sample after $((SECONDS - t)) s"
lines=$(wc -l <"$out")
[ "$lines" -le 8 ] || fail "$lines samples printed in a run well under the 600 s interval: not event-driven but polling fast"
echo "PASS: lifecycle events produce samples at once ($lines samples, interval 600 s)"
