#!/bin/bash
# SPDX-License-Identifier: MIT
# Console hand-over: `c` gives the terminal to the selection's console and takes it back
# intact. libvirt's test driver has no consoles, so the hand-over ends at once with a readable
# error in the status line, and the dashboard comes back whole, still live, keys working.
# The real hand-over (a shell in a container) is in tui_containers.sh.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 120 40 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]+\.[0-9] '
clock1=$(tui_cap | head -1 | grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2}')
tui_keys c
tui_wait "^ console 'test': .{10,}"
tui_check_frame "after the console"
[ "$(tui_display '#{alternate_on}')" = 1 ] || fail "the dashboard did not take the screen back"
tui_cap | grep -q "berth: console of" && fail "hand-over notice left on the dashboard"
# Still live: the clock moves (within 10 s: a loaded machine may hold the redraw back) and
# keys work.
moved=
for _ in $(seq 100); do
    clock2=$(tui_cap | head -1 | grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2}')
    [ "$clock1" != "$clock2" ] && { moved=1; break; }
    sleep 0.1
done
[ -n "$moved" ] || fail "the clock stopped after the console (still $clock1 after 10 s)"
tui_keys p
tui_wait '^vm +test +paused'
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
tui_keys "stty -a > $TUI_TMP/stty.after; echo STTY=\$?" Enter
tui_wait '^STTY=0'
diff "$TUI_TMP/stty.before" "$TUI_TMP/stty.after" || fail "terminal settings not restored"
echo "PASS: console hand-over error path keeps the dashboard intact"
