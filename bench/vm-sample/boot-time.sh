#!/bin/bash
# SPDX-License-Identifier: MIT
# How long the test guest (scripts/build-guest.sh) takes to boot here: QEMU alone (-kernel/-initrd,
# the accelerator libvirtd-setup.sh picks) and through libvirtd (virsh start), each from launch to
# the "BERTH-GUEST-READY" line on the serial console. Median of RUNS (default 5).
# usage: bench/vm-sample/boot-time.sh [RUNS]
set -u
cd "$(dirname "$0")/../.." || exit 1
RUNS=${1:-5}
scripts/libvirtd-setup.sh >/dev/null 2>&1 || { echo "libvirtd-setup.sh failed" >&2; exit 1; }
eval "$(scripts/build-guest.sh 2>/dev/null)"
ACC=$(scripts/libvirtd-setup.sh accel)
QACC=tcg
[ "$ACC" = kvm ] && QACC=kvm
TMP=$(mktemp -d /tmp/berth-boot.XXXXXX)
chmod 755 "$TMP"
DOM=berth-boot-$$
cleanup() {
    virsh -q -c qemu:///system destroy "$DOM" >/dev/null 2>&1
    virsh -q -c qemu:///system undefine "$DOM" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

# ms from now until READY shows in FILE (bounded 120 s); empty when it never did.
ready_ms() {
    local file=$1 t0=$2
    for _ in $(seq 1200); do
        if grep -aq BERTH-GUEST-READY "$file" 2>/dev/null; then
            echo $((($(date +%s%N) - t0) / 1000000))
            return
        fi
        sleep 0.1
    done
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

qemu_runs=() virsh_runs=()
for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    qemu-system-x86_64 -accel "$QACC" -m 128 -nodefaults -display none -no-reboot \
        -serial "file:$TMP/q.log" -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyS0 berth.mode=idle" 2>/dev/null &
    qpid=$!
    qemu_runs+=("$(ready_ms "$TMP/q.log" "$t0")")
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null
    rm -f "$TMP/q.log"
done
cat >"$TMP/d.xml" <<EOF
<domain type='$ACC'><name>$DOM</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type><kernel>$KERNEL</kernel><initrd>$INITRD</initrd>
<cmdline>console=ttyS0 berth.mode=idle</cmdline></os><features><acpi/></features>
<devices><serial type='file'><source path='$TMP/v.log'/></serial><memballoon model='virtio'/></devices></domain>
EOF
virsh -q -c qemu:///system define "$TMP/d.xml" >/dev/null
for _ in $(seq "$RUNS"); do
    rm -f "$TMP/v.log"
    t0=$(date +%s%N)
    virsh -q -c qemu:///system start "$DOM" >/dev/null
    virsh_runs+=("$(ready_ms "$TMP/v.log" "$t0")")
    virsh -q -c qemu:///system destroy "$DOM" >/dev/null
done
echo "boot to BERTH-GUEST-READY ($QACC, 128 MiB, 1 vCPU, load $(cut -d' ' -f1 /proc/loadavg)):"
echo "  qemu -kernel/-initrd: median $(printf '%s\n' "${qemu_runs[@]}" | median) ms (runs: ${qemu_runs[*]})"
echo "  virsh start (libvirtd): median $(printf '%s\n' "${virsh_runs[@]}" | median) ms (runs: ${virsh_runs[*]})"
