#!/bin/bash
# SPDX-License-Identifier: MIT
# The new-container form (issue 16): its command is split as sh would split it (a quoted
# `sh -c '...'` script stays one argument), its default command keeps running without a
# terminal, and it reports what really became of the container: one that exits at once with
# status 2 is reported so, with its last log line, not as "done".
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 140 40 --no-vms

# form NAME COMMAND: fill name, rootfs and (when given) the command, then create.
form() {
    tui_keys n
    tui_wait 'new container \(berth ctr create, then start\)'
    tui_keys -l "$1"
    tui_keys Tab
    tui_keys -l "$ROOTFS"
    if [ $# -gt 1 ]; then
        tui_keys Tab C-u
        tui_keys -l "$2"
    fi
    tui_keys Enter
}

# The default command: it must still run a few seconds later.
form "${P}def"
tui_wait "^ start container '${P}def': running" 30
sleep 3
[ "$("$BERTH_BIN" ctr inspect "${P}def" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ] ||
    fail "the form's default command did not keep running"

# A quoted script is one argument: the container runs the loop and logs "a b".
form "${P}quo" "/bin/sh -c 'while :; do echo \"a  b\"; sleep 1; done'"
tui_wait "^ start container '${P}quo': running" 30
for i in $(seq 50); do
    "$BERTH_BIN" ctr logs "${P}quo" 2>/dev/null | grep -qx 'a  b' && break
    sleep 0.2
done
"$BERTH_BIN" ctr logs "${P}quo" | grep -qx 'a  b' ||
    fail "the quoted command was not run as one script: $("$BERTH_BIN" ctr logs "${P}quo" 2>&1 | tail -3)"

# A command that fails at once is reported with its status and last log line.
form "${P}bad" "/bin/sh -c 'echo giving-up; exit 2'"
tui_wait "^ start container '${P}bad': it exited at once with status 2; its log: giving-up" 30
tui_cap | grep -q "start container '${P}bad': done" && fail "a container that exited 2 was reported done"

# An unterminated quote is refused in the form, naming the problem.
form "${P}unq" "/bin/sh -c 'echo"
tui_wait "unterminated ' in the command"
tui_keys Escape

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: the container form splits like sh and reports the container's fate"
