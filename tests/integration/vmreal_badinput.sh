#!/bin/bash
# SPDX-License-Identifier: MIT
# berth vm create with bad input against a real libvirtd: a missing kernel file, 0 vCPUs, more
# memory than the host has, a name with '/'. Each: non-zero exit, one line on stderr naming the
# problem, and nothing (half-)defined left in libvirt.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

host_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
too_much="$((host_kib * 2 / 1024))M"
before=$(virsh_ list --all --name | sort)

# bad NAME-SUFFIX WHAT EXPECT-IN-MESSAGE create-args...
bad() {
    local suffix=$1 what=$2 quote=$3 name rc
    shift 3
    vm_name name "$suffix"
    [ "$suffix" = slash ] && name="berth-test-$$-a/b" && VM_NAMES+=("$name")
    berth vm create "$name" "$@" >"$VM_TMP/out" 2>"$VM_TMP/err"
    rc=$?
    [ $rc -ne 0 ] || fail "$what: berth vm create exited 0"
    local lines
    lines=$(grep -cv '^Try ' "$VM_TMP/err")
    [ "$lines" -eq 1 ] || fail "$what: expected one error line, got $lines: $(cat "$VM_TMP/err")"
    grep -qF -- "$quote" "$VM_TMP/err" || fail "$what: message does not quote '$quote': $(cat "$VM_TMP/err")"
    if virsh_ dominfo "$name" >/dev/null 2>&1; then fail "$what: $name got defined"; fi
    note "$what: exit $rc: $(head -1 "$VM_TMP/err")"
}

common=(--initrd "$INITRD" --cmdline "console=ttyS0" --network none --graphics none)
bad nokernel "missing kernel" "$VM_TMP/no-such-vmlinuz" \
    --memory 128M --vcpus 1 --kernel "$VM_TMP/no-such-vmlinuz" "${common[@]}"
bad vcpu0 "--vcpus 0" "--vcpus" --memory 128M --vcpus 0 --kernel "$KERNEL" "${common[@]}"
bad bigmem "memory over the host's" "--memory" \
    --memory "$too_much" --vcpus 1 --kernel "$KERNEL" "${common[@]}"
grep -qi "host" "$VM_TMP/err" || fail "memory over the host's: the message does not say so: $(cat "$VM_TMP/err")"
bad slash "name with /" "berth-test-$$-a/b" --memory 128M --vcpus 1 --kernel "$KERNEL" "${common[@]}"
bad nodisk "missing disk" "$VM_TMP/no-such.qcow2" \
    --memory 128M --vcpus 1 --disk "$VM_TMP/no-such.qcow2" --network none --graphics none

after=$(virsh_ list --all --name | sort)
[ "$before" = "$after" ] || fail "libvirt's domain list changed: before [$before] after [$after]"
for f in /etc/libvirt/qemu/berth-test-$$-*; do
    [ -e "$f" ] && fail "domain XML left behind: $f"
done

# A good create right after still works (nothing stuck from the failures).
vm_name ok ok
vm_create "$ok" idle
[ "$(vm_info_state "$ok")" = stopped ] || fail "a valid create after the bad ones did not define $ok"
echo "PASS: bad create input refused with one-line errors, nothing left defined"
