#!/bin/bash
# SPDX-License-Identifier: MIT
# The rootless fallback state directory /tmp/berth-UID (no $XDG_RUNTIME_DIR) is used only when
# it is the user's own directory, mode 0700, not a symlink. Before: another user's 0777
# directory with a forged state.json made the victim's `berth ctr kill` SIGKILL an unrelated
# process of the victim, and a symlink in its place (or in place of a container's run
# directory) made berth write its runtime files into the victim's ~/precious. Now each is
# refused in one line naming the directory and what is wrong; a correct directory is used.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
need_root "creates users"
command -v useradd >/dev/null || skip "useradd missing"
command -v setpriv >/dev/null || skip "setpriv missing"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] || skip "user namespaces disabled"

victim="bsdv$$"
attacker="bsda$$"
work=$(mktemp -d /tmp/berth-statedir.XXXXXX)
statedir=""
sleeper=""
cleanup() {
    [ -z "$sleeper" ] || kill -KILL "$sleeper" 2>/dev/null
    for u in "$victim" "$attacker"; do
        if id "$u" >/dev/null 2>&1; then
            pkill -KILL -u "$u" 2>/dev/null
            sleep 0.2
            userdel -r "$u" >/dev/null 2>&1 || userdel "$u" >/dev/null 2>&1
        fi
    done
    # A symlink is removed as a link (rm -rf does not follow it).
    [ -z "$statedir" ] || rm -rf "$statedir"
    rm -rf "$work"
}
trap cleanup EXIT
# System users (-r): no /etc/subuid ranges, which --userns tests running meanwhile would see.
useradd -r -m -s /bin/sh "$victim" || fail "useradd $victim"
useradd -r -m -s /bin/sh "$attacker" || fail "useradd $attacker"
vhome=$(getent passwd "$victim" | cut -d: -f6)
vuid=$(id -u "$victim")
auid=$(id -u "$attacker")
statedir=/tmp/berth-$vuid
rm -rf "$statedir" # a leftover of an earlier user with this uid
chmod 755 "$work"
cp "$BERTH_BIN" "$work/berth"
chmod 755 "$work/berth"
B="$work/berth"
base=$("$BERTH_SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$BERTH_SRC/build/rootfs/busybox}") ||
    skip "cannot build the busybox rootfs"
cp -a "$base" "$work/base"
chmod -R a+rX "$work/base"

# as USER CMD...: a clean login-like environment (no BERTH_ROOT, no XDG dirs), from /.
as() {
    local u=$1
    shift
    (cd / && setpriv --reuid "$u" --regid "$(id -g "$u")" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$(getent passwd "$u" | cut -d: -f6)" "$@")
}
# refused WHAT OUTPUT WANT...: one line, naming the directory and each WANT.
refused() {
    local what=$1 msg=$2
    shift 2
    echo "$what: $msg"
    [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "$what: more than one line"
    case "$msg" in *"'$statedir"*) ;; *) fail "$what: the message does not name $statedir" ;; esac
    for w in "$@"; do
        case "$msg" in *"$w"*) ;; *) fail "$what: the message does not say '$w'" ;; esac
    done
}

as "$victim" cp -a "$work/base" "$vhome/rootfs" || fail "copy rootfs"
as "$victim" mkdir -m 0700 "$vhome/xdg" "$vhome/precious" || fail "mkdir"
# c1 is defined while the victim has a runtime directory of its own (no /tmp/berth-UID yet).
as "$victim" env XDG_RUNTIME_DIR="$vhome/xdg" "$B" ctr create c1 --rootfs "$vhome/rootfs" -- true >/dev/null ||
    fail "create c1"
[ -e "$statedir" ] && fail "$statedir made with XDG_RUNTIME_DIR set"

