#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth vm create` checks what the domain refers to before defining it: a --network name libvirt
# does not have, and an --iso that is a directory, are one-line errors and nothing is defined
# (before, both were defined and failed only at start). libvirt's test driver (its node has no
# network at all).
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmrefs-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")
B=(-c "$U")

expect 1 "--network 'nosuchnet': no such libvirt network" \
    "${B[@]}" vm create n-$$ --memory 64M --disk-size 1G --network nosuchnet
[ "$(echo "$err" | grep -cv '^Try ')" -eq 1 ] || fail "--network error is not one line: $err"
mkdir "$tmp/iso.d"
expect 1 "--iso '$tmp/iso.d': is a directory, not an image file" \
    "${B[@]}" vm create i-$$ --memory 64M --iso "$tmp/iso.d"
[ -z "$(ls "$tmp/pool")" ] || fail "a refused create left a volume: $(ls "$tmp/pool")"
run "${B[@]}" vm create ok-$$ --memory 64M --disk-size 1G --network none
[ "$rc" -eq 0 ] || fail "create with --network none: $err"
echo "PASS: create refuses an unknown --network and a directory --iso before defining"
