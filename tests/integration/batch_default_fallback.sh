#!/bin/bash
# SPDX-License-Identifier: MIT
# With no -c and an unreachable default connection, berth says so in one line and falls back
# to libvirt's test hypervisor, so there is always something real to look at.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

LIBVIRT_DEFAULT_URI="qemu+unix:///system?socket=$tmp/no-such.sock" \
    "$BERTH_BIN" --batch -f json --no-containers >"$tmp/out" 2>"$tmp/err" ||
    fail "exit $? ($(cat "$tmp/err"))"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "want one notice line, got: $(cat "$tmp/err")"
grep -q "cannot reach qemu+unix:///system" "$tmp/err" || fail "notice: $(cat "$tmp/err")"
grep -q "test:///default" "$tmp/err" || fail "notice does not name the fallback"
python3 - "$tmp/out" <<'PY' || fail "fallback output: $(cat "$tmp/out")"
import json, sys
s = json.loads(open(sys.argv[1]).read())
assert [c["uri"] for c in s["connections"]] == ["test:///default"], s["connections"]
assert any(i["name"] == "test" for i in s["instances"]), s["instances"]
PY
echo "fallback ok"