# 1. The attacker's 0777 directory with a forged state.json naming a process of the victim.
(cd / && exec setpriv --reuid "$victim" --regid "$(id -g "$victim")" --init-groups sleep 600) &
sleeper=$!
sleep 0.3
start=$(sed 's/.*) //' /proc/"$sleeper"/stat | awk '{print $20}')
boot=$(cat /proc/sys/kernel/random/boot_id)
forged="{\"status\":\"running\",\"monitor_pid\":$sleeper,\"monitor_start\":$start,\"pid\":$sleeper,\"pid_start\":$start,\"boot_id\":\"$boot\",\"cgroup\":\"\",\"cgroup_manager\":\"none\"}"
as "$attacker" sh -c "umask 0; mkdir -m 0777 $statedir $statedir/c1 && printf '%s' '$forged' > $statedir/c1/state.json" ||
    fail "the attacker could not make $statedir"
[ "$(stat -c %u "$statedir")" = "$auid" ] || fail "setup: $statedir not the attacker's"
[ "$(stat -c %u /proc/"$sleeper")" = "$vuid" ] || fail "setup: process $sleeper not the victim's"
msg=$(as "$victim" "$B" ctr kill c1 2>&1) && fail "kill went through the attacker's directory: $msg"
kill -0 "$sleeper" 2>/dev/null || fail "the forged state.json made 'berth ctr kill' kill the victim's process $sleeper"
refused "kill, attacker's directory" "$msg" "owned by uid $auid" "uid $vuid"
echo "ok: victim's process $sleeper alive"
msg=$(as "$victim" "$B" ctr ls 2>&1) && fail "ls used the attacker's directory: $msg"
refused "ls, attacker's directory" "$msg" "owned by uid $auid"
# With its own XDG_RUNTIME_DIR the victim is not affected by /tmp at all.
as "$victim" env XDG_RUNTIME_DIR="$vhome/xdg" "$B" ctr ls | grep -q "^c1 " || fail "ls with XDG_RUNTIME_DIR"
echo "ok: XDG_RUNTIME_DIR is used when set"
rm -rf "$statedir"

# 2. A symlink in place of /tmp/berth-UID, to a directory of the victim's (0700, its own: only
# the link itself is wrong).
as "$attacker" ln -s "$vhome/precious" "$statedir" || fail "symlink"
msg=$(as "$victim" "$B" ctr start c1 2>&1) && fail "start went through the symlink: $msg"
left=$(ls -A "$vhome/precious")
[ -z "$left" ] || fail "berth wrote into ~/precious through the symlink: $left"
refused "start, symlink" "$msg" "symbolic link"
rm -f "$statedir"

# 3. The victim's own directory, but open to others (0755).
as "$victim" mkdir -m 0755 "$statedir" || fail "mkdir 0755"
msg=$(as "$victim" "$B" ctr ls 2>&1) && fail "ls used a 0755 state directory: $msg"
refused "ls, mode 0755" "$msg" "0755" "0700"
rm -rf "$statedir"

# 4. A container's run directory replaced by a symlink inside a correct state directory.
as "$victim" mkdir -m 0700 "$statedir" || fail "mkdir 0700"
ln -s "$vhome/precious" "$statedir/c1"
chown -h "$victim:" "$statedir/c1"
msg=$(as "$victim" "$B" ctr start c1 2>&1) && fail "start went through the symlinked run directory: $msg"
echo "start, symlinked c1: $msg"
left=$(ls -A "$vhome/precious")
[ -z "$left" ] || fail "berth wrote into ~/precious through the run directory's symlink: $left"
[ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "symlinked c1: more than one line"
case "$msg" in *"$statedir/c1"*"symbolic link"*) ;; *) fail "symlinked c1: $msg" ;; esac
echo "ok: nothing written into ~/precious"
rm -rf "$statedir"

# 5. None at all: made by berth, the victim's, 0700, and used.
out=$(as "$victim" "$B" ctr run --rm ok --rootfs "$vhome/rootfs" -- echo hello 2>&1)
[ "$out" = hello ] || fail "run with a fresh state directory: $out"
expect_st="$vuid 700 directory"
got=$(stat -c '%u %a %F' "$statedir")
[ "$got" = "$expect_st" ] || fail "$statedir: $got, want $expect_st"
echo "ok: $statedir made by berth: uid $vuid, 0700, used"
as "$victim" "$B" ctr rm -f c1 >/dev/null 2>&1
echo "PASS"
