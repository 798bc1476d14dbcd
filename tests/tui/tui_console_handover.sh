#!/bin/bash
# SPDX-License-Identifier: MIT
# The console hand-over (issue 16) says how to come back (a container's shell: exit or Ctrl-D;
# a VM: Ctrl-]) on a clean screen, and the console's output does not stay behind: after the
# dashboard quits, the terminal shows none of it.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

name=${P}con
"$BERTH_BIN" ctr create "$name" --rootfs "$ROOTFS" -- \
    /bin/sh -c 'while :; do sleep 1; done' >/dev/null || fail "ctr create"
"$BERTH_BIN" ctr start "$name" >/dev/null || fail "ctr start"

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 120 40 --no-vms
tui_wait "^ctr +$name +running "
tui_keys c
tui_wait "^berth: console of container '$name' \(a shell in the container: exit or Ctrl-D returns to the dashboard\)"
tui_cap | grep -q 'stty -a >' && fail "the shell that started berth shows behind the console"
sleep 1
tui_keys -l "echo console-marker-\$((6*7))"
tui_keys Enter
tui_wait '^console-marker-42'
tui_keys -l exit
tui_keys Enter
tui_wait "^ console '$name' closed"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
tui_cap | grep -q 'console-marker-42' && fail "the console's output stayed on the screen"
echo "PASS: the console hand-over says how to return and leaves no output behind"
