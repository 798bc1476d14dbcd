#!/bin/bash
# SPDX-License-Identifier: MIT
# The log view (issue 16) follows the container's new lines like `logs -f`, newest at the
# bottom; Up scrolls (and stops following), G goes back to following; `/` searches, n and N go
# to the next and previous match.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

name=${P}logv
"$BERTH_BIN" ctr create "$name" --rootfs "$ROOTFS" -- \
    /bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.3; done' >/dev/null ||
    fail "ctr create"
"$BERTH_BIN" ctr start "$name" >/dev/null || fail "ctr start"
# More lines than fit: the view must start at the end.
for i in $(seq 100); do
    [ "$("$BERTH_BIN" ctr logs "$name" 2>/dev/null | wc -l)" -gt 40 ] && break
    sleep 0.2
done

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 100 24 --no-vms
tui_wait "^ctr +$name +running "
tui_keys l
tui_wait "log of container $name .*following"

# The newest line is at the bottom (the tick numbers grow downwards, the last one is the
# largest), and new lines keep coming without a key.
last_tick() { tui_cap | grep -Eo '^ tick [0-9]+' | tail -1 | grep -Eo '[0-9]+'; }
# One capture for both: a line arriving between two captures is no failure.
screen=$(tui_cap)
a=$(echo "$screen" | grep -Eo '^ tick [0-9]+' | tail -1 | grep -Eo '[0-9]+')
m=$(echo "$screen" | grep -Eo '^ tick [0-9]+' | grep -Eo '[0-9]+' | sort -n | tail -1)
[ -n "$a" ] && [ "$a" = "$m" ] || fail "the newest line is not at the bottom"
[ "$a" -gt 40 ] || fail "the view does not show the end of the log (last tick $a)"
# A line comes every 0.3 s and the view re-reads every second; a loaded machine gets 20 s.
for i in $(seq 80); do
    b=$(last_tick)
    [ "${b:-0}" -gt "$a" ] && break
    sleep 0.25
done
[ "${b:-0}" -gt "$a" ] || fail "the view does not follow new lines ($a, then $b for 20 s)"

# Up scrolls back and stops following; G follows again.
tui_keys Up Up Up
tui_wait_gone 'following'
c=$(last_tick)
sleep 1.5
[ "$(last_tick)" = "$c" ] || fail "the scrolled view moved by itself"
tui_keys G
tui_wait 'following'

# Search: the first match of "tick 1" from the top (line 1), n to the next ones (tick 10,
# tick 11), N back.
tui_keys g
tui_keys /
tui_wait 'search: _'
tui_keys -l 'tick 1'
tui_keys Enter
tui_wait "^ log: 'tick 1' at line 1 of [0-9]+"
tui_keys n
tui_wait "^ log: 'tick 1' at line 10 of [0-9]+"
tui_keys n
tui_wait "^ log: 'tick 1' at line 11 of [0-9]+"
tui_keys N
tui_wait "^ log: 'tick 1' at line 10 of [0-9]+"
tui_keys /
tui_keys -l 'no-such-line'
tui_keys Enter
tui_wait "^ log: 'no-such-line' not found"
# The rows below a short log are blank: no pane shows through the view.
tui_cap | grep -q "^ net rx" && fail "the detail pane shows through the log view"
tui_keys q
tui_wait_gone "log of container"
tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: the log view follows, scrolls and searches"
