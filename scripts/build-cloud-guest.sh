#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the cloud-like test system of berth's cloud-image tests from local files and Debian
# packages only (no image downloads): the kernel of linux-image-cloud-amd64 (the package
# scripts/build-guest.sh uses), an initramfs with busybox-static whose /init reads the NoCloud
# seed (the CD-ROM labelled cidata) and prints what it found on the serial console, and a qcow2
# disk (ext4, no partition table) holding a marker file, used as the `--image`.
#
# The disk holds no boot loader: the tests boot the kernel directly (--kernel/--initrd) and the
# /init mounts the overlay (/dev/vda) and the seed. See docs/TESTING-VMS.md.
#
# usage: scripts/build-cloud-guest.sh [DIR]  (DIR default: $BERTH_GUEST_DIR/cloud, else
#        build/guest/cloud). Prints CLOUD_KERNEL=, CLOUD_INITRD=, CLOUD_DISK= for `eval`.
# Exit: 0 built (or cached); 77 cannot build here (last line "SKIP: ..."); 1 failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-${BERTH_GUEST_DIR:+$BERTH_GUEST_DIR/cloud}}
DIR=${DIR:-$HERE/../build/guest/cloud}
META=linux-image-cloud-amd64
# virtio disk (the overlay), virtio-scsi CD-ROM (the seed), ISO 9660. ext4 is built in.
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
 drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk
 drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/scsi/virtio_scsi drivers/cdrom/cdrom
 drivers/scsi/sr_mod fs/isofs/isofs"

say() { echo "build-cloud-guest: $*" >&2; }
cannot() { say "$*"; echo "SKIP: $*"; exit 77; }
fail() { say "$*"; exit 1; }

for t in apt-get apt-cache dpkg-deb cpio gzip sha256sum mkfs.ext4 qemu-img; do
    command -v "$t" >/dev/null || cannot "$t not found (scripts/install-deps.sh test installs it)"
done
BUSYBOX=/bin/busybox
dpkg -S "$BUSYBOX" 2>/dev/null | grep -q '^busybox-static:' ||
    cannot "$BUSYBOX is not from busybox-static (install it: scripts/install-deps.sh test)"

write_init() {
    cat >"$1" <<'EOF'
#!/bin/busybox sh
# berth cloud test guest: /init (pid 1). Prints what the seed says, again every 2 s.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /mnt/disk /mnt/seed
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
for m in $(cat /modules.order); do
    insmod "/modules/$m.ko" 2>/dev/null || echo "BERTH-CLOUD-INSMOD-FAILED=$m" >>/tmp/insmod
done
out=/tmp/report
cat /tmp/insmod >$out 2>/dev/null || : >$out
if mount -t ext4 /dev/vda /mnt/disk 2>/dev/null; then
    echo "BERTH-CLOUD-DISK=$(cat /mnt/disk/berth-image-marker)" >>$out
    echo "written by the guest" >/mnt/disk/guest-wrote-this && sync
    umount /mnt/disk
else
    echo "BERTH-CLOUD-DISK=none" >>$out
fi
# The seed: the first CD-ROM (or second disk) holding meta-data; devices may appear late.
seed() {
    for d in /dev/sr0 /dev/sr1 /dev/vdb; do
        [ -b "$d" ] || continue
        mount -t iso9660 -o ro "$d" /mnt/seed 2>/dev/null || continue
        [ -f /mnt/seed/meta-data ] || { umount /mnt/seed; continue; }
        echo "BERTH-CLOUD-SEED=$d" >>$out
        sed -n 's/^instance-id: */BERTH-CLOUD-INSTANCE-ID=/p; s/^local-hostname: */BERTH-CLOUD-HOSTNAME=/p' \
            /mnt/seed/meta-data >>$out
        sed -n 's/^# *berth-marker: */BERTH-CLOUD-MARKER=/p' /mnt/seed/user-data >>$out
        grep -q '^version: 2' /mnt/seed/network-config && echo "BERTH-CLOUD-NETWORK-CONFIG=ok" >>$out
        grep -c '^  - "ssh-' /mnt/seed/meta-data | sed 's/^/BERTH-CLOUD-SSH-KEYS=/' >>$out
        return 0
    done
    return 1
}
i=0
until seed; do
    i=$((i + 1))
    [ $i -ge 60 ] && { echo "BERTH-CLOUD-SEED=none ($(ls /dev | tr '\n' ' '))" >>$out; break; }
    sleep 1
done
h=$(sed -n 's/^BERTH-CLOUD-HOSTNAME=//p' $out)
[ -n "$h" ] && hostname "$h"
echo "BERTH-CLOUD-READY" >>$out
while :; do
    cat $out >/dev/ttyS0
    sleep 2
done
EOF
    chmod 755 "$1"
}

