#!/bin/bash
# SPDX-License-Identifier: MIT
# Rootless: an unprivileged user (created here, removed at exit) creates, runs, watches, execs
# into and removes containers. Its state lives under its own XDG/home directories; container
# root is the user's uid on the host; the hardening is the same as for root; limits that need
# a cgroup the machine does not delegate are refused as unavailable, and nothing is stored.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
need_root "creates a user"
command -v useradd >/dev/null || skip "useradd missing"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] || skip "user namespaces disabled"

user="bsec$$"
home=""
work=$(mktemp -d /tmp/berth-rootless.XXXXXX)
cleanup() {
    if id "$user" >/dev/null 2>&1; then
        pkill -KILL -u "$user" 2>/dev/null
        sleep 0.2
        userdel -r "$user" >/dev/null 2>&1 || userdel "$user" >/dev/null 2>&1
    fi
    [ -z "$home" ] || rm -rf "$home"
    rm -rf "$work"
}
trap cleanup EXIT
useradd -m -s /bin/sh "$user" || fail "useradd $user"
home=$(getent passwd "$user" | cut -d: -f6)
uid=$(id -u "$user")
chmod 755 "$work"
cp "$BERTH_BIN" "$work/berth"
chmod 755 "$work/berth"
base=$("$BERTH_SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$BERTH_SRC/build/rootfs/busybox}") ||
    skip "cannot build the busybox rootfs"
cp -a "$base" "$work/base"
chmod -R a+rX "$work/base"

as_user() {
    # A clean login-like environment: no BERTH_ROOT, no root's XDG dirs.
    su -s /bin/sh "$user" -c "cd ~ && env -u BERTH_ROOT -u XDG_RUNTIME_DIR -u XDG_DATA_HOME $*"
}
B="$work/berth"
# The user's own copy of the rootfs: its files belong to the uid mapped to root inside.
as_user "cp -a $work/base rootfs" || fail "copy rootfs"

out=$(as_user "$B ctr run --rm r1 --rootfs ~/rootfs -- sh -c 'id -u; cat /proc/self/uid_map; grep -E \"^(Seccomp|NoNewPrivs|CapEff):\" /proc/self/status; cat /proc/keys | wc -c; echo x > /proc/sys/kernel/hostname 2>&1; mount -t tmpfs none /mnt 2>&1; exit 0'" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "rootless run failed ($rc)"
line() { printf '%s\n' "$out" | sed -n "${1}p"; }
[ "$(line 1)" = 0 ] || fail "not root inside: $(line 1)"
[ "$(echo $(line 2))" = "0 $uid 1" ] || fail "uid_map: $(line 2), want 0 $uid 1"
printf '%s\n' "$out" | grep -q "^Seccomp:.*2" || fail "no seccomp filter"
printf '%s\n' "$out" | grep -q "^NoNewPrivs:.*1" || fail "no_new_privs not set"
printf '%s\n' "$out" | grep -q "^CapEff:.*00000000a80425fb" || fail "capabilities differ from the defaults"
printf '%s\n' "$out" | grep -q "Read-only file system" || fail "/proc/sys writable"
printf '%s\n' "$out" | grep -q "mount: permission denied" || fail "mount not refused"
echo "ok: rootless run: root inside = uid $uid outside, same hardening as root"

# Detached: watched with ls and inspect, exec'd into, its process runs as the user on the host.
as_user "$B ctr run -d r2 --rootfs ~/rootfs -- sleep 300" >/dev/null || fail "run -d"
as_user "$B ctr ls" | grep -E "^r2 +running" || fail "ls does not show r2 running"
pid=$(as_user "$B ctr inspect r2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
[ "$(stat -c %u /proc/"$pid")" = "$uid" ] || fail "container init runs as uid $(stat -c %u /proc/$pid) on the host"
ex=$(as_user "$B ctr exec r2 -- sh -c 'id -u; grep -E \"^(Seccomp|NoNewPrivs|CapEff):\" /proc/self/status'")
echo "$ex"
printf '%s\n' "$ex" | head -1 | grep -qx 0 || fail "exec not root inside"
printf '%s\n' "$ex" | grep -q "^CapEff:.*00000000a80425fb" || fail "exec capabilities"
printf '%s\n' "$ex" | grep -q "^Seccomp:.*2" || fail "exec seccomp"
[ -f "$home/.local/share/berth/containers/r2/config.json" ] || fail "definition not under ~/.local/share/berth"
echo "ok: state under $home/.local/share/berth"

# Unavailable without cgroup delegation: refused in one line, never faked.
msg=$(as_user "$B ctr pause r2" 2>&1) && fail "pause claimed to work without a cgroup"
echo "pause: $msg"
case "$msg" in *unavailable*) ;; *) fail "pause message: $msg" ;; esac
for opt in "--memory 64M" "--pids 20" "--cpus 0.5"; do
    msg=$(as_user "$B ctr run --rm lim $opt --rootfs ~/rootfs -- true" 2>&1) && fail "$opt accepted without a cgroup"
    [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "$opt: more than one line: $msg"
    case "$msg" in *"${opt%% *} is unavailable"*) echo "ok: $opt -> $msg" ;; *) fail "$opt: $msg" ;; esac
    as_user "$B ctr inspect lim" >/dev/null 2>&1 && fail "$opt: the container was kept"
done

as_user "$B ctr rm -f r2" || fail "rm -f"
left=$(ls -A "$home/.local/share/berth/containers" 2>/dev/null)
[ -z "$left" ] || fail "left behind: $left"
for i in $(seq 1 50); do pgrep -u "$user" >/dev/null || break; sleep 0.1; done
pgrep -u "$user" >/dev/null && fail "processes of $user still running: $(ps -o pid,stat,args -u "$user")"
echo "PASS"
