#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the tiny guest berth's real-VM tests boot, from Debian packages only: the kernel of
# linux-image-cloud-amd64 and an initramfs holding busybox (busybox-static) and an /init.
# See docs/TESTING-VMS.md for what the guest does.
#
# usage: scripts/build-guest.sh [DIR]     (DIR default: $BERTH_GUEST_DIR, else build/guest)
# Prints KERNEL=<path> and INITRD=<path> on stdout (for `eval`); everything else on stderr.
# Cached: rebuilt only when the kernel package version or this script changes.
# Exit: 0 built (or cached); 77 cannot build here (last line "SKIP: ..."); 1 failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-${BERTH_GUEST_DIR:-$HERE/../build/guest}}
META=linux-image-cloud-amd64
# Modules the guest loads (in this order): virtio balloon for memory stats, the ACPI power
# button (+ evdev to read it) so that `vm shutdown` / `vm reboot` work.
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
 drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/virtio/virtio_balloon
 drivers/input/evdev drivers/acpi/button"

say() { echo "build-guest: $*" >&2; }
cannot() { say "$*"; echo "SKIP: $*"; exit 77; }
fail() { say "$*"; exit 1; }

for t in apt-get apt-cache dpkg-deb cpio gzip sha256sum; do
    command -v "$t" >/dev/null || cannot "$t not found (scripts/install-deps.sh test installs it)"
done
BUSYBOX=/bin/busybox
dpkg -S "$BUSYBOX" 2>/dev/null | grep -q '^busybox-static:' ||
    cannot "$BUSYBOX is not from busybox-static (install it: scripts/install-deps.sh test)"

# The versioned kernel package the meta package points at, e.g. linux-image-6.1.0-56-cloud-amd64.
resolve_kernel_pkg() {
    apt-cache depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }'
}

write_init() {
    cat >"$1" <<'EOF'
#!/bin/busybox sh
# berth test guest: /init (pid 1). Never exits.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
hostname berth-guest
for m in $(cat /modules.order); do insmod "/modules/$m.ko" 2>/dev/null; done

# ACPI power button -> power off (what `vm shutdown` and libvirt's ACPI reboot send).
for d in /sys/class/input/input*; do
    [ "$(cat "$d/name" 2>/dev/null)" = "Power Button" ] || continue
    for e in "$d"/event*; do
        [ -e "$e" ] || continue
        ev=/dev/input/${e##*/}
        ( dd if="$ev" of=/dev/null bs=24 count=1 2>/dev/null
          echo "BERTH-GUEST-POWEROFF"; sync; poweroff -f ) &
    done
done

mode=idle
for w in $(cat /proc/cmdline); do
    case "$w" in berth.mode=*) mode=${w#berth.mode=} ;; esac
done
case "$mode" in
spin) ( while :; do :; done ) & ;;
idle) ;;
*) echo "berth guest: unknown berth.mode '$mode', idling" ;;
esac
echo "BERTH-GUEST-READY mode=$mode"

# A shell on the serial console, restarted whenever it exits.
export PS1='berth-guest# ' HOME=/ TERM=vt100
while :; do
    setsid -c sh -i </dev/ttyS0 >/dev/ttyS0 2>&1
    sleep 1
done
EOF
    chmod 755 "$1"
}

build_initrd() {
    local kroot=$1 kver=$2 out=$3 root m
    root=$WORK/initramfs
    mkdir -p "$root"/bin "$root"/modules "$root"/dev "$root"/proc "$root"/sys || return 1
    cp "$BUSYBOX" "$root"/bin/busybox || return 1
    ln -s busybox "$root"/bin/sh
    write_init "$root"/init
    : >"$root"/modules.order
    for m in $MODULES; do
        cp "$kroot/lib/modules/$kver/kernel/$m.ko" "$root/modules/" || return 1
        echo "${m##*/}" >>"$root"/modules.order
    done
    # /dev/console must exist before devtmpfs is mounted for init's first output.
    (cd "$root" && find . -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp" || return 1
    mv "$out.tmp" "$out"
}

main() {
    local kpkg kversion stamp want
    kpkg=$(resolve_kernel_pkg)
    [ -n "$kpkg" ] || cannot "apt-cache knows no kernel behind $META (apt-get update needed?)"
    kversion=$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2; exit }')
    want="$kpkg $kversion $(sha256sum "$0" | cut -c1-16) $(sha256sum "$BUSYBOX" | cut -c1-16)"
    mkdir -p "$DIR" || fail "cannot create $DIR"
    DIR=$(cd "$DIR" && pwd)
    stamp=$DIR/stamp
    if [ -f "$DIR/vmlinuz" ] && [ -f "$DIR/initrd.img" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        say "cached: $want"
    else
        WORK=$(mktemp -d "$DIR/.work.XXXXXX") || fail "mktemp in $DIR"
        trap 'rm -rf "$WORK"' EXIT
        say "downloading $kpkg ($kversion)"
        (cd "$WORK" && apt-get download -q "$kpkg" >&2 2>/dev/null) ||
            (cd "$WORK" && apt-get download -q "$kpkg" >&2) ||
            cannot "apt-get download $kpkg failed (no apt mirror reachable?)"
        dpkg-deb -x "$WORK"/"$kpkg"_*.deb "$WORK/k" || fail "dpkg-deb -x failed"
        local kver=${kpkg#linux-image-}
        grep -q '^CONFIG_SERIAL_8250_CONSOLE=y' "$WORK/k/boot/config-$kver" ||
            fail "$kpkg has no built-in 8250 serial console"
        grep -q '^CONFIG_RD_GZIP=y' "$WORK/k/boot/config-$kver" || fail "$kpkg cannot read a gzip initramfs"
        build_initrd "$WORK/k" "$kver" "$DIR/initrd.img" || fail "building the initramfs failed"
        cp "$WORK/k/boot/vmlinuz-$kver" "$DIR/vmlinuz.tmp" && mv "$DIR/vmlinuz.tmp" "$DIR/vmlinuz" ||
            fail "cannot copy the kernel"
        chmod 644 "$DIR/vmlinuz" "$DIR/initrd.img"
        echo "$want" >"$stamp"
        say "built $DIR/vmlinuz and $DIR/initrd.img ($want)"
    fi
    echo "KERNEL=$DIR/vmlinuz"
    echo "INITRD=$DIR/initrd.img"
}

main
