#!/bin/bash
# SPDX-License-Identifier: MIT
# A real guest's VM-vs-container figures in `berth --batch -f json` (docs/BATCH.md "figures"):
# guest RAM is the balloon's 128 MiB; QEMU's resident memory agrees with /proc/<qemu pid>/status
# read by the test around the sample (within what a running QEMU changes in that time, stated
# below); the overhead is exactly RSS minus guest RAM of the same sample; vCPU and emulator CPU
# are present and sum to no more than the domain's CPU time; the accelerator is the one the
# domain was made for; the start berth did is recorded between the test's call and its return.
# Skips (77) with the reason when libvirtd cannot run or boot a guest here.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup
export BERTH_ROOT=$VM_TMP/root # berth keeps VM start figures under $BERTH_ROOT/run

vm_name idle idle
# A disk the guest does not use (it runs from its initramfs): a qcow2 overlay on a base with
# 1 MiB written, as a cloud image's overlay sits on its shared base.
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null ||
    skip "qemu-utils (qemu-img, qemu-io) is not installed"
qemu-img create -q -f qcow2 "$VM_TMP/base.qcow2" 64M || fail "qemu-img create base"
qemu-io -f qcow2 -c "write -P 0x5a 0 1M" "$VM_TMP/base.qcow2" >/dev/null || fail "qemu-io write"
qemu-img create -q -f qcow2 -b "$VM_TMP/base.qcow2" -F qcow2 "$VM_TMP/top.qcow2" ||
    fail "qemu-img create overlay"
chmod 644 "$VM_TMP/base.qcow2" "$VM_TMP/top.qcow2"
vm_create "$idle" idle --disk "$VM_TMP/top.qcow2"
# berth vm create logged its serial port to a file in libvirt's log directory (libvirt's
# <log file>), which berth watches after the start for the guest's first line.
serial_log=/var/log/libvirt/qemu/$idle-serial0.log
virsh_ dumpxml "$idle" >"$VM_TMP/dom.xml" || fail "dumpxml"
grep -q "<log file='$serial_log' append='off'/>" "$VM_TMP/dom.xml" ||
    fail "vm create made no serial log file $serial_log: $(grep -A3 '<serial' "$VM_TMP/dom.xml")"
t0=$(date +%s%N)
berth vm start "$idle" || fail "start $idle"
t1=$(date +%s%N)
vm_wait_ready "$idle" 120
t2=$(date +%s%N)
grep -q . "$serial_log" || fail "the serial log file $serial_log stayed empty"

pid=$(cat "/run/libvirt/qemu/$idle.pid") || fail "no QEMU pid file for $idle"
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
r0=$(rss_kib)
berth --batch --no-containers -f json -n 1 >"$VM_TMP/batch.json" || fail "berth --batch failed"
r1=$(rss_kib)
note "QEMU pid $pid VmRSS before/after the sample: $r0 / $r1 KiB"

python3 - "$VM_TMP/batch.json" "$idle" "$r0" "$r1" "$t0" "$t1" "$VM_ACCEL" "$t2" <<'PY' || fail "figures wrong (above)"
import json, sys
path, name, r0, r1, t0, t1, accel, t2 = sys.argv[1:]
r0, r1, t0, t1, t2 = int(r0) * 1024, int(r1) * 1024, int(t0), int(t1), int(t2)
d = json.loads(open(path).read().splitlines()[-1])
i = [x for x in d["instances"] if x["name"] == name]
if len(i) != 1:
    sys.exit("%s not in the sample once" % name)
i = i[0]
f = i["figures"]
print("    figures:", json.dumps(f))
def need(c, msg):
    if not c:
        sys.exit(msg)
need(f["guest_mem_bytes"] == 128 << 20, "guest RAM %r, expected 128 MiB" % f["guest_mem_bytes"])
rss = f["host_rss_bytes"]
need(rss is not None and rss > 0, "no QEMU RSS")
# The RSS of a running QEMU moves between the test's reads and berth's: tolerance 8 MiB.
tol = 8 << 20
need(min(r0, r1) - tol <= rss <= max(r0, r1) + tol,
     "RSS %d outside the /proc reads %d..%d (+-%d)" % (rss, r0, r1, tol))
