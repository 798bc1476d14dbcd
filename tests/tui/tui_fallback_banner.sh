#!/bin/bash
# SPDX-License-Identifier: MIT
# No -c and the default libvirt connection unreachable: the dashboard shows libvirt's test
# driver under a banner that stays ("showing libvirt's test driver: URI unreachable: REASON"),
# so its fake VMs are never mistaken for the host's (issue 16). With -c, no banner.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

uri='qemu+unix:///system?socket=/nonexistent/berth-test-sock'
TUI_ENV="LIBVIRT_DEFAULT_URI='$uri'" tui_start 160 30 --no-containers
tui_wait '^vm +test +running '
banner="^ showing libvirt's test driver: qemu\+unix:///system\?socket=/nonexistent/berth-test-sock unreachable: Failed to connect socket"
tui_wait "$banner"
sleep 9 # past the 8 s a status message stays: the banner does not go
tui_cap | grep -Eq "$banner" || fail "the banner went away"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"

tui_cleanup
TUI_SOCK=berth-test-$$-b
TUI_TMP=$(mktemp -d /tmp/berth-tui-test.XXXXXX)
tui_start 160 30 --no-containers -c test:///default
tui_wait '^vm +test +running '
tui_cap | grep -q "showing libvirt's test driver" && fail "a banner with -c test:///default"
tui_keys q
tui_wait_exit
echo "PASS: the test-driver fallback is shown under a banner"
