#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad network input gives one line naming the problem and creates nothing: subnets, network
# names, -p values, --net values, unknown networks, overlapping subnets, a host port in use.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_net.sh"

for s in 10.1.2.0 10.1.2.0/ 10.1.2.0/33 10.1.2.0/4 10.1.2.3/24 300.1.2.0/24 10.1.2/24 \
    127.0.0.0/8 224.0.0.0/24 0.0.0.0/8 "10.1.2.0/24 " 10.01.2.0/24 abc; do
    expect_err "subnet '$s'" b net create "$P-bad" --subnet "$s"
done
for n in ../x a/b .hidden "" none host bridge "$(printf 'a%.0s' $(seq 40))" "a b"; do
    expect_err "network name '$n'" b net create "$n"
done
[ -z "$(ls "$BERTH_ROOT/lib/networks" 2>/dev/null | grep -v '^\.lock$')" ] ||
    fail "a refused net create stored something: $(ls "$BERTH_ROOT/lib/networks")"
ok "refused creates stored nothing"

N=$P-n
net_track bb "$N"
for i in $(seq 1 40); do
    sub=10.$((200 + RANDOM % 50)).$((RANDOM % 256)).0/24
    b net create "$N" --subnet "$sub" >/dev/null 2>&1 && break
    sub=""
done
[ -n "$sub" ] || fail "no free /24 for the test network"
expect_err "existing name" b net create "$N"
expect_err "overlapping subnet" b net create "$P-o" --subnet "${sub%.0/24}.128/25"
case "$LAST_ERR" in *"overlaps network '$N'"*) ;; *) fail "overlap error does not name $N: $LAST_ERR" ;; esac
expect_err "unknown network (rm)" b net rm "$P-nosuch"
expect_err "unknown network (inspect)" b net inspect "$P-nosuch"
expect_err "net rm ../x" b net rm ../x

for p in 0:80 70000:80 80:0 80 :80 80: a:b 1.2.3:80:80 1.2.3.4:80 80:80/sctp 10-12:80-81 \
    12-10:80-78 1.2.3.4:1:2:3 "80 :80" -1:80; do
    expect_err "-p '$p'" b ctr create "$P-c" --rootfs "$ROOTFS" --net bridge -p "$p"
done
expect_err "-p with --net none" b ctr create "$P-c" --rootfs "$ROOTFS" --net none -p 8080:80
expect_err "-p without --net" b ctr create "$P-c" --rootfs "$ROOTFS" -p 8080:80
expect_err "a host port twice" b ctr create "$P-c" --rootfs "$ROOTFS" --net "$N" -p 8080:80 -p 8080:81
for m in nosuch-"$P" "bad/net" "container:" "container:../x"; do
    expect_err "--net '$m'" b ctr create "$P-c" --rootfs "$ROOTFS" --net "$m"
done
[ -z "$(ls "$BERTH_ROOT/lib/containers" 2>/dev/null)" ] || fail "a refused create stored a container"
ok "refused creates stored no container"

# A host port something listens on: the start is refused, naming it, and nothing is left.
port=$(free_port)
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(); print("ready", flush=True); time.sleep(60)' "$port" |
    { read -r _; sleep 60; } &
lpid=$!
wait_for 5 sh -c "ss -ltn | grep -q ':$port '" || fail "listener on $port did not start"
net_track bv "$P-p"
b ctr create "$P-p" --rootfs "$ROOTFS" --net "$N" -p "$port:80" -- sleep 60 >/dev/null || fail "create p"
expect_err "host port in use" b ctr start "$P-p"
case "$LAST_ERR" in *"host port $port/tcp is already in use"*) ;; *) fail "port-in-use error: $LAST_ERR" ;; esac
b net inspect "$N" | grep -q "$P-p" && fail "the refused start kept a lease"
nft list map ip "$TABLE" pany | grep -q " $port " && fail "the refused start published $port"
kill "$lpid" 2>/dev/null
pkill -P "$lpid" 2>/dev/null
ok "a refused start left no lease and no published port"

b ctr rm -f "$P-p" >/dev/null
b net rm "$N" >/dev/null || fail "net rm $N"
net_assert_clean
ok "nothing left"
