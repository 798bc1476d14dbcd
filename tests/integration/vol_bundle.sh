#!/bin/bash
# SPDX-License-Identifier: MIT
# A --bundle whose config.json mounts only a bind (issue 13: it got no /proc) gets the default
# /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and /sys; a default it mounts itself is kept as
# it says; -v and --tmpfs add to a bundle's mounts.
. "$(dirname "$0")/lib_ctr.sh"

BUN=$BERTH_ROOT/bundle
HOST=$BERTH_ROOT/host
mkdir -p "$BUN" "$HOST"
echo bound >"$HOST/f"
b ctr create "$P-src" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
python3 - "$BERTH_ROOT/lib/containers/$P-src/config.json" "$BUN/config.json" "$HOST" <<'PY' || fail "write config.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/sh", "-c", "cat /h/f; cat /proc/self/mountinfo"]
c["mounts"] = [{"destination": "/h", "type": "bind", "source": sys.argv[3], "options": ["rbind", "ro"]},
               {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["size=1m"]}]
json.dump(c, open(sys.argv[2], "w"))
PY
b ctr rm "$P-src" >/dev/null
out=$(b ctr run --rm "$P-b" --bundle "$BUN" --tmpfs /extra) || fail "bundle run: $out"
echo "$out" | grep -qx bound || fail "the bundle's bind is missing: $out"
for d in /proc /dev /dev/pts /dev/mqueue /sys /extra; do
    echo "$out" | awk -v d="$d" '$5 == d' | grep -q . || fail "no $d in a bundle that left it out: $out"
done
echo "$out" | awk '$5 == "/dev/shm"' | grep -q 'size=1024k' || fail "the bundle's own /dev/shm was replaced"
[ "$(echo "$out" | awk '$5 == "/dev/shm"' | wc -l)" = 1 ] || fail "/dev/shm mounted twice"
ok "a bundle with only a bind gets /proc, /dev, /dev/pts, /dev/mqueue, /sys; its own /dev/shm is kept"
echo "PASS: bundle default mounts"
