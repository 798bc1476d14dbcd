#!/bin/bash
# SPDX-License-Identifier: MIT
# The new-VM and new-container forms: they open, Esc cancels, an empty name is refused, and
# Enter runs berth's own CLI as a child (`berth -c URI vm create ...`, `berth ctr create ...`)
# without blocking the screen; its result (success, or its stderr line) is the status message.
# (The child has its own test:///default, so the VM it defines is not in this berth's list.)
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

tui_start 120 40 --no-containers -c test:///default
tui_wait '^vm +test +running +[0-9]'

tui_keys N
tui_wait 'new VM \(berth vm create\)'
tui_wait 'memory +256M'
tui_keys Escape
tui_wait '^ cancelled'
tui_wait_gone 'new VM'

tui_keys N
tui_wait 'new VM'
tui_keys Enter
tui_wait '^ the name is required'

# name, memory, vCPUs, disk: a size makes a new disk (--disk-size).
tui_keys -l formvm
tui_keys Tab Tab Tab
tui_keys -l 1G
tui_wait 'disk, ISO or size +1G_'
tui_keys Enter
tui_wait "^ create vm 'formvm': done"
tui_check_frame "after a form"

# virt type and CPU fields become --virt-type and --cpu; a bad value is the CLI's one-line error.
tui_keys N
tui_wait 'new VM'
tui_keys -l formcpu
tui_keys Tab Tab Tab
tui_keys -l 1G
tui_keys Tab
tui_keys -l qemu
tui_keys Tab
tui_keys -l qemu64
tui_wait 'CPU \(host-model\|\.\.\.\) +qemu64_'
tui_keys Enter
tui_wait "^ create vm 'formcpu': done"
tui_keys N
tui_wait 'new VM'
tui_keys -l formxen
tui_keys Tab Tab Tab
tui_keys -l 1G
tui_keys Tab
tui_keys -l xen
tui_keys Enter
tui_wait "^ create vm 'formxen' failed: .*--virt-type 'xen': use kvm or qemu"

# The cloud image field becomes --image FILE --cloud-init; a missing file is the CLI's error.
tui_keys N
tui_wait 'new VM'
tui_keys -l formimg
tui_keys Tab Tab Tab Tab Tab Tab
tui_keys -l /nonexistent/cloud.qcow2
tui_wait 'cloud image \(file\) +/nonexistent/cloud.qcow2_'
tui_keys Enter
tui_wait "^ create vm 'formimg' failed: .*--image '/nonexistent/cloud.qcow2'"

# Nothing to boot: the CLI's own error reaches the status line.
tui_keys N
tui_wait 'new VM'
tui_keys -l nodisk
tui_keys Enter
tui_wait "^ create vm 'nodisk' failed: .*nothing to boot"

# The container form runs `berth ctr create`; with a rootfs that does not exist it must fail
# with the CLI's message, whatever state the containers support is in.
tui_keys n
tui_wait 'new container \(berth ctr create, then start\)'
tui_keys -l "c$$"
tui_keys Tab
tui_keys -l /nonexistent/rootfs
tui_keys Enter
tui_wait "^ create container 'c$$' failed: .{8,}"
tui_check_frame "after the container form"

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: forms run the CLI and report its result"
