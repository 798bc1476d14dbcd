#!/bin/bash
# SPDX-License-Identifier: MIT
# `?` lists every binding from the key table; `t` cycles the themes and the colours on screen
# change; --theme picks one; a bad theme or config file gives a clear message and the defaults;
# NO_COLOR and TERM=vt100 give a readable monochrome screen.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 120 50 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]'

tui_keys '?'
tui_wait 'berth help: keys'
help=$(tui_cap)
for pair in 'q F10 +quit' 'k Up +up' 'j Down +down' 'C-f PgDn +page-down' 'g Home +home' 'Tab Enter +focus-next' '/ F4 +filter' \
    '\? F1 +help' 'S F2 +start' 'x F3 +stop' 'K F9 +kill' 'p F7 +pause' 'D Del +remove' \
    't +theme-next' 'n +new-container' 'N +new-vm' 'c +console' 'l F8 +log' '> s F6 +sort-next'; do
    echo "$help" | grep -Eq "^ ($pair)" || fail "help lacks a line for /$pair/"
done
echo "$help" | grep -q 'mouse: click' || fail "help lacks the mouse line"
echo "$help" | grep -q 'log view: follows new lines.*/ searches, n/N' || fail "help lacks the log view's keys"
tui_keys Escape
tui_wait_gone 'berth help: keys'
tui_check_frame "after help"

# Theme cycling: the title row's colours change, the frame stays.
before=$(tui_cap_e | grep 'KIND' | head -1)
tui_keys t
tui_wait '^ theme high-contrast'
after=$(tui_cap_e | grep 'KIND' | head -1)
[ "$before" != "$after" ] || fail "theme change left the colours as they were"
tui_keys t
tui_wait '^ theme light'
tui_keys t
tui_wait '^ theme mono'
tui_keys t
tui_wait '^ theme dark'
[ "$(tui_cap_e | grep 'KIND' | head -1)" = "$before" ] || fail "back to dark: colours differ"
tui_check_frame "after theme cycling"
tui_keys q
tui_wait_exit

# --theme picks one; an unknown one is reported in the status line and the default used.
tui_keys clear Enter
tui_keys "$BERTH_BIN --no-containers -c test:///default --theme nosuch 2>$TUI_TMP/err2; echo EXIT=\$?" Enter
tui_wait "theme 'nosuch' not found .*using the default theme"
tui_wait '^vm +test +running'
tui_keys q
tui_wait_exit
grep -q "theme 'nosuch' not found" "$TUI_TMP/err2" || fail "message not repeated after the screen closed"

# A bad theme file: line and value named, defaults used, no crash.
mkdir -p "$TUI_TMP/themes"
printf 'running = purpel\n' >"$TUI_TMP/themes/broken"
tui_keys clear Enter
tui_keys "BERTH_THEMES=$TUI_TMP/themes $BERTH_BIN --no-containers -c test:///default --theme broken 2>/dev/null; echo EXIT=\$?" Enter
tui_wait "line 1: unknown colour or attribute 'purpel'"
tui_wait '^vm +test +running'
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT with a bad theme"

# A bad config file: named, with the line; the good lines still apply (layout = side).
printf 'layout = side\ninterval = banana\n' >"$TUI_TMP/config"
tui_keys clear Enter
tui_keys "$BERTH_BIN --no-containers -c test:///default 2>/dev/null; echo EXIT=\$?" Enter
tui_wait "config '$TUI_TMP/config' line 2: .*'banana'"
tui_wait '^NAME.*│ vm test'
tui_wait '^test +running +[0-9]'
tui_keys q
tui_wait_exit
: >"$TUI_TMP/config"

# NO_COLOR: no colour sequences at all; the selection still shows (reverse video).
uri=$(tui_node_xml aa:100:1 bb:200:1)
tui_keys clear Enter
tui_keys "NO_COLOR=1 $BERTH_BIN --no-containers -c $uri; echo EXIT=\$?" Enter
tui_wait '^vm +bb +running +[0-9]'
tui_keys j
sleep 0.5
tui_cap_e | grep -Eq $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+|4[0-7]|48;5;[0-9]+)m' &&
    fail "colour sequences with NO_COLOR"
tui_cap_e | grep -E 'vm +bb' | grep -q $'\e\\[[0-9;]*7m' || fail "no reverse video on the selection"
tui_keys q
tui_wait_exit

# TERM=vt100: no colours, ASCII graphs in the C locale, still the whole frame.
tui_keys clear Enter
tui_keys "TERM=vt100 LANG=C LC_ALL=C $BERTH_BIN --no-containers -c test:///default; echo EXIT=\$?" Enter
tui_wait '^vm +test +running +[0-9]'
tui_check_frame "vt100"
tui_cap | grep -q 'NAME^' || fail "ASCII sort marker in the C locale"
tui_cap | LC_ALL=C grep -q $'\xe2[\xa0-\xa3]' && fail "braille glyphs in the C locale"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT on vt100"
echo "PASS: help, themes, colour fallbacks, bad theme and config files"
