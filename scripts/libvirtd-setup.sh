#!/bin/bash
# SPDX-License-Identifier: MIT
# Start (or stop) a real libvirtd + virtlogd on a machine without systemd, for berth's real-VM
# tests and benchmarks. Idempotent; needs root. See docs/TESTING-VMS.md.
#
# usage: scripts/libvirtd-setup.sh [start|stop|status|accel]
#   start   (default) install missing Debian packages, make sure the libvirt-qemu user/group,
#           /etc/libvirt/qemu.conf and the runtime directories exist, resume a SIGSTOPped
#           daemon, start virtlogd and libvirtd (daemonized) when not running, wait until
#           qemu:///system answers, and check that QEMU can run guests here (KVM or TCG).
#   stop    stop libvirtd and virtlogd (running guests are left running, as libvirtd does).
#   status  print the daemons' pids and states; exit 0 when qemu:///system answers.
#   accel   print the domain type guests get here: "kvm" when a test guest boots under KVM,
#           else "qemu" (TCG); the one-line reason goes to stderr.
# Environment: BERTH_TEST_FORCE_NO_KVM=1 makes the KVM probe fail (read only by this script and
# the tests), so the TCG fallback is exercised on machines that have KVM. KVM_BOOT_S (default
# 60): deadline for the KVM boot probe. LIBVIRTD_WAIT_S (default 120): deadline for libvirtd.
# Exit: 0 ready; 77 libvirtd cannot run on this machine (reason on the last line, "SKIP: ...");
# 1 something failed that should have worked (reason on stderr).
set -u

URI=qemu:///system
LIBVIRTD_PIDFILE=/run/libvirtd.pid
VIRTLOGD_PIDFILE=/run/virtlogd.pid
WAIT_S=${LIBVIRTD_WAIT_S:-120}
KVM_BOOT_S=${KVM_BOOT_S:-60}
# The accelerator decision, cached (the boot probe costs seconds): "kvm|qemu<TAB>reason".
ACCEL_CACHE=/run/berth-test-accel
HERE=$(cd "$(dirname "$0")" && pwd)

say() { echo "libvirtd-setup: $*" >&2; }
cannot() { say "$*"; echo "SKIP: $*"; exit 77; }
fail() { say "$*"; exit 1; }

# pid of a running daemon named comm, from its pid file, else by exact process name.
daemon_pid() {
    local comm=$1 pidfile=$2 pid
    if [ -r "$pidfile" ]; then
        pid=$(head -c 32 "$pidfile" | tr -dc 0-9)
        if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$comm" ]; then
            echo "$pid"
            return 0
        fi
    fi
    pid=$(pgrep -x -o "$comm" 2>/dev/null) || return 1
    echo "$pid"
}

# Undo a SIGSTOP left by a test (state T): a stopped daemon answers nobody.
resume_if_stopped() {
    local pid=$1 state
    state=$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null) || return 0
    if [ "$state" = T ]; then
        say "pid $pid ($(cat /proc/"$pid"/comm)) was stopped: sending SIGCONT"
        kill -CONT "$pid"
    fi
}

# Why KVM cannot be used here, on stdout; nothing (exit 1) when it may be: the boot probe decides.
kvm_blocker() {
    if [ "${BERTH_TEST_FORCE_NO_KVM:-}" = 1 ]; then
        echo "KVM probe forced to fail (BERTH_TEST_FORCE_NO_KVM=1)"
    elif [ ! -c /dev/kvm ]; then
        echo "no /dev/kvm"
    elif getent passwd libvirt-qemu >/dev/null &&
        ! runuser -u libvirt-qemu -- sh -c 'exec 3<>/dev/kvm' 2>/dev/null; then
        echo "user libvirt-qemu cannot open /dev/kvm ($(stat -c '%A %U:%G' /dev/kvm))"
    else
        return 1
    fi
}

