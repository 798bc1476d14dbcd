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
        if echo x >"$n" 2>/dev/null; then echo "made-in-$d: OPENED"; else echo "made-in-$d: refused"; fi
        rm -f "$n"
    else
        echo "made-in-$d: no mknod"
    fi
done
if echo x >/shipped-null 2>/dev/null; then echo "shipped-null: OPENED"; else echo "shipped-null: refused"; fi
if head -c 1 /shipped-zero >/dev/null 2>&1; then echo "shipped-zero: OPENED"; else echo "shipped-zero: refused"; fi'

for mode in overlay --inplace --userns; do
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
echo "PASS"
