#!/bin/bash
# SPDX-License-Identifier: MIT
# Address allocation: a /30 has room for one container and the next start says so in one line;
# SIGKILL of a container's monitor and init frees its lease (reconciled against live processes)
# and the port it published; concurrent starts on one network get distinct addresses.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_net.sh"

T=$P-t
W=$P-w
net_track bb "$T"
net_track bb "$W"
# A /30 no other network or route of the host uses (tests run in parallel).
for i in $(seq 1 40); do
    sub=10.$((200 + RANDOM % 50)).$((RANDOM % 256)).$((4 * (RANDOM % 64)))/30
    b net create "$T" --subnet "$sub" >/dev/null 2>&1 && break
    sub=""
done
[ -n "$sub" ] || fail "no free /30 found for the test network"
ok "net create $T --subnet $sub"

port=$(free_port)
b ctr run -d --name "$P-x1" --rootfs "$ROOTFS" --net "$T" -p "$port:80" -- sleep 600 >/dev/null ||
    fail "first container on the /30"
net_track bv "$P-x1"
b ctr create "$P-x2" --rootfs "$ROOTFS" --net "$T" -- sleep 600 >/dev/null || fail "create x2"
net_track bv "$P-x2"
expect_err "start on a full /30" b ctr start "$P-x2"
case "$LAST_ERR" in *"no free address left in $sub"*) ;; *) fail "unclear exhaustion error: $LAST_ERR" ;; esac
nft list map ip "$TABLE" pany | grep -q " $port " || fail "x1's port $port is not published"

# SIGKILL the monitor and the init: nobody cleans up, the next allocation reconciles.
st=$BERTH_ROOT/run/$P-x1/state.json
mon=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["monitor_pid"])' "$st")
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$st")
kill -9 "$mon" "$pid"
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "init $pid survived SIGKILL"
b ctr start "$P-x2" >/dev/null || fail "x2 did not get x1's freed address"
b net inspect "$T" | grep -q "\"name\":\"$P-x2\"" || fail "x2 is not on $T"
b net inspect "$T" | grep -q "\"name\":\"$P-x1\"" && fail "x1's lease survived its SIGKILL"
nft list map ip "$TABLE" pany | grep -q " $port " && fail "x1's port $port survived its SIGKILL"
ok "after kill -9 of x1's monitor and init, x2 got the address; x1's port was unpublished"

# Concurrent starts: distinct addresses.
b net create "$W" >/dev/null || fail "net create $W"
n=12
for i in $(seq 1 $n); do
    net_track bv "$P-w$i"
    b ctr run -d --name "$P-w$i" --rootfs "$ROOTFS" --net "$W" -- sleep 600 >/dev/null &
done
wait
got=$(b net inspect "$W" | python3 -c 'import json,sys
c=json.load(sys.stdin)["containers"]; print(len(c), len(set(x["ip"] for x in c)))')
[ "$got" = "$n $n" ] || fail "$n concurrent starts: leases/distinct addresses = $got"
ok "$n concurrent starts got $n distinct addresses"

for c in $(ls "$BERTH_ROOT/lib/containers"); do b ctr rm -f "$c" >/dev/null 2>&1; done
b net prune >/dev/null || fail "net prune"
b net ls | grep -q "$P" && fail "net prune left a network"
net_assert_clean
ok "prune removed every network, link and the table"
