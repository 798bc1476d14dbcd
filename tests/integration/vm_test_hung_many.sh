#!/bin/bash
# SPDX-License-Identifier: MIT
# Two hung connections (daemons that accept and never answer, as a SIGSTOPped libvirtd or a
# remote host gone quiet do) beside two working test-driver connections: every batch sample and
# `vm ls` still lists every working connection's domains (in the connections' order, the same
# order in every sample; batch sorts rows by source, which for these URIs is the same order),
# and both hung connections, in -c order, with the time-out as their reason; nothing from
# libvirt is printed.
# (How long a refresh takes is measured in bench/vm-hung, not asserted here.)
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmhung-$$.XXXXXX)
trap 'silent_stop; rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")
silent_daemon "$tmp/h1.sock"
silent_daemon "$tmp/h2.sock"
H1="qemu+unix:///system?socket=$tmp/h1.sock"
H2="qemu+unix:///system?socket=$tmp/h2.sock"
export BERTH_VM_TIMEOUT_MS=1000
CONNS=(-c "$H1" -c test:///default -c "$H2" -c "$U")

# check SAMPLES_FILE: one JSON sample per line, in the shape `berth --batch -f json` prints
# (`vm ls --format json` is turned into the same shape first).
check() {
    python3 - "$1" "$H1" "$H2" "$U" <<'PY'
import json, sys
path, h1, h2, u = sys.argv[1:]
want_conns = [h1, "test:///default", h2, u]
want_rows = [("test:///default", "test", "running"), (u, "off1", "stopped"),
             (u, "paused1", "paused"), (u, "run1", "running")]
lines = open(path).read().splitlines()
if not lines:
    sys.exit("no samples")
for n, line in enumerate(lines, 1):
    s = json.loads(line)
    conns = s["connections"]
    if [c["uri"] for c in conns] != want_conns:
        sys.exit("sample %d: connections %s, want %s" % (n, [c["uri"] for c in conns], want_conns))
    for c in conns:
        hung = c["uri"] in (h1, h2)
        if hung and (c["state"] == "connected" or c["reason"] != "no answer from libvirt within 1 s"):
            sys.exit("sample %d: hung connection shown as %s" % (n, c))
        if not hung and (c["state"] != "connected" or c["reason"]):
            sys.exit("sample %d: working connection shown as %s" % (n, c))
    rows = [(i["source"], i["name"], i["state"]) for i in s["instances"]]
    by_conn = sorted(rows, key=lambda r: want_conns.index(r[0]))  # stable: keeps each one's order
    if sorted(rows) != sorted(want_rows) or rows != by_conn:
        sys.exit("sample %d: rows %s, want %s in the connections' order" % (n, rows, want_rows))
    if n > 1 and rows != first:
        sys.exit("sample %d: rows in another order than sample 1: %s, %s" % (n, rows, first))
    first = rows if n == 1 else first
print("%d samples: every one has the 4 domains and both hung connections" % len(lines))
PY
}

timeout 120 "$BERTH_BIN" --batch -f json -n 4 -d 0.2 --no-containers "${CONNS[@]}" \
    >"$tmp/batch.json" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "berth --batch with two hung connections exited $rc ($(cat "$tmp/err"))"
[ -s "$tmp/err" ] && fail "berth --batch printed on stderr: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/batch.json")" -eq 4 ] || fail "want 4 samples, got: $(cat "$tmp/batch.json")"
check "$tmp/batch.json" || fail "berth --batch samples are wrong (above)"

# the table prints one line per connection, hung ones with their state and reason
run "${CONNS[@]}" vm ls
[ "$rc" -eq 0 ] || fail "vm ls with two hung connections exited $rc: $err"
[ -z "$err" ] || fail "vm ls printed on stderr: $err"
for h in "$H1" "$H2"; do
    echo "$out" | grep -Fx -e "connection $h: connecting: no answer from libvirt within 1 s" \
        -e "connection $h: failed: no answer from libvirt within 1 s" >/dev/null ||
        fail "no line for the hung $h in: $out"
done
run "${CONNS[@]}" vm ls --format json
[ "$rc" -eq 0 ] || fail "vm ls --format json exited $rc: $err"
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = [{"source": x["connection"], "name": x["name"], "state": x["state"]} for x in d["domains"]]
print(json.dumps({"connections": d["connections"], "instances": rows}))' >"$tmp/ls.json" ||
    fail "vm ls --format json is not JSON: $out"
check "$tmp/ls.json" || fail "vm ls --format json is wrong (above)"
echo "PASS"
