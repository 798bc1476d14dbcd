#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a minimal busybox root filesystem from Debian's busybox-static: /bin/busybox, a symlink
# per applet, /etc/passwd and /etc/group, empty mount points. Idempotent; prints the directory.
#   scripts/build-rootfs.sh [DIR]       (default: $BERTH_ROOTFS_CACHE or build/rootfs/busybox)
set -eu

dir=${1:-${BERTH_ROOTFS_CACHE:-build/rootfs/busybox}}
bb=${BUSYBOX:-/bin/busybox}

if [ ! -x "$bb" ] || ! "$bb" --list >/dev/null 2>&1; then
    echo "build-rootfs: $bb is missing or not runnable (apt-get install busybox-static)" >&2
    exit 1
fi
if file -L "$bb" 2>/dev/null | grep -q 'dynamically linked'; then
    echo "build-rootfs: $bb is dynamically linked; install busybox-static" >&2
    exit 1
fi

if [ -f "$dir/.berth-rootfs" ] && cmp -s "$bb" "$dir/bin/busybox"; then
    echo "$dir"
    exit 0
fi

tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root home var/tmp run; do
    mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
cp "$bb" "$tmp/bin/busybox"
chmod 0755 "$tmp/bin/busybox"
"$bb" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    case "$applet" in
    bin/*) ln -sf busybox "$tmp/$applet" ;;
    sbin/*) ln -sf ../bin/busybox "$tmp/$applet" ;;
    usr/bin/* | usr/sbin/*) ln -sf ../../bin/busybox "$tmp/$applet" ;;
    esac
done
cat >"$tmp/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$tmp/etc/group" <<'GR'
root:x:0:
tty:x:5:
nogroup:x:65534:
GR
echo "busybox rootfs built by berth scripts/build-rootfs.sh" >"$tmp/.berth-rootfs"

mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "$dir"
