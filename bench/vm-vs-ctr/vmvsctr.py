# SPDX-License-Identifier: MIT
# The measuring half of bench/vm-vs-ctr/run.sh (which sets KERNEL, INITRD, ROOTFS, SRC, ACCEL).
# Every figure is measured here, now, on this machine; nothing is assumed.
import json, os, platform, shutil, subprocess, sys, tempfile, time

SRC = os.environ["SRC"]
BERTH = os.environ.get("BERTH_BIN", SRC + "/berth")
KERNEL, INITRD, ROOTFS = os.environ["KERNEL"], os.environ["INITRD"], os.environ["ROOTFS"]
ACCEL = os.environ.get("ACCEL", "qemu") or "qemu"
RUNS = int(os.environ.get("RUNS", "5"))
MANY = int(os.environ.get("MANY", "10"))
IDLE_S = float(os.environ.get("IDLE_S", "10"))
URI = "qemu:///system"
READY = "BERTH-GUEST-READY"
TMP = tempfile.mkdtemp(prefix="berth-vmvsctr.")
os.chmod(TMP, 0o755)  # QEMU (libvirt-qemu) writes the serial logs here
shutil.copy(BERTH, TMP + "/berth")  # a private copy: a rebuild during the run must not break it
BERTH = TMP + "/berth"
os.environ["BERTH_ROOT"] = TMP + "/root"
TAG = "bvc%d" % os.getpid()
doms, ctrs = [], []
panics = []  # guests whose kernel panicked at boot (restarted; reported)


