#!/bin/bash
# SPDX-License-Identifier: MIT
# State directory and rootfs on ext4 (a virtio disk made with mkfs.ext4), cgroup v2, as root: --userns must work here (id-mapped mounts).
# Boots the test guest and runs tests/guest/image/checks.sh there (see docs/TESTING-GUESTS.md).
set -u
. "$BERTH_SRC/tests/guest/lib_guest.sh"
guest_run ext4 "cgroup_no_v1=all berth.cgroup=v2 berth.state=ext4" ext4
guest_assert ext4 
