#!/bin/bash
# SPDX-License-Identifier: MIT
# podman (Debian's 4.3) drives berth-oci: `--runtime` pointing at it, `--cgroup-manager cgroupfs`,
# an image made by `podman import` of the busybox rootfs (no network pull), podman's storage in a
# private directory. run (attached and -d), exec, logs, ps, inspect, stats, pause/unpause, stop,
# kill, rm, each checked on its real output; the running container shows in berth's batch output.
# What podman asks that berth refuses is listed in docs/OCI.md.
. "$(dirname "$0")/lib_ctr.sh"

command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || [ -x /usr/bin/conmon ] ||
    skip "conmon is not installed"

W=$(mktemp -d /tmp/berth-oci-podman.XXXXXX)
ln -s "$BERTH_BIN" "$W/berth-oci"
# This host's root lacks CAP_SYS_RESOURCE in some sandboxes: podman's default rlimits (nofile
# 1048576) cannot be raised to there, by berth as by runc. Ask for what the host allows.
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
nproc=1024 # podman runs conmon with a lower hard limit than its caller's
pm() {
    podman --root "$W/storage" --runroot "$W/run" --tmpdir "$W/tmp" --runtime "$W/berth-oci" \
        --cgroup-manager cgroupfs --events-backend file "$@"
}
# podman passes no --root to its runtime and conmon drops the environment: its containers live
# in berth's default state root (/run/berth, /var/lib/berth), where the dashboard shows them.
dflt() { env -u BERTH_ROOT "$@"; }
RUNOPTS=(--network none --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
cleanup_podman() {
    for c in $(pm ps -aq --no-trunc 2>/dev/null); do dflt "$W/berth-oci" delete --force "$c"; done
    pm rm -af -t 0 >/dev/null 2>&1
    pm rmi -af >/dev/null 2>&1
    grep " $W" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m"; done
    ctr_cleanup
    rm -rf "$W"
}
trap cleanup_podman EXIT

IMG=localhost/berth-busybox-$$
tar -C "$ROOTFS" -c . | pm import - "$IMG" >/dev/null 2>"$W/import.err" ||
    fail "podman import: $(tail -n1 "$W/import.err")"
ok "image imported"

out=$(pm run --rm "${RUNOPTS[@]}" "$IMG" sh -c 'echo hello-$((6*7)); cat /proc/1/cmdline | tr "\0" " "' 2>&1) ||
    fail "podman run: $out"
case $out in *hello-42*"sh -c"*) ;; *) fail "podman run output: $out" ;; esac
ok "podman run (attached, --rm): the command ran as pid 1 and its output came back"

out=$(pm run --rm "${RUNOPTS[@]}" "$IMG" sh -c 'exit 3' 2>&1)
rc=$?
[ "$rc" = 3 ] || fail "podman run exit status $rc (expected 3): $out"
ok "podman run returns the container's exit status"

name=berth-pm-$$
cid=$(pm run -d --name "$name" "${RUNOPTS[@]}" "$IMG" sh -c 'echo started; while :; do sleep 1; done' 2>&1) ||
    fail "podman run -d: $cid"
[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ] || fail "inspect: not running"
pid=$(pm inspect -f '{{.State.Pid}}' "$name")
[ -d "/proc/$pid" ] || fail "inspect: pid $pid does not exist"
pm ps --format '{{.Names}} {{.Status}}' | grep -q "^$name Up" || fail "podman ps: $(pm ps)"
ok "podman run -d, inspect (running, pid $pid), ps"

logs_started() { pm logs "$name" 2>&1 | grep -q started; }
wait_for 5 logs_started ||
    fail "podman logs: $(pm logs "$name" 2>&1)"
ok "podman logs"

out=$(pm exec "$name" sh -c 'echo in-$((2+2)); hostname' 2>&1) || fail "podman exec: $out"
case $out in *in-4*) ;; *) fail "podman exec output: $out" ;; esac
out=$(pm exec "$name" sh -c 'exit 5' 2>&1)
[ $? = 5 ] || fail "podman exec exit status (expected 5): $out"
ok "podman exec: output and exit status"

out=$(pm stats --no-stream --format '{{.Name}} {{.MemUsage}}' "$name" 2>&1) || fail "podman stats: $out"
echo "$out" | grep -q "^$name [0-9.]*[kMG]" || fail "podman stats output: $out"
ok "podman stats: $out"

# The same container in berth's own view.
dflt "$BERTH_BIN" --batch -f json --no-vms 2>/dev/null | grep -q "$cid.*running" ||
    fail "the podman container is not in berth's batch output: $(dflt "$BERTH_BIN" --batch -f json --no-vms 2>&1)"
ok "the container shows in berth's batch output as running"

pm pause "$name" >/dev/null 2>&1 || fail "podman pause: $(pm pause "$name" 2>&1)"
[ "$(pm inspect -f '{{.State.Status}}' "$name")" = paused ] || fail "not paused"
grep -q "State:.*(stopped)\|^State:\s*T" "/proc/$pid/status" 2>/dev/null ||
    grep -q FROZEN /sys/fs/cgroup/freezer/libpod_parent/libpod-"$cid"/freezer.state 2>/dev/null ||
    fail "pause: the cgroup is not frozen"
pm unpause "$name" >/dev/null || fail "podman unpause"
[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ] || fail "not running after unpause"
ok "podman pause / unpause (freezer)"

pm stop -t 1 "$name" >/dev/null 2>&1 || fail "podman stop: $(pm stop "$name" 2>&1)"
[ "$(pm inspect -f '{{.State.Status}}' "$name")" = exited ] || fail "not exited after stop"
[ ! -d "/proc/$pid" ] || fail "pid $pid still there after stop"
ok "podman stop (TERM ignored by the shell as pid 1, then KILL)"

pm start "$name" >/dev/null 2>&1 || fail "podman start again: $(pm start "$name" 2>&1)"
[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ] || fail "not running after start"
pm kill "$name" >/dev/null || fail "podman kill"
exited() { [ "$(pm inspect -f '{{.State.Status}}' "$name")" = exited ]; }
wait_for 5 exited ||
    fail "not exited after kill"
ok "podman start of a stopped container, podman kill"

pm rm "$name" >/dev/null || fail "podman rm"
! pm inspect "$name" >/dev/null 2>&1 || fail "still there after rm"
for d in /var/lib/berth/containers/"$cid" /run/berth/"$cid"; do
    [ ! -e "$d" ] || fail "berth state left: $d"
done
! ls -d /sys/fs/cgroup/*/libpod_parent/libpod-"$cid" >/dev/null 2>&1 || fail "cgroup left after rm"
ok "podman rm: nothing left in berth's state or the cgroups"
