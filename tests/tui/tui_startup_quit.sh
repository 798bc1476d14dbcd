#!/bin/bash
# SPDX-License-Identifier: MIT
# The start-up view against libvirt's test driver: header meters, the connection, the `test`
# domain with a measured CPU%, the detail pane and the F-key bar; then q leaves the terminal
# exactly as it found it (alternate screen off, same stty settings) and the shell prompt back.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 120 40 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]+\.[0-9] '
s=$(tui_cap)
echo "$s" | head -1 | grep -Eq '^ berth +CPU\[.*\] +MEM\[.*\] +load [0-9.]+ [0-9.]+ [0-9.]+ +[0-9]{2}:[0-9]{2}:[0-9]{2}' ||
    fail "header meters, load and clock"
echo "$s" | sed -n 2p | grep -q 'test:///default connected' || fail "connection state in header"
echo "$s" | grep -Eq '^ vm test +\(test:///default\)' || fail "detail pane title"
echo "$s" | grep -Eq 'state running +CPU [0-9.]+% +vCPUs [0-9]+' || fail "detail facts"
echo "$s" | grep -q 'CPU% (max' || fail "CPU graph"
echo "$s" | grep -q 'memory (max' || fail "memory graph"
echo "$s" | tail -1 | grep -q 'F1Help.*F10Quit' || fail "F-key bar"
[ "$(tui_display '#{alternate_on}')" = 1 ] || fail "berth should use the alternate screen"
tui_check_frame start-up

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "berth exited with $TUI_EXIT"
[ "$(tui_display '#{alternate_on}')" = 0 ] || fail "alternate screen still on after quit"
tui_keys "stty -a > $TUI_TMP/stty.after; echo STTY=done" Enter
tui_wait '^STTY=done'
diff "$TUI_TMP/stty.before" "$TUI_TMP/stty.after" || fail "terminal settings not restored"
tui_cap | grep -q '^ berth' && fail "the dashboard is still on the screen"
[ -s "$TUI_TMP/stderr" ] && fail "berth wrote to stderr: $(cat "$TUI_TMP/stderr")"

# F10 quits as well.
tui_keys "$BERTH_BIN --no-containers -c test:///default; echo EXIT2=\$?" Enter
tui_wait '^vm +test +running'
tui_keys F10
tui_wait '^EXIT2=0'
echo "PASS: start-up view and clean quit"
