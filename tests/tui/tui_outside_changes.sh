#!/bin/bash
# SPDX-License-Identifier: MIT
# Changes made by another process show in the dashboard at once, not at its next refresh: the
# dashboard runs with a 60 s interval, and containers created, started, stopped and removed by
# other `berth ctr` processes (an inotify watch of the runtime directory), and domains defined,
# started and undefined behind its back with virsh on a real libvirtd (libvirt lifecycle
# events), must each appear within 10 s. Then, left alone, the dashboard must not wake itself:
# the sampler's own reads change nothing it watches.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

[ "$(id -u)" = 0 ] || skip "needs root (containers use namespaces and cgroups)"
tui_skip=$(declare -f skip) tui_fail=$(declare -f fail)
. "$BERTH_SRC/tests/integration/lib_ctr.sh" # BERTH_ROOT, ROOTFS, P, ctr_cleanup
eval "$tui_skip"
eval "$tui_fail"

URI=qemu:///system
dom=berth-test-$$-outside
vms=no
if out=$("$BERTH_SRC/scripts/libvirtd-setup.sh" 2>&1); then
    vms=yes
else
    echo "# no VM part: libvirtd cannot run here: ${out##*SKIP: }"
fi
vm_cleanup() {
    [ "$vms" = yes ] || return 0
    virsh -q -c "$URI" destroy "$dom" >/dev/null 2>&1
    virsh -q -c "$URI" undefine "$dom" >/dev/null 2>&1
}
trap 'tui_cleanup; ctr_cleanup; vm_cleanup' EXIT

if [ "$vms" = yes ]; then
    TUI_ENV="BERTH_ROOT=$BERTH_ROOT BERTH_TUI_STATS=$TUI_TMP/stats" tui_start 140 40 -d 60 -c "$URI"
else
    TUI_ENV="BERTH_ROOT=$BERTH_ROOT BERTH_TUI_STATS=$TUI_TMP/stats" tui_start 140 40 -d 60 --no-vms
fi
tui_wait 'NAME'
sleep 1 # the first samples are in

name=${P}out
"$BERTH_BIN" ctr run -d "$name" --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "ctr run -d"
tui_wait "^ctr +$name +running " 10
echo "ok - a container started by another berth shows as running"
"$BERTH_BIN" ctr stop -t 0 "$name" || fail "ctr stop"
tui_wait "^ctr +$name +stopped " 10
echo "ok - stopped by another berth: shows as stopped"
"$BERTH_BIN" ctr rm "$name" || fail "ctr rm"
tui_wait_gone "^ctr +$name " 10
echo "ok - removed by another berth: gone from the list"

if [ "$vms" = yes ]; then
    emulator=$(command -v qemu-system-x86_64) || fail "no qemu-system-x86_64"
    cat >"$TUI_TMP/dom.xml" <<XML
<domain type='qemu'>
  <name>$dom</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices><emulator>$emulator</emulator></devices>
</domain>
XML
    virsh -q -c "$URI" define "$TUI_TMP/dom.xml" >/dev/null || fail "virsh define"
    tui_wait "^vm +$dom +stopped " 10
    echo "ok - a domain defined with virsh shows as stopped"
    virsh -q -c "$URI" start "$dom" >/dev/null || fail "virsh start"
    tui_wait "^vm +$dom +running " 10
    echo "ok - started with virsh: shows as running"
    virsh -q -c "$URI" destroy "$dom" >/dev/null || fail "virsh destroy"
    virsh -q -c "$URI" undefine "$dom" >/dev/null || fail "virsh undefine"
    tui_wait_gone "^vm +$dom " 10
    echo "ok - destroyed and undefined with virsh: gone from the list"
fi
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"

# Left alone with a 60 s interval, it must not wake itself: a watch that its own sampling
# triggered would sample (and draw) every 0.1 s. Idle for 6 s, it draws about one frame a
# second (the clock); a loop would draw 60.
tmux -L "$TUI_SOCK" kill-session -t "$TUI_T" 2>/dev/null
TUI_ENV="BERTH_ROOT=$BERTH_ROOT BERTH_TUI_STATS=$TUI_TMP/idle" tui_start 140 40 -d 60 --no-vms
tui_wait 'NAME'
sleep 6
tui_keys q
tui_wait_exit
frames=$(sed -n 's/^frames //p' "$TUI_TMP/idle")
echo "# idle 6 s: $frames frames"
[ -n "$frames" ] && [ "$frames" -le 20 ] || fail "the idle dashboard drew $frames frames in 6 s: it wakes itself"
echo "PASS: changes from other processes show at once"
