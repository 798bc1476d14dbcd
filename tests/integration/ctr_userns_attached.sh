#!/bin/bash
# SPDX-License-Identifier: MIT
# --userns as root on the way kernels before 6.15 need (overlayfs refuses a detached id-mapped
# layer there: the guest suite's guest_ext4 found it on Debian's 6.1): the overlay is made in a
# helper's private mount namespace (BERTH_TEST_OVERLAY_ATTACHED=1 takes that way on any kernel).
# The container runs as root over its id-mapped rootfs, the host's mount table never shows the
# attached layer, nothing is left in the container's directory; then ctr_userns.sh's checks
# run in full the same way.
. "$(dirname "$0")/lib_ctr.sh"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
    skip "SKIP user namespaces are disabled (user.max_user_namespaces = 0)"
export BERTH_TEST_OVERLAY_ATTACHED=1
N=$P-att
out=$(b ctr run -d "$N" --userns --rootfs "$ROOTFS" -- sh -c 'echo $(cat /proc/self/uid_map) owner=$(stat -c %u /bin/busybox); echo x >/etc/w && echo wrote; sleep 300' 2>&1)
rc=$?
case "$out" in
*"needs id-mapped mounts"* | *"needs open_tree"* | *"needs overlayfs with fsopen"*)
    skip "the kernel lacks it: $out" ;;
esac
[ $rc -eq 0 ] || fail "run -d --userns (attached overlay) failed ($rc): $out"
wait_for 20 sh -c "b() { \"$BERTH_BIN\" \"\$@\"; }; b ctr logs $N | grep -q wrote" ||
    fail "no output: $(b ctr logs "$N" 2>&1)"
logs=$(b ctr logs "$N")
case $logs in *"0 100000 65536 owner=0"*wrote*) ;; *) fail "inside: $logs" ;; esac
ok "running over the attached-way overlay: $(echo $logs)"
grep -F "$BERTH_ROOT" /proc/self/mountinfo | grep -q /lower && fail "the attached layer shows on the host"
[ ! -e "$BERTH_ROOT/lib/containers/$N/lower" ] || fail "the lower directory was left"
ok "the host's mount table never shows the layer; no lower directory left"
b ctr rm -f "$N" >/dev/null || fail "rm -f"
bash "$(dirname "$0")/ctr_userns.sh"
rc=$?
[ $rc -eq 0 ] || exit $rc
ok "ctr_userns.sh passes with the attached overlay"
