#!/bin/bash
# SPDX-License-Identifier: MIT
# A hung libvirtd (SIGSTOP) does not block `berth --batch -n 1` beyond its time-out
# (BERTH_VM_TIMEOUT_MS=2000): berth prints its sample, reports the connection's state and
# exits 0 within ~10 s. libvirtd is always resumed (SIGCONT in the EXIT trap).
. "$BERTH_SRC"/tests/integration/lib-vm.sh
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
python3 - "$VM_TMP/hung.json" "$URI" "$dom" <<'EOF' || fail "sample during the hang is wrong (above)"
import json, sys
path, uri, dom = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == 1, "expected 1 sample, got %d" % len(lines)
s = json.loads(lines[0])
c = next((x for x in s["connections"] if x["uri"] == uri), None)
print("connection:", c)
assert c is not None, "connection %s missing" % uri
assert c["state"] != "connected", "a stopped libvirtd reported as connected"
assert c["reason"], "no reason given for the connection state"
assert not any(i["name"] == dom for i in s["instances"]), "stale domain shown during the hang"
EOF
# Resumed: the same command sees the connection and the domain again.
[ "$(batch_state "$dom")" = running ] || fail "after SIGCONT berth does not see $dom running"
echo "PASS: hung libvirtd: berth --batch returned in $ms ms, exit 0, connection state reported"