# Boot the test guest once under KVM with CPU model qemu64 (what the vmreal tests ask for on KVM:
# tests/integration/lib_vm.sh vm_create), with a deadline. Prints the reason and fails when it does not reach BERTH-GUEST-READY.
kvm_boot_probe() {
    local out k i log
    out=$("$HERE"/build-guest.sh 2>/dev/null) || { echo "cannot build the test guest to probe KVM"; return 1; }
    k=$(echo "$out" | sed -n 's/^KERNEL=//p')
    i=$(echo "$out" | sed -n 's/^INITRD=//p')
    log=$(mktemp /tmp/berth-kvm-probe.XXXXXX)
    timeout "$KVM_BOOT_S" qemu-system-x86_64 -accel kvm -cpu qemu64 -m 128 -smp 1 -nodefaults -no-reboot \
        -display none -serial "file:$log" -kernel "$k" -initrd "$i" \
        -append "console=ttyS0 berth.mode=idle panic=-1" >"$log.err" 2>&1 &
    local pid=$! deadline=$((SECONDS + KVM_BOOT_S)) ok=1
    while [ $SECONDS -lt $deadline ] && [ -d /proc/$pid ]; do
        if grep -q BERTH-GUEST-READY "$log" 2>/dev/null; then
            ok=0
            break
        fi
        sleep 0.5
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ $ok -ne 0 ]; then
        local why
        why=$(grep -m1 -iE 'error|assert|fail' "$log.err" | tr -d '\r' | cut -c1-160)
        if [ -n "$why" ]; then
            echo "the test guest did not boot under KVM: qemu: $why"
        else
            echo "the test guest did not boot under KVM within ${KVM_BOOT_S}s"
        fi
    fi
    rm -f "$log" "$log.err"
    return $ok
}

# Decide the accelerator: prints "kvm" or "qemu" on stdout, the one-line reason on stderr.
accel() {
    local why line
    if why=$(kvm_blocker); then
        say "accelerator: TCG (domain type 'qemu'): $why"
        echo qemu
        return 0
    fi
    if [ -r "$ACCEL_CACHE" ] && line=$(head -1 "$ACCEL_CACHE") && [ -n "$line" ]; then
        say "accelerator: ${line#*$'\t'} (cached in $ACCEL_CACHE)"
        echo "${line%%$'\t'*}"
        return 0
    fi
    if why=$(kvm_boot_probe); then
        line=$'kvm\tKVM (domain type \'kvm\'): the test guest booted under KVM'
    else
        line=$'qemu\tTCG (domain type \'qemu\'): '"$why"
    fi
    printf '%s\n' "$line" >"$ACCEL_CACHE" 2>/dev/null
    say "accelerator: ${line#*$'\t'}"
    echo "${line%%$'\t'*}"
}

# Give /dev/kvm to group kvm, mode 0660, when nothing did (Debian's udev rule does this; a
# machine without udev leaves it 0600 root:root and libvirt, checking as libvirt-qemu, then
# throws its capability cache away on every call).
ensure_kvm_node() {
    [ -c /dev/kvm ] || return 0
    if [ "$(stat -c %G /dev/kvm)" = root ]; then
        say "/dev/kvm was $(stat -c '%A %U:%G' /dev/kvm): giving it to group kvm, mode 0660"
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm || fail "cannot chgrp/chmod /dev/kvm"
        rm -f "$ACCEL_CACHE"
    fi
}

ensure_packages() {
    command -v dpkg-query >/dev/null || cannot "not a Debian system (no dpkg-query)"
    "$HERE"/install-deps.sh test >&2 || cannot "cannot install the Debian packages libvirtd needs (scripts/install-deps.sh test failed)"
    local b
    for b in /usr/sbin/libvirtd /usr/sbin/virtlogd /usr/bin/virsh /usr/bin/qemu-system-x86_64 /usr/bin/qemu-img; do
        [ -x "$b" ] || cannot "$b missing after installing packages"
    done
}

# The account QEMU runs as (Debian's default for qemu.conf user/group).
ensure_user() {
    getent group kvm >/dev/null || groupadd -r kvm || fail "groupadd kvm failed"
    getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu || fail "groupadd libvirt-qemu failed"
    getent group libvirt >/dev/null || groupadd -r libvirt || fail "groupadd libvirt failed"
    if ! getent passwd libvirt-qemu >/dev/null; then
        say "creating user libvirt-qemu"
        useradd -r -g kvm -G libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin \
            -c "Libvirt Qemu" libvirt-qemu || fail "useradd libvirt-qemu failed"
    fi
    if ! id -nG libvirt-qemu | tr ' ' '\n' | grep -qx kvm; then
        say "adding user libvirt-qemu to group kvm"
        usermod -aG kvm libvirt-qemu || fail "usermod -aG kvm libvirt-qemu failed"
    fi
}

