#!/bin/bash
# SPDX-License-Identifier: MIT
# Several connections at once: each one's state is shown; one that fails or hangs (a daemon
# that accepts and never answers, as a SIGSTOPped libvirtd does) blocks neither `vm ls` nor
# `--batch` beyond the time-out, and nothing from libvirt is printed.
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmconn-$$.XXXXXX)
trap 'silent_stop; rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")

# two working connections
run -c test:///default -c "$U" vm ls --format json
[ "$rc" -eq 0 ] && [ -z "$err" ] || fail "vm ls on two connections: exit $rc, stderr: $err"
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [c["state"] for c in d["connections"]] == ["connected", "connected"], d["connections"]
names = sorted((x["connection"].split("/")[-1], x["name"]) for x in d["domains"])
assert names == [("default", "test"), ("node.xml", "off1"), ("node.xml", "paused1"),
                 ("node.xml", "run1")], names
' || fail "two connections: $out"
# a command finds the domain on whichever connection has it
run -c test:///default -c "$U" vm start off1
[ "$rc" -eq 0 ] || fail "start on the second connection: $err"

# a connection that fails: shown with its reason, the other one still listed, stderr clean
run -c "test://$tmp/missing.xml" -c test:///default vm ls
[ "$rc" -eq 0 ] || fail "vm ls with one failed connection exited $rc"
[ -z "$err" ] || fail "something printed on stderr: $err"
echo "$out" | grep -Eq "^connection test://$tmp/missing.xml: failed: .*missing.xml.*; retrying in [0-9]+ s$" ||
    fail "no failed-connection line: $out"
echo "$out" | grep -Eq '^test +running ' || fail "the working connection is not listed: $out"
expect 1 "cannot connect to 'test://$tmp/missing.xml'" -c "test://$tmp/missing.xml" vm start x

# a daemon that accepts and never answers
sock=$tmp/hung.sock
silent_daemon "$sock"
H="qemu+unix:///system?socket=$sock"
export BERTH_VM_TIMEOUT_MS=500
start=$SECONDS
out=$(timeout 60 "$BERTH_BIN" -c "$H" -c test:///default vm ls 2>"$tmp/err")
rc=$?
[ "$rc" -eq 0 ] || fail "vm ls with a hung daemon exited $rc ($(cat "$tmp/err"))"
echo "$out" | grep -q "^connection $H: connecting: no answer from libvirt within 0.5 s$" ||
    fail "hung connection not shown: $out"
echo "$out" | grep -Eq '^test +running ' || fail "the working connection is not listed: $out"
[ -s "$tmp/err" ] && fail "stderr: $(cat "$tmp/err")"
timeout 60 "$BERTH_BIN" --batch -f json -n 2 -d 0.2 --no-containers -c "$H" -c test:///default \
    >"$tmp/batch.json" 2>"$tmp/err" || fail "batch with a hung daemon exited $? ($(cat "$tmp/err"))"
python3 - "$tmp/batch.json" "$H" <<'PY' || fail "batch output with a hung daemon is wrong"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    s = json.loads(line)
    conns = {c["uri"]: c for c in s["connections"]}
    assert conns[sys.argv[2]]["state"] != "connected", conns
    assert conns[sys.argv[2]]["reason"] == "no answer from libvirt within 0.5 s", conns
    assert conns["test:///default"]["state"] == "connected", conns
    vms = [i for i in s["instances"] if i["source"] == "test:///default"]
    assert len(vms) == 1 and vms[0]["state"] == "running", vms
    assert not [i for i in s["instances"] if i["source"] == sys.argv[2]], "rows from a hung daemon"
PY
expect 1 "cannot connect to '$H'" -c "$H" vm start x
echo "took $((SECONDS - start)) s with the hung daemon"
echo "PASS"
