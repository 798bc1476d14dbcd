#!/bin/sh
# SPDX-License-Identifier: MIT
# --userns as root: container root is an unprivileged host range (root's in /etc/subuid and
# /etc/subgid, else 100000:65536). Inside: uid 0, the range in uid_map, the rootfs's files owned
# by root; container root writes files, owned by the mapped ids in the upper layer on the host;
# the rootfs DIR never changes (overlay and --inplace); exec joins the user namespace; a range
# that is missing, too small or taken is refused in one line; rm leaves nothing behind.
# Each berth that reads /etc/subuid runs in a private mount namespace whose /etc has this test's
# own subuid/subgid (an overlay over the host's /etc): the host's files are never touched.
. "$(dirname "$0")/lib_ctr.sh"
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
    skip "user namespaces are disabled (user.max_user_namespaces = 0)"

ETCN=0
# bs SUBUID-TEXT SUBGID-TEXT ARGS...: berth ARGS with those /etc/subuid and /etc/subgid.
bs() {
    ETCN=$((ETCN + 1))
    e=$BERTH_ROOT/etc$ETCN
    mkdir -p "$e/u" "$e/w"
    printf '%b' "$1" >"$e/u/subuid"
    printf '%b' "$2" >"$e/u/subgid"
    shift 2
    unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc &&
        shift && exec "$@"' sh "$e" "$BERTH_BIN" "$@"
}
ROOT100='root:100000:65536\n'

# The test's own rootfs: host-root-owned, plus files of other owners and a 0600 secret.
DIR=$BERTH_ROOT/rootfs
cp -a "$ROOTFS" "$DIR"
mkdir -p "$DIR/home/u"
echo mine >"$DIR/home/u/f" && chown -R 1000:1000 "$DIR/home/u"
echo high >"$DIR/high" && chown 70000:70000 "$DIR/high"
echo secret >"$DIR/secret" && chmod 600 "$DIR/secret"
fp() { # fingerprint of a tree: names, owners, modes, sizes, contents
    (cd "$1" && find . -printf '%p %U:%G %m %s %y\n' | sort && find . -type f -exec md5sum {} + | sort) | md5sum
}
before=$(fp "$DIR")

# --- Inside: root, the range, owners as on disk; writes allowed where root owns the file.
script='id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map;
stat -c "%u:%g" /bin/busybox /etc /home/u/f /high; cat /secret;
echo x > /etc/x && touch /newfile && mkdir /newdir && echo more >> /etc/passwd && echo wrote;
echo no 2>/dev/null > /high || echo high-refused'
out=$(bs "$ROOT100" "$ROOT100" ctr run "$P-in" --userns --rootfs "$DIR" -- sh -c "$script" 2>&1)
rc=$?
case "$out" in
*"needs id-mapped mounts"* | *"needs open_tree"* | *"needs overlayfs with fsopen"*)
    skip "the kernel lacks it: $out" ;;
esac
[ $rc -eq 0 ] || fail "run --userns failed ($rc): $out"
echo "$out" | sed 's/^/    /'
l() { echo "$out" | sed -n "${1}p" | tr -s ' ' | sed 's/^ //'; }
[ "$(l 1)" = 0 ] && [ "$(l 2)" = 0 ] || fail "not root inside: uid $(l 1) gid $(l 2)"
[ "$(l 3)" = "0 100000 65536" ] || fail "uid_map '$(l 3)', want '0 100000 65536'"
[ "$(l 4)" = "0 100000 65536" ] || fail "gid_map '$(l 4)', want '0 100000 65536'"
ok "inside: uid 0 gid 0, uid_map and gid_map '0 100000 65536'"
[ "$(l 5)" = 0:0 ] && [ "$(l 6)" = 0:0 ] || fail "rootfs files owned by $(l 5), $(l 6) inside"
[ "$(l 7)" = 1000:1000 ] || fail "a file of uid 1000 shows as $(l 7)"
[ "$(l 8)" = 65534:65534 ] || fail "a file of uid 70000 (outside the range) shows as $(l 8)"
[ "$(l 9)" = secret ] || fail "root cannot read its own 0600 file: $(l 9)"
ok "rootfs owners inside: host root -> 0, 1000 -> 1000, outside the range -> nobody"
[ "$(l 10)" = wrote ] || fail "container root cannot write its root: $out"
[ "$(l 11)" = high-refused ] || fail "container root wrote a file it does not own (uid 70000)"
ok "container root writes its files, not a file of an unmapped owner"
up=$BERTH_ROOT/lib/containers/$P-in/upper
for f in etc/x newfile newdir etc/passwd; do
    [ "$(stat -c %u:%g "$up/$f")" = 100000:100000 ] ||
        fail "upper/$f is owned by $(stat -c %u:%g "$up/$f") on the host, want 100000:100000"
