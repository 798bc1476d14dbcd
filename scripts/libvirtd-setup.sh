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
#   accel   print the domain type guests get here: "kvm" when /dev/kvm works, else "qemu".
# Exit: 0 ready; 77 libvirtd cannot run on this machine (reason on the last line, "SKIP: ...");
# 1 something failed that should have worked (reason on stderr).
set -u

URI=qemu:///system
LIBVIRTD_PIDFILE=/run/libvirtd.pid
VIRTLOGD_PIDFILE=/run/virtlogd.pid
WAIT_S=${LIBVIRTD_WAIT_S:-30}
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

accel() {
    if [ -c /dev/kvm ] && { exec 3<>/dev/kvm; } 2>/dev/null; then
        exec 3>&-
        echo kvm
    else
        echo qemu
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
        if timeout 5 virsh -c "$URI" version >/dev/null 2>&1; then
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
    timeout 20 virsh -c "$URI" domcapabilities --virttype "$acc" --arch x86_64 >/dev/null 2>&1 ||
        fail "libvirt reports no x86_64 domain of type '$acc' (virsh domcapabilities)"
    say "ready: $URI answers; guests use domain type '$acc' ($out)"
}

do_start() {
    [ "$(id -u)" -eq 0 ] || cannot "libvirtd-setup needs root (uid $(id -u))"
    ensure_packages
    ensure_user
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
    timeout 5 virsh -c "$URI" version >/dev/null 2>&1
}

case "${1:-start}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
accel) accel ;;
*) fail "unknown mode '$1' (start, stop, status, accel)" ;;
esac
