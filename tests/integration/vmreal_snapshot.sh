#!/bin/bash
# SPDX-License-Identifier: MIT
# Internal snapshots on a qcow2 disk (made with qemu-img) of a real guest: create one while shut
# off and one while running, list them, revert to each (the domain takes the saved state), and
# remove them; virsh and qemu-img agree at every step.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

disk=$VM_TMP/disk.qcow2
qemu-img create -q -f qcow2 "$disk" 32M || fail "qemu-img create failed"
vm_name dom snap
vm_create "$dom" idle --disk "$disk"

snaps() { # the snapshot names berth lists, sorted, space-separated
    berth vm snapshot ls "$dom" --format json >"$VM_TMP/snaps.json" ||
        fail "berth vm snapshot ls $dom --format json failed"
    json_get "$VM_TMP/snaps.json" '" ".join(sorted(s["name"] for s in (j["snapshots"] if isinstance(j, dict) else j)))'
}
virsh_snaps() { virsh_ snapshot-list --name "$dom" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }

[ -z "$(snaps)" ] || fail "a new domain has snapshots: $(snaps)"
berth vm snapshot create "$dom" s-off || fail "snapshot create s-off (shut off) failed"
berth vm start "$dom" || fail "berth vm start failed"
vm_wait_ready "$dom" 120
berth vm snapshot create "$dom" s-run || fail "snapshot create s-run (running) failed"
[ "$(virsh_state "$dom")" = running ] || fail "after a live snapshot the domain is $(virsh_state "$dom")"
[ "$(snaps)" = "s-off s-run" ] || fail "berth lists '$(snaps)', expected 's-off s-run'"
[ "$(virsh_snaps)" = "s-off s-run" ] || fail "virsh lists '$(virsh_snaps)'"
states=$(json_get "$VM_TMP/snaps.json" '" ".join("%s=%s" % (s["name"], s["state"]) for s in sorted(j["snapshots"] if isinstance(j, dict) else j, key=lambda s: s["name"]))')
note "snapshots: $states"
[ "$states" = "s-off=shutoff s-run=running" ] || fail "snapshot states '$states'"
current=$(json_get "$VM_TMP/snaps.json" '[s["name"] for s in (j["snapshots"] if isinstance(j, dict) else j) if s["current"]]')
[ "$current" = "['s-run']" ] || fail "current snapshot $current, expected s-run"
# The internal snapshots live in the qcow2 image itself.
qemu-img info -U "$disk" | grep -q 's-run' || fail "qemu-img does not see s-run in $disk"

berth vm destroy "$dom" || fail "berth vm destroy failed"
berth vm snapshot revert "$dom" s-run || fail "revert to s-run failed"
wait_virsh_state "$dom" running 60
expect_state "$dom" running running
vm_wait_ready "$dom" 60 # the guest continues from the saved memory: its shell answers
berth vm snapshot revert "$dom" s-off || fail "revert to s-off failed"
expect_state "$dom" stopped "shut off"

berth vm snapshot rm "$dom" s-run || fail "snapshot rm s-run failed"
[ "$(snaps)" = "s-off" ] || fail "after rm s-run berth lists '$(snaps)'"
[ "$(virsh_snaps)" = "s-off" ] || fail "after rm s-run virsh lists '$(virsh_snaps)'"
if berth vm snapshot revert "$dom" s-run 2>"$VM_TMP/rev.err"; then
    fail "revert to a removed snapshot succeeded"
fi
note "revert to a removed snapshot: $(cat "$VM_TMP/rev.err")"
berth vm snapshot rm "$dom" s-off || fail "snapshot rm s-off failed"
[ -z "$(snaps)" ] || fail "after removing both berth lists '$(snaps)'"
[ -z "$(virsh_snaps)" ] || fail "after removing both virsh lists '$(virsh_snaps)'"
berth vm rm "$dom" || fail "berth vm rm failed"
[ -f "$disk" ] || fail "berth vm rm (without --remove-storage) deleted the disk image"
# A domain without a qcow2 disk (kernel boot only): the error says such a disk is needed.
vm_name nodisk nodisk
vm_create "$nodisk" idle
if berth vm snapshot create "$nodisk" s1 2>"$VM_TMP/nd.err"; then
    fail "snapshot of a domain without a disk succeeded"
fi
[ "$(wc -l <"$VM_TMP/nd.err")" -eq 1 ] || fail "snapshot error is not one line: $(cat "$VM_TMP/nd.err")"
grep -q "internal snapshots need a qcow2 disk" "$VM_TMP/nd.err" ||
    fail "snapshot without a qcow2 disk does not say one is needed: $(cat "$VM_TMP/nd.err")"
note "$(cat "$VM_TMP/nd.err")"
echo "PASS: snapshots create/ls/revert/rm on a qcow2 disk; without one the error says it is needed"