def sh(*args, check=True, timeout=300):
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise SystemExit("%s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def berth(*args, **kw):
    return sh(BERTH, "-c", URI, *args, **kw)


def cleanup():
    for d in doms:
        sh("virsh", "-q", "-c", URI, "destroy", d, check=False)
        sh("virsh", "-q", "-c", URI, "undefine", d, check=False)
    for c in ctrs:
        sh(BERTH, "ctr", "rm", "-f", c, check=False)
    shutil.rmtree(TMP, ignore_errors=True)


def wait_file(path, word, t0, limit=300):
    """The time word showed in path; None when a kernel panic showed instead."""
    while time.time() - t0 < limit:
        try:
            with open(path, "rb") as f:
                text = f.read()
            if word.encode() in text:
                return time.time()
            if b"Kernel panic" in text:
                return None
        except OSError:
            pass
        time.sleep(0.01)
    raise SystemExit("%s never showed %s" % (path, word))


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def batch():
    out = sh(BERTH, "-c", URI, "--batch", "-f", "json", "-n", "1")
    return {i["name"]: i for i in json.loads(out.splitlines()[-1])["instances"]}


def proc_mem(pid):
    """(RSS, PSS) bytes of a process."""
    rss = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    return rss, pss


def proc_cpu_ns(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


# ---- the VM side ----
def vm_define(name, mode="idle"):
    xml = """<domain type='%s'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type><kernel>%s</kernel><initrd>%s</initrd>
<cmdline>console=ttyS0 no_timer_check berth.mode=%s</cmdline></os><features><acpi/></features>
<devices><serial type='file'><source path='%s/%s.serial'/></serial>
<memballoon model='virtio'/></devices></domain>""" % (ACCEL, name, KERNEL, INITRD, mode, TMP, name)
    path = "%s/%s.xml" % (TMP, name)
    with open(path, "w") as f:
        f.write(xml)
    doms.append(name)
    sh("virsh", "-q", "-c", URI, "define", path)


def vm_start(name):
    serial = "%s/%s.serial" % (TMP, name)
    for _ in range(3):
        if os.path.exists(serial):
            os.unlink(serial)
        t0 = time.time()
        berth("vm", "start", name)
        t1 = time.time()
        t2 = wait_file(serial, READY, t0)
        if t2 is not None:
            return t1 - t0, t2 - t0
        panics.append(name)
        sh("virsh", "-q", "-c", URI, "destroy", name)
    raise SystemExit("%s: the guest kernel panicked three times" % name)


def vm_pid(name):
    return int(open("/run/libvirt/qemu/%s.pid" % name).read())


# ---- the container side ----
def ctr_create(name, job="exec sleep 100000"):
    ctrs.append(name)
    sh(BERTH, "ctr", "create", name, "--rootfs", ROOTFS, "--", "/bin/sh", "-c",
       "echo %s; %s" % (READY, job))


def ctr_start(name):
    seen = sh(BERTH, "ctr", "logs", name, check=False).count(READY)  # earlier runs' lines
    t0 = time.time()
    sh(BERTH, "ctr", "start", name)
    t1 = time.time()
    t2 = None
    while time.time() - t0 < 60:
        if sh(BERTH, "ctr", "logs", name).count(READY) > seen:
            t2 = time.time()
            break
        time.sleep(0.005)
    if t2 is None:
        raise SystemExit("container %s never printed %s" % (name, READY))
    return t1 - t0, t2 - t0


def ctr_monitor(name):
    st = json.load(open("%s/run/%s/state.json" % (os.environ["BERTH_ROOT"], name)))
    return st["monitor_pid"]


def ctr_stop(name):
    sh(BERTH, "ctr", "kill", name, check=False)
    for _ in range(200):
        if json.loads(sh(BERTH, "ctr", "inspect", name))["status"] != "running":
            return
        time.sleep(0.05)


def starts():
    vm, ct = "%s-vm" % TAG, "%s-ctr" % TAG
    vm_define(vm)
    ctr_create(ct)
    res = {"vm": [], "ctr": [], "vm_fig": [], "ctr_fig": []}
    for _ in range(RUNS):  # interleaved: a load that drifts treats both alike
        res["ctr"].append(ctr_start(ct))
        f = batch()[ct]["figures"]
        res["ctr_fig"].append((f["start_exec_ns"] / 1e9, f["start_first_output_ns"] / 1e9))
        ctr_stop(ct)
        res["vm"].append(vm_start(vm))
        f = batch()[vm]["figures"]
        first = f["start_first_output_ns"]  # the guest's first serial line (berth's watcher)
        res["vm_fig"].append((f["start_exec_ns"] / 1e9, None if first is None else first / 1e9))
        sh("virsh", "-q", "-c", URI, "destroy", vm)
    return res


def one_each():
    """One idle VM and one idle container, running: memory, idle CPU, figures."""
    vm, ct = "%s-vm" % TAG, "%s-ctr" % TAG
    vm_start(vm)
    ctr_start(ct)
    time.sleep(3)  # let the guest settle after READY
    b = batch()
    vpid, mpid = vm_pid(vm), ctr_monitor(ct)
    cpu0 = (b[vm]["cpu_pct"], proc_cpu_ns(vpid), proc_cpu_ns(mpid))
    v0, e0 = b[vm]["figures"]["vcpu_ns"], b[vm]["figures"]["emulator_cpu_ns"]
    t0 = time.time()
    ccg0 = cg_cpu_ns(ct)
    time.sleep(IDLE_S)
    b2 = batch()
    dt = time.time() - t0
    out = {
        "vm": b2[vm], "ctr": b2[ct],
        "vm_rss_pss": proc_mem(vpid), "mon_rss_pss": proc_mem(mpid),
        "vm_cpu_pct": (proc_cpu_ns(vpid) - cpu0[1]) / dt / 1e7,
        "vm_vcpu_pct": (b2[vm]["figures"]["vcpu_ns"] - v0) / dt / 1e7,
        "vm_emu_pct": (b2[vm]["figures"]["emulator_cpu_ns"] - e0) / dt / 1e7,
        "mon_cpu_pct": (proc_cpu_ns(mpid) - cpu0[2]) / dt / 1e7,
        "ctr_cg_cpu_pct": (cg_cpu_ns(ct) - ccg0) / dt / 1e7,
    }
    sh("virsh", "-q", "-c", URI, "destroy", vm)
    ctr_stop(ct)
    return out


def busy():
    """One spinning VM (berth.mode=spin: a busy loop on its vCPU) and one spinning container."""
    vm, ct = "%s-spinvm" % TAG, "%s-spinctr" % TAG
    vm_define(vm, "spin")
    ctr_create(ct, "while :; do :; done")
    vm_start(vm)
    ctr_start(ct)
    time.sleep(3)
    b = batch()
    vpid, mpid = vm_pid(vm), ctr_monitor(ct)
    q0, m0, c0 = proc_cpu_ns(vpid), proc_cpu_ns(mpid), cg_cpu_ns(ct)
    v0, e0 = b[vm]["figures"]["vcpu_ns"], b[vm]["figures"]["emulator_cpu_ns"]
    t0 = time.time()
    time.sleep(IDLE_S)
    b2 = batch()
    dt = time.time() - t0
    out = {
        "vm_cpu_pct": (proc_cpu_ns(vpid) - q0) / dt / 1e7,
        "vm_vcpu_pct": (b2[vm]["figures"]["vcpu_ns"] - v0) / dt / 1e7,
        "vm_emu_pct": (b2[vm]["figures"]["emulator_cpu_ns"] - e0) / dt / 1e7,
        "mon_cpu_pct": (proc_cpu_ns(mpid) - m0) / dt / 1e7,
        "ctr_cg_cpu_pct": (cg_cpu_ns(ct) - c0) / dt / 1e7,
    }
    sh("virsh", "-q", "-c", URI, "destroy", vm)
    ctr_stop(ct)
    return out


def cg_cpu_ns(name):
    st = json.load(open("%s/run/%s/state.json" % (os.environ["BERTH_ROOT"], name)))
    for p in ("/sys/fs/cgroup/cpuacct/%s/cpuacct.usage" % st["cgroup"],
              "/sys/fs/cgroup/%s/cpu.stat" % st["cgroup"]):
        if os.path.exists(p):
            t = open(p).read()
            if p.endswith("usage"):
                return int(t)
            return int(t.split("usage_usec ")[1].split()[0]) * 1000
    return 0


def many():
    """MANY of each running at once: the sum of their host memory (PSS: shared pages split)."""
    vms = ["%s-v%d" % (TAG, i) for i in range(MANY)]
    cts = ["%s-c%d" % (TAG, i) for i in range(MANY)]
    for v in vms:
        vm_define(v)
    for c in cts:
        ctr_create(c)
    for c in cts:
        ctr_start(c)
    t0 = time.time()
    for v in vms:
        berth("vm", "start", v)
    for v in vms:
        if wait_file("%s/%s.serial" % (TMP, v), READY, t0, 900) is None:
            panics.append(v)
            sh("virsh", "-q", "-c", URI, "destroy", v)
            vm_start(v)
    time.sleep(3)
    b = batch()
    vm_pss = sum(proc_mem(vm_pid(v))[1] for v in vms)
    vm_rss = sum(b[v]["figures"]["host_rss_bytes"] for v in vms)
    mon_pss = sum(proc_mem(ctr_monitor(c))[1] for c in cts)
    cg = sum(b[c]["figures"]["mem_cgroup_bytes"] for c in cts)
    for v in vms:
        sh("virsh", "-q", "-c", URI, "destroy", v)
    for c in cts:
        ctr_stop(c)
    up = sum(du("%s/lib/containers/%s/upper" % (os.environ["BERTH_ROOT"], c)) for c in cts)
    return {"vm_pss": vm_pss, "vm_rss": vm_rss, "mon_pss": mon_pss, "cg": cg, "upper": up}


def du(path):
    r = subprocess.run(["du", "-sbx", path], capture_output=True, text=True)
    return int(r.stdout.split()[0]) if r.returncode == 0 else 0


def mib(v):
    if abs(v) < 1048576:
        return "%.0f KiB" % (v / 1024)
    return "%.1f MiB" % (v / 1048576)


def ms(v):
    return "%.0f ms" % (v * 1000)


def main():
    try:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load0 = open("/proc/loadavg").read().split()[0]
        s = starts()
        o = one_each()
        bz = busy()
        m = many()
        load1 = open("/proc/loadavg").read().split()[0]
    finally:
        cleanup()
    cpu = [l for l in open("/proc/cpuinfo") if l.startswith("model name")]
    acc = "tcg" if ACCEL == "qemu" else ACCEL
    p = print
    p("## Run of %s" % when)
    p()
    p("Machine: %s, %d CPUs (%s), %s, kernel %s; load average %s at the start, %s at the end; "
      "VM accelerator %s. RUNS=%d MANY=%d IDLE_S=%g." % (
          platform.node() or "?", os.cpu_count(), cpu[0].split(":", 1)[1].strip() if cpu else "?",
          "%.1f GiB RAM" % (os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30),
          platform.release(), load0, load1, acc, RUNS, MANY, IDLE_S))
    p()
    p("| figure | container | VM (%s, 128 MiB, 1 vCPU) |" % acc)
    p("|---|---|---|")
    cs = [r[1] for r in s["ctr"]]
    vs = [r[1] for r in s["vm"]]
    p("| start command returned, median | %s | %s |" % (ms(median([r[0] for r in s["ctr"]])),
                                                       ms(median([r[0] for r in s["vm"]]))))
    p("| start to ready line, median | %s | %s |" % (ms(median(cs)), ms(median(vs))))
    p("| start to ready line, p95 (of %d) | %s | %s |" % (RUNS, ms(pct(cs, 95)), ms(pct(vs, 95))))
    p("| berth's own figure: request to exec / running, median | %s | %s |" % (
        ms(median([f[0] for f in s["ctr_fig"]])), ms(median([f[0] for f in s["vm_fig"]]))))
    vfirst = [f[1] for f in s["vm_fig"] if f[1] is not None]
    p("| berth's own figure: request to first output (VM: first serial line), median | %s | %s |" %
      (ms(median([f[1] for f in s["ctr_fig"]])), ms(median(vfirst)) if vfirst else "(not seen)"))
    vf, cf = o["vm"]["figures"], o["ctr"]["figures"]
    p("| host memory of 1, idle: PSS of the process(es) | cgroup %s + monitor PSS %s | QEMU PSS %s |" % (
        mib(cf["mem_cgroup_bytes"]), mib(o["mon_rss_pss"][1]), mib(o["vm_rss_pss"][1])))
    p("| resident memory of the runtime process (RSS) | monitor %s | QEMU %s |" % (
        mib(o["mon_rss_pss"][0]), mib(vf["host_rss_bytes"])))
    p("| memory split | anon %s, file %s, kernel %s | guest RAM %s, RSS - guest RAM %s |" % (
        mib(cf["mem_anon_bytes"]), mib(cf["mem_file_bytes"]), mib(cf["mem_kernel_bytes"] or 0),
        mib(vf["guest_mem_bytes"]), mib(vf["mem_overhead_bytes"])))
    p("| host memory of %d, idle (sum of PSS, + cgroups for containers) | %s | %s |" % (
        MANY, mib(m["cg"] + m["mon_pss"]), mib(m["vm_pss"])))
    p("| disk of %d (container: upper layers; VM: kernel + initrd, shared, read-only) | %s upper, %s shared rootfs | 0 own, %s shared |" % (
        MANY, mib(m["upper"]), mib(du(ROOTFS)), mib(os.path.getsize(KERNEL) + os.path.getsize(INITRD))))
    p("| idle CPU over %gs, %% of one CPU | cgroup %.2f%%, monitor %.2f%% | QEMU %.2f%% (vCPU %.2f%%, emulator %.2f%%) |" % (
        IDLE_S, o["ctr_cg_cpu_pct"], o["mon_cpu_pct"], o["vm_cpu_pct"], o["vm_vcpu_pct"],
        o["vm_emu_pct"]))
    p("| busy CPU over %gs (a shell loop / the guest's busy loop), %% of one CPU | cgroup %.1f%%, monitor %.2f%% | QEMU %.1f%% (vCPU %.1f%%, emulator %.1f%%) |" % (
        IDLE_S, bz["ctr_cg_cpu_pct"], bz["mon_cpu_pct"], bz["vm_cpu_pct"], bz["vm_vcpu_pct"],
        bz["vm_emu_pct"]))
    p("| kernel | %s | %s |" % (cf["kernel"], vf["kernel"]))
    p("| isolation | %s | %s |" % (cf["isolation"], vf["isolation"]))
    p()
    p("Guest boots that ended in a kernel panic and were started again: %d%s" % (
        len(panics), (" (" + ", ".join(panics) + ")") if panics else ""))
    p("Raw start-to-ready runs (s): container %s; VM %s" % (
        " ".join("%.3f" % v for v in cs), " ".join("%.2f" % v for v in vs)))


main()
