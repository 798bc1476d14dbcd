#!/bin/bash
# SPDX-License-Identifier: MIT
# A real container's VM-vs-container figures in `berth --batch -f json` (docs/BATCH.md):
# its start figures lie between the moment `ctr run` was called and the moment its first output
# was read back from its log, exec before first output; its memory split (anon, file, kernel)
# is read from its own cgroup and adds up to no more than the cgroup's total
# (memory.current / memory.usage_in_bytes, read at the same moment); its isolation facts name
# the shared host kernel and its namespaces. No timing assertion: only the order of events.
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

t0=$(date +%s%N)
b ctr run -d "$P-fig" --rootfs "$ROOTFS" -- /bin/sh -c \
    'echo first-line; i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo x >/dev/null; done; sleep 100' \
    >/dev/null || fail "run -d"
# The first output is in the log once the monitor has read it.
for _ in $(seq 100); do
    b ctr logs "$P-fig" 2>/dev/null | grep -q first-line && break
    sleep 0.2
done
t1=$(date +%s%N)
b ctr logs "$P-fig" | grep -q first-line || fail "the container's first line never reached its log"

out=$(b --batch -f json --no-vms -n 1 2>/dev/null | tail -1)
[ -n "$out" ] || fail "no batch output"
echo "$out" | python3 -c '
import json, sys, os
t0, t1, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
d = json.loads(sys.stdin.read())
r = [i for i in d["instances"] if i["id"] == name]
if not r:
    sys.exit("container missing from batch")
f = r[0]["figures"]
print("    figures:", json.dumps(f))
req, ex, first = f["start_request_ns"], f["start_exec_ns"], f["start_first_output_ns"]
if None in (req, ex, first):
    sys.exit("start figures missing: %r" % f)
if not (t0 <= req <= t1):
    sys.exit("start request %d not between the call %d and the log read %d" % (req, t0, t1))
if not (0 < ex <= first):
    sys.exit("exec %d ns should be > 0 and <= first output %d ns" % (ex, first))
if not (req + first <= t1):
    sys.exit("first output at %d after the log was read at %d" % (req + first, t1))
for k in ("mem_anon_bytes", "mem_file_bytes", "mem_cgroup_bytes"):
    if f[k] is None:
        sys.exit("%s missing" % k)
if f["mem_anon_bytes"] <= 0:
    sys.exit("a running shell has no anonymous memory?")
parts = f["mem_anon_bytes"] + f["mem_file_bytes"]
if parts > f["mem_cgroup_bytes"] + 4 * 1024 * 1024:
    sys.exit("anon+file %d exceeds the cgroup total %d (by more than the 4 MiB of per-CPU batching)"
             % (parts, f["mem_cgroup_bytes"]))
if f["mem_kernel_bytes"] is not None and parts + f["mem_kernel_bytes"] > f["mem_cgroup_bytes"] + 4 * 1024 * 1024:
    sys.exit("anon+file+kernel exceeds the cgroup total")
if f["mem_cgroup_bytes"] != r[0]["mem_bytes"]:
    sys.exit("mem_cgroup_bytes %r differs from mem_bytes %r" % (f["mem_cgroup_bytes"], r[0]["mem_bytes"]))
rel = os.uname().release
if f["kernel"] != "shared " + rel:
    sys.exit("kernel %r, expected shared %s" % (f["kernel"], rel))
iso = f["isolation"] or ""
for w in ("pid", "mnt", "seccomp", "cgroup"):
    if w not in iso:
        sys.exit("isolation %r does not name %s" % (iso, w))
if not iso.endswith("; devices none"):
    sys.exit("isolation %r: a plain container gets no device beyond the default set" % iso)
for k in ("guest_mem_bytes", "host_rss_bytes", "mem_overhead_bytes", "vcpu_ns", "accel"):
    if f[k] is not None:
        sys.exit("%s is a VM figure, yet %r for a container" % (k, f[k]))
' "$t0" "$t1" "$P-fig" || fail "figures"
ok "start figures ordered between the call and the log, memory split within the cgroup total"

# The same memory split read by hand from the cgroup's own files agrees with the parser's layout.
mgr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cgroup_manager"])' \
    "$BERTH_ROOT/run/$P-fig/state.json")
