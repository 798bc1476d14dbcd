#!/bin/bash
# SPDX-License-Identifier: MIT
# Rootless: berth as uid 1000 in a cgroup v2 subtree delegated to it (controllers enabled, chowned, as systemd's Delegate=yes), state on tmpfs.
# Boots the test guest and runs tests/guest/image/checks.sh there (see docs/TESTING-GUESTS.md).
set -u
. "$BERTH_SRC/tests/guest/lib_guest.sh"
guest_run rootless "cgroup_no_v1=all berth.cgroup=v2 berth.user=rootless" 
guest_assert rootless userns
