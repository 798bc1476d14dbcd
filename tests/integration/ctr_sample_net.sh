#!/bin/sh
# SPDX-License-Identifier: MIT
# The containers provider's network figures are exact for a namespace that held only lo: a link
# that appears there later (a veth end moved in from a namespace of this test) is seen at the next
# refresh through the provider's rtnetlink watch, not after some number of skipped refreshes, and
# its bytes are counted from then on (lo excluded).
. "$(dirname "$0")/lib_ctr.sh"

command -v ip >/dev/null 2>&1 || skip "iproute2 (ip) is not installed"
command -v nsenter >/dev/null 2>&1 || skip "nsenter (util-linux) is not installed"
unshare -n ip link add va type veth peer name vb 2>/dev/null || skip "no veth support in this kernel"

helper=""
batch=""
net_cleanup() {
    [ -n "$batch" ] && kill "$batch" 2>/dev/null
    [ -n "$helper" ] && kill "$helper" 2>/dev/null
    ctr_cleanup
}
trap net_cleanup EXIT

b ctr run -d "$P-net" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "run"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
    "$BERTH_ROOT/run/$P-net/state.json") || fail "no init pid"
unshare -n sleep 1000 &
helper=$!
out=$BERTH_ROOT/batch.jsonl
"$BERTH_BIN" --batch -f json --no-vms -n 0 -d 0.1 >"$out" 2>/dev/null &
batch=$!

lines() { wc -l <"$out"; }
# net NTH: net_rx_bytes net_tx_bytes of the container in sample NTH (1-based).
net() {
    sed -n "${1}p" "$out" | python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
r=[i for i in d["instances"] if i["id"]==sys.argv[1]][0]
print(r["net_rx_bytes"], r["net_tx_bytes"])' "$P-net"
}
# after_next K: wait until K more samples than now are printed; prints that sample's number.
after_next() {
    want=$(($(lines) + $1))
    n=100
    while [ "$(lines)" -lt "$want" ] && [ "$n" -gt 0 ]; do
        sleep 0.05
        n=$((n - 1))
    done
    [ "$(lines)" -ge "$want" ] || fail "batch stopped printing samples"
    echo "$want"
}

s=$(after_next 3)
[ "$(net "$s")" = "0 0" ] || fail "lo-only namespace: want 0 0, got $(net "$s")"
ok "a namespace with only lo shows 0 bytes"

# A veth pair: one end in the helper namespace, the other moved into the container's.
nsenter -t "$helper" -n ip link add va type veth peer name vb netns "$pid" || fail "veth"
nsenter -t "$helper" -n ip addr add 10.231.7.1/30 dev va || fail "addr va"
nsenter -t "$helper" -n ip link set va up || fail "up va"
nsenter -t "$pid" -n ip addr add 10.231.7.2/30 dev vb || fail "addr vb"
nsenter -t "$pid" -n ip link set vb up || fail "up vb"
nsenter -t "$helper" -n /bin/busybox ping -c 1 -W 2 10.231.7.2 >/dev/null || fail "ping"
# Two refreshes later (0.2 s; the old sampler re-read such a namespace every 16th refresh only):
s=$(after_next 2)
set -- $(net "$s")
[ "$1" -gt 0 ] && [ "$2" -gt 0 ] || fail "bytes of the new link not seen 2 refreshes later: $*"
rx=$1
ok "a link moved in is counted at once: rx $1 tx $2 bytes"

nsenter -t "$helper" -n /bin/busybox ping -c 2 -W 2 10.231.7.2 >/dev/null || fail "ping 2"
s=$(after_next 2)
set -- $(net "$s")
[ "$1" -gt "$rx" ] || fail "rx did not grow with more traffic: $rx -> $1"
ok "its bytes keep counting: rx $rx -> $1"
echo PASS
