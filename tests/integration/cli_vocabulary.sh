#!/bin/sh
# SPDX-License-Identifier: MIT
# One vocabulary in every output: `ctr ls` (table and JSON), `vm ls`/`vm info` JSON and batch
# name the same things the same way (kind, source, id, name, state, state_reason, mem_limit_bytes)
# and say the same state words; a stopped container keeps showing its limit as a stopped VM does;
# a paused one its uptime; `ctr inspect` leaves the seccomp rules out unless --full. Before,
# `ctr ls` said "created" where batch said stopped/created, its JSON had "status" and no kind,
# id or state_reason, a stopped container's limit was null, and inspect printed ~800 lines.
. "$(dirname "$0")/lib_ctr.sh"

b ctr create --memory 32M "$P-new" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
b ctr run --memory 40M "$P-ex" --rootfs "$ROOTFS" -- /bin/sh -c 'exit 3' >/dev/null 2>&1
b ctr run -d --memory 48M "$P-p" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "run -d"
b ctr pause "$P-p" || fail "pause"
sleep 2.2

b ctr ls --format json >"$BERTH_ROOT/ls.json" || fail "ctr ls --format json"
b --batch -f json --no-vms >"$BERTH_ROOT/batch.json" || fail "batch"
b --batch -f csv --no-vms >"$BERTH_ROOT/batch.csv" || fail "batch csv"
b ctr ls >"$BERTH_ROOT/ls.txt" || fail "ctr ls"
python3 - "$BERTH_ROOT" "$P" <<'PY' || fail "ls and batch disagree"
import csv, json, sys
root, p = sys.argv[1], sys.argv[2]
ls = {x["name"]: x for x in json.load(open(root + "/ls.json"))}
b = json.loads(open(root + "/batch.json").read())
assert b["schema"] == 1, b.get("schema")
bi = {x["name"]: x for x in b["instances"]}
rows = {r["name"]: r for r in csv.DictReader(open(root + "/batch.csv"))}
table = {l.split()[0]: l.split() for l in open(root + "/ls.txt").read().splitlines()[1:]}
want = {p + "-new": ("stopped", "created", 32 << 20), p + "-ex": ("stopped", "exited 3", 40 << 20),
        p + "-p": ("paused", None, 48 << 20)}
for n, (state, reason, limit) in want.items():
    for k in ("kind", "source", "id", "name", "state", "state_reason"):
        assert ls[n][k] == bi[n][k], (n, k, ls[n][k], bi[n][k])
    assert (ls[n]["state"], ls[n]["state_reason"]) == (state, reason), ls[n]
    assert rows[n]["state"] == state and rows[n]["state_reason"] == (reason or ""), rows[n]
    assert table[n][1] == state, table[n]
    assert " ".join(table[n][4:4 + len((reason or "-").split())]) == (reason or "-"), table[n]
    assert bi[n]["mem_limit_bytes"] == limit, (n, bi[n]["mem_limit_bytes"])
    assert "status" not in ls[n], ls[n]
assert bi[p + "-p"]["uptime_s"] >= 2, bi[p + "-p"]
assert ls[p + "-new"]["created"].endswith("Z"), ls[p + "-new"]["created"]
print("ok - ctr ls (table, JSON), batch (JSON, CSV) agree:", {n: (ls[n]["state"], ls[n]["state_reason"]) for n in want})
PY
grep -q "^KIND  *NAME  *STATE  *REASON " <<EOF2 || fail "batch table has no REASON column"
$(b --batch --no-vms)
EOF2
ok "stopped containers keep their limit; the paused one shows its uptime"

# vm ls / vm info JSON: the same names (the test driver is asked for explicitly).
b -c test:///default vm ls --format json >"$BERTH_ROOT/vm.json" || fail "vm ls"
b -c test:///default vm info test --format json >"$BERTH_ROOT/vminfo.json" || fail "vm info"
b -c test:///default --batch -f json --no-containers >"$BERTH_ROOT/vmbatch.json" || fail "batch vm"
python3 - "$BERTH_ROOT" <<'PY' || fail "vm ls and batch disagree"
import json, sys
root = sys.argv[1]
d = json.load(open(root + "/vm.json"))["domains"][0]
i = json.load(open(root + "/vminfo.json"))
b = json.loads(open(root + "/vmbatch.json").read())["instances"][0]
for k in ("kind", "source", "id", "name", "state", "mem_limit_bytes"):
    assert d[k] == b[k] == i[k], (k, d.get(k), b.get(k), i.get(k))
print("ok - vm ls, vm info and batch use kind/source/id/name/state/mem_limit_bytes")
PY

# inspect: the definition without the seccomp rules; --full has them.
short=$(b ctr inspect "$P-new" | wc -l)
full=$(b ctr inspect --full "$P-new" | wc -l)
[ "$short" -lt 400 ] || fail "inspect prints $short lines"
[ "$full" -gt "$short" ] || fail "inspect --full ($full lines) is not longer than inspect ($short)"
b ctr inspect "$P-new" | grep -q '"syscalls":".*rules, not shown' || fail "inspect does not say the rules are left out"
b ctr inspect --full "$P-new" | python3 -c 'import json,sys; assert isinstance(json.load(sys.stdin)["spec"]["linux"]["seccomp"]["syscalls"], list)' ||
    fail "inspect --full lacks the rules"
ok "inspect: $short lines (--full: $full)"

# inspect says what ls says, in the same words and the same time format.
for n in "$P-new" "$P-ex" "$P-p"; do
    b ctr inspect "$n" >"$BERTH_ROOT/inspect.json" || fail "inspect $n"
    python3 - "$BERTH_ROOT" "$n" <<'PY' || fail "inspect and ls disagree about $n"
import json, sys
root, n = sys.argv[1], sys.argv[2]
ls = {x["name"]: x for x in json.load(open(root + "/ls.json"))}[n]
i = json.load(open(root + "/inspect.json"))
for k in ("kind", "source", "id", "name", "state", "state_reason", "exit_code", "created", "started", "finished"):
    assert i[k] == ls[k], (k, i.get(k), ls.get(k))
assert "runtime" in i and "spec" in i and "status" in i, sorted(i)
PY
done
ok "inspect: kind, id, state, state_reason and ISO times as ls"
echo PASS
