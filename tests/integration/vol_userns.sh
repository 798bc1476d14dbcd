#!/bin/bash
# SPDX-License-Identifier: MIT
# Volumes under --userns (issue 13): binds and named volumes are id-mapped, so container root
# owns the host root's files and what it writes lands on the host as root's, the same as for a
# container without --userns; a volume whose file system cannot be id-mapped (ramfs) is bound
# as it is (its files show as nobody) and the container's log says so in one line.
. "$(dirname "$0")/lib_ctr.sh"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
    skip "user namespaces are disabled (user.max_user_namespaces = 0)"

HOST=$BERTH_ROOT/host
mkdir -p "$HOST"
echo root-file >"$HOST/f"
V=${P}uv

out=$(b ctr run --rm "$P-u" --userns --rootfs "$ROOTFS" -v "$HOST:/h" -v "$V:/v" -- /bin/sh -c '
    stat -c "%u:%g" /h/f; echo w >/h/w; echo v >/v/w; grep -E " /(h|v) " /proc/self/mountinfo') ||
    fail "run --userns with volumes: $out"
[ "$(echo "$out" | head -1)" = 0:0 ] || fail "host root's file does not show as root's: $out"
[ "$(echo "$out" | grep -c idmapped)" = 2 ] || fail "volumes are not id-mapped: $out"
[ "$(stat -c %u:%g "$HOST/w")" = 0:0 ] || fail "a write to the bind is owned $(stat -c %u:%g "$HOST/w") on the host"
[ "$(stat -c %u:%g "$BERTH_ROOT/lib/volumes/$V/_data/w")" = 0:0 ] || fail "a write to the named volume has mapped ids"
ok "--userns volumes are id-mapped: root inside is root's files outside, both ways"
out=$(b ctr run --rm "$P-n" --rootfs "$ROOTFS" -v "$V:/v" -- /bin/stat -c %u /v/w)
[ "$out" = 0 ] || fail "a container without --userns sees the file as $out"
ok "the same volume reads the same without --userns"
out=$(b ctr run --rm "$P-ro" --userns --rootfs "$ROOTFS" -v "$V:/v:ro" -- /bin/sh -c 'echo x >/v/no 2>/dev/null && echo WROTE; grep " /v " /proc/self/mountinfo')
echo "$out" | grep -q WROTE && fail "an id-mapped :ro volume took a write"
echo "$out" | grep -q " /v ro,.*idmapped" || fail "the :ro volume is not ro and id-mapped: $out"
ok "an id-mapped :ro volume is read-only"

grep -qw ramfs /proc/filesystems || skip "the kernel has no ramfs (the fallback is not tested)"
RD=$BERTH_ROOT/ramfs
mkdir -p "$RD"
mount -t ramfs ramfs "$RD" || skip "cannot mount ramfs"
echo r >"$RD/f"
b ctr create "$P-r" --userns --rootfs "$ROOTFS" -v "$RD:/r" -- /bin/stat -c %u /r/f >/dev/null || fail "create"
b ctr start "$P-r" || fail "a volume on ramfs stopped the container from starting"
wait_for 10 is_status "$P-r" stopped || fail "did not finish"
log=$(b ctr logs "$P-r")
echo "$log" | grep -q "^berth: volume '$RD' on /r is bound without an id map (.*0x858458f6.*): its files show with their host owners, unmapped ones as nobody$" ||
    fail "no fallback line in the log: $log"
echo "$log" | grep -qx 65534 || fail "the unmapped owner does not show as nobody: $log"
b ctr rm "$P-r" >/dev/null
umount "$RD"
ok "ramfs volume under --userns: bound as it is, one line in the log"
echo "PASS: volumes under --userns"