cg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cgroup"])' \
    "$BERTH_ROOT/run/$P-fig/state.json")
case $mgr in
v2) dir=/sys/fs/cgroup/$cg; key=anon ;;
*) dir=/sys/fs/cgroup/memory/$cg; key=total_rss ;;
esac
[ -r "$dir/memory.stat" ] || fail "no memory.stat at $dir ($mgr)"
grep -q "^$key " "$dir/memory.stat" || fail "$dir/memory.stat has no $key"
ok "the cgroup ($mgr) has the memory.stat the figures come from"

# Storage: the upper layer and the shared rootfs are walked off the sampling path, so a sample
# may come before the walk ends (null): take the first sample that has both.
disk_figs() { # prints "own shared base" of $P-fig
    for _ in $(seq 40); do
        r=$(b --batch -f json --no-vms -n 2 -d 0.5 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    f = [i for i in json.loads(line)["instances"] if i["id"] == sys.argv[1]][0]["figures"]
    if f["disk_own_bytes"] is not None and f["disk_shared_bytes"] is not None:
        print(f["disk_own_bytes"], f["disk_shared_bytes"], f["disk_base"], f["disk_capacity_bytes"])
        break
' "$P-fig")
        [ -n "$r" ] && { echo "$r"; return 0; }
    done
    return 1
}
read -r own0 shared0 base0 cap0 < <(disk_figs) || fail "no storage figures"
echo "    disk before: own $own0 shared $shared0 base $base0"
[ "$base0" = rootfs ] || fail "disk_base $base0, expected rootfs"
[ "$cap0" = None ] || fail "a container with a disk capacity ($cap0)"
du_root=$(du -s -B1 "$ROOTFS" | cut -f1)
# du -s counts the same blocks (hard links once, one file system): the same number.
[ "$shared0" = "$du_root" ] || fail "shared $shared0, du of the rootfs says $du_root"
ok "the shared layer ($shared0 bytes) equals du of the rootfs"
b ctr exec "$P-fig" -- /bin/dd if=/dev/urandom of=/grow bs=1024 count=1024 2>/dev/null ||
    fail "exec dd"
# The stop measures the upper layer again (before the 30 s period would).
b ctr stop -t 1 "$P-fig" >/dev/null || fail "stop"
read -r own1 shared1 _ _ < <(disk_figs) || fail "no storage figures after the stop"
echo "    disk after 1 MiB: own $own1 shared $shared1"
[ "$own1" -ge $((own0 + 1024 * 1024)) ] || fail "upper layer $own0 -> $own1: did not grow by 1 MiB"
[ "$shared1" = "$shared0" ] || fail "the shared layer changed: $shared0 -> $shared1"
du_up=$(du -s -B1 "$BERTH_ROOT/lib/containers/$P-fig/upper" | cut -f1)
[ "$own1" = "$du_up" ] || fail "upper layer $own1, du says $du_up"
ok "the upper layer grew by the 1 MiB written ($own0 -> $own1 = du), the shared one did not"
b ctr start "$P-fig" >/dev/null || fail "start again"

# From an image: the shared figure is the image's layer directories (du of them), the base "image".
tar -C "$ROOTFS" -cf "$BERTH_ROOT/rootfs.tar" . || fail "tar the rootfs"
b image import --rootfs-tar "$BERTH_ROOT/rootfs.tar" "$P-img:1" >/dev/null || fail "image import"
b ctr run -d "$P-fromimg" "$P-img:1" /bin/sleep 1000 >/dev/null || fail "run from the image"
layers=$(b image inspect "$P-img:1" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["LayerDirs"]))')
du_layers=$(du -s -c -B1 $layers | tail -1 | cut -f1)
for _ in $(seq 40); do
    got=$(b --batch -f json --no-vms -n 2 -d 0.5 2>/dev/null | tail -1 | python3 -c '
import json, sys
f = [i for i in json.loads(sys.stdin.read())["instances"] if i["id"] == sys.argv[1]][0]["figures"]
if f["disk_shared_bytes"] is not None and f["disk_own_bytes"] is not None:
    print(f["disk_shared_bytes"], f["disk_base"])
' "$P-fromimg")
    [ -n "$got" ] && break
done
[ "$got" = "$du_layers image" ] || fail "from an image: shared/base '$got', du of its layers $du_layers"
ok "a container from an image: shared = du of the image's layers ($du_layers), base image"
b ctr rm -f "$P-fromimg" >/dev/null || fail "rm $P-fromimg"
b image rm "$P-img:1" >/dev/null || fail "image rm"

# A stopped container keeps its start figures (state), but has no memory split.
b ctr stop -t 1 "$P-fig" >/dev/null || fail "stop"
out=$(b --batch -f json --no-vms -n 1 2>/dev/null | tail -1)
echo "$out" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
f = [i for i in d["instances"] if i["id"] == sys.argv[1]][0]["figures"]
if f["start_exec_ns"] is None:
    sys.exit("start figures lost at stop")
if f["mem_anon_bytes"] is not None:
    sys.exit("a stopped container with a memory split")
' "$P-fig" || fail "stopped figures"
ok "a stopped container keeps its start figures and has no memory split"

# A damaged figures.json (garbage, or numbers out of order) costs the start figures, nothing else.
for junk in 'not json {' '{"request_ns":5,"exec_ns":3,"first_output_ns":"x"}'; do
    printf '%s' "$junk" >"$BERTH_ROOT/run/$P-fig/figures.json"
    out=$(b --batch -f json --no-vms -n 1 2>"$BERTH_ROOT/err") || fail "batch failed on a damaged figures.json"
    [ -s "$BERTH_ROOT/err" ] && fail "batch complained: $(cat "$BERTH_ROOT/err")"
    echo "$out" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["id"] == sys.argv[1]][0]
