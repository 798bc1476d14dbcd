#!/bin/bash
# SPDX-License-Identifier: MIT
# A guest's IP addresses (libvirt: DHCP leases, the guest agent, ARP) in `vm info` (table and
# JSON "addresses") and in batch JSON ("addresses" of every instance), against libvirt's test
# driver: its running domain 'test' has one interface at 192.168.122.3/24; a domain without an
# interface has none (no line, an empty list).
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmaddrs-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
D=(-c test:///default)

run "${D[@]}" vm info test
[ "$rc" -eq 0 ] || fail "vm info test: exit $rc: $err"
echo "$out" | grep -qx 'Addresses:   192.168.122.3/24' || fail "vm info has no address line: $out"
run "${D[@]}" vm info test --format json
echo "$out" >"$tmp/info.json"
[ "$(json_get "$tmp/info.json" 'j["addresses"]')" = "['192.168.122.3/24']" ] ||
    fail "vm info --format json addresses: $(json_get "$tmp/info.json" 'j.get("addresses")')"

run "${D[@]}" --batch --no-containers -f json -n 1
[ "$rc" -eq 0 ] || fail "batch: exit $rc: $err"
echo "$out" | tail -1 >"$tmp/batch.json"
got=$(json_get "$tmp/batch.json" '[i["addresses"] for i in j["instances"] if i["name"] == "test"]')
[ "$got" = "[['192.168.122.3/24']]" ] || fail "batch addresses of test: $got"

U=$(vm_node_file "$tmp")
run -c "$U" vm info run1 --format json
echo "$out" >"$tmp/run1.json"
[ "$(json_get "$tmp/run1.json" 'j["addresses"]')" = "[]" ] || fail "run1 (no NIC) has addresses: $out"
run -c "$U" vm info run1
echo "$out" | grep -q '^Addresses:' && fail "run1 (no NIC) shows an address line: $out"
run -c "$U" --batch --no-containers -f json -n 1
echo "$out" | tail -1 >"$tmp/batch2.json"
got=$(json_get "$tmp/batch2.json" '[i["addresses"] for i in j["instances"]]')
[ "$got" = "[[], [], []]" ] || fail "batch addresses without NICs: $got"
echo "PASS: guest addresses in vm info, its JSON and batch JSON"
