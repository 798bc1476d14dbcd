#!/bin/bash
# SPDX-License-Identifier: MIT
# A VM from a cloud image on a real libvirtd: `vm create --image --cloud-init` imports the image
# once as a read-only base volume named by its SHA-256, gives each VM a qcow2 overlay over it
# (two VMs share one base), and attaches a NoCloud seed; the guest (scripts/build-cloud-guest.sh,
# no network) prints on its serial console the seed's hostname, instance-id, user-data marker and
# key count, and the image's marker read through the overlay. The base and the image are left
# unchanged by the guest's writes; vm rm --remove-storage deletes the overlay and the seed only.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup
out=$("$BERTH_SRC"/scripts/build-cloud-guest.sh 2>"$VM_TMP/build.err")
rc=$?
[ $rc -eq 77 ] && skip "cannot build the cloud test guest: ${out##*SKIP: }"
[ $rc -eq 0 ] || fail "build-cloud-guest.sh failed (exit $rc): $(cat "$VM_TMP/build.err")"
eval "$out"
command -v genisoimage >/dev/null || skip "genisoimage is not installed (scripts/install-deps.sh test)"

# A private transient pool under VM_TMP, destroyed before vm_cleanup removes VM_TMP.
vm_private_pool

img=$VM_TMP/image.qcow2
cp "$CLOUD_DISK" "$img" || fail "cp $CLOUD_DISK"
chmod 644 "$img"
img_sum=$(sha256sum "$img" | cut -d' ' -f1)
ssh-keygen -q -t ed25519 -N '' -C "berth-test-$$" -f "$VM_TMP/key" >/dev/null 2>&1 ||
    echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerthTestKeyNotARealKeyButWellFormed00 berth-test-$$" >"$VM_TMP/key.pub"
printf '#cloud-config\n# berth-marker: marker-%s\n' "$$" >"$VM_TMP/user-data"

accel=(${VM_ACCEL:+--virt-type "$VM_ACCEL"})
[ "${VM_ACCEL:-}" = kvm ] && accel+=(--cpu qemu64)
cloud_create() { # NAME extra-options...
    local name=$1
    shift
    berth vm create "$name" --memory 128M --image "$img" --pool "$POOL" --kernel "$CLOUD_KERNEL" \
        --initrd "$CLOUD_INITRD" --cmdline "console=ttyS0" --network none "${accel[@]}" "$@" ||
        fail "berth vm create $name --image failed"
}
vm_name a cloud-a
vm_name b cloud-b
cloud_create "$a" --cloud-init --hostname "host-$$" --ssh-key "$VM_TMP/key.pub" \
    --user-data "$VM_TMP/user-data"
cloud_create "$b" --cloud-init --disk-size 128M

# One base, named by the image's digest, read-only; both overlays are backed by it.
base=$VM_TMP/pool/berth-base-$img_sum.qcow2
[ -f "$base" ] || fail "no base volume $base: $(ls "$VM_TMP/pool")"
[ "$(ls "$VM_TMP/pool" | grep -c '^berth-base-')" -eq 1 ] || fail "more than one base: $(ls "$VM_TMP/pool")"
[ "$(stat -c %a "$base")" = 444 ] || fail "the base is mode $(stat -c %a "$base"), not 444"
for n in "$a" "$b"; do
    qemu-img info -U --output=json "$VM_TMP/pool/$n.qcow2" >"$VM_TMP/qi.json" || fail "qemu-img info $n.qcow2"
    bf=$(json_get "$VM_TMP/qi.json" 'j.get("full-backing-filename") or j.get("backing-filename")')
    [ "$bf" = "$base" ] || fail "$n.qcow2 is backed by '$bf', not the base $base"
    [ -f "$VM_TMP/pool/$n.cidata.iso" ] || fail "no seed $n.cidata.iso"
done
size=$(json_get "$VM_TMP/qi.json" 'j["virtual-size"]')
[ "$size" -eq $((128 << 20)) ] || fail "$b's overlay is $size bytes, --disk-size asked 128M"
vm_info "$a" >"$VM_TMP/info.json"
srcs=$(json_get "$VM_TMP/info.json" '" ".join("%s:%s" % (d["device"], d["source"]) for d in j["disks"])')
case "$srcs" in *"disk:$VM_TMP/pool/$a.qcow2"*"cdrom:$VM_TMP/pool/$a.cidata.iso"*) ;;
*) fail "vm info disks: $srcs" ;; esac
note "disks of $a: $srcs"

berth vm start "$a" || fail "berth vm start $a failed"
ptyrun "$VM_TMP/console.log" expect:'Escape character:20' \
    expect:"BERTH-CLOUD-HOSTNAME=host-$$:300" expect:BERTH-CLOUD-READY:60 send:'\x1d' exit:10 -- \
    virsh -c "$URI" console --force "$a" >/dev/null ||
    fail "$a: the seed's hostname did not arrive on the serial console: $(tail -c 600 "$VM_TMP/console.log" | tr -d '\r')"
report=$(tr -d '\r' <"$VM_TMP/console.log" | grep '^BERTH-CLOUD-' | sort -u)
note "guest: $(echo "$report" | tr '\n' ' ')"
for want in "BERTH-CLOUD-MARKER=marker-$$" "BERTH-CLOUD-INSTANCE-ID=iid-berth-$a-" \
    BERTH-CLOUD-DISK=berth-cloud-image-ok BERTH-CLOUD-SSH-KEYS=1 BERTH-CLOUD-NETWORK-CONFIG=ok; do
    echo "$report" | grep -q "^$want" || fail "the guest did not report $want: $report"
done
berth vm destroy "$a" || fail "berth vm destroy $a failed"

[ "$(sha256sum "$base" | cut -d' ' -f1)" = "$img_sum" ] || fail "the guest's writes changed the base"
[ "$(sha256sum "$img" | cut -d' ' -f1)" = "$img_sum" ] || fail "the image file changed"
berth vm rm "$a" --remove-storage || fail "berth vm rm $a --remove-storage failed"
[ ! -e "$VM_TMP/pool/$a.qcow2" ] && [ ! -e "$VM_TMP/pool/$a.cidata.iso" ] ||
    fail "rm --remove-storage left: $(ls "$VM_TMP/pool")"
[ -f "$base" ] || fail "rm --remove-storage of one VM deleted the shared base"
berth vm rm "$b" --remove-storage || fail "berth vm rm $b --remove-storage failed"
echo "PASS: cloud image VM: shared read-only base, overlays, seed read by the guest"
