#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-oci, the OCI runtime command line: create/start/state/kill/delete as runtime.md says (the
# state document at each step, the process's output on create's stdio, --pid-file), run and exec,
# the config.json fields bundles use (hooks, rlimits, oomScoreAdj, sysctl, devices, a netns and a
# mount namespace joined by path, no mount namespace, no process), operations in the wrong state, bad bundles and bad config.json: one line, nothing left.
. "$(dirname "$0")/lib_ctr.sh"

W=$(mktemp -d /tmp/berth-oci-cli.XXXXXX)
NETNS=berth-oci-$$
MNTNS_PID=
cleanup_oci() {
    ip netns del "$NETNS" 2>/dev/null
    [ -z "$MNTNS_PID" ] || kill -9 "$MNTNS_PID" 2>/dev/null
    ctr_cleanup
    rm -rf "$W"
}
trap cleanup_oci EXIT
ln -s "$BERTH_BIN" "$W/berth-oci"
O=$W/berth-oci

# bundle DIR ARGS-JSON [PYTHON-EDIT]: a bundle with the busybox root and berth-oci spec's config.
bundle() {
    mkdir -p "$1" && ln -sfn "$ROOTFS" "$1/rootfs"
    (cd "$1" && "$O" spec) || fail "spec in $1"
    python3 - "$1/config.json" "$2" "${3:-}" <<'EOF'
import json, sys
p, args, edit = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = json.loads(args)
if edit:
    exec(edit)
json.dump(c, open(p, "w"))
EOF
}
field() { # field FIELD: from the state document on stdin
    python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"
}
state_of() { "$O" state "$1" | field status; }
# oci_err WHAT CMD...: fails with exactly one line on stderr, "berth-oci: ..."
oci_err() {
    what=$1
    shift
    out=$("$@" 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -ne 0 ] || fail "$what: exit status 0 (expected an error)"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$what: more than one line: $out"
    case "$out" in "berth-oci: "*) ;; *) fail "$what: not a berth-oci error: $out" ;; esac
    LAST_ERR=$out
    ok "$what -> $out"
}
nothing_left() { # nothing_left ID: no definition, no runtime directory, no cgroup
    [ ! -e "$BERTH_ROOT/lib/containers/$1" ] || fail "$1: definition left behind"
    [ ! -e "$BERTH_ROOT/run/$1" ] || fail "$1: runtime directory left behind"
    ! ls -d /sys/fs/cgroup/*/"$CGP/$1" >/dev/null 2>&1 || fail "$1: cgroup left behind"
}

# ---- the lifecycle ----
id=$P-life
bundle "$W/life" '["sh","-c","echo out-$$; echo err-$$ >&2; exec sleep 300"]'
"$O" create --bundle "$W/life" --pid-file "$W/life.pid" "$id" >"$W/life.out" 2>"$W/life.err" ||
    fail "create: $(cat "$W/life.err")"
[ "$(state_of "$id")" = created ] || fail "state after create: $(state_of "$id")"
pid=$("$O" state "$id" | field pid)
[ "$pid" = "$(cat "$W/life.pid")" ] || fail "--pid-file $(cat "$W/life.pid") is not the state's pid $pid"
[ "$("$O" state "$id" | field bundle)" = "$W/life" ] || fail "state bundle"
[ ! -s "$W/life.out" ] || fail "the process ran before start"
ok "create: state created, pid $pid in --pid-file, nothing run yet"
oci_err "start of a missing container" "$O" start "$P-none"
"$O" start "$id" || fail "start"
[ "$(state_of "$id")" = running ] || fail "state after start: $(state_of "$id")"
wait_for 5 grep -q "out-" "$W/life.out" || fail "no output on create's stdout"
grep -q "err-" "$W/life.err" || fail "no output on create's stderr"
ok "start: running; the process writes to create's stdout and stderr"
oci_err "start twice" "$O" start "$id"
oci_err "delete while running" "$O" delete "$id"
[ "$(state_of "$id")" = running ] || fail "a refused delete changed the state"
"$O" ps --format json "$id" | grep -q "$pid" || fail "ps does not list the init"
"$O" list | grep -q "$id .*running" || fail "list"
"$O" exec "$id" sh -c 'echo exec-$((6*7))' >"$W/exec.out" || fail "exec"
grep -q exec-42 "$W/exec.out" || fail "exec output: $(cat "$W/exec.out")"
ok "exec runs in the container with our stdio"
"$O" kill "$id" KILL || fail "kill"
wait_for 5 sh -c "[ \"\$('$O' state '$id' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"status\"])')\" = stopped ]" ||
    fail "not stopped after kill"
oci_err "kill of a stopped container" "$O" kill "$id" KILL
"$O" delete "$id" || fail "delete"
oci_err "state after delete" "$O" state "$id"
nothing_left "$id"
ok "kill KILL -> stopped; delete removes everything"

# ---- run: waits, returns the status, deletes ----
bundle "$W/run" '["sh","-c","exit 7"]'
"$O" run --bundle "$W/run" "$P-run"
[ $? = 7 ] || fail "run did not return the process's status 7"
nothing_left "$P-run"
ok "run returns the exit status and deletes the container"

# ---- config.json fields: hooks, rlimits, oomScoreAdj, sysctl, devices, a joined netns ----
ip netns add "$NETNS" || fail "ip netns add"
ino=$(stat -L -c %i "/var/run/netns/$NETNS")
bundle "$W/fields" '["sh","-c","ulimit -n; cat /proc/self/oom_score_adj; cat /proc/sys/net/ipv4/ip_forward; ls -l /dev/berth-null; readlink /proc/self/ns/net"]' "
c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 512, 'hard': 512}]
c['process']['oomScoreAdj'] = 123
c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}
c['linux']['devices'] = [{'path': '/dev/berth-null', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 438}]
c['linux']['namespaces'] = [n if n['type'] != 'network' else {'type': 'network', 'path': '/var/run/netns/$NETNS'} for n in c['linux']['namespaces']]
h = lambda name: {'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $W/hook-' + name]}
c['hooks'] = {k: [h(k)] for k in ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']}
"
"$O" run --bundle "$W/fields" "$P-fields" >"$W/fields.out" 2>&1 || fail "run: $(cat "$W/fields.out")"
lines=$(tr '\n' '|' <"$W/fields.out")
case $lines in
"512|123|1|crw-rw-rw-"*"1,"*"3"*"/dev/berth-null|net:[$ino]|") ;;
*) fail "fields not applied: $lines" ;;
esac
ok "rlimits, oomScoreAdj, sysctl, devices and the netns path applied"
for h in prestart createRuntime createContainer startContainer poststart poststop; do
    [ -s "$W/hook-$h" ] || fail "hook $h did not run"
    [ "$(field id <"$W/hook-$h")" = "$P-fields" ] || fail "hook $h: no state on stdin"
done
[ "$(field status <"$W/hook-poststop")" = stopped ] || fail "poststop hook's state"
ok "the six hooks ran with the state on stdin"

# ---- a mount namespace joined by path; no mount namespace; no process ----
host_mnt=$(readlink /proc/self/ns/mnt)
unshare --mount --propagation private sleep 600 &
MNTNS_PID=$!
wait_for 5 sh -c "[ \"\$(readlink /proc/$MNTNS_PID/ns/mnt)\" != '$host_mnt' ]" || fail "unshare --mount"
their_mnt=$(readlink /proc/$MNTNS_PID/ns/mnt)
bundle "$W/mntns" '["sh","-c","readlink /proc/self/ns/mnt; test -x /bin/busybox && echo busybox-root"]' "
c['linux']['namespaces'] = [n if n['type'] != 'mount' else {'type': 'mount', 'path': '/proc/$MNTNS_PID/ns/mnt'} for n in c['linux']['namespaces']]
"
"$O" run --bundle "$W/mntns" "$P-mntns" >"$W/mntns.out" 2>&1 || fail "run in a joined mount namespace: $(cat "$W/mntns.out")"
[ "$(tr '\n' '|' <"$W/mntns.out")" = "$their_mnt|busybox-root|" ] ||
    fail "not in the joined mount namespace $their_mnt: $(cat "$W/mntns.out")"
! grep -q " $BERTH_ROOT/run/$P-mntns" /proc/self/mountinfo || fail "a mount of it in the host's namespace"
nothing_left "$P-mntns"
ok "a mount namespace by path: the container is in it ($their_mnt), on its own root"

bundle "$W/nomnt" '["sh","-c","readlink /proc/self/ns/mnt; test -x /bin/busybox && echo busybox-root; echo pid-$$; exec sleep 300"]' "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'mount']
"
"$O" create --bundle "$W/nomnt" "$P-nomnt" >"$W/nomnt.out" 2>&1 || fail "create without a mount namespace: $(cat "$W/nomnt.out")"
"$O" start "$P-nomnt" || fail "start without a mount namespace"
wait_for 10 grep -q pid- "$W/nomnt.out" || fail "no output: $(cat "$W/nomnt.out")"
[ "$(tr '\n' '|' <"$W/nomnt.out")" = "$host_mnt|busybox-root|pid-1|" ] ||
    fail "not in the host's mount namespace $host_mnt, chrooted: $(cat "$W/nomnt.out")"
"$O" exec "$P-nomnt" sh -c 'test -x /bin/busybox && echo exec-in-root; readlink /proc/1/exe' >"$W/nomnt.exec" 2>&1 ||
    fail "exec: $(cat "$W/nomnt.exec")"
[ "$(tr '\n' '|' <"$W/nomnt.exec")" = "exec-in-root|/bin/busybox|" ] || fail "exec not in its root: $(cat "$W/nomnt.exec")"
grep -q " $BERTH_ROOT/run/$P-nomnt/rootfs" /proc/self/mountinfo || fail "its root is not on run/rootfs while it exists"
"$O" delete --force "$P-nomnt" || fail "delete --force"
! grep -q " $BERTH_ROOT/run/$P-nomnt" /proc/self/mountinfo || fail "its mounts outlive delete"
[ -x "$ROOTFS/bin/busybox" ] || fail "delete went into the bundle's root"
nothing_left "$P-nomnt"
ok "no mount namespace: the host's ($host_mnt), chrooted, exec too; delete detaches its mounts"

bundle "$W/noproc" '["true"]' "del c['process']"
"$O" create --bundle "$W/noproc" "$P-noproc" || fail "create without process"
[ "$(state_of "$P-noproc")" = created ] || fail "state without process: $(state_of "$P-noproc")"
oci_err "start without process" "$O" start "$P-noproc"
echo "$LAST_ERR" | grep -q "'process'" || fail "the error does not name process"
wait_for 5 sh -c "[ \"\$('$O' state '$P-noproc' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"status\"])')\" = stopped ]" ||
    fail "not stopped after the failed start"
"$O" delete "$P-noproc" || fail "delete after the failed start"
nothing_left "$P-noproc"
ok "no process: created, start fails naming it, stopped, deleted"

# ---- bad bundles and bad config.json: one line, nothing left ----
oci_err "bundle that does not exist" "$O" create --bundle /nonexistent/bundle "$P-bad"
echo "$LAST_ERR" | grep -q /nonexistent/bundle || fail "the error does not name the bundle"
mkdir -p "$W/nojson" && echo '{"ociVersion": ' >"$W/nojson/config.json"
oci_err "config.json that is not JSON" "$O" create --bundle "$W/nojson" "$P-bad"
bad() { # bad WHAT PYTHON-EDIT WORD: refused naming WORD, nothing left
    rm -rf "$W/bad" && bundle "$W/bad" '["true"]' "$2"
    oci_err "$1" "$O" create --bundle "$W/bad" "$P-bad"
    echo "$LAST_ERR" | grep -q "$3" || fail "$1: the error does not name $3"
    nothing_left "$P-bad"
}
bad "an unsupported field" "c['linux']['intelRdt'] = {'closID': 'x'}" intelRdt
bad "an unknown rlimit" "c['process']['rlimits'] = [{'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}]" RLIMIT_BOGUS
bad "the host's mount namespace by path" "c['linux']['namespaces'] = [n if n['type'] != 'mount' else {'type': 'mount', 'path': '/proc/self/ns/mnt'} for n in c['linux']['namespaces']]" "runtime's own"
bad "a user namespace path" "c['linux']['namespaces'].append({'type': 'user', 'path': '/proc/1/ns/user'})" user
bad "a relative netns path" "c['linux']['namespaces'] = [{'type': 'mount'}, {'type': 'network', 'path': 'x'}]" path
bad "an AppArmor profile" "c['process']['apparmorProfile'] = 'docker-default'" AppArmor
bad "a failing createRuntime hook" "c['hooks'] = {'createRuntime': [{'path': '/bin/false'}]}" createRuntime
bad "a sysctl outside the container" "c['linux']['sysctl'] = {'kernel.nonexistent_key': '1'}" nonexistent
ok "bad config.json: one line each, nothing left behind"

# ---- the command line ----
oci_err "no command" "$O"
oci_err "unknown command" "$O" frobnicate x
oci_err "state without an id" "$O" state
oci_err "kill with a bad signal" "$O" kill "$P-x" SIGNOPE
oci_err "--systemd-cgroup" "$O" --systemd-cgroup state x
echo "$LAST_ERR" | grep -q cgroupfs || fail "--systemd-cgroup: no hint"
oci_err "--log-format bad" "$O" --log-format xml state x
"$O" --log "$W/log.json" --log-format json state "$P-none" 2>/dev/null
python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); assert r["level"]=="error" and "does not exist" in r["msg"]' "$W/log.json" ||
    fail "--log json: $(cat "$W/log.json")"
"$O" features | python3 -c 'import json,sys; f=json.load(sys.stdin); assert "hooks" in f' || fail "features"
"$BERTH_BIN" oci --version | grep -q "spec: 1.0" || fail "berth oci --version"
ok "command line errors, --log json, features, berth oci"
