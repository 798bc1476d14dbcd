#!/bin/bash
# SPDX-License-Identifier: MIT
# `vm create --image` with bad input on a real libvirtd: every case is refused with exit 1 (2 for
# usage) and one line naming the option and the value, and nothing is left behind: no domain,
# and the storage pool holds exactly what it held before (a failure after the base was imported
# and the overlay made deletes both again).
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup
command -v genisoimage >/dev/null || skip "genisoimage is not installed (scripts/install-deps.sh test)"
vm_private_pool
tmp=$VM_TMP

img=$tmp/image.qcow2
qemu-img create -q -f qcow2 "$img" 64M || fail "qemu-img create"
echo "just text" >"$tmp/text.img"
qemu-img create -q -f qcow2 "$tmp/huge.qcow2" 100T || fail "qemu-img create 100T"
printf 'hostname: x\n' >"$tmp/ud-noheader"
printf '#cloud-config\n' >"$tmp/ud-ok"
head -c 70000 /dev/zero | tr '\0' 'a' | sed '1s/^/#cloud-config\n/' >"$tmp/ud-big"
echo "not a key" >"$tmp/badkey"
vm_name d bad
C=(vm create "$d" --memory 128M --pool "$POOL" --network none)

# expect_bad RC STDERR-SUBSTRING berth-args...: refused, one line, nothing left.
expect_bad() {
    local want_rc=$1 want=$2 e
    shift 2
    berth "$@" >/dev/null 2>"$tmp/err" </dev/null
    local got=$?
    e=$(cat "$tmp/err")
    [ $got -eq "$want_rc" ] || fail "berth $*: exit $got, expected $want_rc ($e)"
    case "$e" in *"$want"*) ;; *) fail "berth $*: '$e' lacks '$want'" ;; esac
    # (a usage error, exit 2, adds a line pointing at --help)
    [ "$want_rc" -eq 2 ] || [ "$(echo "$e" | wc -l)" -eq 1 ] || fail "berth $*: more than one line: $e"
    virsh_ dominfo "$d" >/dev/null 2>&1 && fail "berth $*: the domain $d was defined"
    [ "$(ls -A "$tmp/pool" | tr '\n' ' ')" = "${keep:-}" ] ||
        fail "berth $*: left in the pool: $(ls -A "$tmp/pool")"
    note "refused: $e"
}

expect_bad 1 "--image '$tmp/missing.qcow2'" "${C[@]}" --image "$tmp/missing.qcow2"
expect_bad 1 "not a disk image" "${C[@]}" --image "$tmp/text.img"
expect_bad 1 "not a regular file" "${C[@]}" --image "$tmp"
expect_bad 1 "is not between 1 and 64T" "${C[@]}" --image "$tmp/huge.qcow2"
expect_bad 1 "--disk-size" "${C[@]}" --image "$img" --disk-size 100T
expect_bad 1 "smaller than the image's virtual size" "${C[@]}" --image "$img" --disk-size 16M
expect_bad 1 "first line must be '#cloud-config'" "${C[@]}" --image "$img" --user-data "$tmp/ud-noheader"
expect_bad 1 "--user-data" "${C[@]}" --image "$img" --user-data "$tmp/ud-big"
expect_bad 1 "not an SSH public key line" "${C[@]}" --image "$img" --ssh-key "$tmp/badkey"
expect_bad 1 "--hostname 'bad_host!': not a host name" "${C[@]}" --image "$img" --hostname 'bad_host!'
expect_bad 1 "needs --image" "${C[@]}" --disk-size 1G --cloud-init
expect_bad 1 "--image and --disk cannot be used together" "${C[@]}" --image "$img" --disk "$img"
expect_bad 1 "invalid name '../x'" vm create ../x --memory 128M --image "$img" --pool "$POOL"
expect_bad 2 "--disk-size" "${C[@]}" --image "$img" --disk-size lots

# Failures after the import: the seed's name is taken, or the overlay's. The base imported by
# this call and the overlay are deleted again; what was there stays.
touch "$tmp/pool/$d.cidata.iso"
virsh_ pool-refresh "$POOL" >/dev/null
keep="$d.cidata.iso "
expect_bad 1 "already exists in the storage pool" "${C[@]}" --image "$img" --user-data "$tmp/ud-ok"
rm "$tmp/pool/$d.cidata.iso"
qemu-img create -q -f qcow2 "$tmp/pool/$d.qcow2" 1M
virsh_ pool-refresh "$POOL" >/dev/null
keep="$d.qcow2 "
expect_bad 1 "overlay volume '$d.qcow2'" "${C[@]}" --image "$img" --cloud-init
echo "PASS: bad cloud-image input refused with one line, nothing left behind"
