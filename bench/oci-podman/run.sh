#!/bin/bash
# SPDX-License-Identifier: MIT
# `podman run --rm IMAGE /bin/true` with berth-oci as podman's runtime against runc, in one run,
# alternating (crun refuses this hybrid-cgroup host). Prints CSV: runtime,runs,total_s,per_run_ms.
# Needs root, podman and runc; the image is an import of the busybox rootfs (no network).
set -eu
cd "$(dirname "$0")/../.."
N=${N:-10}
[ "$(id -u)" = 0 ] || { echo "bench oci-podman: needs root" >&2; exit 0; }
command -v podman >/dev/null && command -v runc >/dev/null || { echo "bench oci-podman: needs podman and runc" >&2; exit 0; }
[ -x ./berth ] || make -j2 >/dev/null
W=$(mktemp -d /tmp/berth-bench-oci.XXXXXX)
trap 'podman --root "$W/s" --runroot "$W/r" rm -af >/dev/null 2>&1; rm -rf "$W"' EXIT
ln -s "$PWD/berth" "$W/berth-oci"
rootfs=$(scripts/build-rootfs.sh build/rootfs/busybox)
pm() { podman --root "$W/s" --runroot "$W/r" --cgroup-manager cgroupfs --events-backend file "$@"; }
tar -C "$rootfs" -c . | pm import - localhost/bench-bb >/dev/null 2>&1
# This host's root cannot raise rlimits (no CAP_SYS_RESOURCE): podman's defaults would fail.
opts=(--rm --network none --ulimit "nofile=1024:1024" --ulimit "nproc=1024:1024" localhost/bench-bb /bin/true)
declare -A total=([berth]=0 [runc]=0)
for rt in berth runc; do # warm-up
    pm --runtime "$([ $rt = berth ] && echo "$W/berth-oci" || command -v runc)" run "${opts[@]}"
done
for i in $(seq "$N"); do
    for rt in berth runc; do
        path=$([ $rt = berth ] && echo "$W/berth-oci" || command -v runc)
        t0=$(date +%s%N)
        pm --runtime "$path" run "${opts[@]}"
        total[$rt]=$((total[$rt] + $(date +%s%N) - t0))
    done
done
echo "runtime,runs,total_s,per_run_ms"
for rt in berth runc; do
    awk -v rt=$rt -v n="$N" -v ns="${total[$rt]}" 'BEGIN{printf "%s,%d,%.2f,%.0f\n", rt, n, ns/1e9, ns/1e6/n}'
done
