#!/bin/bash
# SPDX-License-Identifier: MIT
# A pull killed half-way resumes where it stopped (a Range request on the partial blob kept in
# the pull cache); a damaged partial blob is refused once and the next pull starts it again.
# Nothing of a half pull is visible in the store.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_registry.sh"

reg_start resume
LAY=$BERTH_ROOT/layout
img_build "$LAY" big 8
img_push "$LAY" big x:big
mkdir -p "$BERTH_ROOT/proxy"
slow_proxy "$BERTH_ROOT/proxy"
R=127.0.0.1:$PROXY_PORT

# kill_midway: start a slow pull, kill -9 it once 3 MiB of the big layer is in the cache.
kill_midway() {
    touch "$BERTH_ROOT/proxy/slow"
    "$BERTH_BIN" image pull -q --tls-verify=false "$R/x:big" >/dev/null 2>&1 &
    local pid=$! part=""
    for _ in $(seq 300); do
        part=$(find "$BERTH_ROOT/lib/image-pull" -name '*.partial' -size +3072k 2>/dev/null | head -1)
        [ -n "$part" ] && break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$BERTH_ROOT/proxy/slow"
    [ -n "$part" ] || fail "the pull never had 3 MiB of a blob in its cache"
    PART=$part
}

kill_midway
have=$(stat -c %s "$PART")
b image ls | grep -q "x:big" && fail "a killed pull left an image"
ok "a pull killed half-way leaves a partial blob ($have bytes) and no image"
: >"$BERTH_ROOT/proxy/ranges"
b image pull --tls-verify=false "$R/x:big" >/dev/null || fail "the resumed pull"
grep -q "bytes=[1-9][0-9]*-" "$BERTH_ROOT/proxy/ranges" || fail "the second pull sent no Range request"
[ "$(b ctr run --rm "$P-a" "$R/x:big" -- cat /etc/image-tag)" = "big amd64" ] || fail "run"
ok "the next pull resumed with $(head -1 "$BERTH_ROOT/proxy/ranges" | tr -d '\r') and the image runs"

# A damaged partial blob: the digest check refuses it once, the next pull starts it again.
b image rm "$R/x:big" >/dev/null || fail "image rm"
kill_midway
printf 'garbage' | dd of="$PART" bs=1 seek=10 conv=notrunc status=none
expect_err "a damaged partial blob" b image pull --tls-verify=false "$R/x:big"
echo "$LAST_ERR" | grep -q "digest mismatch" || fail "not a digest mismatch: $LAST_ERR"
[ -e "$PART" ] && fail "the damaged partial blob was kept"
b image ls | grep -q "x:big" && fail "an image from a damaged blob"
b image pull -q --tls-verify=false "$R/x:big" >/dev/null || fail "the pull after the damaged one"
ok "a damaged partial blob is refused, then fetched again from the start"
