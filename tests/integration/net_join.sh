#!/bin/bash
# SPDX-License-Identifier: MIT
# --net container:NAME shares that container's network namespace: the same eth0 address, and a
# server of one is reached by the other on 127.0.0.1. Joining a container that does not run is
# refused in one line. The joiner's exit leaves the first container's network as it was.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_net.sh"

net_track bb berth0
net_track bv "$P-a"
b ctr run -d --name "$P-a" --rootfs "$ROOTFS" --net bridge -- \
    sh -c 'echo joined >/tmp/index.html; httpd -f -p 8081 -h /tmp' >/dev/null || fail "run a"
ipa=$(b ctr inspect "$P-a" | sed -n 's/.*"ip":"\([0-9.]*\)".*/\1/p' | head -1)
[ -n "$ipa" ] || fail "no ip in a's inspect"
got=$(b ctr run --rm --name "$P-j" --rootfs "$ROOTFS" --net "container:$P-a" -- \
    sh -c 'ip -4 addr show eth0 | grep -o "inet [0-9.]*"; wget -qO- http://127.0.0.1:8081/') ||
    fail "run j in a's network namespace"
[ "$got" = "inet $ipa
joined" ] || fail "j does not share a's network: $got"
ok "container:$P-a shares eth0 ($ipa) and 127.0.0.1 with a"
b ctr exec "$P-a" -- ip -4 addr show eth0 | grep -q "inet $ipa/" || fail "a lost its address after j"
ok "a keeps its network after j exits"

b ctr create "$P-s" --rootfs "$ROOTFS" -- sleep 60 >/dev/null || fail "create s"
b ctr create "$P-k" --rootfs "$ROOTFS" --net "container:$P-s" -- true >/dev/null || fail "create k"
expect_err "join a container that is not running" b ctr start "$P-k"
case "$LAST_ERR" in *"not running"*) ;; *) fail "unclear join error: $LAST_ERR" ;; esac

for c in a s k; do b ctr rm -f "$P-$c" >/dev/null; done
b net rm berth0 >/dev/null || fail "net rm berth0"
net_assert_clean
ok "nothing left"
