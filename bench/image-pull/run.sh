#!/bin/bash
# SPDX-License-Identifier: MIT
# Pull + unpack of a ~100 MiB, 5-layer image (a busybox layer and four of 25 MiB of random data)
# from a local registry (Debian's docker-registry on 127.0.0.1, plain HTTP): `berth image pull`
# (fetch into the pull cache, verify, unpack into the store) against `skopeo copy` to an OCI
# layout + `umoci unpack` of the same image, each from an empty store/directory every run. The
# two are interleaved (one of each per round, order alternating); medians of wall time and the
# CPU time of the commands (user + system, children included) are reported.
#   RUNS=5 bench/image-pull/run.sh
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BERTH=${BERTH_BIN:-$SRC/berth}
RUNS=${RUNS:-5}
[ "$(id -u)" = 0 ] || { echo "bench/image-pull: needs root" >&2; exit 1; }
for t in docker-registry skopeo umoci python3 curl; do
    command -v "$t" >/dev/null || { echo "bench/image-pull: $t is not installed" >&2; exit 1; }
done
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
work=$(mktemp -d /tmp/berth-bench-pull.XXXXXX)
cp "$BERTH" "$work/berth"
reg_pid=""
trap '[ -n "$reg_pid" ] && kill $reg_pid; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/reg.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/reg}}
http: {addr: 127.0.0.1:$port}
YML
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/reg.yml" >"$work/reg.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done

# The image: busybox, then four layers of 25 MiB of random data each.
lay=$work/layout
umoci init --layout "$lay"
umoci new --image "$lay:big"
umoci unpack --rootless --image "$lay:big" "$work/b" >/dev/null
cp -a "$ROOTFS/." "$work/b/rootfs/"
umoci repack --image "$lay:big" "$work/b"
for i in 1 2 3 4; do
    # umoci diffs against the bundle's unpack: unpack again so each repack adds one layer
    rm -rf "$work/b"
    umoci unpack --rootless --image "$lay:big" "$work/b" >/dev/null
    head -c $((25 * 1048576)) /dev/urandom >"$work/b/rootfs/random$i.bin"
    umoci repack --image "$lay:big" "$work/b"
done
rm -rf "$work/b"
skopeo copy -q --dest-tls-verify=false "oci:$lay:big" "docker://127.0.0.1:$port/bench:big"
ref=127.0.0.1:$port/bench:big
umoci gc --layout "$lay"
echo "image: $(du -sh "$lay/blobs" | cut -f1) of blobs, $(umoci stat --image "$lay:big" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["history"]))') history entries"

python3 - "$RUNS" "$work" "$ref" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
runs, work, ref = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {
    "berth image pull": ["bash", "-c", f'BERTH_ROOT={work}/state {work}/berth image pull -q --tls-verify=false {ref} >/dev/null'],
    "skopeo copy + umoci unpack": ["bash", "-c", f'skopeo copy -q --src-tls-verify=false docker://{ref} oci:{work}/sk:big && umoci unpack --image {work}/sk:big {work}/sk-bundle >/dev/null'],
}
def clean():
    for d in ("state", "sk", "sk-bundle"):
        shutil.rmtree(os.path.join(work, d), ignore_errors=True)
wall = {n: [] for n in cmds}
cpu = {n: [] for n in cmds}
for r in range(runs):
    names = list(cmds) if r % 2 == 0 else list(reversed(cmds))
    for n in names:
        clean()
        subprocess.run(["sync"])
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run(cmds[n])
        dt = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            sys.exit(f"{n} failed ({p.returncode})")
        wall[n].append(dt)
        cpu[n].append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
clean()
for n in cmds:
    print("%-28s median %6.2f s  min %6.2f  max %6.2f  cpu median %6.2f s" % (
        n, statistics.median(wall[n]), min(wall[n]), max(wall[n]), statistics.median(cpu[n])))
b, s = statistics.median(wall["berth image pull"]), statistics.median(wall["skopeo copy + umoci unpack"])
print("berth / (skopeo + umoci) wall: %.2fx  (%d runs)" % (b / s, runs))
PY
