#!/bin/bash
# SPDX-License-Identifier: MIT
# The keys the docs promise (issue 16): `s` sorts (and does not start), `S` starts, Enter and
# Tab move the focus between the panes and the focused pane is marked; at 80 columns the F-key
# bar shows all ten keys, F9 and F10 included, and a click on F10 quits.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 80 30 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]+\.[0-9] '
bar=$(tui_cap | tail -1)
for k in F1Help F2Start F3Stop F4Filter F5 F6Sort F7Pause F8Log F9Kill F10Quit; do
    echo "$bar" | grep -q "$k" || fail "the F-key bar at 80 columns lacks $k: '$bar'"
done

# Pause the domain, then `s` must sort, not start it.
tui_keys p
tui_wait '^vm +test +paused '
tui_wait 'sort name'
tui_keys s
tui_wait 'sort state'
sleep 1
tui_row test | grep -q ' paused ' || fail "'s' changed the domain's state: $(tui_row test)"
tui_keys S
tui_wait "start vm 'test'"
tui_keys p # a paused domain resumes with p; S on a paused one is libvirt's error
tui_wait '^vm +test +running '

# Enter moves the focus to the detail pane: its title is marked; Tab moves it back.
tui_cap | grep -Eq '^ ▶ vm test' && fail "the detail pane is marked before it has the focus"
tui_keys Enter
tui_wait '^ ▶ vm test +\(test:///default\)'
tui_keys Tab
tui_wait_gone '^ ▶ vm test'
tui_keys Enter
tui_wait '^ ▶ vm test'

# A click on F10 (column 74, the last row; 1-based) quits.
# Press and release in one write: berth quits on the press, and a release arriving after it
# had gone would land on the shell's line (a slow build, e.g. make san, showed that).
click() {
    local xy
    xy=$(printf '%b%b' "\\$(printf '%03o' $((32 + $1)))" "\\$(printf '%03o' $((32 + $2)))")
    tui_raw "$(printf '\033[M ')$xy$(printf '\033[M#')$xy"
}
click 74 30
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "berth exited with $TUI_EXIT"
