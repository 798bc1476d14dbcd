#!/bin/bash
# SPDX-License-Identifier: MIT
# Man pages berth(1), berth-ctr(1), berth-vm(1) come from docs/man/*.scd (scdoc, as the Makefile
# builds them), render without groff warnings, and name every option the front ends' --help
# prints: `berth --help` in berth(1), `berth ctr --help` and each `berth ctr CMD --help` in
# berth-ctr(1), `berth vm --help` and `berth vm CMD --help` in berth-vm(1), so that a new option
# without its man page entry fails here. Before: no man pages at all.
set -u
. "$BERTH_SRC/tests/integration/lib.sh"
command -v scdoc >/dev/null || skip "scdoc is not installed (scripts/install-deps.sh build)"
command -v man >/dev/null || skip "man is not installed (man-db)"

tmp=$(mktemp -d /tmp/berth-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for page in berth berth-ctr berth-vm; do
    src=$BERTH_SRC/docs/man/$page.1.scd
    [ -f "$src" ] || fail "no man page source $src"
    scdoc <"$src" >"$tmp/$page.1" || fail "scdoc $src"
    warn=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$tmp/$page.1" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "man -l $page.1 warns: $warn"
    # Plain text, no hyphenation or justification: options stay whole words.
    LC_ALL=C MANWIDTH=200 man --nh --nj -l "$tmp/$page.1" 2>/dev/null >"$tmp/$page.txt"
    grep -q "^NAME" "$tmp/$page.txt" || fail "$page.1 renders no NAME section"
    for sec in SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT EXAMPLES "SEE ALSO"; do
        grep -q "^$sec" "$tmp/$page.txt" || fail "$page.1 has no $sec section"
    done
    echo "ok - $page.1 renders without warnings"
done

# help_options TEXT: each option the help names, long (--name) and short (-x), one a line.
help_options() {
    printf '%s\n' "$1" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
    printf '%s\n' "$1" | grep -oE -- '(^|[][ (|,])-[a-zA-Z]([] ,|)]|$)' |
        grep -oE -- '-[a-zA-Z]' | sort -u
}
# check PAGE HELP-COMMAND...: every option that help prints appears in PAGE.
check() {
    local page=$1 help opt missing=""
    shift
    help=$("$BERTH_BIN" "$@" 2>&1) || fail "berth $* exits $?"
    for opt in $(help_options "$help"); do
        grep -qE -- "(^|[^a-zA-Z0-9-])$opt([^a-zA-Z0-9-]|\$)" "$tmp/$page.txt" ||
            missing="$missing $opt"
    done
    [ -z "$missing" ] || fail "$page(1) lacks options that 'berth $*' prints:$missing"
    echo "ok - $page(1) has every option of 'berth $*' ($(help_options "$help" | wc -l))"
}

check berth --help
check berth-ctr ctr --help
# The ctr commands, as the help lists them (the first word of each "  cmd ..." entry and of
# each column), each with its own --help when it has one.
for cmd in create run start stop restart pause resume kill rm exec attach logs ls inspect demo; do
    "$BERTH_BIN" ctr "$cmd" --help >/dev/null 2>&1 && check berth-ctr ctr "$cmd" --help
    grep -qE -- "(^|[^a-z-])$cmd([^a-z-]|\$)" "$tmp/berth-ctr.txt" || fail "berth-ctr(1) lacks '$cmd'"
done
check berth-vm vm --help
for cmd in ls info start reboot destroy suspend resume shutdown rm autostart create snapshot console; do
    "$BERTH_BIN" vm "$cmd" --help >/dev/null 2>&1 && check berth-vm vm "$cmd" --help
    grep -qE -- "(^|[^a-z-])$cmd([^a-z-]|\$)" "$tmp/berth-vm.txt" || fail "berth-vm(1) lacks '$cmd'"
done
# The environment variables berth reads.
for v in BERTH_ROOT BERTH_CTR_LOG_MAX BERTH_VM_TIMEOUT_MS BERTH_TRACE LIBVIRT_DEFAULT_URI \
    XDG_CONFIG_HOME XDG_DATA_HOME XDG_RUNTIME_DIR; do
    cat "$tmp"/*.txt | grep -qw "$v" || fail "no man page documents $v"
done
echo "ok - the environment variables are documented"
echo "PASS: man pages render cleanly and cover every option --help prints"
