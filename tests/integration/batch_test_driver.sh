#!/bin/bash
# SPDX-License-Identifier: MIT
# Batch mode against libvirt's built-in test hypervisor: JSON, CSV, table, pipes, bad options.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# JSON Lines: two samples, parsed by a real JSON parser.
"$BERTH_BIN" --batch --format json -c test:///default -n 2 -d 0.2 --no-containers \
    >"$tmp/out.json" 2>"$tmp/err" || fail "batch json exited $? ($(cat "$tmp/err"))"
[ -s "$tmp/err" ] && fail "batch json wrote to stderr: $(cat "$tmp/err")"
python3 - "$tmp/out.json" <<'PY' || fail "JSON output does not match the contract"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, f"expected 2 samples, got {len(lines)}"
for line in lines:
    s = json.loads(line)
    assert s["time"].endswith("Z") and "T" in s["time"], s["time"]
    h = s["host"]
    for k in ("cpu_pct", "mem_used_bytes", "mem_total_bytes", "load1", "ncpu"):
        assert isinstance(h[k], (int, float)), (k, h[k])
    assert 0 <= h["cpu_pct"] <= 100, h["cpu_pct"]
    assert 0 < h["mem_used_bytes"] < h["mem_total_bytes"]
    conns = {c["uri"]: c for c in s["connections"]}
    assert conns["test:///default"]["state"] == "connected", conns
    vms = [i for i in s["instances"] if i["kind"] == "vm" and i["name"] == "test"]
    assert len(vms) == 1, s["instances"]
    vm = vms[0]
    assert vm["source"] == "test:///default" and vm["state"] == "running", vm
    assert isinstance(vm["cpu_pct"], (int, float)) and vm["cpu_pct"] >= 0, vm["cpu_pct"]
    assert isinstance(vm["mem_bytes"], int) and vm["mem_bytes"] > 0, vm["mem_bytes"]
    assert isinstance(vm["vcpus"], int) and vm["vcpus"] >= 1, vm["vcpus"]
    assert vm["pids"] is None, "pids does not apply to a VM: must be null"
    keys = {"kind", "source", "id", "name", "state", "state_reason", "cpu_pct", "mem_bytes",
            "mem_limit_bytes", "vcpus", "pids", "block_read_bytes", "block_write_bytes",
            "net_rx_bytes", "net_tx_bytes", "uptime_s"}
    assert keys <= set(vm), keys - set(vm)
PY

# CSV: a header, then one row per instance per sample, with a time column.
"$BERTH_BIN" --batch -f csv -c test:///default -n 2 -d 0.1 --no-containers >"$tmp/out.csv" ||
    fail "batch csv exited $?"
python3 - "$tmp/out.csv" <<'PY' || fail "CSV output is wrong"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2, rows
for r in rows:
    assert r["name"] == "test" and r["kind"] == "vm" and r["state"] == "running", r
    float(r["cpu_pct"]); int(r["mem_bytes"])
    assert r["pids"] == "", "unknown figures are empty in CSV"
    assert r["time"].endswith("Z")
PY

# Table: aligned columns with a header like top -b.
"$BERTH_BIN" --batch -c test:///default --no-containers >"$tmp/out.txt" || fail "table exited $?"
grep -Eq '^KIND +NAME +STATE +REASON +CPU%' "$tmp/out.txt" || fail "no table header: $(cat "$tmp/out.txt")"
grep -Eq '^vm +test +running +- +[0-9.]+ ' "$tmp/out.txt" || fail "no test row: $(cat "$tmp/out.txt")"
grep -q 'Host: CPU' "$tmp/out.txt" || fail "no host line"

# A closed pipe ends it quietly with status 0, as top -b | head does.
out=$("$BERTH_BIN" --batch -c test:///default --no-containers -n 0 -d 0.05 -f json 2>"$tmp/err" | head -1)
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "berth | head -1 exited $rc"
[ -s "$tmp/err" ] && fail "berth | head wrote to stderr: $(cat "$tmp/err")"
echo "$out" | python3 -c 'import json,sys; json.loads(sys.stdin.read())' || fail "head -1 not JSON"

# SIGTERM / SIGINT end an endless run cleanly.
for sig in TERM INT; do
    "$BERTH_BIN" --batch -c test:///default --no-containers -n 0 -d 0.1 -f json >"$tmp/sig.out" &
    pid=$!
    # Let it print a first line (up to 20 s on a loaded machine), then signal it mid-run.
    for _ in $(seq 200); do [ -s "$tmp/sig.out" ] && break; sleep 0.1; done
    [ -s "$tmp/sig.out" ] || fail "SIG$sig: no output within 20 s"
    kill -s $sig $pid
    wait $pid
    rc=$?
    [ $rc -eq 0 ] || fail "SIG$sig: exit status $rc"
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/sig.out" ||
        fail "SIG$sig left a torn line"
done

# Bad options: one line naming it plus a hint, exit status 2.
check_bad() {
    "$BERTH_BIN" "$@" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc -eq 2 ] || fail "'$*' exited $rc, want 2"
    [ "$(wc -l <"$tmp/e")" -eq 2 ] || fail "'$*' error is not one line + hint: $(cat "$tmp/e")"
    grep -q -- "$EXPECT" "$tmp/e" || fail "'$*' error does not name '$EXPECT': $(cat "$tmp/e")"
    [ -s "$tmp/o" ] && fail "'$*' wrote to stdout"
    return 0
}
EXPECT="--bogus" check_bad --batch --bogus
EXPECT="'yaml'" check_bad --batch -f yaml
EXPECT="'-1'" check_bad --batch -d -1
EXPECT="'abc'" check_bad --batch -n abc
EXPECT="'0'" check_bad --batch -d 0
EXPECT="needs a value" check_bad --batch -c
EXPECT="'frobnicate'" check_bad frobnicate
"$BERTH_BIN" --help | grep -q -- '--batch' || fail "--help lacks --batch"
"$BERTH_BIN" --version | grep -Eq '^berth [0-9]+\.[0-9]+' || fail "--version"
echo "batch against test:///default: ok"