need(f["mem_overhead_bytes"] == rss - f["guest_mem_bytes"], "overhead is not RSS - guest RAM")
need(f["vcpu_ns"] is not None and f["vcpu_ns"] > 0, "no vCPU time")
need(f["emulator_cpu_ns"] is not None and f["emulator_cpu_ns"] >= 0, "no emulator CPU")
need(f["kernel"] == "own (guest)", "kernel %r" % f["kernel"])
want = {"qemu": "tcg", "kvm": "kvm"}[accel]
need(f["accel"] == want, "accel %r, the domain was made for %s" % (f["accel"], want))
need(("qemu/" + want) in (f["isolation"] or ""), "isolation %r" % f["isolation"])
need((f["isolation"] or "").endswith("; devices none"), "isolation %r: no device is passed" % f["isolation"])
need(f["start_request_ns"] is not None and t0 <= f["start_request_ns"] <= t1,
     "start request %r not within the call %d..%d" % (f["start_request_ns"], t0, t1))
need(f["start_exec_ns"] is not None and f["start_request_ns"] + f["start_exec_ns"] <= t1,
     "start -> running %r not within the call" % f["start_exec_ns"])
# The guest's first serial line came after it was running and before the test saw its shell.
first = f["start_first_output_ns"]
need(first is not None and f["start_exec_ns"] <= first and f["start_request_ns"] + first <= t2,
     "first serial line %r not between running %r and the shell seen at %d"
     % (first, f["start_exec_ns"], t2))
for k in ("mem_anon_bytes", "mem_file_bytes", "mem_kernel_bytes", "mem_cgroup_bytes"):
    need(f[k] is None, "%s is a container figure, yet %r for a VM" % (k, f[k]))
# Storage: the overlay's blocks (as du counts them) within its 64 MiB capacity; the base named,
# with its blocks (the 1 MiB written and qcow2's tables).
own, cap, shared = f["disk_own_bytes"], f["disk_capacity_bytes"], f["disk_shared_bytes"]
need(cap == 64 << 20, "capacity %r, expected 64 MiB" % cap)
need(own is not None and 0 < own <= cap, "allocation %r not in (0, capacity]" % own)
need(f["disk_base"] and f["disk_base"].endswith("/base.qcow2"), "base %r" % f["disk_base"])
need(shared is not None and (1 << 20) <= shared <= cap, "shared %r: not 1 MiB..capacity" % shared)
PY
for img in top base; do
    du=$(du -s -B1 "$VM_TMP/$img.qcow2" | cut -f1)
    k=$([ $img = top ] && echo disk_own_bytes || echo disk_shared_bytes)
    got=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print([x for x in d["instances"] if x["name"]==sys.argv[2]][0]["figures"][sys.argv[3]])' "$VM_TMP/batch.json" "$idle" "$k")
    note "$img.qcow2: du $du, $k $got"
done
echo "ok - QEMU RSS, overhead = RSS - guest RAM, vCPU/emulator CPU, accel, start recorded, disk allocation <= capacity, backing file"

# Stopped: no process figures, the kernel fact stays.
berth vm destroy "$idle" >/dev/null || fail "destroy"
berth --batch --no-containers -f json -n 1 >"$VM_TMP/batch2.json" || fail "berth --batch failed"
python3 - "$VM_TMP/batch2.json" "$idle" "$(du -s -B1 "$VM_TMP/top.qcow2" | cut -f1)" <<'PY' || fail "stopped figures wrong"
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
f = [x for x in d["instances"] if x["name"] == sys.argv[2]][0]["figures"]
for k in ("host_rss_bytes", "mem_overhead_bytes", "vcpu_ns", "start_exec_ns"):
    if f[k] is not None:
        sys.exit("%s = %r for a stopped domain" % (k, f[k]))
print("    stopped:", f["disk_own_bytes"], f["disk_capacity_bytes"], f["disk_shared_bytes"], f["disk_base"])
if f["disk_own_bytes"] != int(sys.argv[3]) or not f["disk_base"].endswith("/base.qcow2"):
    sys.exit("a stopped domain's disk: %r (du of the overlay %s)" % (f["disk_own_bytes"], sys.argv[3]))
PY
echo "ok - a stopped domain has no process figures, its disk figures stay"
