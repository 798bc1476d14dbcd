#!/bin/bash
# SPDX-License-Identifier: MIT
# Bridge networking for real: two containers on a user network talk by address and by name
# (busybox httpd, wget, nc); a port published with -p on the default network is reached from
# the host through 127.0.0.1 and the bridge's address; stop unpublishes it; rm and net rm leave
# no veth, bridge or nftables table behind.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_net.sh"

N=$P-n
net_track bb "$N"
net_track bb berth0
for c in a b c; do net_track bv "$P-$c"; done

b net create "$N" >/dev/null || fail "net create $N"
b net ls | grep -q "^$N " || fail "net ls does not list $N"
ok "net create $N"

b ctr run -d --name "$P-a" --rootfs "$ROOTFS" --net "$N" -- \
    sh -c 'echo hello-from-a >/tmp/index.html; httpd -p 80 -h /tmp; nc -l -p 7000 >/tmp/got; sleep 600' \
    >/dev/null || fail "run a"
b ctr run -d --name "$P-b" --rootfs "$ROOTFS" --net "$N" -- sleep 600 >/dev/null || fail "run b"
ipa=$(b net inspect "$N" | python3 -c 'import json,sys
d=json.load(sys.stdin); print([c["ip"] for c in d["containers"] if c["name"]==sys.argv[1]][0])' "$P-a") ||
    fail "no address for a in net inspect"
b ctr exec "$P-a" -- ip -4 addr show eth0 | grep -q "inet $ipa/" || fail "eth0 of a has not $ipa"
b ctr exec "$P-b" -- ip route | grep -q "^default via" || fail "b has no default route"
ok "a has $ipa on eth0; b has a default route"

wait_for 10 b ctr exec "$P-b" -- wget -qO /dev/null "http://$ipa/" || fail "b cannot fetch from a by address"
[ "$(b ctr exec "$P-b" -- wget -qO- "http://$ipa/")" = hello-from-a ] || fail "b got the wrong page from a"
ok "b fetches a page from a at $ipa"
[ "$(b ctr exec "$P-b" -- wget -qO- "http://$P-a/")" = hello-from-a ] || fail "b cannot reach a by name"
ok "b reaches a by name (/etc/hosts)"
b ctr exec "$P-b" -- sh -c "echo over-nc | nc $ipa 7000" || fail "nc from b to a"
wait_for 5 sh -c "[ \"\$('$BERTH_BIN' ctr exec '$P-a' -- cat /tmp/got)\" = over-nc ]" || fail "a did not receive b's nc"
ok "b talks to a with nc"

port=$(free_port)
b ctr run -d --name "$P-c" --rootfs "$ROOTFS" --net bridge -p "$port:80" -- \
    sh -c 'echo hello-from-c >/tmp/index.html; httpd -f -p 80 -h /tmp' >/dev/null || fail "run c with -p"
gw=$(b net inspect berth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateway"])')
wait_for 10 /bin/busybox wget -qO /dev/null "http://127.0.0.1:$port/" || fail "127.0.0.1:$port does not reach c"
[ "$(/bin/busybox wget -qO- "http://127.0.0.1:$port/")" = hello-from-c ] || fail "wrong page through 127.0.0.1"
ok "published port $port reached from the host on 127.0.0.1"
[ "$(/bin/busybox wget -qO- "http://$gw:$port/")" = hello-from-c ] || fail "$gw:$port does not reach c"
ok "published port reached through the bridge's address $gw"
b ctr inspect "$P-c" | grep -q "\"ports\":\"$port->80/tcp\"" || fail "inspect does not show the port"
b --batch -n 1 -f json --no-vms | python3 -c 'import json,sys
d=json.loads(sys.stdin.readline())
c=[i for i in d["instances"] if i["name"]==sys.argv[1]][0]
assert c["ports"]==sys.argv[2]+"->80/tcp" and c["ip"].count(".")==3, c' "$P-c" "$port" ||
    fail "batch JSON does not show c's address and port"
ok "inspect and batch JSON show $port->80/tcp"

# Networks are isolated: c (on berth0) does not reach a (on $N).
b ctr exec "$P-c" -- timeout 3 wget -qO- "http://$ipa/" >/dev/null 2>&1 &&
    fail "c (berth0) reached a ($N): networks are not isolated"
ok "a container on another network cannot reach a"

b ctr stop -t 1 "$P-c" >/dev/null || fail "stop c"
nft list map ip "$TABLE" pany | grep -q " $port " && fail "the port map still holds $port after stop"
/bin/busybox timeout 3 /bin/busybox wget -qO- "http://127.0.0.1:$port/" >/dev/null 2>&1 &&
    fail "port $port still answers after stop"
ok "stop unpublished port $port"

b ctr rm -f "$P-a" "$P-b" "$P-c" >/dev/null 2>&1
for c in a b c; do b ctr rm -f "$P-$c" >/dev/null 2>&1; done
b net rm "$N" >/dev/null || fail "net rm $N"
b net rm berth0 >/dev/null || fail "net rm berth0"
net_assert_clean
ok "rm and net rm left no veth, bridge or table"
