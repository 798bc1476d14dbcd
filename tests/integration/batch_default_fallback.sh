#!/bin/bash
# SPDX-License-Identifier: MIT
# With no -c and an unreachable default connection, batch does not pass libvirt's test
# hypervisor off as the host: its output reports the default connection as failed with the
# reason, lists no instance of the test driver, and berth exits 1 with one line on stderr.
# `berth vm ls` refuses the same way. (Before, batch printed the test driver's "test" VM at
# 100% CPU and exited 0; the fallback is for the interactive dashboard only.)
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uri="qemu+unix:///system?socket=$tmp/no-such.sock"

for f in json csv table; do
    st=0
    LIBVIRT_DEFAULT_URI=$uri "$BERTH_BIN" --batch -f $f --no-containers >"$tmp/out.$f" 2>"$tmp/err" || st=$?
    [ "$st" -eq 1 ] || fail "-f $f: exit $st, want 1 ($(cat "$tmp/err"))"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "-f $f: want one line on stderr, got: $(cat "$tmp/err")"
    grep -qF "cannot reach the default connection $uri" "$tmp/err" || fail "-f $f: stderr: $(cat "$tmp/err")"
    grep -q "test:///default" "$tmp/out.$f" && fail "-f $f: output names the test driver: $(cat "$tmp/out.$f")"
done
python3 - "$tmp/out.json" "$uri" <<'PY' || fail "json output: $(cat "$tmp/out.json")"
import json, sys
s = json.loads(open(sys.argv[1]).read())
c = s["connections"]
assert [x["uri"] for x in c] == [sys.argv[2]], c
assert c[0]["state"] == "failed" and "no-such.sock" in c[0]["reason"], c
assert s["instances"] == [], s["instances"]
PY
grep -q "failed" "$tmp/out.table" || fail "table does not show the failed connection: $(cat "$tmp/out.table")"
echo "ok: batch reports the unreachable default connection as failed and exits 1"

st=0
LIBVIRT_DEFAULT_URI=$uri "$BERTH_BIN" vm ls >"$tmp/out" 2>"$tmp/err" || st=$?
[ "$st" -eq 1 ] || fail "vm ls: exit $st, want 1"
grep -q "test" "$tmp/out" && fail "vm ls lists the test driver: $(cat "$tmp/out")"
grep -qF "cannot reach $uri" "$tmp/err" || fail "vm ls: $(cat "$tmp/err")"
echo "ok: vm ls without a reachable default connection: $(cat "$tmp/err")"
echo "default connection ok"
