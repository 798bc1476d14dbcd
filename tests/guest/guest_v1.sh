#!/bin/bash
# SPDX-License-Identifier: MIT
# Pure cgroup v1 (each controller mounted at /sys/fs/cgroup/<ctrl>, no cgroup2), as root, state on tmpfs.
# Boots the test guest and runs tests/guest/image/checks.sh there (see docs/TESTING-GUESTS.md).
set -u
. "$BERTH_SRC/tests/guest/lib_guest.sh"
guest_run v1 "systemd.unified_cgroup_hierarchy=0 berth.cgroup=v1" 
guest_assert v1 userns