ensure_files() {
    local d
    for d in /etc/libvirt /etc/libvirt/qemu /var/log/libvirt /var/log/libvirt/qemu /run/libvirt \
        /var/lib/libvirt /var/lib/libvirt/qemu /var/lib/libvirt/images /var/cache/libvirt \
        /var/cache/libvirt/qemu; do
        mkdir -p "$d" || fail "cannot create $d"
    done
    if [ ! -e /etc/libvirt/qemu.conf ]; then
        # The package's conffile was removed: every setting at its built-in default is fine.
        say "creating /etc/libvirt/qemu.conf (all defaults)"
        printf '# Created by berth scripts/libvirtd-setup.sh: built-in defaults.\n' \
            >/etc/libvirt/qemu.conf || fail "cannot write /etc/libvirt/qemu.conf"
    fi
}

start_daemon() {
    local comm=$1 pidfile=$2 pid
    if pid=$(daemon_pid "$comm" "$pidfile"); then
        resume_if_stopped "$pid"
        return 0
    fi
    say "starting $comm"
    # -d: daemonize (forks, setsid, writes the pid file). Logs go to /var/log/libvirt/.
    LIBVIRT_LOG_OUTPUTS="3:file:/var/log/libvirt/$comm.log" \
        /usr/sbin/"$comm" -d </dev/null >/dev/null 2>&1 || fail "$comm -d failed (see /var/log/libvirt/$comm.log)"
}

wait_answer() {
    local deadline=$((SECONDS + WAIT_S)) pid
    while [ $SECONDS -lt $deadline ]; do
        # "uri" only opens the connection (no capability probing): cheap even on a cold daemon.
        if timeout 20 virsh -c "$URI" uri >/dev/null 2>&1; then
            return 0
        fi
        # A daemon stopped in the meantime would never answer.
        pid=$(daemon_pid libvirtd "$LIBVIRTD_PIDFILE") && resume_if_stopped "$pid"
        sleep 0.3
    done
    fail "$URI did not answer within ${WAIT_S}s (see /var/log/libvirt/libvirtd.log)"
}

# QEMU itself must start here with the accelerator guests will get; libvirt must know it.
check_qemu() {
    local acc out
    acc=$(accel)
    if [ "$acc" = kvm ]; then out=kvm; else out=tcg; fi
    if ! echo quit | timeout 30 qemu-system-x86_64 -accel "$out" -M none -nodefaults \
        -display none -monitor stdio >/dev/null 2>&1; then
        fail "qemu-system-x86_64 -accel $out does not start here"
    fi
    timeout 60 virsh -c "$URI" domcapabilities --virttype "$acc" --arch x86_64 >/dev/null 2>&1 ||
        fail "libvirt reports no x86_64 domain of type '$acc' (virsh domcapabilities)"
    say "ready: $URI answers; guests use domain type '$acc' ($out)"
}

do_start() {
    [ "$(id -u)" -eq 0 ] || cannot "libvirtd-setup needs root (uid $(id -u))"
    ensure_packages
    ensure_user
    ensure_kvm_node
    ensure_files
    start_daemon virtlogd "$VIRTLOGD_PIDFILE"
    start_daemon libvirtd "$LIBVIRTD_PIDFILE"
    wait_answer
    check_qemu
}

stop_one() {
    local comm=$1 pidfile=$2 pid
    pid=$(daemon_pid "$comm" "$pidfile") || return 0
    resume_if_stopped "$pid"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do
        [ -d /proc/"$pid" ] || return 0
        sleep 0.2
    done
    say "$comm (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
}

do_stop() {
    [ "$(id -u)" -eq 0 ] || fail "libvirtd-setup stop needs root"
    stop_one libvirtd "$LIBVIRTD_PIDFILE"
    stop_one virtlogd "$VIRTLOGD_PIDFILE"
    rm -f "$LIBVIRTD_PIDFILE" "$VIRTLOGD_PIDFILE"
}

do_status() {
    local comm pid
    for comm in virtlogd libvirtd; do
        if pid=$(daemon_pid "$comm" "/run/$comm.pid"); then
            echo "$comm: pid $pid state $(awk '{print $3}' /proc/"$pid"/stat)"
        else
            echo "$comm: not running"
        fi
    done
    timeout 20 virsh -c "$URI" uri >/dev/null 2>&1
}

case "${1:-start}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
accel) accel ;;
*) fail "unknown mode '$1' (start, stop, status, accel)" ;;
esac
