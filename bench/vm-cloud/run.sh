#!/bin/bash
# SPDX-License-Identifier: MIT
# Disk used by N VMs (default 10) made from one cloud image: `berth vm create --image
# --cloud-init` (one shared read-only base + a qcow2 overlay and a seed ISO per VM) against N
# full copies of the image (what `cp` + `vm create --disk` gives), in private directories; and
# the time each way takes. The image is the cloud test disk (scripts/build-cloud-guest.sh) grown
# with SIZE_MB (default 256) of incompressible data so that the copies cost what a real cloud
# image's would. Needs root and a running libvirtd (scripts/libvirtd-setup.sh).
# usage: bench/vm-cloud/run.sh [N] [SIZE_MB]
set -u
cd "$(dirname "$0")/../.." || exit 1
N=${1:-10}
SIZE_MB=${2:-256}
URI=qemu:///system
scripts/libvirtd-setup.sh >/dev/null 2>&1 || { echo "libvirtd-setup.sh failed" >&2; exit 1; }
eval "$(scripts/build-cloud-guest.sh 2>/dev/null)"
TMP=$(mktemp -d /tmp/berth-bench-cloud.XXXXXX)
chmod 755 "$TMP"
POOL=berth-bench-$$
cleanup() {
    local i
    for i in $(seq "$N"); do
        virsh -q -c "$URI" undefine "bc-$$-$i" >/dev/null 2>&1
    done
    virsh -q -c "$URI" pool-destroy "$POOL" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -m 755 "$TMP/pool" "$TMP/copies"
virsh -q -c "$URI" pool-create-as "$POOL" dir --target "$TMP/pool" >/dev/null || exit 1

# The image: the test disk's file system with SIZE_MB of random data added.
img=$TMP/image.qcow2
qemu-img convert -q -O raw "$CLOUD_DISK" "$TMP/fs.raw"
truncate -s $((SIZE_MB + 128))M "$TMP/fs.raw"
resize2fs -f "$TMP/fs.raw" >/dev/null 2>&1
mkdir "$TMP/mnt" && mount -o loop "$TMP/fs.raw" "$TMP/mnt" &&
    head -c "${SIZE_MB}M" /dev/urandom >"$TMP/mnt/payload" && umount "$TMP/mnt" ||
    { echo "could not grow the image (loop mount)" >&2; exit 1; }
qemu-img convert -q -f raw -O qcow2 "$TMP/fs.raw" "$img"
rm -f "$TMP/fs.raw"
echo "image: $(du -m "$img" | cut -f1) MiB allocated ($(qemu-img info --output=json "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"] >> 20)') MiB virtual)"

t0=$(date +%s%N)
for i in $(seq "$N"); do
    ./berth -c "$URI" vm create "bc-$$-$i" --memory 128M --image "$img" --cloud-init \
        --pool "$POOL" --network none >/dev/null || { echo "vm create failed" >&2; exit 1; }
done
t1=$(date +%s%N)
for i in $(seq "$N"); do
    cp "$img" "$TMP/copies/copy-$i.qcow2"
done
sync
t2=$(date +%s%N)
echo "berth --image x$N: $(du -sm "$TMP/pool" | cut -f1) MiB in the pool, $(((t1 - t0) / 1000000 / N)) ms per vm create"
echo "full copies x$N:   $(du -sm "$TMP/copies" | cut -f1) MiB, $(((t2 - t1) / 1000000 / N)) ms per cp"
