#!/bin/bash
# SPDX-License-Identifier: MIT
# --userns on a rootfs whose file system cannot be id-mapped (ramfs: none on any kernel; tmpfs
# before Linux 6.3) is refused in one line naming the file system, this kernel and what to do.
# (Before: "id-mapped mount of rootfs '...' (its file system must support id-mapped mounts):
# Invalid argument".)
. "$(dirname "$0")/lib_ctr.sh"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
    skip "SKIP user namespaces are disabled (user.max_user_namespaces = 0)"
grep -qw ramfs /proc/filesystems || skip "SKIP the kernel has no ramfs"

RD=$BERTH_ROOT/ramfs
mkdir -p "$RD"
mount -t ramfs ramfs "$RD" || skip "SKIP cannot mount ramfs"
cp -a "$ROOTFS/." "$RD/"
P=uf$$
st=0
b ctr run --rm "$P-r" --userns --rootfs "$RD" -- /bin/true >"$BERTH_ROOT/out" 2>"$BERTH_ROOT/err" || st=$?
umount "$RD"
err=$(cat "$BERTH_ROOT/err")
[ "$st" -ne 0 ] || fail "--userns on ramfs started"
[ "$(wc -l <"$BERTH_ROOT/err")" -eq 1 ] || fail "want one line on stderr, got: $err"
case $err in
*"--userns needs id-mapped mounts on the rootfs's file system (ramfs has none on this kernel, $(uname -r))"*"run without --userns"*) ;;
*) fail "message: $err" ;;
esac
ok "--userns on ramfs: $err"
