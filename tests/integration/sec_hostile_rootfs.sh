#!/bin/bash
# SPDX-License-Identifier: MIT
# A hostile rootfs (the CVE-2021-30465 class): /proc, /dev, /etc, /etc/hosts, and a bind mount's
# target are symlinks to host paths. Whatever berth does with such a rootfs (refuse it, or set
# the container up inside it), nothing may be written or mounted at the host paths; a /proc that
# is a symlink is refused. Both the overlay mode and --inplace are tried.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

host=$SEC_WORK/host
mkdir -p "$host/proc" "$host/dev" "$host/etc" "$host/volume" "$SEC_WORK/volsrc"
echo "127.0.0.1 host-original" >"$host/hosts"
echo "host passwd" >"$host/etc/passwd"
echo from-volume >"$SEC_WORK/volsrc/file"
snapshot() { (cd "$host" && find . -printf '%p %y %s %m\n' | sort && md5sum hosts etc/passwd); }
before=$(snapshot)

host_untouched() {
    local what=$1 m
    m=$(findmnt -rn -o TARGET | grep -F "$host" || true)
    [ -z "$m" ] || fail "$what: mounted on the host: $m"
    [ "$(snapshot)" = "$before" ] || fail "$what: host files changed: $(diff <(echo "$before") <(snapshot))"
    echo "ok: $what: host paths untouched"
}

# hostile ROOTFS-PATH LINK-TARGET: a fresh rootfs copy with PATH replaced by a symlink.
hostile() {
    local path=$1 target=$2
    local r=$SEC_WORK/rootfs-$(echo "$path" | tr / _)
    rm -rf "$r"
    cp -a "$ROOTFS" "$r"
    rm -rf "${r:?}$path"
    ln -s "$target" "$r$path"
    echo "$r"
}

try() {
    local what=$1 r=$2
    shift 2
    for mode in overlay inplace; do
        local extra=()
        [ $mode = inplace ] && extra=(--inplace)
        local out rc
        out=$("$BERTH_BIN" ctr run --rm "$(sec_name h)" --rootfs "$r" "${extra[@]}" "$@" -- \
            sh -c 'echo hello > /etc/hosts; mkdir -p /proc/x /dev/x 2>/dev/null; cat /proc/self/status | head -1' 2>&1)
        rc=$?
        echo "[$what, $mode] exit $rc: $(echo "$out" | head -2 | tr '\n' ' ')"
        host_untouched "$what ($mode)"
        LAST_OUT=$out LAST_RC=$rc
    done
}

r=$(hostile /proc "$host/proc")
try "/proc -> host dir" "$r"
[ "$LAST_RC" -ne 0 ] || fail "/proc as a symlink was accepted"
case "$LAST_OUT" in *symlink*) echo "ok: /proc over a symlink refused: $LAST_OUT" ;;
*) fail "/proc symlink: unexpected message: $LAST_OUT" ;; esac

r=$(hostile /proc "../../../../../../../$host/proc")
try "/proc -> ../ host dir" "$r"
[ "$LAST_RC" -ne 0 ] || fail "/proc as a relative symlink was accepted"

r=$(hostile /dev "$host/dev")
try "/dev -> host dir" "$r"

r=$(hostile /etc "$host/etc")
try "/etc -> host dir" "$r"

r=$(hostile /etc/hosts "$host/hosts")
try "/etc/hosts -> host file" "$r"

# A bind mount whose destination runs through a symlink to a host directory (--bundle).
r=$(hostile /data "$host/volume")
n=$(sec_name bundle)
"$BERTH_BIN" ctr create "$n" --rootfs "$r" -- cat /data/sub/file || fail "create"
bundle=$SEC_WORK/bundle
mkdir -p "$bundle"
python3 - "$BERTH_ROOT/lib/containers/$n/config.json" "$bundle/config.json" "$r" "$SEC_WORK/volsrc" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
c["mounts"].append({"destination": "/data/sub", "type": "bind", "source": sys.argv[4],
                    "options": ["rbind", "ro"]})
json.dump(c, open(sys.argv[2], "w"))
P
"$BERTH_BIN" ctr rm "$n" >/dev/null
out=$("$BERTH_BIN" ctr run --rm "$(sec_name vol)" --bundle "$bundle" 2>&1)
echo "[volume target through a symlink] exit $?: $out"
host_untouched "bind mount target through a symlink"
[ ! -e "$host/volume/sub" ] || fail "berth created a directory on the host"

# The last component of a mount target a symlink: refused.
ln -s "$host/volume" "$r/data2"
python3 - "$bundle/config.json" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"][-1]["destination"] = "/data2"
json.dump(c, open(sys.argv[1], "w"))
P
out=$("$BERTH_BIN" ctr run --rm "$(sec_name vol2)" --bundle "$bundle" 2>&1)
rc=$?
echo "[volume target is a symlink] exit $rc: $out"
host_untouched "bind mount target that is a symlink"
[ $rc -ne 0 ] || fail "a symlink as a mount target was accepted"
echo "PASS"