f = i["figures"]
if f["start_exec_ns"] is not None or f["start_first_output_ns"] is not None:
    sys.exit("figures from a damaged file: %r" % f)
if i["state"] != "stopped":
    sys.exit("state %r" % i["state"])
' "$P-fig" || fail "damaged figures.json: $junk"
done
ok "a damaged figures.json gives null start figures and no error"

# Devices passed through: an OCI bundle's linux.devices and a bind mount of a host device node are listed; a mount of /dev/shm is not a device.
# A bundle's device node is made with mknod, which only root may do (berth refuses it as a user).
if [ "$(id -u)" = 0 ]; then
    b ctr create "$P-devsrc" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
    mkdir -p "$BERTH_ROOT/bundle"
    python3 - "$BERTH_ROOT/lib/containers/$P-devsrc/config.json" "$BERTH_ROOT/bundle/config.json" "$ROOTFS" <<'P' || fail "bundle config"
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
c["process"]["args"] = ["/bin/sh", "-c", "[ -c /dev/berth-fig-null ] && [ -c /z ] && echo devs-ok; exec sleep 100"]
c["process"]["terminal"] = False
c["linux"]["devices"] = [{"path": "/dev/berth-fig-null", "type": "c", "major": 1, "minor": 3}]
c["mounts"].append({"destination": "/z", "type": "bind", "source": "/dev/zero", "options": ["bind"]})
c["mounts"].append({"destination": "/s", "type": "bind", "source": "/dev/shm", "options": ["rbind"]})
json.dump(c, open(sys.argv[2], "w"))
P
    b ctr rm "$P-devsrc" >/dev/null
    b ctr run -d "$P-dev" --bundle "$BERTH_ROOT/bundle" >/dev/null || fail "run -d --bundle"
    for _ in $(seq 100); do
        b ctr logs "$P-dev" 2>/dev/null | grep -q devs-ok && break
        sleep 0.2
    done
    b ctr logs "$P-dev" | grep -q devs-ok || fail "the bundle's devices are not in the container: $(b ctr logs "$P-dev" 2>&1 | tail -3)"
    iso=$(b --batch -f json --no-vms -n 1 2>/dev/null | tail -1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print([i for i in d["instances"] if i["id"] == sys.argv[1]][0]["figures"]["isolation"])' "$P-dev") ||
        fail "no figures for $P-dev"
    echo "    isolation: $iso"
    case "$iso" in
    *"; devices /dev/berth-fig-null, bind /dev/zero") ;;
    *) fail "isolation '$iso' does not end with the devices passed through" ;;
    esac
    ok "devices passed through: a bundle's linux.devices beyond the default set and a bound host device node"
else
    echo "    skipped as uid $(id -u): a bundle's linux.devices are made with mknod, which needs root"
fi
