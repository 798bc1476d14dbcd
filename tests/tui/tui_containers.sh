#!/bin/bash
# SPDX-License-Identifier: MIT
# Containers in the dashboard: a real running busybox container (real namespaces and cgroups)
# shows up with live numbers (a measured CPU%, memory of its limit, pids), its log tail in the
# detail pane, and pause / resume / stop from the keyboard change its real state.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

name=${P}tui
"$BERTH_BIN" ctr create "$name" --rootfs "$ROOTFS" --memory 64M -- \
    /bin/sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done' >/dev/null ||
    fail "ctr create"
"$BERTH_BIN" ctr start "$name" >/dev/null || fail "ctr start"

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 120 50 --no-vms
tui_wait "^ctr +$name +running +[0-9]+\.[0-9] +[0-9.]+[BKMG]?/64M +[0-9]+ " 20
tui_keys /
tui_keys -l "$name"
tui_keys Enter
tui_wait "^ container $name +\(local\)"
tui_wait 'log \(last'
tui_wait '^ +tick [0-9]+'
tui_wait 'rootfs '

tui_keys l
tui_wait "log of container $name"
tui_wait '^ tick [0-9]+'
tui_keys q
tui_wait_gone 'log of container'

# Console: a shell in the container takes the whole terminal; exit gives the dashboard back.
tui_keys c
tui_wait "berth: console of container '$name'"
sleep 1
tui_keys -l "echo in-the-container-\$((6*7)); cat /proc/1/cmdline | tr '\\0' ' '; echo"
tui_keys Enter
tui_wait '^in-the-container-42'
tui_wait '^/bin/sh -c i=0'
tui_keys -l exit
tui_keys Enter
tui_wait "^ console '$name' closed"
tui_check_frame "after the console"
[ "$(tui_display '#{alternate_on}')" = 1 ] || fail "the dashboard did not take the screen back"
tui_wait "^ctr +$name +running +[0-9]"

tui_keys p
tui_wait "^ctr +$name +paused "
[ "$("$BERTH_BIN" ctr inspect "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = paused ] ||
    fail "the container is not paused for real"
tui_keys p
tui_wait "^ctr +$name +running "
tui_keys x
tui_wait "^ctr +$name +stopped " 20
tui_check_frame "after container actions"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: a real container in the dashboard"
