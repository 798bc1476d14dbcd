#!/bin/sh
# SPDX-License-Identifier: MIT
# Every bad input gets one line of error naming the problem, a non-zero exit status, and
# nothing already stored is lost or half-written.
CTR_ROOTLESS_OK=1 # also as a user with a delegated cgroup v2 subtree
. "$(dirname "$0")/lib_ctr.sh"

b ctr create "$P-keep" --rootfs "$ROOTFS" --memory 32M -- /bin/sleep 1000 >/dev/null || fail "create"
keep_sum=$(md5sum <"$BERTH_ROOT/lib/containers/$P-keep/config.json")
snapshot() { (cd "$BERTH_ROOT" && find . -path ./run -prune -o -print | grep -v '/upper\|/work' | sort | md5sum); }
before=$(snapshot)

# Names, refused before anything touches the disk.
long=$(printf 'a%.0s' $(seq 1 300))
ctl=$(printf 'a\001b')
for n in "../x" "a/b" "" "$long" "$ctl" "-x" ".hidden" "a b"; do
    expect_err "name '$(printf '%s' "$n" | cut -c1-20 | tr -d '\001')'" b ctr create "$n" --rootfs "$ROOTFS"
done
for cmd in start stop kill pause resume restart rm inspect logs attach; do
    expect_err "$cmd ../x" b ctr "$cmd" "../x"
done
[ "$(snapshot)" = "$before" ] || fail "bad names changed the state directory"
ok "bad names touched nothing on disk"

expect_err "rootfs that does not exist" b ctr create "$P-a" --rootfs /nonexistent/root
echo "$LAST_ERR" | grep -q "/nonexistent/root" || fail "error does not name the rootfs"
expect_err "rootfs that is a file" b ctr create "$P-a" --rootfs /etc/passwd
expect_err "no rootfs" b ctr create "$P-a"
expect_err "memory limit too small" b ctr create "$P-a" --rootfs "$ROOTFS" --memory 1K
expect_err "memory not a size" b ctr create "$P-a" --rootfs "$ROOTFS" --memory 12Q
expect_err "cpus not a number" b ctr create "$P-a" --rootfs "$ROOTFS" --cpus lots
expect_err "pids 0" b ctr create "$P-a" --rootfs "$ROOTFS" --pids 0
expect_err "net mode" b ctr create "$P-a" --rootfs "$ROOTFS" --net bad/net
mkdir -p "$BERTH_ROOT/bundle"
b ctr create "$P-bsrc" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
cp "$BERTH_ROOT/lib/containers/$P-bsrc/config.json" "$BERTH_ROOT/bundle/"
b ctr rm "$P-bsrc" >/dev/null
expect_err "a command with --bundle (it was ignored)" b ctr run --rm "$P-a" --bundle "$BERTH_ROOT/bundle" -- /bin/echo hi
echo "$LAST_ERR" | grep -q "command after '--'" || fail "error does not name the command"
expect_err "--inplace with --bundle (it was ignored)" b ctr create "$P-a" --bundle "$BERTH_ROOT/bundle" --inplace
echo "$LAST_ERR" | grep -q -- "--inplace" || fail "error does not name --inplace"
expect_err "user" b ctr create "$P-a" --rootfs "$ROOTFS" --user root
expect_err "env" b ctr create "$P-a" --rootfs "$ROOTFS" --env NOEQUALS
expect_err "workdir relative" b ctr create "$P-a" --rootfs "$ROOTFS" --workdir tmp
expect_err "unknown option" b ctr create "$P-a" --rootfs "$ROOTFS" --frobnicate
expect_err "existing name" b ctr create "$P-keep" --rootfs "$ROOTFS"
expect_err "no such container" b ctr start "$P-nope"
[ ! -e "$BERTH_ROOT/lib/containers/$P-a" ] || fail "a refused create stored something"

