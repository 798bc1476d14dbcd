#!/bin/bash
# SPDX-License-Identifier: MIT
# The detail pane shows a running VM's guest addresses (libvirt's test driver: the `test` domain
# has one interface at 192.168.122.3/24), and none once it is stopped.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 120 40 --no-containers -c test:///default
tui_wait '^vm +test +running '
tui_wait '^ addresses 192\.168\.122\.3/24$'
tui_keys x
tui_wait '^vm +test +stopped ' 10
tui_wait_gone '^ addresses '
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: the detail pane shows a running guest's addresses"
