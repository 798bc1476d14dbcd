#!/bin/bash
# SPDX-License-Identifier: MIT
# The container's device nodes are its own (issue 18, item 1). Before, /dev/null, zero, full,
# random, urandom and tty were binds of the host's nodes, and masked /proc files binds of the
# host's /dev/null: container root (CAP_CHOWN, CAP_FOWNER) changed the HOST's /dev/null with
# `chmod 0600 /dev/null; chown 4321:4321 /dev/null`, and /dev/urandom and /proc/keys likewise.
# Now, without a user namespace, berth makes the nodes (mknod in the container's /dev tmpfs) and
# masks /proc files with them; with one, the host's nodes are bound read-only (EROFS), so even a
# user namespace mapping container root to host root changes nothing. The host nodes' mode and
# owner are compared before and after; the trap puts them back if a run changed them.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

nodes="null zero full random urandom tty"
declare -A before
for d in $nodes; do before[$d]=$(stat -c '%a %u %g' "/dev/$d"); done
restore_nodes() {
    local d a u g
    for d in $nodes; do
        read -r a u g <<<"${before[$d]}"
        chown "$u:$g" "/dev/$d" 2>/dev/null
        chmod "$a" "/dev/$d" 2>/dev/null
    done
}
SEC_EXTRA_CLEANUP=restore_nodes
for d in null zero urandom; do
    case "${before[$d]}" in "666 0 0") ;; *) echo "note: host /dev/$d is '${before[$d]}' before the test" ;; esac
done

check_host() {
    local d now
    for d in $nodes; do
        now=$(stat -c '%a %u %g' "/dev/$d")
        if [ "$now" != "${before[$d]}" ]; then
            restore_nodes
            fail "$1: the host's /dev/$d changed from '${before[$d]}' to '$now' (put back)"
        fi
    done
    echo "ok: $1: the host's device nodes are unchanged"
}

# The reproducers of the issue, then every masked /proc file that is a node, then the nodes at work.
attack='chmod 0600 /dev/null; chown 4321:4321 /dev/null; chmod 0604 /dev/urandom
chown 4321 /dev/zero /dev/full /dev/random /dev/tty; chmod 0600 /dev/tty
for p in /proc/keys /proc/kcore /proc/timer_list /proc/interrupts /proc/sched_debug /proc/timer_stats /proc/latency_stats; do
    [ -c "$p" ] && { chmod 0600 "$p"; chown 4321:4321 "$p"; echo "masked-node $p"; }
done
chmod 0666 /dev/null /dev/urandom 2>/dev/null
echo x >/dev/null && echo "null-write: ok"
[ -z "$(cat /dev/null)" ] && echo "null-read: ok"
[ "$(head -c 8 /dev/zero | wc -c)" = 8 ] && echo "zero: ok"
[ "$(head -c 8 /dev/urandom | wc -c)" = 8 ] && echo "urandom: ok"
[ "$(head -c 8 /dev/random | wc -c)" = 8 ] && echo "random: ok"
echo x 2>/dev/null >/dev/full || echo "full: ok"
[ "$(cat /proc/keys | wc -c)" = 0 ] && echo "keys-masked: ok"
ls -ln /dev/null'

for mode in default --net=host --inplace $(sec_userns_usable >&2 && echo --userns); do
    opts=()
    case $mode in default) ;; --net=host) opts=(--net host) ;; *) opts=("$mode") ;; esac
    run=sec_run
    [ "$mode" = --userns ] && run=sec_run_userns
    out=$($run "$(sec_name dn)" "${opts[@]}" -- /bin/sh -c "$attack")
    echo "[$mode]"
    echo "$out" | sed 's/^/    /'
    check_host "$mode"
    for want in "null-write: ok" "null-read: ok" "zero: ok" "urandom: ok" "random: ok" \
        "full: ok" "keys-masked: ok"; do
        echo "$out" | grep -qx "$want" || fail "$mode: expected '$want' (the container's devices must work)"
    done
    echo "$out" | grep -q '^masked-node ' || fail "$mode: no masked /proc file is a node (nothing tried)"
    echo "ok: $mode: the container's devices work"
done

# A user namespace that maps container root to host root (an OCI bundle may ask for it): there
# container root holds CAP_FOWNER over host-root-owned inodes; the read-only binds stop it.
n=$(sec_name dnb)
"$BERTH_BIN" ctr create "$n" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create"
mkdir -p "$SEC_WORK/bundle"
python3 - "$BERTH_ROOT/lib/containers/$n/config.json" "$SEC_WORK/bundle/config.json" "$ROOTFS" "$attack" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
c["process"]["args"] = ["/bin/sh", "-c", sys.argv[4]]
lx = c["linux"]
lx["namespaces"] = [x for x in lx["namespaces"] if x["type"] != "user"] + [{"type": "user"}]
lx["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
lx["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
json.dump(c, open(sys.argv[2], "w"))
P
"$BERTH_BIN" ctr rm "$n" >/dev/null
out=$("$BERTH_BIN" ctr run --rm "$(sec_name dnbrun)" --bundle "$SEC_WORK/bundle" 2>&1)
echo "[bundle: user namespace 0 -> host 0]"
echo "$out" | sed 's/^/    /'
check_host "bundle 0->0"
echo "$out" | grep -qx "null-write: ok" || fail "bundle 0->0: /dev/null does not work"
echo "PASS"
