# SPDX-License-Identifier: MIT
# Shared set-up for the container tests (sourced by bash, not a test): root check, the busybox
# rootfs, a private BERTH_ROOT, unique names, and a trap that removes every container, cgroup and
# mount made. fail/skip come from lib.sh.

BERTH_SRC=${BERTH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BERTH_BIN=${BERTH_BIN:-$BERTH_SRC/berth}
export BERTH_SRC BERTH_BIN
. "$BERTH_SRC/tests/integration/lib.sh"

ok() {
    echo "ok - $*"
}

# A script that also works unprivileged sets CTR_ROOTLESS_OK=1 before sourcing this; it then runs
# as a plain user that has a delegated cgroup v2 subtree (its own cgroup writable, as under
# systemd's Delegate=yes: the guest suite's rootless set-up, docs/TESTING-GUESTS.md).
if [ "$(id -u)" != 0 ]; then
    [ "${CTR_ROOTLESS_OK:-0}" = 1 ] || skip "needs root (namespaces, cgroups, mounts)"
    [ -w "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/cgroup.procs" ] ||
        skip "needs root, or a delegated cgroup v2 subtree for this user"
fi
[ -x "$BERTH_BIN" ] || fail "no berth binary at $BERTH_BIN"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    skip "the kernel has no overlayfs"
[ -d /sys/fs/cgroup ] || skip "no cgroup file system"
[ -x /bin/busybox ] || skip "busybox-static is not installed (/bin/busybox)"

ROOTFS=$("$BERTH_SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$BERTH_SRC/build/rootfs/busybox}") ||
    fail "cannot build the busybox rootfs"
ROOTFS=$(cd "$ROOTFS" && pwd)
BERTH_ROOT=$(mktemp -d /tmp/berth-test.XXXXXX)
export BERTH_ROOT
P=t$$ # name prefix: unique per test run
# The cgroup parent berth uses under this BERTH_ROOT ("berth-" + FNV-1a of the path, as in
# ctr_cgroup_parent in src/ctr).
cgp_hash() {
    local h=2166136261 i c LC_ALL=C
    for ((i = 0; i < ${#1}; i++)); do
        printf -v c '%d' "'${1:i:1}"
        h=$((((h ^ (c & 255)) * 16777619) & 0xffffffff))
    done
    printf '%08x' "$h"
}
CGP=berth-$(cgp_hash "$BERTH_ROOT")
# Where berth's v2 groups go: the top, or for a user the highest cgroup above its own that it
# owns (the delegated subtree, as src/ctr/cgroup/delegate.c finds it).
CGBASE=/sys/fs/cgroup
if [ "$(id -u)" != 0 ]; then
    cga=""
    for c in $(sed -n 's/^0:://p' /proc/self/cgroup | tr / ' '); do
        cga=$cga/$c
        [ "$(stat -c %u "/sys/fs/cgroup$cga")" = "$(id -u)" ] && CGBASE=/sys/fs/cgroup$cga && break
    done
fi # (bash, not python3: cheap under TCG in the guest suite)

b() {
    "$BERTH_BIN" "$@"
}

ctr_cleanup() {
    for n in $(ls "$BERTH_ROOT/lib/containers" 2>/dev/null); do
        "$BERTH_BIN" ctr rm -f "$n" >/dev/null 2>&1
    done
    for d in /sys/fs/cgroup/*/"$CGP"/* "$CGBASE/$CGP"/*; do
        [ -d "$d" ] || continue
        [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
        for pid in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        rmdir "$d" 2>/dev/null
    done
    for d in /sys/fs/cgroup/*/"$CGP" "$CGBASE/$CGP"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    # Networks (bridges, the nftables table) made by --net bridge or `berth net create`.
    "$BERTH_BIN" net prune >/dev/null 2>&1
    grep " $BERTH_ROOT" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    rm -rf "$BERTH_ROOT"
}
trap ctr_cleanup EXIT
trap 'exit 1' INT TERM

# expect_err "what" CMD...: must fail with exactly one line on stderr starting "berth: ".
expect_err() {
    what=$1
    shift
    out=$("$@" 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -ne 0 ] || fail "$what: exit status 0 (expected an error)"
    lines=$(printf '%s\n' "$out" | wc -l)
    [ "$lines" -eq 1 ] || fail "$what: $lines lines of error output: $out"
    case "$out" in
    "berth: "*) ;;
    *) fail "$what: error does not start with 'berth: ': $out" ;;
    esac
    LAST_ERR=$out
    ok "$what -> $out"
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
    n=$(($1 * 10))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

status_of() {
    b ctr inspect "$1" 2>/dev/null | sed -n 's/^  "status":"\([a-z]*\)".*/\1/p'
}

json_field() { # json_field NAME FIELD  (top level of inspect)
    b ctr inspect "$1" | sed -n "s/^  \"$2\":\\([^,]*\\),\\{0,1\\}\$/\\1/p"
}

cg_dir() { # cg_dir CONTROLLER NAME: the container's cgroup directory for that controller
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        echo "$CGBASE/$CGP/$2"
    else
        echo "/sys/fs/cgroup/$1/$CGP/$2"
    fi
}

is_status() { # is_status NAME STATUS
    [ "$(status_of "$1")" = "$2" ]
}
