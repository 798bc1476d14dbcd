#!/bin/bash
# SPDX-License-Identifier: MIT
# The compare view: two real containers (one busy, one idle) are marked with `m` (a star at the
# end of their rows), `C` opens the overlay with one column per marked instance, the figure rows
# (start, memory, CPU, disk, kernel, isolation) and a difference column; q closes it. libvirt's
# test-driver VM marked as well gives a third column (kernel "own (guest)"). The detail pane
# shows the selected container's figures. `C` with fewer than two marks says what to do.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

a=${P}cma
b=${P}cmb
"$BERTH_BIN" ctr run -d "$a" --rootfs "$ROOTFS" -- /bin/sh -c 'echo hello; sleep 1000' >/dev/null ||
    fail "ctr run $a"
"$BERTH_BIN" ctr run -d "$b" --rootfs "$ROOTFS" -- /bin/sh -c 'echo hi; while :; do :; done' \
    >/dev/null || fail "ctr run $b"

need_test_driver
TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 120 60 -c test:///default
tui_wait "^ctr +$a +running" 20
tui_wait "^ctr +$b +running" 20

tui_keys C
tui_wait "mark two instances"

select_row() {
    tui_keys /
    tui_keys -l "$1"
    tui_keys Enter
    tui_wait "^ (container $1 +\(local\)|vm $1 +\(test:///default\))"
}
select_row "$a"
# The detail pane: start figures, memory split, kernel and isolation of the selection.
tui_wait "^ +start: exec/run [0-9.]+ ms, first output [0-9.]+ ms"
tui_wait "^ +memory anon [0-9.]+[BKMG]? +file [0-9.]+[BKMG]? +kernel "
tui_wait "^ +kernel shared $(uname -r); ns pid,mnt"
tui_wait "^ +disk upper layer [0-9.]+[BKMG]? +shared [0-9.]+[BKMG]? rootfs" 20
tui_keys m
tui_wait "^ctr +$a .*\*$"
tui_wait "marked $a \(1 marked"
tui_keys Escape
select_row "$b"
tui_keys m
tui_wait "^ctr +$b .*\*$"
tui_keys Escape
tui_wait "^ctr +$a .*\*$"

tui_keys C
tui_wait "compare: VM vs container figures"
tui_wait "^ +ctr $a +ctr $b +difference"
tui_wait "^ +start -> exec/run ms +[0-9.]+ +[0-9.]+ +-?[0-9.]+"
tui_wait "^ +host memory +[0-9.]+[BKMG]? +[0-9.]+[BKMG]? +"
tui_wait "^ +kernel +shared $(uname -r) +shared $(uname -r)"
tui_wait "^ +isolation +ns pid"
tui_wait "^ +disk own: upper\|alloc +[0-9.]+[BKMG]? +[0-9.]+[BKMG]? +-?[0-9.]+"
tui_wait "^ +disk shared: lower\|base +[0-9.]+[BKMG]? +[0-9.]+[BKMG]? +0"

tui_keys q
tui_wait_gone "compare: VM vs container figures"
tui_check_frame "after the compare overlay"
tui_wait "^ctr +$a .*\*$"

# Any kinds: libvirt's test-driver VM as a third column (no difference column for three).
select_row test
tui_keys m
tui_wait "marked test \(3 marked"
tui_keys Escape
tui_keys C
tui_wait "^ +ctr $a +ctr $b +vm test *$"
tui_wait "^ +kernel +shared $(uname -r) +shared $(uname -r) +own \(guest\)"
tui_keys Escape
tui_wait_gone "compare: VM vs container figures"
select_row test
tui_keys m
tui_wait "unmarked test"
tui_keys Escape

# Unmark: the star goes, and a single mark is not enough to compare.
select_row "$b"
tui_keys m
tui_wait "unmarked $b"
tui_keys Escape
tui_keys C
tui_wait "mark two instances"

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: mark two containers, compare them side by side"
