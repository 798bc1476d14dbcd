#!/bin/bash
# SPDX-License-Identifier: MIT
# The `/` filter (incremental, Enter keeps it, Esc clears it) and sorting: by key (> < I) and
# by clicking a column title (a real mouse report sent to the pane), over three domains.
. "$BERTH_SRC/tests/tui/lib_tui.sh"
need_test_driver

uri=$(tui_node_xml alpha:512:1 beta:2048:4 gamma:1024:2)
tui_start 120 40 --no-containers -c "$uri"
tui_wait '^vm +gamma +running +[0-9]+\.[0-9] '

# Names in list order.
order() {
    tui_cap | grep -E '^vm +' | awk '{print $2}' | tr '\n' ' '
}
wait_order() {
    local i
    for i in $(seq 50); do
        [ "$(order)" = "$1" ] && return 0
        sleep 0.1
    done
    fail "order '$(order)', expected '$1' ($2)"
}

wait_order "alpha beta gamma " "by name, the default"
tui_keys I
wait_order "gamma beta alpha " "name, inverted"
tui_keys I

# > moves the sort to the next column: STATE, then CPU%, then MEM/LIMIT (biggest first).
tui_keys '>' '>' '>'
tui_wait 'MEM/LIMIT▼'
wait_order "beta gamma alpha " "by memory, descending"
tui_keys I
wait_order "alpha gamma beta " "by memory, ascending"
tui_keys '>'
tui_wait 'VCPU\|PIDS▼'
wait_order "beta gamma alpha " "by vCPUs"
tui_keys '<' '<' '<' '<'
tui_wait 'NAME▲'
wait_order "alpha beta gamma " "back to names"

# Mouse: a click on the MEM/LIMIT title sorts by it; a second click inverts.
title=$(tui_cap | grep -E '^KIND +NAME')
col=$(awk -v s="$title" 'BEGIN { print index(s, "MEM/LIMIT") + 2 }')
click() { # X10 mouse report: button 1 press + release at (col, row), 1-based
    tui_raw "$(printf '\033[M %b%b' "\\$(printf '%03o' $((32 + $1)))" "\\$(printf '%03o' $((32 + $2)))")"
    tui_raw "$(printf '\033[M#%b%b' "\\$(printf '%03o' $((32 + $1)))" "\\$(printf '%03o' $((32 + $2)))")"
}
click "$col" 3
tui_wait 'MEM/LIMIT▼'
wait_order "beta gamma alpha " "clicked MEM/LIMIT"
click "$col" 3
tui_wait 'MEM/LIMIT▲'
wait_order "alpha gamma beta " "clicked MEM/LIMIT again"
# A click on a row selects it: the detail pane follows.
click 10 5
tui_wait '^ vm gamma +\('

# Filter: incremental, matching part of the name, case-insensitive.
tui_keys /
tui_wait '^ filter: _'
tui_keys A
wait_order "alpha gamma beta " "filter 'a' matches all three"
tui_keys L
wait_order "alpha " "filter 'al'"
tui_wait '^ filter: AL_'
tui_keys Enter
tui_wait "1 of 3 shown +filter 'AL'"
tui_keys / z z z Enter
tui_wait 'no instance matches the filter'
tui_keys Escape
wait_order "alpha gamma beta " "Esc cleared the filter"
tui_wait '3 of 3 shown'

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: filter and sort"
