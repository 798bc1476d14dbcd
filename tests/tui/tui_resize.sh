#!/bin/bash
# SPDX-License-Identifier: MIT
# Resizing at any moment: 200x50 (detail beside the list) -> 60x15 (list only) -> 200x50, then a
# 30x8 terminal gets a clear "too small" message and 120x40 brings the dashboard back. After
# each step the screen holds one intact frame and nothing left over from the previous size.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

# No line may hold two copies of the header or stray text after the frame's right edge.
check_clean() {
    local w=$1 s
    s=$(tui_cap)
    [ "$(echo "$s" | wc -l)" -le "$2" ] || fail "more lines than the terminal has ($3)"
    [ "$(echo "$s" | LC_ALL=C.UTF-8 wc -L)" -le "$w" ] || fail "a line wider than $w columns ($3)"
    tui_check_frame "$3"
}

tui_start 200 50 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]+\.[0-9] '
tui_wait '^KIND +NAME.*SOURCE.*│ vm test +\(test:///default\)'
check_clean 200 50 "200x50"

tui_resize 60 15
tui_wait_gone '│'
tui_wait '^NAME'
tui_wait '^test +running'
check_clean 60 15 "60x15"
tui_cap | grep -q 'state running' && fail "detail pane shown at 60x15"
tui_cap | sed -n 14p | grep -q '^ ' || fail "status line not on row 14 at 60x15"
tui_cap | sed -n 15p | grep -q '^F1Help' || fail "F-key bar not on the last row at 60x15"

tui_resize 200 50
tui_wait '^KIND +NAME.*│ vm test'
check_clean 200 50 "back to 200x50"

tui_resize 30 8
tui_wait 'terminal too small: 30x8'
tui_cap | grep -q 'F1Help' && fail "F-key bar drawn in a tiny terminal"
tui_cap | grep -q '^ berth' && fail "header drawn in a tiny terminal"

tui_resize 120 40
tui_wait '^vm +test +running'
tui_wait_gone 'too small'
check_clean 120 40 "120x40 after tiny"

# Stacked vs side by side by key, and zoom.
tui_keys v
tui_wait '^ layout side'
tui_wait '│ vm test'
tui_keys v
tui_wait '^ layout stacked'
tui_wait_gone '│'
tui_wait '^ vm test +\('
tui_keys z
tui_wait_gone '^ vm test +\('
tui_keys Tab # the zoom follows the focus
tui_wait '^ ▶ vm test +\(' # focused: marked
tui_wait_gone '^KIND'
tui_keys z
tui_wait '^KIND'
check_clean 120 40 "after zoom"

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: resize, tiny terminal, split and zoom"
