#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad -v, --tmpfs, --restart and volume names (issue 13): one line naming the problem, a
# non-zero exit, and nothing created: no container, no volume.
. "$(dirname "$0")/lib_ctr.sh"

snapshot() { (cd "$BERTH_ROOT" && find . -path ./run -prune -o -print | sort | md5sum); }
# The store's directories and lock exist before the snapshot.
b volume create "${P}pre" >/dev/null && b volume rm "${P}pre" >/dev/null || fail "volume create/rm"
before=$(snapshot)
C=$P-bad

bad() { # bad WHAT WORD... : ctr create with these options must be refused
    what=$1
    shift
    expect_err "$what" b ctr create "$C" --rootfs "$ROOTFS" "$@" -- /bin/true
}
bad "-v without a destination" -v /tmp
bad "-v with an empty source" -v :/data
bad "-v with an empty destination" -v /tmp:
bad "-v relative host path" -v ./data:/data
echo "$LAST_ERR" | grep -q "absolute" || fail "the error does not say the path must be absolute"
bad "-v relative host path with a slash" -v data/x:/data
bad "-v relative destination" -v /tmp:data
bad "-v destination with .." -v /tmp:/data/../etc
echo "$LAST_ERR" | grep -q "'\.\.'" || fail "the error does not name '..'"
bad "-v destination /proc" -v /tmp:/proc
bad "-v destination inside /proc" -v /tmp:/proc/sys/kernel
bad "-v destination inside /sys" -v /tmp:/sys/fs
bad "-v destination /" -v /tmp:/
bad "-v unknown option" -v /tmp:/data:rx
bad "-v a bad volume name" -v -vol:/data
bad "-v two on one destination" -v /tmp:/data -v /etc:/data/
bad "-v host path that does not exist" -v /nonexistent/berth-$P:/data
echo "$LAST_ERR" | grep -q "/nonexistent/berth-$P' does not exist" || fail "the error does not name the missing path"
bad "-v missing host path after a named volume" -v "${P}v:/a" -v /nonexistent/x:/b
bad "--tmpfs relative" --tmpfs tmp
bad "--tmpfs inside /sys" --tmpfs /sys/x
bad "--tmpfs bad size" --tmpfs /t:size=lots
bad "--tmpfs zero size" --tmpfs /t:size=0
bad "--tmpfs bad mode" --tmpfs /t:mode=999
bad "--tmpfs unknown option" --tmpfs /t:suid
bad "--tmpfs empty option" --tmpfs /t:size=1M,
bad "--tmpfs nothing after :" --tmpfs /t:
bad "--restart unknown" --restart sometimes
bad "--restart on-failure:0" --restart on-failure:0
bad "--restart on-failure:x" --restart on-failure:x
bad "--restart always:3" --restart always:3
expect_err "--restart with --rm" b ctr run --rm "$C" --rootfs "$ROOTFS" --restart always -- /bin/true
expect_err "volume create bad name" b volume create "../x"
expect_err "volume create empty name" b volume create ""
expect_err "volume rm missing" b volume rm "${P}nope"
expect_err "volume inspect missing" b volume inspect "${P}nope"
expect_err "volume unknown command" b volume frob
expect_err "volume ls extra argument" b volume ls x
[ "$(snapshot)" = "$before" ] || fail "a refused option left something in the state directory"
b ctr inspect "$C" >/dev/null 2>&1 && fail "a container was created"
ok "nothing was created by any refused option"
echo "PASS: bad volume and restart options are refused in one line, creating nothing"
