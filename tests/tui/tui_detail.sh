#!/bin/bash
# SPDX-License-Identifier: MIT
# The detail pane (issue 16): a container's limits read as "memory 64M, cpus 0.5, pids 2048"
# (not the inspect JSON), a log with nothing in it says "(no output yet)", and an unknown CPU%
# reads "CPU -" (not "CPU -%").
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

"$BERTH_BIN" ctr create "${P}lim" --rootfs "$ROOTFS" --memory 64M --cpus 0.5 --pids 2048 -- \
    /bin/sh -c 'while :; do sleep 1; done' >/dev/null || fail "ctr create"
"$BERTH_BIN" ctr start "${P}lim" >/dev/null || fail "ctr start"
"$BERTH_BIN" ctr create "${P}new" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "ctr create"

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 120 45 --no-vms
tui_wait "^ctr +${P}lim +running "
tui_keys /
tui_keys -l "${P}lim"
tui_keys Enter
tui_wait "^ container ${P}lim +\(local\)"
tui_wait '^ limits memory 64M, cpus 0.5, pids 2048$'
tui_wait '^ log: \(no output yet\)$'
tui_cap | grep -q 'memory_bytes' && fail "the limits are shown as JSON"

tui_keys /
tui_keys C-u
tui_keys -l "${P}new"
tui_keys Enter
tui_wait "^ container ${P}new +\(local\)"
tui_wait '^ limits memory unlimited, cpus unlimited, pids [0-9]+$'
tui_wait '^ state [a-z]+.* CPU - '
tui_cap | grep -q 'CPU -%' && fail "an unknown CPU% reads 'CPU -%'"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: the detail pane formats limits, an empty log and an unknown CPU%"
