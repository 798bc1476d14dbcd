#!/bin/bash
# SPDX-License-Identifier: MIT
# Each action libvirt's test driver supports, from the keyboard, on the `test` domain (each
# berth has its own fresh test:///default): pause, resume, shutdown, start, restart, kill with
# its confirm prompt (refused, then accepted) and remove with its confirm prompt. The status
# line reports each result, and the list follows.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

state_is() {
    tui_wait "^vm +test +$1 " 10
}

tui_start 120 40 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]+\.[0-9] '

tui_keys p
state_is paused
tui_wait "pause vm 'test': done"
tui_keys p
state_is running
tui_wait "resume vm 'test': done"

tui_keys x
state_is stopped
tui_wait "shutdown vm 'test': done"
tui_keys S
state_is running
tui_wait "start vm 'test': done"

tui_keys R
tui_wait "reboot vm 'test'"
state_is running

# Kill asks first; anything but y cancels.
tui_keys K
tui_wait "kill vm 'test'\? y/N"
tui_keys n
tui_wait '^ cancelled'
sleep 1.2
state_is running
tui_keys K
tui_wait "kill vm 'test'\? y/N"
tui_keys y
state_is stopped
tui_wait "kill vm 'test': done"

# Starting twice: the second start's error is shown, readable, and the layout survives.
tui_keys S
state_is running
tui_keys S
tui_wait "start vm 'test' failed: .+"
tui_check_frame "after an error"

# Remove asks first, then the domain leaves the list.
tui_keys K
tui_wait "y/N"
tui_keys y
state_is stopped
tui_keys D
tui_wait "remove vm 'test'\? y/N"
tui_keys y
tui_wait "remove vm 'test': done"
tui_wait_gone '^vm +test ' 10
tui_wait 'no instances'
tui_check_frame "after remove"

# The log view keeps every message, with its time; q closes it (and does not quit).
tui_keys l
tui_wait 'berth messages \(newest last\)'
tui_wait "^ [0-9]{2}:[0-9]{2}:[0-9]{2} pause vm 'test': done"
tui_wait "^ [0-9]{2}:[0-9]{2}:[0-9]{2} kill vm 'test': done"
tui_keys q
tui_wait_gone 'berth messages'
tui_check_frame "after the log view"

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: actions on the test domain"
