#!/bin/bash
# SPDX-License-Identifier: MIT
# Hybrid (v1 controllers plus an empty cgroup2 at /sys/fs/cgroup/unified, like this build host), as root, state on tmpfs.
# Boots the test guest and runs tests/guest/image/checks.sh there (see docs/TESTING-GUESTS.md).
set -u
. "$BERTH_SRC/tests/guest/lib_guest.sh"
guest_run hybrid "systemd.unified_cgroup_hierarchy=0 berth.cgroup=hybrid" 
guest_assert hybrid userns
