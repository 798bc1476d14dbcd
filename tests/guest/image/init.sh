#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the guest test suite's VM (pid 1, busybox sh). Stage 1 copies the initramfs onto a
# tmpfs and switch_roots to it (pivot_root, which containers need, refuses the initramfs itself).
# Stage 2 mounts the cgroup layout berth.cgroup= asks for (v2, v1, hybrid), the state directory
# berth.state= asks for (tmpfs, ext4 = the virtio disk /dev/vda), runs /guest/checks.sh as root
# or, with berth.user=rootless, as uid 1000 in a delegated cgroup v2 subtree, and powers off.
# Every result line goes to the serial console; see docs/TESTING-GUESTS.md.
export PATH=/usr/bin:/bin:/sbin:/usr/sbin
if [ "$1" != stage2 ]; then
    /bin/busybox mount -t proc proc /proc
    /bin/busybox mkdir -p /newroot
    /bin/busybox mount -t tmpfs -o mode=755 root /newroot
    for e in /*; do
        case $e in /newroot | /proc | /sys | /dev) continue ;; esac
        /bin/busybox cp -a "$e" /newroot/
    done
    /bin/busybox mkdir -p /newroot/proc /newroot/sys /newroot/dev
    /bin/busybox umount /proc
    exec /bin/busybox switch_root /newroot /init stage2
fi
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp && mount -t devpts devpts /dev/pts
# devtmpfs has no /dev/fd: bash's <(...) and scripts reading /dev/stdin need them.
ln -s /proc/self/fd /dev/fd && ln -s fd/0 /dev/stdin && ln -s fd/1 /dev/stdout && ln -s fd/2 /dev/stderr
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=755 run /run
hostname berth-guest
for m in $(cat /modules/order); do insmod "/modules/$m.ko" 2>/dev/null; done
exec </dev/console >/dev/console 2>&1

cg=v2 user=root state=tmpfs
for w in $(cat /proc/cmdline); do
    case $w in
    berth.cgroup=*) cg=${w#*=} ;;
    berth.user=*) user=${w#*=} ;;
    berth.state=*) state=${w#*=} ;;
    esac
done
echo "GUEST-BOOTED kernel=$(uname -r) cgroup=$cg user=$user state=$state"

v1ctl="memory cpu,cpuacct pids freezer devices cpuset blkio"
mount_v1() {
    mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
    for c in $v1ctl; do
        mkdir -p "/sys/fs/cgroup/$c"
        mount -t cgroup -o "$c" "$c" "/sys/fs/cgroup/$c" || echo "GUEST-NOTE cannot mount v1 $c"
    done
    ln -s cpu,cpuacct /sys/fs/cgroup/cpu
    ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct
}
case $cg in
v2) mount -t cgroup2 cgroup2 /sys/fs/cgroup ;;
v1) mount_v1 ;;
hybrid) mount_v1 && mkdir -p /sys/fs/cgroup/unified &&
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified ;;
esac

statedir=/tmp/state
if [ "$state" = ext4 ]; then
    mkdir -p /mnt/state
    if mount -t ext4 /dev/vda /mnt/state; then
        statedir=/mnt/state
    else
        echo "GUEST-RESULT ext4-mount FAIL cannot mount /dev/vda as ext4"
    fi
fi
mkdir -p "$statedir"
echo "GUEST-STATE $statedir on $(stat -f -c %T "$statedir")"

# What systemd's Delegate=yes does for uid 1000: a v2 subtree with the controllers (memory, pids,
# cpu, io) enabled, owned by the user, the caller moved into a leaf of it (its children, the
# user's processes, stay there).
delegate() {
    d=/sys/fs/cgroup/user-1000
    mkdir -p "$d/session"
    for c in memory pids cpu io; do # systemd delegates these four
        echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control && echo "+$c" >"$d/cgroup.subtree_control" ||
            echo "GUEST-NOTE cannot delegate the $c controller"
    done
    chown 1000:1000 "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads" \
        "$d/session" "$d/session/cgroup.procs" "$d/session/cgroup.subtree_control" \
        "$d/session/cgroup.threads"
    echo $$ >"$d/session/cgroup.procs"
}

# berth.suites=a,b: the project's own tests/integration scripts by name, in a root made of the
# host's /usr and /etc (read-only over virtiofs, tag "hostshare") and the source tree copied to
# a tmpfs, so that bash, python3, cc and the rest are the host's. With berth.user=rootless they
# run as uid 1000 in its delegated subtree (a script needing root skips, saying so).
suites=$(sed -n 's/.*berth\.suites=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$suites" ]; then
    S=/sysroot
    mkdir -p /host $S && mount -t tmpfs -o mode=755 sysroot $S &&
        mount -t virtiofs -o ro hostshare /host || echo "GUEST-SUITE mount FAIL virtiofs"
    mkdir -p $S/usr $S/proc $S/sys $S/dev $S/tmp $S/run $S/root $S/home $S/var/tmp $S/var/lib \
        $S/oldroot $S/src
    mount --rbind /host/usr $S/usr
    cp -a /host/etc $S/etc
    for l in bin sbin lib lib64; do ln -s usr/$l $S/$l; done
    mount --rbind /proc $S/proc && mount --rbind /sys $S/sys && mount --rbind /dev $S/dev
    if [ "$statedir" = /mnt/state ]; then
        mount --bind /mnt/state $S/tmp && chmod 1777 $S/tmp # berth.state=ext4: /tmp on ext4
    else
        mount -t tmpfs -o mode=1777 tmp $S/tmp
    fi
    mount -t tmpfs -o mode=755 run $S/run
    cp -a /host/src/scripts /host/src/tests $S/src/
    mkdir -p $S/src/build && cp /usr/bin/berth $S/src/berth
    # The helpers the host's runs compiled (tests/integration/lib.sh cc_cached): cc is slow here.
    [ -d /host/src/build/cc-cache ] && cp -a /host/src/build/cc-cache $S/src/build/
    chmod -R a+rX $S/src && chmod 1777 $S/src/build
    as=""
    if [ "$user" = rootless ]; then
        grep -q '^[^:]*:[^:]*:1000:' $S/etc/passwd ||
            echo "berth:x:1000:1000:berth:/home/berth:/bin/bash" >>$S/etc/passwd
        mkdir -p $S/home/berth $S/run/user/1000 && chown 1000:1000 $S/home/berth $S/run/user/1000 &&
            chmod 700 $S/run/user/1000
        delegate
        as="/usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=/home/berth XDG_RUNTIME_DIR=/run/user/1000"
    fi
    echo "GUEST-SUITE-START $suites as $([ -n "$as" ] && echo uid 1000 || echo root)"
    unshare -m sh -c "cd $S && pivot_root . oldroot && umount -l /oldroot &&
        exec chroot . $as /bin/bash -c 'cd /src && for t in \$(echo \"$suites\" | tr , \" \"); do
            BERTH_TEST_GUEST=1 TEST_TIMEOUT=600 BERTH_SRC=/src BERTH_BIN=/src/berth BERTH_ROOTFS_CACHE=/tmp/rootfs \
                TEST_LOG_DIR=/tmp/logs SUITES=integration TESTS=\$t scripts/run-tests.sh >/tmp/out 2>&1
            grep -E \"^(PASS|SKIP|FAIL) \" /tmp/out | sed \"s/^/GUEST-SUITE /\"
            grep -q \"^FAIL\" /tmp/out && grep -E \"^    \" /tmp/out | sed \"s/^/GUEST-LOG \$t: /\"
        done'" 2>/tmp/suite.err
    sed 's/^/GUEST-LOG stderr: /' /tmp/suite.err | tail -n 20
    echo "GUEST-SUITE-END"
    echo "GUEST-DONE rc=0"
    sync
    poweroff -f
fi

if [ "$user" = rootless ]; then
    delegate
    mkdir -p "$statedir/home" && chown 1000:1000 "$statedir/home"
    cp -a /rootfs "$statedir/home/rootfs" && chown -R 1000:1000 "$statedir/home/rootfs"
    mkdir -p /run/user/1000 && chown 1000:1000 /run/user/1000 && chmod 700 /run/user/1000
    HOME=$statedir/home XDG_RUNTIME_DIR=/run/user/1000 GUEST_ROOTFS=$statedir/home/rootfs \
        GUEST_STATE=$state GUEST_CGROUP=$cg \
        su -p -s /bin/sh berth -c /guest/checks.sh
else
    cp -a /rootfs "$statedir/rootfs"
    BERTH_ROOT=$statedir/berth GUEST_ROOTFS=$statedir/rootfs GUEST_STATE=$state \
        GUEST_CGROUP=$cg HOME=/root /guest/checks.sh
fi
echo "GUEST-DONE rc=$?"
sync
poweroff -f
