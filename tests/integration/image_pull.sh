#!/bin/bash
# SPDX-License-Identifier: MIT
# berth image pull from a real registry (docker-registry on 127.0.0.1, plain HTTP): the image
# runs, a stored layer is not fetched again, an index resolves to the host or --platform, a
# tampered blob is refused with nothing imported, and bad input gets one line.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_registry.sh"

reg_start plain
LAY=$BERTH_ROOT/layout
img_build "$LAY" v1 1
img_build "$LAY" arm 0 arm64
img_push "$LAY" v1 x:v1
img_index "$LAY" multi v1 arm
img_push "$LAY" multi x:multi --all
R=127.0.0.1:$REG_PORT

# Plain HTTP is used only when asked for.
expect_err "http registry without --tls-verify=false" b image pull "$R/x:v1"
b image ls | grep -q x:v1 && fail "a failed pull left an image"

id=$(b image pull --tls-verify=false "$R/x:v1") || fail "pull over http"
case "$id" in sha256:*) ;; *) fail "pull printed '$id', not the image id" ;; esac
[ "$(b ctr run --rm "$P-a" "$R/x:v1" -- cat /etc/image-tag)" = "v1 amd64" ] || fail "run the image"
ok "pull over http, then run the image"
[ -z "$(b image pull --tls-verify=false "$R/x:v1" 2>&1 >/dev/null)" ] || fail "progress on a pipe"
b image rm "$R/x:v1" >/dev/null
if command -v script >/dev/null; then
    script -qec "$BERTH_BIN image pull --tls-verify=false $R/x:v1" /dev/null >"$BERTH_ROOT/tty.out" ||
        fail "pull on a terminal"
    grep -aq "layer  sha256:[0-9a-f]\{12\}  [0-9.]*[KMG]* / [0-9.]*[KMG]*" "$BERTH_ROOT/tty.out" ||
        fail "no progress line per layer on a terminal: $(cat -v "$BERTH_ROOT/tty.out")"
    [ "$(grep -ac '^layer\|layer  sha256' "$BERTH_ROOT/tty.out")" -ge 2 ] || fail "not one line per layer"
    ok "a progress line per layer on a terminal, nothing on a pipe"
fi
[ -z "$(ls -A "$BERTH_ROOT/lib/image-pull" 2>/dev/null)" ] || fail "the pull cache was left behind"
ok "the pull cache is removed after the import"

# Two pulls of one image at once: both succeed (they take turns on the pull cache).
b image rm "$R/x:v1" >/dev/null
"$BERTH_BIN" image pull -q --tls-verify=false "$R/x:v1" >/dev/null 2>"$BERTH_ROOT/p1.err" &
p1=$!
b image pull -q --tls-verify=false "$R/x:v1" >/dev/null 2>"$BERTH_ROOT/p2.err" || fail "concurrent pull 2: $(cat "$BERTH_ROOT/p2.err")"
wait $p1 || fail "concurrent pull 1: $(cat "$BERTH_ROOT/p1.err")"
[ "$(b ctr run --rm "$P-c" "$R/x:v1" -- cat /etc/image-tag)" = "v1 amd64" ] || fail "run after two pulls"
ok "two pulls of one image at once both succeed"

# A second pull fetches no layer: the registry's copy is gone and the pull still works.
rm -rf "$REG_DIR/data/docker/registry/v2/blobs/sha256/$(reg_last_layer x:v1 | cut -c1-2)/$(reg_last_layer x:v1)"
b image pull --tls-verify=false "$R/x:v1" >/dev/null || fail "second pull fetched a stored layer"
ok "a layer already in the store is not fetched again"

# An index: the host's entry by default (amd64 here), --platform for another.
b image pull -q --tls-verify=false "$R/x:multi" >/dev/null || fail "pull the index"
[ "$(b ctr run --rm "$P-b" "$R/x:multi" -- cat /etc/image-tag)" = "v1 amd64" ] ||
    fail "the index did not resolve to amd64"
b image pull --tls-verify=false --platform linux/arm64 "$R/x:multi" >/dev/null ||
    fail "pull --platform linux/arm64"
inspect=$(b image inspect "$R/x:multi")
echo "$inspect" | grep -q '"arm64"' || fail "--platform linux/arm64 did not pick the arm64 entry"
ok "an index resolves to the host, --platform picks another entry"
expect_err "--platform absent from the index" b image pull --tls-verify=false --platform linux/s390x "$R/x:multi"
echo "$LAST_ERR" | grep -q "linux/amd64" || fail "the error does not list the index's platforms"

# A tampered blob in the registry's storage: refused, nothing imported.
img_build "$LAY" bad 1
img_push "$LAY" bad x:bad
blob=$(reg_last_layer x:bad)
f=$REG_DIR/data/docker/registry/v2/blobs/sha256/${blob:0:2}/$blob/data
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
expect_err "a tampered blob" b image pull --tls-verify=false "$R/x:bad"
echo "$LAST_ERR" | grep -q "digest mismatch" || fail "the error does not say digest mismatch"
b image ls | grep -q "x:bad" && fail "the tampered image was imported"
ok "nothing of the tampered image is in the store"

# Bad input: one line each, nothing stored.
expect_err "bad reference" b image pull "Bad/Name"
expect_err "bad digest" b image pull "x@sha256:123"
expect_err "no reference" b image pull
expect_err "bad --platform" b image pull --platform linux "$R/x:v1"
expect_err "bad --tls-verify" b image pull --tls-verify=maybe "$R/x:v1"
expect_err "unknown tag" b image pull --tls-verify=false "$R/x:nope"
echo "$LAST_ERR" | grep -q "not found" || fail "unknown tag: $LAST_ERR"
expect_err "nothing listening" b image pull --tls-verify=false "127.0.0.1:$(free_port)/x:v1"
ok "bad input refused"
