#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth image import` of an OCI layout against `umoci unpack` of the same image: both verify
# the blobs and unpack every layer (berth: one directory per layer, whiteouts as overlay ones;
# umoci: one flattened rootfs). The image: a busybox layer, /usr/lib/python3, part of
# /usr/share/locale, and a layer deleting files (about 100 MB unpacked, built once by umoci).
# Each run starts from an empty store / an absent bundle; the two tools alternate. Prints the
# median wall and CPU (user+sys) seconds of RUNS runs (default 5). Needs root, umoci.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
[ "$(id -u)" = 0 ] || { echo "bench/image-import: needs root"; exit 0; }
command -v umoci >/dev/null || { echo "bench/image-import: umoci is not installed"; exit 0; }
[ -x ./berth ] || make -j2 berth >/dev/null
ROOTFS=$(scripts/build-rootfs.sh)
W=$(mktemp -d /tmp/berth-bench-image-XXXXXX)
trap 'rm -rf "$W"' EXIT

t=bench
umoci init --layout "$W/oci" >/dev/null 2>&1
umoci new --image "$W/oci:$t"
umoci unpack --image "$W/oci:$t" "$W/b" >/dev/null
cp -a "$ROOTFS/." "$W/b/rootfs/"
umoci repack --refresh-bundle --image "$W/oci:$t" "$W/b" >/dev/null
mkdir -p "$W/b/rootfs/usr/lib" && cp -a /usr/lib/python3 "$W/b/rootfs/usr/lib/"
umoci repack --refresh-bundle --image "$W/oci:$t" "$W/b" >/dev/null
mkdir -p "$W/b/rootfs/usr/share/locale"
for d in $(ls /usr/share/locale | head -60); do cp -a "/usr/share/locale/$d" "$W/b/rootfs/usr/share/locale/"; done
umoci repack --refresh-bundle --image "$W/oci:$t" "$W/b" >/dev/null
rm -rf "$W/b/rootfs/usr/lib/python3/dist-packages" "$W/b/rootfs/usr/share/locale/a"*
umoci repack --refresh-bundle --image "$W/oci:$t" "$W/b" >/dev/null
rm -rf "$W/b"
echo "image: $(du -sh "$W/oci" | cut -f1) compressed, $(umoci stat --image "$W/oci:$t" | grep -c '^sha256') layers"

python3 - "$W" "$t" "$RUNS" "$PWD/berth" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
w, tag, runs, berth = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def timed(cmd, env=None):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
res = {"berth image import": [], "umoci unpack": []}
for i in range(runs):
    root = os.path.join(w, "root")
    shutil.rmtree(root, ignore_errors=True)
    env = dict(os.environ, BERTH_ROOT=root)
    res["berth image import"].append(timed([berth, "image", "import", w + "/oci", "bench:1"], env))
    shutil.rmtree(root, ignore_errors=True)
    bundle = os.path.join(w, "bundle")
    shutil.rmtree(bundle, ignore_errors=True)
    res["umoci unpack"].append(timed(["umoci", "unpack", "--image", w + "/oci:" + tag, bundle]))
    shutil.rmtree(bundle, ignore_errors=True)
print("tool,runs,median_wall_s,median_cpu_s,walls")
for k, v in res.items():
    print("%s,%d,%.3f,%.3f,%s" % (k, runs, statistics.median(x[0] for x in v),
                                 statistics.median(x[1] for x in v),
                                 " ".join("%.2f" % x[0] for x in v)))
PY
