#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth vm create --virt-type kvm|qemu --cpu host-passthrough|host-model|MODEL` against libvirt's
# test driver: good values define a domain; bad values are one line naming the option and
# quoting the value (usage errors exit 2, option checks exit 1), and nothing is defined.
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmcpu-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")
B=(-c "$U")

for vt in kvm qemu; do
    for cpu in host-passthrough host-model qemu64 Skylake-Client-v4; do
        run "${B[@]}" vm create c-$$ --memory 64M --disk-size 1G --virt-type $vt --cpu $cpu
        [ "$rc" -eq 0 ] || fail "create --virt-type $vt --cpu $cpu: exit $rc: $err"
        [ "$out" = "defined c-$$" ] || fail "create --virt-type $vt --cpu $cpu output: $out"
    done
done
expect 2 "--virt-type 'xen': use kvm or qemu" "${B[@]}" vm create x --memory 64M --disk-size 1G --virt-type xen
expect 2 "create: option '--virt-type' needs a value" "${B[@]}" vm create x --memory 64M --disk-size 1G --virt-type
expect 1 "--cpu 'a b': use host-passthrough, host-model or a CPU model name" \
    "${B[@]}" vm create x --memory 64M --disk-size 1G --cpu 'a b'
expect 1 "--cpu '': use host-passthrough" "${B[@]}" vm create x --memory 64M --disk-size 1G --cpu ''
expect 1 "--cpu 'x'/><evil': use" "${B[@]}" vm create x --memory 64M --disk-size 1G --cpu "x'/><evil"
[ "$(echo "$err" | grep -cv '^Try ')" -eq 1 ] || fail "--cpu error is not one line: $err"
[ -z "$(ls "$tmp/pool")" ] || fail "a refused create left a volume: $(ls "$tmp/pool")"
# --help and the man page name both options
run vm create --help
echo "$out" | grep -q -- '--virt-type kvm|qemu' || fail "--help lacks --virt-type: $out"
echo "$out" | grep -q -- '--cpu host-passthrough|host-model|MODEL' || fail "--help lacks --cpu: $out"
echo "PASS: --virt-type and --cpu: good values define, bad ones give one-line errors"
