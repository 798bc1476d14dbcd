#!/bin/bash
# SPDX-License-Identifier: MIT
# Pure cgroup v2 (cgroup_no_v1=all, cgroup2 alone at /sys/fs/cgroup), as root, state on tmpfs.
# Boots the test guest and runs tests/guest/image/checks.sh there (see docs/TESTING-GUESTS.md).
set -u
. "$BERTH_SRC/tests/guest/lib_guest.sh"
guest_run v2 "cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 berth.cgroup=v2" 
guest_assert v2 userns
