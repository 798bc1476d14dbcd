#!/bin/bash
# SPDX-License-Identifier: MIT
# A hung libvirtd (SIGSTOP) does not block `berth --batch -n 1` beyond its time-out
# (BERTH_VM_TIMEOUT_MS=2000): berth prints its sample, reports the connection's state and
# exits 0 within ~10 s. libvirtd is always resumed (SIGCONT in the EXIT trap).
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

vm_name dom hung
vm_create "$dom" idle
berth vm start "$dom" || fail "berth vm start failed"
[ "$(batch_state "$dom")" = running ] || fail "$dom not running before the test"

pid=$(libvirtd_pid) || fail "no libvirtd pid"
kill -STOP "$pid"
note "libvirtd $pid stopped (SIGSTOP)"
t0=$(date +%s%N)
BERTH_VM_TIMEOUT_MS=2000 timeout -k 5 60 "$BERTH_BIN" -c "$URI" --batch --no-containers -f json -n 1 \
    >"$VM_TMP/hung.json" 2>"$VM_TMP/hung.err"
rc=$?
t1=$(date +%s%N)
kill -CONT "$pid"
ms=$(((t1 - t0) / 1000000))
note "berth --batch -n 1 against a stopped libvirtd: exit $rc after $ms ms"
note "stderr: $(head -c 400 "$VM_TMP/hung.err")"
[ $rc -eq 0 ] || fail "berth --batch exited $rc with libvirtd stopped (124 = killed by timeout)"
[ $ms -lt 10000 ] || fail "berth --batch took $ms ms with BERTH_VM_TIMEOUT_MS=2000 (bound 10 s)"
problems=()
python3 - "$VM_TMP/hung.json" "$URI" "$dom" <<'EOF' >"$VM_TMP/p1" || problems+=("berth --batch -n 1 during the hang: $(tail -1 "$VM_TMP/p1")")
import json, sys
path, uri, dom = sys.argv[1:]
lines = open(path).read().splitlines()
def bad(msg):
    print(msg)
    sys.exit(1)
if len(lines) != 1:
    bad("expected 1 sample, got %d" % len(lines))
s = json.loads(lines[0])
c = next((x for x in s["connections"] if x["uri"] == uri), None)
print("connection:", c)
if c is None:
    bad("connection %s missing" % uri)
if any(i["name"] == dom for i in s["instances"]):
    bad("stale domain shown during the hang")
if c["state"] == "connected":
    bad("a stopped libvirtd reported as connected")
if not c["reason"]:
    bad("connection %s with no reason: the time-out is not reported" % c["state"])
EOF
cat "$VM_TMP/p1"
# Resumed: the same command sees the connection and the domain again.
[ "$(batch_state "$dom")" = running ] || fail "after SIGCONT berth does not see $dom running"

# A berth that was connected when libvirtd hangs keeps printing samples (the time-out reported
# on the connection, the domain left out), and recovers when libvirtd resumes.
out=$VM_TMP/run.jsonl
BERTH_VM_TIMEOUT_MS=2000 bg "$BERTH_BIN" -c "$URI" --batch --no-containers -f json -n 0 -d 1 \
    >"$out" 2>"$VM_TMP/run.err"
batch_pid=$BG_PID
# count_lines COND: how many samples satisfy COND (Python over c = connection, d = domain).
count_lines() {
    python3 -c '
import json, sys
path, uri, dom, cond = sys.argv[1:]
n = 0
for ln in open(path).read().splitlines():
    s = json.loads(ln)
    c = next((x for x in s["connections"] if x["uri"] == uri), None)
    d = next((x for x in s["instances"] if x["name"] == dom), None)
    n += bool(eval(cond))
print(n)' "$out" "$URI" "$dom" "$1"
}
wait_count() { # COND N SECONDS
    local end=$((SECONDS + $3))
    while [ "$(count_lines "$1")" -lt "$2" ]; do
        kill -0 "$batch_pid" 2>/dev/null || fail "berth --batch -n 0 exited: $(cat "$VM_TMP/run.err")"
        [ $SECONDS -lt $end ] || fail "not $2 samples with ($1) within $3 s; last: $(tail -1 "$out")"
        sleep 0.2
    done
}
live='c["state"] == "connected" and d is not None and d["state"] == "running"'
wait_count "$live" 2 20
kill -STOP "$pid"
note "libvirtd stopped while berth --batch -n 0 -d 1 runs"
hung='c["state"] != "connected" and c["reason"] and d is None'
wait_count "$hung" 3 30
note "during the hang: $(tail -1 "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])')"
kill -CONT "$pid"
note "libvirtd resumed"
before=$(count_lines "$live")
wait_count "$live" $((before + 2)) 60
stale=$(count_lines 'c["state"] != "connected" and d is not None')
[ "$stale" -eq 0 ] || fail "$stale samples showed $dom while the connection was not connected"
[ ${#problems[@]} -eq 0 ] || fail "${problems[*]}"
echo "PASS: hung libvirtd: berth --batch -n 1 returned in $ms ms (exit 0); a running berth kept sampling through the hang, reported it and recovered"
