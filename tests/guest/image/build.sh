#!/bin/bash
# SPDX-License-Identifier: MIT
# Build what the guest test suite boots: a kernel and an initramfs holding berth (with the
# shared libraries it links), busybox-static, the busybox container rootfs, the kernel modules
# the checks need (overlay, virtio block for the ext4 disk) and the guest side of the tests
# (tests/guest/image/init.sh, tests/guest/image/checks.sh). Local files only, except the kernel
# when the host has none: see docs/TESTING-GUESTS.md.
#
# usage: tests/guest/image/build.sh [DIR]   (default $BERTH_GUEST_SUITE_DIR or build/guest-suite)
# Prints KERNEL=<path> and INITRD=<path>. Exit 0 built; 77 cannot build here ("SKIP: ..." last).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../../.." && pwd)
DIR=${1:-${BERTH_GUEST_SUITE_DIR:-$SRC/build/guest-suite}}
BIN=${BERTH_BIN:-$SRC/berth}
META=linux-image-cloud-amd64
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
 drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk
 fs/overlayfs/overlay fs/fuse/fuse fs/fuse/virtiofs drivers/net/veth"

say() { echo "build-image: $*" >&2; }
cannot() { say "$*"; echo "SKIP: $*"; exit 77; }
fail() { say "$*"; exit 1; }

for t in cpio gzip dpkg-deb ldd; do
    command -v "$t" >/dev/null || cannot "$t not found (scripts/install-deps.sh test)"
done
[ -x "$BIN" ] || fail "no berth binary at $BIN"
[ -x /bin/busybox ] && dpkg -S /bin/busybox 2>/dev/null | grep -q '^busybox-static:' ||
    cannot "/bin/busybox is not from busybox-static (scripts/install-deps.sh test)"
mkdir -p "$DIR" || fail "mkdir $DIR"
DIR=$(cd "$DIR" && pwd)
exec 9>"$DIR/.lock" && flock 9 # two guest tests building at once

# The kernel tree (vmlinuz + lib/modules): the host's own when /boot has one with its modules,
# else Debian's cloud kernel unpacked once into $DIR/kernel (apt-get download, Debian's client).
kernel_tree() {
    local v
    for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -V -r); do
        if [ -r "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/kernel" ]; then
            KROOT=/ KVER=$v KIMG=/boot/vmlinuz-$v KFROM="host kernel $v"
            return 0
        fi
    done
    if [ ! -f "$DIR/kernel/.done" ]; then
        local pkg
        pkg=$(apt-cache depends "$META" 2>/dev/null |
            awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
        [ -n "$pkg" ] || cannot "no kernel in /boot and apt-cache knows no package behind $META"
        rm -rf "$DIR/kernel" "$DIR/dl" && mkdir -p "$DIR/dl" || fail "mkdir"
        say "no kernel in /boot: apt-get download $pkg"
        (cd "$DIR/dl" && apt-get download -q "$pkg" >&2) ||
            cannot "no kernel in /boot and apt-get download $pkg failed"
        dpkg-deb -x "$DIR"/dl/*.deb "$DIR/kernel" || fail "dpkg-deb -x"
        rm -rf "$DIR/dl"
        touch "$DIR/kernel/.done"
    fi
    KROOT=$DIR/kernel
    KVER=$(ls "$KROOT/boot" | sed -n 's/^vmlinuz-//p' | head -1)
    KIMG=$KROOT/boot/vmlinuz-$KVER KFROM="Debian package kernel $KVER"
}

kernel_tree
[ -r "$KIMG" ] || fail "kernel $KIMG unreadable"
want="$KVER $(cat "$BIN" "$HERE"/*.sh "$0" /bin/busybox | sha256sum | cut -c1-16)"
if [ -f "$DIR/initrd.img" ] && [ "$(cat "$DIR/stamp" 2>/dev/null)" = "$want" ]; then
    say "cached: $want"
else
    W=$(mktemp -d "$DIR/.work.XXXXXX") || fail mktemp
    trap 'rm -rf "$W"' EXIT
    R=$W/root
    mkdir -p "$R"/{bin,sbin,usr/bin,proc,sys,dev,tmp,modules,guest,etc,lib64} || fail mkdir
    cp /bin/busybox "$R/bin/busybox" && ln -s busybox "$R/bin/sh" || fail "copy busybox"
    cp "$BIN" "$R/usr/bin/berth" || fail "copy berth"
    # berth's shared libraries (and the loader) at the paths ldd names.
    for lib in $(ldd "$BIN" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
        mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib" || fail "copy $lib"
    done
    : >"$R/modules/order"
    for m in $MODULES; do
        f=$KROOT/lib/modules/$KVER/kernel/$m.ko
        [ -f "$f" ] || f=$f.xz
        [ -f "$f" ] || { say "module $m not found (built in?)"; continue; }
        case $f in *.xz) xz -dc "$f" >"$R/modules/${m##*/}.ko" ;; *) cp "$f" "$R/modules/" ;; esac
        echo "${m##*/}" >>"$R/modules/order"
    done
    rootfs=$("$SRC/scripts/build-rootfs.sh" "$W/rootfs") || fail "build-rootfs.sh"
    cp -a "$rootfs" "$R/rootfs" || fail "copy rootfs"
    cp "$HERE/init.sh" "$R/init" && cp "$HERE/checks.sh" "$R/guest/checks.sh" ||
        fail "copy guest scripts"
    chmod 755 "$R/init" "$R/guest/checks.sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nberth:x:1000:1000:berth:/home/berth:/bin/sh\n' >"$R/etc/passwd"
    printf 'root:x:0:\nberth:x:1000:\n' >"$R/etc/group"
    (cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) |
        gzip -1n >"$DIR/initrd.img.tmp" && mv "$DIR/initrd.img.tmp" "$DIR/initrd.img" ||
        fail "cpio"
    echo "$want" >"$DIR/stamp"
    say "built $DIR/initrd.img ($(du -k "$DIR/initrd.img" | cut -f1) KiB) from $KFROM"
fi
echo "KERNEL=$KIMG"
echo "INITRD=$DIR/initrd.img"
echo "KFROM='$KFROM'"
