#!/bin/bash
# SPDX-License-Identifier: MIT
# Volumes (issue 13): a named volume written by one container is read by the next; a bind
# mount shows the host's files, and ':ro' refuses writes; a --tmpfs is empty again after a
# restart; --read-only makes the root read-only; every volume is nodev,nosuid; `berth volume`
# lists, inspects, refuses to remove a volume in use and prunes the unused ones.
. "$(dirname "$0")/lib_ctr.sh"

HOST=$BERTH_ROOT/host
mkdir -p "$HOST"
echo from-host >"$HOST/f"
V=${P}vol

out=$(b ctr run --rm "$P-w" --rootfs "$ROOTFS" -v "$V:/data" -- /bin/sh -c 'echo kept >/data/k; echo ok') ||
    fail "run with a named volume: $out"
[ "$out" = ok ] || fail "writer printed '$out'"
out=$(b ctr run --rm "$P-r" --rootfs "$ROOTFS" -v "$V:/data:ro" -- /bin/cat /data/k) || fail "reader: $out"
[ "$out" = kept ] || fail "the next container read '$out', not what the first wrote"
ok "a named volume keeps what one container wrote for the next"
[ -f "$BERTH_ROOT/lib/volumes/$V/_data/k" ] || fail "the volume is not under the state root"
ok "named volume made on first use under \$BERTH_ROOT/lib/volumes"

out=$(b ctr run --rm "$P-ro" --rootfs "$ROOTFS" -v "$HOST:/h:ro" -- /bin/sh -c 'cat /h/f; echo x >/h/new 2>&1 && echo WROTE; exit 0' 2>&1)
echo "$out" | grep -qx from-host || fail "bind did not show the host's file: $out"
echo "$out" | grep -q WROTE && fail "a :ro bind took a write"
[ -e "$HOST/new" ] && fail "a :ro bind let a file through to the host"
ok "a :ro bind refuses writes"
b ctr run --rm "$P-rw" --rootfs "$ROOTFS" -v "$HOST:/h" -- /bin/sh -c 'echo back >/h/new' || fail "rw bind"
[ "$(cat "$HOST/new")" = back ] || fail "a rw bind's write did not reach the host"
ok "a rw bind writes through to the host"

# Mount flags: nodev and nosuid on every volume, ro where asked, noexec on tmpfs.
out=$(b ctr run --rm "$P-fl" --rootfs "$ROOTFS" -v "$HOST:/h:ro" -v "$V:/v" --tmpfs /t:size=2M,mode=700 -- /bin/cat /proc/self/mountinfo)
for d in /h /v /t; do
    line=$(echo "$out" | awk -v d="$d" '$5 == d')
    [ -n "$line" ] || fail "no mount on $d: $out"
    for f in nodev nosuid; do
        echo "$line" | awk '{print $6}' | tr , '\n' | grep -qx $f || fail "$d is not $f: $line"
    done
done
echo "$out" | awk '$5 == "/h" {print $6}' | tr , '\n' | grep -qx ro || fail "/h is not ro"
echo "$out" | awk '$5 == "/t"' | grep -q noexec || fail "tmpfs is not noexec"
echo "$out" | awk '$5 == "/t"' | grep -q 'size=2048k' || fail "tmpfs size not applied"
echo "$out" | awk '$5 == "/t"' | grep -q 'mode=700' || fail "tmpfs mode not applied"
ok "volumes are nodev,nosuid; :ro is ro; tmpfs takes size= and mode= and is noexec"

# A tmpfs is gone after stop: write, stop, start, look.
b ctr create "$P-t" --rootfs "$ROOTFS" --tmpfs /scratch -- /bin/sh -c 'ls /scratch; echo x >/scratch/f; sleep 1000' >/dev/null || fail "create tmpfs"
b ctr start "$P-t" || fail "start 1"
wait_for 10 sh -c "b() { \"$BERTH_BIN\" \"\$@\"; }; b ctr exec $P-t -- /bin/cat /scratch/f" || fail "tmpfs file not written"
b ctr stop -t 1 "$P-t" >/dev/null || fail "stop"
b ctr start "$P-t" || fail "start 2"
sleep 0.5
[ "$(b ctr logs "$P-t" | grep -c '^f$')" = 0 ] || fail "the tmpfs kept a file across a stop: $(b ctr logs "$P-t")"
b ctr rm -f "$P-t" >/dev/null
ok "a tmpfs volume is empty again after stop and start"

out=$(b ctr run --rm "$P-rdo" --rootfs "$ROOTFS" --read-only -v "$V:/v" -- /bin/sh -c 'touch /x 2>/dev/null && echo ROOTW; touch /v/y && echo VOLW')
[ "$out" = VOLW ] || fail "--read-only: root writable or volume not ('$out')"
ok "--read-only root refuses writes, its volumes still take them"

# The volume commands.
b volume create "${P}empty" >/dev/null || fail "volume create"
expect_err "volume create twice" b volume create "${P}empty"
b ctr create "$P-user" --rootfs "$ROOTFS" -v "$V:/data" -- /bin/true >/dev/null || fail "create user"
b volume ls | grep -q "^$V .*$P-user" || fail "ls does not show the user: $(b volume ls)"
b volume ls --json | python3 -c "
import json, sys
v = {x['name']: x for x in json.load(sys.stdin)}
assert v['$V']['users'] == ['$P-user'], v
assert v['${P}empty']['users'] == [], v
assert v['$V']['path'].endswith('/volumes/$V/_data'), v
" || fail "volume ls --json"
b volume inspect "$V" | grep -q "\"$P-user\"" || fail "inspect does not name the user"
ok "volume create, ls, ls --json and inspect"
expect_err "rm of a volume in use" b volume rm "$V"
echo "$LAST_ERR" | grep -q "$P-user" || fail "the error does not name the container"
[ -f "$BERTH_ROOT/lib/volumes/$V/_data/k" ] || fail "a refused rm removed data"
out=$(b volume prune) || fail "prune"
[ "$out" = "${P}empty" ] || fail "prune removed '$out' (expected only ${P}empty)"
[ -d "$BERTH_ROOT/lib/volumes/$V" ] || fail "prune removed a volume in use"
b ctr rm "$P-user" >/dev/null
b volume rm "$V" >/dev/null || fail "rm of an unused volume"
[ -e "$BERTH_ROOT/lib/volumes/$V" ] && fail "rm left the volume's directory"
ok "rm refuses a volume in use; prune removes only the unused; rm removes"
echo "PASS: volumes"
