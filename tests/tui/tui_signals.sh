#!/bin/bash
# SPDX-License-Identifier: MIT
# The terminal is restored however berth ends: SIGTERM, SIGHUP and Ctrl-C end it cleanly
# (status 0), a crash signal (SIGSEGV, SIGABRT) restores the terminal before the process dies
# of it; and nothing is ever printed over the screen.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

run_and_signal() { # signal, expected exit status
    tui_keys clear Enter
    tui_keys "stty -a > $TUI_TMP/stty.before; $BERTH_BIN --no-containers -c test:///default 2>$TUI_TMP/stderr & pid=\$!; fg; echo EXIT=\$?" Enter
    tui_wait '^vm +test +running +[0-9]'
    local pid
    pid=$(pgrep -n -f "^$BERTH_BIN --no-containers -c test:///default") || fail "no berth process"
    kill "-$1" "$pid"
    tui_wait_exit
    [ "$TUI_EXIT" = "$2" ] || fail "SIG$1: exit status $TUI_EXIT, expected $2"
    [ "$(tui_display '#{alternate_on}')" = 0 ] || fail "SIG$1: alternate screen still on"
    tui_keys "stty -a > $TUI_TMP/stty.after; echo STTY=\$?" Enter
    tui_wait '^STTY=0'
    diff "$TUI_TMP/stty.before" "$TUI_TMP/stty.after" || fail "SIG$1: terminal settings not restored"
    tui_keys clear Enter
}

tui_start 120 40 --version
tui_wait_exit
run_and_signal TERM 0
run_and_signal HUP 0
run_and_signal SEGV 139
run_and_signal ABRT 134

# Ctrl-C from the keyboard.
tui_keys "stty -a > $TUI_TMP/stty.before; $BERTH_BIN --no-containers -c test:///default 2>$TUI_TMP/stderr; echo EXIT=\$?" Enter
tui_wait '^vm +test +running +[0-9]'
tui_keys C-c
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "Ctrl-C: exit status $TUI_EXIT"
tui_keys "stty -a > $TUI_TMP/stty.after; echo STTY=\$?" Enter
tui_wait '^STTY=0'
diff "$TUI_TMP/stty.before" "$TUI_TMP/stty.after" || fail "Ctrl-C: terminal settings not restored"
[ -s "$TUI_TMP/stderr" ] && fail "berth wrote to stderr: $(cat "$TUI_TMP/stderr")"
echo "PASS: terminal restored on signals and crashes"
