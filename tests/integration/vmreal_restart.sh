#!/bin/bash
# SPDX-License-Identifier: MIT
# libvirtd is killed and started again while `berth --batch -n 0 -d 1` runs: berth keeps
# running, reports the connection as reconnecting (and leaves the domain out rather than show
# stale figures), then connected again with the still-running domain back in its samples.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

vm_name dom rs
vm_create "$dom" idle
berth vm start "$dom" || fail "berth vm start failed"
out=$VM_TMP/batch.jsonl
bg berth --batch --no-containers -f json -n 0 -d 1 >"$out" 2>"$VM_TMP/batch.err"
batch_pid=$BG_PID

# wait_for COND SECONDS: a sample line (after the first $seen) satisfies COND, a Python
# expression over c (this URI's connection entry or None) and d (the domain's entry or None).
seen=0
wait_for() {
    local end=$((SECONDS + $2)) n
    while [ $SECONDS -lt $end ]; do
        kill -0 "$batch_pid" 2>/dev/null || fail "berth --batch exited: $(cat "$VM_TMP/batch.err")"
        n=$(wc -l <"$out")
        if [ "$n" -gt "$seen" ] && sed -n "$((seen + 1)),${n}p" "$out" | python3 -c '
import json, sys
uri, dom, cond = sys.argv[1:]
for ln in sys.stdin:
    s = json.loads(ln)
    c = next((x for x in s["connections"] if x["uri"] == uri), None)
    d = next((x for x in s["instances"] if x["name"] == dom), None)
    if eval(cond):
        sys.exit(0)
sys.exit(1)' "$URI" "$dom" "$1"; then
            seen=$n
            return 0
        fi
        seen=$n
        sleep 0.2
    done
    fail "no sample with ($1) within $2 s; last: $(tail -1 "$out" | head -c 800)"
}

wait_for 'c and c["state"] == "connected" and d and d["state"] == "running"' 20
note "before: connected, $dom running"
pid=$(libvirtd_pid) || fail "no libvirtd pid"
kill -TERM "$pid"
for _ in $(seq 100); do [ -d /proc/"$pid" ] || break; sleep 0.1; done
[ -d /proc/"$pid" ] && fail "libvirtd $pid did not stop"
note "libvirtd $pid stopped"
wait_for 'c and c["state"] in ("reconnecting", "connecting", "failed") and d is None' 20
note "berth: $(tail -1 "$out" | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
print([c for c in s["connections"]])')"
# Every sample while not connected leaves the domain out (no stale figures shown as live).
python3 - "$out" "$URI" "$dom" <<'EOF' || fail "a sample showed the domain while the connection was down"
import json, sys
path, uri, dom = sys.argv[1:]
for ln in open(path):
    s = json.loads(ln)
    c = next((x for x in s["connections"] if x["uri"] == uri), None)
    if c and c["state"] != "connected" and any(i["name"] == dom for i in s["instances"]):
        print(ln)
        sys.exit(1)
EOF
"$BERTH_SRC"/scripts/libvirtd-setup.sh >/dev/null 2>&1 || fail "libvirtd-setup.sh could not start libvirtd again"
note "libvirtd started again (pid $(libvirtd_pid))"
wait_for 'c and c["state"] == "connected" and d and d["state"] == "running" and d["cpu_pct"] is not None' 60
kill -0 "$batch_pid" 2>/dev/null || fail "berth --batch died"
[ "$(virsh_state "$dom")" = running ] || fail "the guest did not survive the libvirtd restart"
grep -v '^$' "$VM_TMP/batch.err" | head -5 | sed 's/^/# berth stderr: /'
echo "PASS: libvirtd restart survived: reconnecting, then connected with $dom back ($(wc -l <"$out") samples)"
