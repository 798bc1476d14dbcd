#!/bin/bash
# SPDX-License-Identifier: MIT
# CPU % of a spinning guest vs an idle one, and the memory figures, as berth --batch reports
# them; berth's CPU % is checked against libvirt's own cpu.time read by the test. A defined but
# stopped domain shows no CPU % (libvirt 9.0 reports libvirtd's own CPU time as an inactive
# domain's cpu.time: it must not be shown as the domain's).
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

vm_name spin spin
vm_name idle idle
vm_name off off
vm_create "$spin" spin
vm_create "$idle" idle
vm_create "$off" idle
berth vm start "$spin" || fail "start $spin"
berth vm start "$idle" || fail "start $idle"
vm_wait_ready "$spin" 120
vm_wait_ready "$idle" 120
sleep 2 # let the idle guest settle after boot

cpu_ns() { virsh_ domstats --cpu-total "$1" | awk -F= '/cpu.time=/ { print $2 }'; }
t0=$(date +%s%N)
s0=$(cpu_ns "$spin")
i0=$(cpu_ns "$idle")
berth --batch --no-containers -f json -n 3 -d 1 >"$VM_TMP/batch.json" || fail "berth --batch -n 3 -d 1 failed"
t1=$(date +%s%N)
s1=$(cpu_ns "$spin")
i1=$(cpu_ns "$idle")

python3 - "$VM_TMP/batch.json" "$spin" "$idle" "$off" "$URI" \
    "$(((s1 - s0) * 100 / (t1 - t0)))" "$(((i1 - i0) * 100 / (t1 - t0)))" <<'EOF' || fail "CPU / memory figures wrong (above)"
import json, statistics, sys
path, spin, idle, off, uri, virsh_spin, virsh_idle = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == 3, "expected 3 samples, got %d" % len(lines)
ok = True
def bad(msg):
    global ok
    ok = False
    print("FAIL:", msg)
pct = {spin: [], idle: []}
for ln in lines:
    s = json.loads(ln)
    conn = [c for c in s["connections"] if c["uri"] == uri]
    if not conn or conn[0]["state"] != "connected":
        bad("connection %s not connected: %s" % (uri, s["connections"]))
    for name in (spin, idle):
        inst = [i for i in s["instances"] if i["name"] == name]
        if len(inst) != 1:
            bad("%s appears %d times in a sample" % (name, len(inst)))
            continue
        i = inst[0]
        if i["kind"] != "vm" or i["source"] != uri or i["state"] != "running":
            bad("%s: kind/source/state %s/%s/%s" % (name, i["kind"], i["source"], i["state"]))
        if i["cpu_pct"] is None:
            bad("%s: cpu_pct null in a printed sample" % name)
        else:
            pct[name].append(i["cpu_pct"])
        lim, mem = i["mem_limit_bytes"], i["mem_bytes"]
        if lim != 128 << 20:
            bad("%s: mem_limit_bytes %r, expected 128 MiB (%d)" % (name, lim, 128 << 20))
        if not isinstance(mem, int) or not (4 << 20) <= mem <= (lim or 0):
            bad("%s: mem_bytes %r not within 4 MiB..limit" % (name, mem))
        if i["vcpus"] != 1:
            bad("%s: vcpus %r, expected 1" % (name, i["vcpus"]))
        if i["pids"] is not None:
            bad("%s: pids %r for a VM, expected null" % (name, i["pids"]))
        up = i.get("uptime_s")
        if up is not None and not 0 <= up < 3600:
            bad("%s: uptime_s %r implausible" % (name, up))
    o = [i for i in s["instances"] if i["name"] == off]
    if len(o) != 1 or o[0]["state"] != "stopped":
        bad("%s: expected once, stopped: %s" % (off, o))
    elif o[0]["cpu_pct"] is not None:
        bad("%s: a stopped domain shows cpu_pct %r (expected null)" % (off, o[0]["cpu_pct"]))
    elif o[0]["mem_limit_bytes"] != 128 << 20:
        bad("%s: stopped domain's mem_limit_bytes %r" % (off, o[0]["mem_limit_bytes"]))
print("berth cpu_pct spin %s idle %s; virsh cpu.time over the run: spin %s%% idle %s%%"
      % (pct[spin], pct[idle], virsh_spin, virsh_idle))
print("memory: %s" % [(i["name"], i["mem_bytes"], i["mem_limit_bytes"])
                      for i in json.loads(lines[-1])["instances"] if i["name"] in (spin, idle)])
# The spinning guest gets >= 50% of a host CPU unless the host is too busy to give it that
# (libvirt's own counter says so); berth's figure must match libvirt's counter either way.
if pct[spin] and pct[idle]:
    ms, mi = statistics.median(pct[spin]), statistics.median(pct[idle])
    if ms < 50 and int(virsh_spin) >= 55:
        bad("spinning guest median CPU %.1f%% < 50%% (libvirt's counter: %s%%)" % (ms, virsh_spin))
    elif ms < 50:
        print("note: host busy: the spinning guest got %s%% by libvirt's counter" % virsh_spin)
    if ms < mi + 30:
        bad("spinning guest %.1f%% not clearly above the idle one %.1f%%" % (ms, mi))
    if mi >= 20:
        bad("idle guest median CPU %.1f%% >= 20%%" % mi)
    if abs(statistics.mean(pct[spin]) - int(virsh_spin)) > 20:
        bad("berth's spin CPU %.1f%% far from libvirt's cpu.time rate %s%%"
            % (statistics.mean(pct[spin]), virsh_spin))
sys.exit(0 if ok else 1)
EOF
echo "PASS: spinning guest busy, idle guest idle, memory figures plausible"
