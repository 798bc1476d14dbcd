#!/bin/sh
# SPDX-License-Identifier: MIT
# VM vs container, measured side by side (docs/VM-VS-CONTAINER.md): the same small job (busybox
# prints a ready line, then idles) as a berth container and as the test guest under the real
# libvirtd (TCG where there is no usable /dev/kvm). Prints a Markdown report: start to ready
# (median, p95 of RUNS), host memory of 1 and of MANY instances (PSS, RSS, overhead), idle CPU,
# disk, isolation. Root; libvirtd via scripts/libvirtd-setup.sh.
#   RUNS=5 MANY=10 IDLE_S=10 bench/vm-vs-ctr/run.sh
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench/vm-vs-ctr: needs root" >&2; exit 1; }
[ -x "${BERTH_BIN:-$SRC/berth}" ] || make -C "$SRC" -j2 >/dev/null
"$SRC/scripts/libvirtd-setup.sh" >/dev/null 2>&1 || { echo "bench/vm-vs-ctr: libvirtd-setup.sh failed" >&2; exit 1; }
eval "$("$SRC/scripts/build-guest.sh" 2>/dev/null)"
ROOTFS=$("$SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$SRC/build/rootfs/busybox}")
export KERNEL INITRD ROOTFS SRC
ACCEL=$("$SRC/scripts/libvirtd-setup.sh" accel 2>/dev/null) exec python3 "$SRC/bench/vm-vs-ctr/vmvsctr.py"
