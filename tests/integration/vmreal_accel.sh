#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/libvirtd-setup.sh's accelerator decision, fallback path: with BERTH_TEST_FORCE_NO_KVM=1
# the KVM probe fails (on machines with or without /dev/kvm), the script says why in one line and
# decides TCG (domain type 'qemu'), and a guest created for that type is a 'qemu' domain. And a
# start QEMU refuses for the CPU model (--cpu NoSuchModel) is one line naming --cpu host-model.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
export BERTH_TEST_FORCE_NO_KVM=1
vm_setup

[ "$VM_ACCEL" = qemu ] || fail "forced KVM failure: setup decided '$VM_ACCEL', not qemu (TCG)"

out=$("$BERTH_SRC"/scripts/libvirtd-setup.sh accel 2>"$VM_TMP/accel.err") ||
    fail "libvirtd-setup.sh accel failed: $(cat "$VM_TMP/accel.err")"
[ "$out" = qemu ] || fail "libvirtd-setup.sh accel printed '$out', not qemu"
lines=$(grep -c 'accelerator:' "$VM_TMP/accel.err")
[ "$lines" -eq 1 ] || fail "expected one 'accelerator:' line, got $lines: $(cat "$VM_TMP/accel.err")"
grep -q 'accelerator: TCG.*BERTH_TEST_FORCE_NO_KVM=1' "$VM_TMP/accel.err" ||
    fail "the reason line does not name TCG and the forced probe: $(cat "$VM_TMP/accel.err")"
note "$(cat "$VM_TMP/accel.err")"

# The full start also says it, and ends on the 'ready' line naming the type.
out=$("$BERTH_SRC"/scripts/libvirtd-setup.sh 2>&1) || fail "libvirtd-setup.sh start failed: $out"
echo "$out" | grep -q 'accelerator: TCG.*BERTH_TEST_FORCE_NO_KVM=1' ||
    fail "start does not give the reason: $out"
echo "$out" | tail -1 | grep -q "guests use domain type 'qemu' (tcg)" ||
    fail "start's last line does not say TCG: $out"

vm_name n accel
vm_create "$n" idle
type=$(virsh_ dumpxml "$n" | sed -n "s/^<domain type='\([a-z]*\)'.*/\1/p")
[ "$type" = qemu ] || fail "the guest is a '$type' domain, not qemu"
# A CPU model QEMU refuses: vm start says so in one line and names the option to try.
vm_name bad cpu
vm_create "$bad" idle --cpu NoSuchModel
berth vm start "$bad" >"$VM_TMP/out" 2>"$VM_TMP/err" && fail "vm start with --cpu NoSuchModel succeeded"
[ "$(wc -l <"$VM_TMP/err")" -eq 1 ] || fail "vm start error is not one line: $(cat "$VM_TMP/err")"
grep -q 'QEMU refused the guest CPU model: recreate the VM with --cpu host-model' "$VM_TMP/err" ||
    fail "vm start error does not name the CPU and --cpu: $(cat "$VM_TMP/err")"
note "$(cat "$VM_TMP/err")"
echo "PASS: forced KVM failure: one-line reason, TCG chosen, guest is a qemu domain"