build() {
    local kpkg=$1 kver=${1#linux-image-} root=$WORK/initramfs m
    (cd "$WORK" && apt-get download -q "$kpkg" >&2) ||
        cannot "apt-get download $kpkg failed (no apt mirror reachable?)"
    dpkg-deb -x "$WORK"/"$kpkg"_*.deb "$WORK/k" || fail "dpkg-deb -x failed"
    mkdir -p "$root"/bin "$root"/modules "$root"/dev || fail "mkdir"
    cp "$BUSYBOX" "$root"/bin/busybox && ln -s busybox "$root"/bin/sh || fail "cp busybox"
    write_init "$root"/init
    : >"$root"/modules.order
    for m in $MODULES; do
        cp "$WORK/k/lib/modules/$kver/kernel/$m.ko" "$root/modules/" || fail "no module $m in $kpkg"
        echo "${m##*/}" >>"$root"/modules.order
    done
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) |
        gzip -9n >"$DIR/initrd.img.tmp" || fail "cpio"
    cp "$WORK/k/boot/vmlinuz-$kver" "$DIR/vmlinuz.tmp" || fail "cannot copy the kernel"
    # The "cloud image": an ext4 file system with a marker and the kernel, as a qcow2.
    mkdir -p "$WORK/fs/boot"
    echo "berth-cloud-image-ok" >"$WORK/fs/berth-image-marker"
    cp "$DIR/vmlinuz.tmp" "$WORK/fs/boot/vmlinuz"
    truncate -s 64M "$WORK/disk.raw"
    mkfs.ext4 -q -F -L berth-cloud -d "$WORK/fs" "$WORK/disk.raw" >&2 || fail "mkfs.ext4 -d failed"
    qemu-img convert -q -f raw -O qcow2 "$WORK/disk.raw" "$DIR/disk.qcow2.tmp" || fail "qemu-img convert"
    mv "$DIR/initrd.img.tmp" "$DIR/initrd.img" && mv "$DIR/vmlinuz.tmp" "$DIR/vmlinuz" &&
        mv "$DIR/disk.qcow2.tmp" "$DIR/disk.qcow2" || fail "mv"
    chmod 644 "$DIR/vmlinuz" "$DIR/initrd.img" "$DIR/disk.qcow2"
}

main() {
    local kpkg kversion want
    kpkg=$(apt-cache depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
    [ -n "$kpkg" ] || cannot "apt-cache knows no kernel behind $META (apt-get update needed?)"
    kversion=$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2; exit }')
    want="$kpkg $kversion $(sha256sum "$0" | cut -c1-16) $(sha256sum "$BUSYBOX" | cut -c1-16)"
    mkdir -p "$DIR" || fail "cannot create $DIR"
    DIR=$(cd "$DIR" && pwd)
    if [ -f "$DIR/disk.qcow2" ] && [ "$(cat "$DIR/stamp" 2>/dev/null)" = "$want" ]; then
        say "cached: $want"
    else
        WORK=$(mktemp -d "$DIR/.work.XXXXXX") || fail "mktemp in $DIR"
        trap 'rm -rf "$WORK"' EXIT
        build "$kpkg"
        echo "$want" >"$DIR/stamp"
        say "built $DIR ($want)"
    fi
    echo "CLOUD_KERNEL=$DIR/vmlinuz"
    echo "CLOUD_INITRD=$DIR/initrd.img"
    echo "CLOUD_DISK=$DIR/disk.qcow2"
}

main
