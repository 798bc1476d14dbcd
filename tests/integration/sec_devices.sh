#!/bin/bash
# SPDX-License-Identifier: MIT
# The device policy: inside a container only the device nodes berth provides work (null, zero,
# full, random, urandom, tty, ptys). A node the container makes (CAP_MKNOD is in Docker's default
# set) or one its rootfs ships opens nothing: every file system the container can write is
# nodev. Before this, container root could mknod the host's console (5:1) or serial port (4:64)
# and write to them. The nodes made here are harmless ones (the null and zero devices, 1:3 and
# 1:5), so a failure of the policy writes nowhere. Overlay root, --inplace and --userns.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

# A rootfs that ships device nodes, outside /dev (which a tmpfs covers).
mknod "$ROOTFS/shipped-null" c 1 3
mknod "$ROOTFS/shipped-zero" c 1 5

probe='for f in /dev/null /dev/zero /dev/full /dev/urandom; do
    [ -c "$f" ] || echo "missing $f"; done
echo ok >/dev/null && echo "provided-null: ok"
[ "$(head -c 4 /dev/zero | wc -c)" = 4 ] && echo "provided-zero: ok"
[ "$(head -c 4 /dev/urandom | wc -c)" = 4 ] && echo "provided-urandom: ok"
for d in /dev /tmp /; do
    n=$d/made-null
    if mknod "$n" c 1 3 2>/dev/null; then
        if echo x 2>/dev/null >"$n"; then echo "made-in-$d: OPENED"; else echo "made-in-$d: refused"; fi
        rm -f "$n"
    else
        echo "made-in-$d: no mknod"
    fi
done
if echo x 2>/dev/null >/shipped-null; then echo "shipped-null: OPENED"; else echo "shipped-null: refused"; fi
if head -c 1 /shipped-zero >/dev/null 2>&1; then echo "shipped-zero: OPENED"; else echo "shipped-zero: refused"; fi'

for mode in overlay --inplace $(sec_userns_usable >&2 && echo --userns); do
    opts=()
    [ "$mode" = overlay ] || opts=("$mode")
    out=$(sec_run "$(sec_name dev)" "${opts[@]}" -- /bin/sh -c "$probe")
    echo "[$mode]"
    echo "$out" | sed 's/^/    /'
    for want in "provided-null: ok" "provided-zero: ok" "provided-urandom: ok" \
        "shipped-null: refused" "shipped-zero: refused"; do
        echo "$out" | grep -qx "$want" || fail "$mode: expected '$want'"
    done
    echo "$out" | grep -q "missing\|OPENED" && fail "$mode: a device node the container made or shipped opened, or one berth provides is missing"
    # Each place the container can write: the node is either not made at all or inert.
    [ "$(echo "$out" | grep -c '^made-in-.*: \(refused\|no mknod\)$')" = 3 ] || fail "$mode: made nodes not all inert"
    echo "ok: $mode: berth's devices work; made and shipped nodes open nothing"
done
rm -f "$ROOTFS/shipped-null" "$ROOTFS/shipped-zero"

# An OCI bundle's writable bind mount of a host directory (a volume): made and present nodes
# are inert there too. A bind of a host device node itself is meant to pass it: it works.
vol=$SEC_WORK/vol
mkdir -p "$vol" "$SEC_WORK/bundle"
mknod "$vol/present-null" c 1 3
vprobe='echo data >/vol/file && echo "vol-writable: ok"
if mknod /vol/made c 1 3 2>/dev/null; then
    if echo x 2>/dev/null >/vol/made; then echo "vol-made: OPENED"; else echo "vol-made: refused"; fi
else echo "vol-made: no mknod"; fi
if echo x 2>/dev/null >/vol/present-null; then echo "vol-present: OPENED"; else echo "vol-present: refused"; fi
echo x >/passed-null && echo "passed-null: ok"'
n=$(sec_name bnd)
"$BERTH_BIN" ctr create "$n" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
python3 - "$BERTH_ROOT/lib/containers/$n/config.json" "$SEC_WORK/bundle/config.json" "$ROOTFS" "$vol" "$vprobe" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
c["process"]["args"] = ["/bin/sh", "-c", sys.argv[5]]
c["mounts"].append({"destination": "/vol", "type": "bind", "source": sys.argv[4], "options": ["rbind", "rw"]})
c["mounts"].append({"destination": "/passed-null", "type": "bind", "source": "/dev/null", "options": ["bind"]})
json.dump(c, open(sys.argv[2], "w"))
P
"$BERTH_BIN" ctr rm "$n" >/dev/null
out=$("$BERTH_BIN" ctr run --rm "$(sec_name bndrun)" --bundle "$SEC_WORK/bundle" 2>&1)
echo "[bundle volume]"
echo "$out" | sed 's/^/    /'
for want in "vol-writable: ok" "vol-present: refused" "passed-null: ok"; do
    echo "$out" | grep -qx "$want" || fail "bundle volume: expected '$want'"
done
echo "$out" | grep -Eqx "vol-made: (refused|no mknod)" || fail "bundle volume: a node made in the volume opened"
[ "$(cat "$vol/file")" = data ] || fail "the volume's write did not reach the host directory"
echo "ok: a writable bind volume: writes reach the host, device nodes there are inert; a bound device node works"
echo "PASS"