done
[ "$(stat -c %u:%g "$up")" = 100000:100000 ] || fail "upper is owned by $(stat -c %u:%g "$up")"
grep -q '^more$' "$up/etc/passwd" || fail "the copied-up /etc/passwd lacks the write"
ok "new and copied-up files are 100000:100000 in the upper layer on the host"
[ "$(fp "$DIR")" = "$before" ] || fail "the rootfs DIR changed"
ok "rootfs DIR unchanged (names, owners, modes, contents)"

# --- A running container: the init runs as 100000 on the host; exec joins its user namespace.
bs "$ROOT100" "$ROOT100" ctr run -d "$P-ex" --userns --rootfs "$DIR" -- sleep 300 >/dev/null ||
    fail "run -d --userns"
pid=$(json_field "$P-ex" pid)
[ "$(stat -c %u /proc/"$pid")" = 100000 ] || fail "the init runs as host uid $(stat -c %u /proc/"$pid")"
mon=$(json_field "$P-ex" monitor_pid)
eout=$(b ctr exec "$P-ex" -- sh -c 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/1/ns/user; touch /from-exec') ||
    fail "exec: $eout"
set -- $eout
[ "$1" = 0 ] || fail "exec: uid $1 inside"
[ "$2 $3 $4" = "0 100000 65536" ] || fail "exec: uid_map '$2 $3 $4'"
[ "$5" = "$6" ] || fail "exec is in user namespace $5, the init in $6"
[ "$5" = "$(readlink /proc/"$pid"/ns/user)" ] || fail "exec's user namespace is not the init's"
[ "$5" != "$(readlink /proc/self/ns/user)" ] || fail "the container shares the host's user namespace"
[ "$(stat -c %u "$BERTH_ROOT/lib/containers/$P-ex/upper/from-exec")" = 100000 ] ||
    fail "a file made by exec is not owned by 100000 on the host"
ok "init is host uid 100000; exec joins its user namespace ($5): uid 0, same uid_map"
grep -q "$BERTH_ROOT" /proc/mounts && fail "a container mount is visible on the host"
ok "the id-mapped root is mounted in the container's namespace only"
b ctr rm -f "$P-ex" >/dev/null || fail "rm -f"
wait_for 5 sh -c "! kill -0 $mon 2>/dev/null" || fail "the monitor $mon survived rm -f"

# --- Another range, from the files: uid and gid maps follow them.
out=$(bs 'root:200000:65536\n' 'root:300000:70000\n' ctr run "$P-rg" --userns --rootfs "$DIR" -- \
    sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch /f' 2>&1) || fail "run with a range: $out"
[ "$(echo $out)" = "0 200000 65536 0 300000 70000" ] || fail "maps with root:200000/300000: $out"
[ "$(stat -c %u:%g "$BERTH_ROOT/lib/containers/$P-rg/upper/f")" = 200000:300000 ] ||
    fail "a new file with root:200000 is not 200000:300000 on the host"
ok "root's range in /etc/subuid and /etc/subgid: maps '0 200000 65536' / '0 300000 70000'"
# No range for root and no one else's: the default.
out=$(bs '' 'bob:500000:65536\n' ctr run --rm "$P-df" --userns --rootfs "$DIR" -- \
    cat /proc/self/uid_map 2>&1) || fail "run with empty subuid: $out"
[ "$(echo $out)" = "0 100000 65536" ] || fail "default map: $out"
ok "no range for root: the default 100000:65536"

# --- --inplace: DIR itself, id-mapped: written files keep DIR's own ids, nothing is chowned.
cp -a "$DIR" "$BERTH_ROOT/inplace"
# (the mount targets berth makes in an inplace root, made beforehand: the fingerprint then
# shows any other change)
touch "$BERTH_ROOT/inplace/etc/hostname" "$BERTH_ROOT/inplace/etc/hosts" "$BERTH_ROOT/inplace/etc/resolv.conf"
ipb=$(fp "$BERTH_ROOT/inplace")
out=$(bs "$ROOT100" "$ROOT100" ctr run --rm "$P-ip" --userns --inplace --rootfs "$BERTH_ROOT/inplace" -- \
    sh -c 'stat -c %u /bin/busybox; touch /made; stat -c %u:%g /made' 2>&1) || fail "inplace: $out"
[ "$(echo $out)" = "0 0:0" ] || fail "inplace inside: $out"
[ "$(stat -c %u:%g "$BERTH_ROOT/inplace/made")" = 0:0 ] ||
    fail "inplace: /made is $(stat -c %u:%g "$BERTH_ROOT/inplace/made") on the host (want DIR's ids, 0:0)"
rm "$BERTH_ROOT/inplace/made"
[ "$(fp "$BERTH_ROOT/inplace")" = "$ipb" ] || fail "inplace: DIR's files changed (chowned?)"
ok "--inplace --userns: DIR id-mapped, a new file is 0:0 on disk, nothing chowned"

# --- A DIR chowned to the range beforehand is used as it is (no id map on top).
cp -a "$DIR" "$BERTH_ROOT/shifted" && chown -R 100000:100000 "$BERTH_ROOT/shifted"
out=$(bs "$ROOT100" "$ROOT100" ctr run --rm "$P-sh" --userns --rootfs "$BERTH_ROOT/shifted" -- \
    stat -c %u:%g /bin/busybox 2>&1) || fail "shifted rootfs: $out"
[ "$out" = 0:0 ] || fail "a rootfs chowned to 100000 shows as $out inside"
ok "a rootfs already owned by the range: root-owned inside"

# --- Bad input: one line, nothing stored.
bad() { # bad WHAT SUBUID SUBGID
    expect_err "$1" bs "$2" "$3" ctr create "$P-bad" --userns --rootfs "$DIR" -- true
    b ctr inspect "$P-bad" >/dev/null 2>&1 && fail "$1: the container was stored"
}
bad "range too small" 'root:100000:1000\n' "$ROOT100"
case "$LAST_ERR" in *"(100000:1000) has 1000 ids; a container needs at least 65536"*) ;; *) fail "message: $LAST_ERR" ;; esac
bad "no range for root, the default taken" 'alice:100000:65536\n' "$ROOT100"
case "$LAST_ERR" in *"no range for root"*"'alice:100000:65536'"*) ;; *) fail "message: $LAST_ERR" ;; esac
bad "gid range taken" "$ROOT100" 'alice:150000:10\n'
case "$LAST_ERR" in *"/etc/subgid has no range for root"*) ;; *) fail "message: $LAST_ERR" ;; esac
bad "range at host id 0" 'root:0:65536\n' "$ROOT100"
bad "malformed line" 'root:100000\n' "$ROOT100"
case "$LAST_ERR" in *"/etc/subuid:1: malformed line 'root:100000'"*) ;; *) fail "message: $LAST_ERR" ;; esac
# A rootfs whose owner the map does not cover: refused at start, in one line.
cp -a "$DIR" "$BERTH_ROOT/alien" && chown 70000:70000 "$BERTH_ROOT/alien"
expect_err "rootfs owner outside the range" bs "$ROOT100" "$ROOT100" ctr run --rm "$P-al" \
    --userns --rootfs "$BERTH_ROOT/alien" -- true