# A command that is not in the rootfs: run fails with 127 and the message; nothing running.
st=0
err=$(b ctr run --rm "$P-nc" --rootfs "$ROOTFS" -- /bin/no-such-command 2>&1) || st=$?
[ "$st" -eq 127 ] || fail "command not found: exit $st"
echo "$err" | grep -q "no-such-command.*not found" || fail "message: $err"
[ "$(echo "$err" | wc -l)" -eq 1 ] || fail "more than one line: $err"
ok "command not in the rootfs -> 127: $err"
expect_err "start with a missing command" sh -c "'$BERTH_BIN' ctr create $P-nc2 --rootfs '$ROOTFS' -- nothere >/dev/null && '$BERTH_BIN' ctr start $P-nc2"
[ "$(status_of "$P-nc2")" != running ] || fail "a failed start shows running"
ls -d /sys/fs/cgroup/*/"$CGP"/"$P-nc2" 2>/dev/null && fail "a failed start left a cgroup"

# Unknown signal; starting a running container; removing a running one without -f.
b ctr start "$P-keep" || fail "start keep"
expect_err "unknown signal" b ctr kill -s SIGFOO "$P-keep"
expect_err "start a running container" b ctr start "$P-keep"
expect_err "rm a running container" b ctr rm "$P-keep"
expect_err "resume a running container" b ctr resume "$P-keep"
[ "$(status_of "$P-keep")" = running ] || fail "keep is no longer running"
b ctr stop -t 0 "$P-keep" >/dev/null
expect_err "stop a stopped container" b ctr stop "$P-keep"
expect_err "exec in a stopped container" b ctr exec "$P-keep" -- /bin/true
expect_err "attach to a container without tty" sh -c "'$BERTH_BIN' ctr start $P-keep && '$BERTH_BIN' ctr attach $P-keep"
b ctr stop -t 0 "$P-keep" >/dev/null
expect_err "exec without a command" b ctr exec "$P-keep"
expect_err "logs --tail bad" b ctr logs --tail -3 "$P-keep"
expect_err "ls --format bad" b ctr ls --format yaml
[ "$(md5sum <"$BERTH_ROOT/lib/containers/$P-keep/config.json")" = "$keep_sum" ] ||
    fail "config.json of an existing container changed"
ok "the existing container's config.json is unchanged"

# A corrupt config.json: start refuses with a message naming it; the file is left as it is.
b ctr create "$P-cfg" --rootfs "$ROOTFS" >/dev/null
printf '{"ociVersion": "1.0.2", "process": {' >"$BERTH_ROOT/lib/containers/$P-cfg/config.json"
sum=$(md5sum <"$BERTH_ROOT/lib/containers/$P-cfg/config.json")
expect_err "corrupt config.json" b ctr start "$P-cfg"
echo "$LAST_ERR" | grep -q "config.json" || fail "error does not name config.json"
[ "$(md5sum <"$BERTH_ROOT/lib/containers/$P-cfg/config.json")" = "$sum" ] || fail "corrupt config rewritten"
echo '{"ociVersion":"1.0.2","process":{"args":"sh"},"root":{"path":"/x"}}' >"$BERTH_ROOT/lib/containers/$P-cfg/config.json"
expect_err "config.json with a wrong type" b ctr start "$P-cfg"

# A corrupt state file: inspect and start say so; rm -f still removes the container.
b ctr create "$P-st" --rootfs "$ROOTFS" >/dev/null
mkdir -p "$BERTH_ROOT/run/$P-st"
echo 'garbage{' >"$BERTH_ROOT/run/$P-st/state.json"
expect_err "corrupt state.json (inspect)" b ctr inspect "$P-st"
echo "$LAST_ERR" | grep -q "state" || fail "error does not name the state file"
expect_err "corrupt state.json (start)" b ctr start "$P-st"
b ctr rm -f "$P-st" || fail "rm -f with a corrupt state"
[ ! -e "$BERTH_ROOT/lib/containers/$P-st" ] || fail "rm -f left it"
ok "corrupt state: reported, and rm -f still works"
echo PASS
