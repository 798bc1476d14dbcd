#!/bin/bash
# SPDX-License-Identifier: MIT
# The new-container form takes volumes and a restart policy (issue 13): a container made with
# "NAME:/data" and "on-failure:2" writes into that named volume, is restarted twice by its
# monitor, and the detail pane shows the restart count.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 140 40 --no-vms

tui_keys n
tui_wait 'new container \(berth ctr create, then start\)'
tui_wait 'volumes \(-v \.\.\.\)'
tui_wait 'restart policy +no'
tui_keys -l "${P}f"
tui_keys Tab
tui_keys -l "$ROOTFS"
tui_keys Tab C-u
tui_keys -l "/bin/sh -c 'echo run >>/data/runs; exit 1'"
for i in 1 2 3 4 5; do tui_keys Tab; done # memory, CPUs, pids, network, volumes
tui_keys -l "${P}v:/data"
tui_keys Tab C-u
tui_keys -l "on-failure:2"
tui_keys Enter

f=$BERTH_ROOT/lib/volumes/${P}v/_data/runs
for i in $(seq 150); do
    [ -f "$f" ] && [ "$(wc -l <"$f")" -ge 3 ] && "$BERTH_BIN" ctr inspect "${P}f" | grep -q '"status":"stopped"' && break
    sleep 0.2
done
[ -f "$f" ] || fail "the form's volume was not used (no $f)"
[ "$(wc -l <"$f")" = 3 ] || fail "want 3 runs (2 restarts), the volume has $(wc -l <"$f")"
"$BERTH_BIN" ctr inspect "${P}f" | grep -q '"restart_policy":"on-failure:2"' || fail "policy not in inspect"
tui_wait "${P}f" 20
tui_keys Down # the rows are sorted by name: the first-run demo container comes first
tui_wait "container ${P}f" 20
tui_wait "restarts 2" 20
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: the container form takes volumes and a restart policy"