case "$LAST_ERR" in *"is owned by 70000:70000, which the container's id maps do not cover"*) ;; *) fail "message: $LAST_ERR" ;; esac

# --- rm leaves nothing: no container, state, mount, cgroup or process.
for n in "$P-in" "$P-rg"; do
    b ctr rm -f "$n" >/dev/null || fail "rm $n"
done
left=$(ls -A "$BERTH_ROOT/lib/containers")
[ -z "$left" ] || fail "definitions left: $left"
left=$(ls "$BERTH_ROOT/run")
[ -z "$left" ] || fail "runtime state left: $left"
grep -q "$BERTH_ROOT/lib\|$BERTH_ROOT/run" /proc/mounts && fail "mounts left on the host"
for d in /sys/fs/cgroup/*/"$CGP"/* /sys/fs/cgroup/"$CGP"/*; do
    [ -d "$d" ] && fail "cgroup left: $d"
done
# (not "no process of uid 100000": another test run may share the range)
for p in $pid $mon; do
    kill -0 "$p" 2>/dev/null && fail "process $p of the userns container survived rm: $(ps -o pid,user,args -p "$p")"
done
ok "rm leaves no definition, state, mount, cgroup or process"
[ "$(fp "$DIR")" = "$before" ] || fail "the rootfs DIR changed"
ok "rootfs DIR still unchanged at the end"
