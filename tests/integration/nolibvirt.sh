#!/bin/bash
# SPDX-License-Identifier: MIT
# A host without libvirt (issue 19): with every libvirt.so.0 the dynamic loader would find
# hidden in a private mount namespace, batch still lists the containers, reports the VM side as
# one "unavailable" connection with the reason and one line on stderr, and exits 0 (no -c given:
# a container-only host is a normal set-up); an explicit -c is still an error (exit 1).
# `berth ctr ls` works; `berth vm ls` exits 1 with one line. (Before, batch printed no
# containers: only error lines, no sample.)
set -u
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib_ctr.sh"
command -v unshare >/dev/null || skip "no unshare(1)"
# berth loads libvirt with dlopen; `make san`'s berth-san links it at start instead (ASan needs
# it loaded first), so hiding the library stops that binary before main: nothing to test there.
! ldd "$BERTH_BIN" 2>/dev/null | grep -q 'libvirt\.so' ||
    skip "this build links libvirt at start (make san): a host without libvirt is tested with the plain build"

libs=$( (
    ldconfig -p | awk '/libvirt\.so\.0 / {print $NF}'
    ls /usr/lib/x86_64-linux-gnu/libvirt.so.0* /lib/x86_64-linux-gnu/libvirt.so.0* 2>/dev/null
) | while read -r f; do readlink -f "$f"; done | sort -u)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ctr_cleanup' EXIT

# nolv CMD...: run CMD in a private mount namespace where every libvirt.so.0 is an empty file.
: >"$tmp/empty"
nolv() {
    unshare -m --propagation private sh -c '
        e=$1; shift; libs=$1; shift
        for f in $libs; do mount --bind "$e" "$f" || exit 99; done
        exec "$@"' sh "$tmp/empty" "$libs" "$@"
}

P=nolv$$
b ctr run -d "$P-a" --rootfs "$ROOTFS" -- /bin/sleep 100 >/dev/null || fail "ctr run -d"

# The hiding works: a dlopen in the namespace fails.
nolv python3 -c 'import ctypes
try:
    ctypes.CDLL("libvirt.so.0")
except OSError:
    raise SystemExit(0)
raise SystemExit(1)' || skip "SKIP libvirt.so.0 could not be hidden (libs: $libs)"

for f in json table csv; do
    st=0
    nolv "$BERTH_BIN" --batch -f $f >"$tmp/out.$f" 2>"$tmp/err" || st=$?
    [ "$st" -eq 0 ] || fail "batch -f $f: exit $st, want 0 (stderr: $(cat "$tmp/err"); out: $(cat "$tmp/out.$f"))"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "batch -f $f: want one line on stderr, got: $(cat "$tmp/err")"
    grep -q "libvirt is not installed" "$tmp/err" || fail "batch -f $f: stderr: $(cat "$tmp/err")"
    grep -q "$P-a" "$tmp/out.$f" || fail "batch -f $f does not list the container: $(cat "$tmp/out.$f")"
done
python3 - "$tmp/out.json" "$P-a" <<'PY' || fail "json output: $(cat "$tmp/out.json")"
import json, sys
s = json.loads(open(sys.argv[1]).read())
vm = [c for c in s["connections"] if c["state"] == "unavailable"]
assert len(vm) == 1 and "libvirt is not installed" in vm[0]["reason"], s["connections"]
assert "libvirt.so.0" in vm[0]["reason"], vm
names = [i["name"] for i in s["instances"]]
assert sys.argv[2] in names, names
PY
grep -q "unavailable" "$tmp/out.table" || fail "table does not show the unavailable VM side: $(cat "$tmp/out.table")"
ok "batch on a host without libvirt lists the container, VM side unavailable, exit 0"

st=0
nolv "$BERTH_BIN" --batch -f json -c qemu:///system >"$tmp/out" 2>"$tmp/err" || st=$?
[ "$st" -eq 1 ] || fail "batch -c: exit $st, want 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "libvirt is not installed" "$tmp/err" ||
    fail "batch -c: stderr: $(cat "$tmp/err")"
ok "batch -c URI without libvirt: exit 1: $(cat "$tmp/err")"

nolv "$BERTH_BIN" ctr ls >"$tmp/out" 2>"$tmp/err" || fail "ctr ls: $(cat "$tmp/err")"
grep -q "$P-a" "$tmp/out" || fail "ctr ls does not list the container: $(cat "$tmp/out")"
[ -s "$tmp/err" ] && fail "ctr ls wrote to stderr: $(cat "$tmp/err")"
ok "ctr ls without libvirt"

st=0
nolv "$BERTH_BIN" vm ls >"$tmp/out" 2>"$tmp/err" || st=$?
[ "$st" -eq 1 ] || fail "vm ls: exit $st, want 1"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "libvirt is not installed" "$tmp/err" ||
    fail "vm ls: want one line naming libvirt, got: $(cat "$tmp/err")"
grep -q "give -c" "$tmp/err" && fail "vm ls suggests -c, which cannot help without libvirt: $(cat "$tmp/err")"
ok "vm ls without libvirt: $(cat "$tmp/err")"
echo "host without libvirt ok"
