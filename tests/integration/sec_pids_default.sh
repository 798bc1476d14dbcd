#!/bin/bash
# SPDX-License-Identifier: MIT
# A default pids limit. Before: a fork bomb in a container created without --pids made 32,416
# processes and a host fork() failed. Now a container without --pids (or a bundle without
# linux.resources.pids) gets pids.max 2048 in its cgroup, as podman does; `--pids unlimited`
# gives none (max); --pids N is enforced (a bounded fork bomb stops at 50); bad values are
# refused in one line.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

# cg_file NAME FILE: FILE of the container's pids cgroup, read on the host (v1 pids or v2).
cg_file() {
    local pid line
    pid=$("$BERTH_BIN" ctr inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        line=$(sed -n 's/^0:://p' /proc/"$pid"/cgroup)
        cat "/sys/fs/cgroup$line/$2"
    else
        line=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/"$pid"/cgroup)
        cat "/sys/fs/cgroup/pids$line/$2"
    fi
}
pids_max() { cg_file "$1" pids.max; }
limit_of() {
    "$BERTH_BIN" ctr inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["limits"]["pids"])'
}

# No --pids: 2048.
n=$(sec_name default)
"$BERTH_BIN" ctr run -d "$n" --rootfs "$ROOTFS" -- sleep 600 >/dev/null || fail "run -d without --pids"
expect "pids.max without --pids" "$(pids_max "$n")" 2048
expect "inspect limits.pids without --pids" "$(limit_of "$n")" 2048
"$BERTH_BIN" ctr rm -f "$n" >/dev/null

# --pids unlimited: no limit.
n=$(sec_name unlimited)
"$BERTH_BIN" ctr run -d "$n" --pids unlimited --rootfs "$ROOTFS" -- sleep 600 >/dev/null ||
    fail "run -d --pids unlimited"
expect "pids.max with --pids unlimited" "$(pids_max "$n")" max
expect "inspect limits.pids with --pids unlimited" "$(limit_of "$n")" None
"$BERTH_BIN" ctr rm -f "$n" >/dev/null

# The mechanism, cheaply: a bounded fork bomb (80 sleeps) under --pids 50 stops at the limit
# (busybox sh exits when a fork fails; its parent then execs, needing no fork).
n=$(sec_name bomb)
"$BERTH_BIN" ctr run -d "$n" --pids 50 --rootfs "$ROOTFS" -- sh -c \
    'sh -c "i=0; while [ \$i -lt 80 ]; do sleep 600 & i=\$((i+1)); done"; exec sleep 600' >/dev/null ||
    fail "run -d the bomb"
for i in $(seq 1 50); do
    tasks=$(cg_file "$n" pids.current)
    [ "$tasks" -lt 49 ] || break
    sleep 0.1
done
sleep 0.5
tasks=$(cg_file "$n" pids.current)
[ "$tasks" -le 50 ] && [ "$tasks" -ge 45 ] || fail "--pids 50: $tasks tasks"
"$BERTH_BIN" ctr logs "$n" 2>&1 | grep -qi "fork\|resource" || fail "--pids 50: no refused fork in the log"
"$BERTH_BIN" ctr rm -f "$n" >/dev/null
echo "ok: --pids 50: a bomb of 80 stops at $tasks tasks"

# A bundle without linux.resources.pids gets the default too.
n=$(sec_name src)
"$BERTH_BIN" ctr create "$n" --pids unlimited --rootfs "$ROOTFS" -- true >/dev/null || fail "create"
mkdir "$SEC_WORK/bundle"
python3 - "$BERTH_ROOT/lib/containers/$n/config.json" "$SEC_WORK/bundle/config.json" "$ROOTFS" <<'PY' ||
import json, sys
c = json.load(open(sys.argv[1]))
assert "pids" not in c.get("linux", {}).get("resources", {})
c["root"]["path"] = sys.argv[3]
json.dump(c, open(sys.argv[2], "w"))
PY
    fail "make the bundle"
nb=$(sec_name bundle)
"$BERTH_BIN" ctr create "$nb" --bundle "$SEC_WORK/bundle" >/dev/null || fail "create --bundle"
expect "inspect limits.pids of a bundle without one" "$(limit_of "$nb")" 2048

# Bad values: one line each, nothing created.
for v in 0 -1 abc 4194305 ""; do
    nv=$(sec_name bad)
    msg=$("$BERTH_BIN" ctr create "$nv" --pids "$v" --rootfs "$ROOTFS" -- true 2>&1) &&
        fail "--pids '$v' accepted"
    echo "--pids '$v': $msg"
    [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "--pids '$v': more than one line"
    case "$msg" in *"pids limit '$v'"*) ;; *) fail "--pids '$v': the message does not name the value" ;; esac
    "$BERTH_BIN" ctr inspect "$nv" >/dev/null 2>&1 && fail "--pids '$v': a container was created"
done
echo "PASS"
