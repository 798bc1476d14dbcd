# SPDX-License-Identifier: MIT
# Shared set-up for the network tests (sourced after lib_ctr.sh): the names berth gives to this
# BERTH_ROOT's nftables table and links, checks that none is left, and a trap that removes any
# leftover even when berth failed to (after lib_ctr.sh's cleanup, which runs `berth net prune`).

TABLE=berth_${CGP#berth-}
# berth's hashed interface names: "bb"/"bv" + FNV-1a of "<cgroup parent>/<name>" (store.c).
ifname() { # ifname bb|bv NAME
    python3 -c 'import sys
h=2166136261
for c in (sys.argv[2]+"/"+sys.argv[3]).encode(): h=((h^c)*16777619)&0xffffffff
print(sys.argv[1]+"%08x"%h)' "$1" "$CGP" "$2"
}
NET_LINKS="" # the bridges and veths a test expects berth to remove: "ifname bb NET" each

net_track() { # net_track bb|bv NAME
    NET_LINKS="$NET_LINKS $(ifname "$1" "$2")"
}

# Nothing of this BERTH_ROOT is left in the kernel: the table and every tracked link.
net_assert_clean() {
    nft list table ip "$TABLE" >/dev/null 2>&1 && fail "nftables table $TABLE is left"
    for l in $NET_LINKS; do
        [ -e "/sys/class/net/$l" ] && fail "link $l is left"
    done
    return 0
}

net_cleanup() {
    ctr_cleanup
    nft delete table ip "$TABLE" 2>/dev/null
    for l in $NET_LINKS; do
        [ -e "/sys/class/net/$l" ] && ip link del "$l" 2>/dev/null
    done
}
trap net_cleanup EXIT

command -v nft >/dev/null || skip "nft is not installed (the tests read berth's table with it)"
# A free TCP port on the host, from a range unlikely to be used.
free_port() {
    python3 -c 'import socket
s=socket.socket(); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])'
}
