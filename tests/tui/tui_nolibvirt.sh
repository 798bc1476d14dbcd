#!/bin/bash
# SPDX-License-Identifier: MIT
# The dashboard on a host without libvirt (every libvirt.so.0 the loader would find hidden
# behind an empty file in a private mount namespace): it starts, shows the VM side as
# unavailable in one banner line naming the reason, lists the containers (its demo container,
# made in a private BERTH_ROOT and removed at the end), and quits cleanly with nothing on stderr.
# (Before: it fell back to libvirt's test driver, which needs libvirt too, and gave up.)
. "$BERTH_SRC/tests/tui/lib_tui.sh"
[ "$(id -u)" = 0 ] || skip "needs root (a private mount namespace)"
command -v unshare >/dev/null || skip "no unshare(1)"
! ldd "$BERTH_BIN" 2>/dev/null | grep -q 'libvirt\.so' ||
    skip "this build links libvirt at start (make san): a host without libvirt is tested with the plain build"

libs=$( (
    ldconfig -p | awk '/libvirt\.so\.0 / {print $NF}'
    ls /usr/lib/x86_64-linux-gnu/libvirt.so.0* /lib/x86_64-linux-gnu/libvirt.so.0* 2>/dev/null
) | while read -r f; do readlink -f "$f"; done | sort -u | tr '\n' ' ')
: >"$TUI_TMP/empty"
mkdir "$TUI_TMP/root"
REAL=$BERTH_BIN
BERTH_BIN=$TUI_TMP/berth-nolibvirt
cat >"$BERTH_BIN" <<W
#!/bin/sh
exec unshare -m --propagation private sh -c 'for f in $libs; do mount --bind "$TUI_TMP/empty" "\$f" || exit 99; done; exec "\$0" "\$@"' "$REAL" "\$@"
W
chmod +x "$BERTH_BIN"
TUI_ENV="BERTH_ROOT=$TUI_TMP/root"
# The demo container and berth's cgroup parent for this BERTH_ROOT go before the tmp dir.
CGP=berth-$(python3 -c 'import sys
h=2166136261
for c in sys.argv[1].encode(): h=((h^c)*16777619)&0xffffffff
print("%08x"%h)' "$TUI_TMP/root")
nolv_cleanup() {
    BERTH_ROOT=$TUI_TMP/root "$REAL" ctr rm -f demo >/dev/null 2>&1
    for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    tui_cleanup
}
trap nolv_cleanup EXIT

tui_start 120 40
tui_wait 'VMs unavailable: libvirt is not installed'
tui_wait '^ctr +demo +running'
[ "$(tui_cap | grep -c 'libvirt is not installed')" -le 2 ] || fail "more than one line about libvirt (and the header)"
tui_cap | grep -q 'test:///default' && fail "the dashboard shows the test driver"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "berth exited with $TUI_EXIT"
[ -s "$TUI_TMP/stderr" ] && fail "berth wrote to stderr: $(cat "$TUI_TMP/stderr")"
echo "PASS: the dashboard without libvirt"
