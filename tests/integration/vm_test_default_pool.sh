#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth vm create --disk-size` on a libvirt without a 'default' storage pool (a fresh libvirtd):
# berth defines one (a directory pool under /var/lib/libvirt/images), starts and autostarts it,
# and makes the volume there, instead of failing with "no such storage pool". libvirt's test
# driver with a node that has no pool. An explicit --pool that does not exist is still an error.
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmpool-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")
sed -i '/<pool /d' "$tmp/node.xml"
grep -q '<pool' "$tmp/node.xml" && fail "the node file still has a pool"
B=(-c "$U")

run "${B[@]}" vm create d-$$ --memory 64M --disk-size 1G
[ "$rc" -eq 0 ] || fail "create --disk-size without a default pool: exit $rc: $err"
[ "$out" = "defined d-$$" ] || fail "create output: $out"
expect 1 "--pool 'nopool': no such storage pool" \
    "${B[@]}" vm create x --memory 64M --disk-size 1G --pool nopool
echo "PASS: --disk-size without a default pool makes one"
