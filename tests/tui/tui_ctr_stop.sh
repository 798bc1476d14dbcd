#!/bin/bash
# SPDX-License-Identifier: MIT
# Stopping takes time (a container whose init ignores SIGTERM is killed after 10 s): meanwhile
# the row says "stopping", not "running", and the status line keeps "shutdown container 'X'…"
# until the result replaces it (issue 16: it said "running" and the message went after 8 s).
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

name=${P}slow
"$BERTH_BIN" ctr create "$name" --rootfs "$ROOTFS" -- \
    /bin/sh -c "trap '' TERM; while :; do sleep 1; done" >/dev/null || fail "ctr create"
"$BERTH_BIN" ctr start "$name" >/dev/null || fail "ctr start"

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 120 40 --no-vms
tui_wait "^ctr +$name +running "
tui_keys x
tui_wait "^ctr +$name +stopping " 3
sleep 9 # past the 8 s a plain message stays
tui_row "$name" | grep -q ' stopping ' || fail "the row no longer says stopping: $(tui_row "$name")"
tui_cap | grep -q "^ shutdown container '$name'…" ||
    fail "the status message went before the result came"
tui_wait "^ shutdown container '$name': done" 20
tui_wait "^ctr +$name +stopped "
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: a stop in progress shows stopping, and its message stays until the result"
