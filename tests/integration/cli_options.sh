#!/bin/bash
# SPDX-License-Identifier: MIT
# Option errors name the exact option that is wrong, also inside a group of short options
# (-it, -ux), for the global options and for `berth ctr` and `berth vm`; exit status 2 and
# nothing on stdout. Before the option parser was shared, `ctr run -it NAME` blamed 'run' or
# 'NAME' and `ctr run --rm -ux NAME` blamed '--rm'. Needs no root: nothing is created.
. "$BERTH_SRC/tests/integration/lib.sh"

export BERTH_ROOT=$(mktemp -d /tmp/berth-cliopt.XXXXXX)
trap 'rm -rf "$BERTH_ROOT"' EXIT
out=$BERTH_ROOT/out
errf=$BERTH_ROOT/err

# want STATUS TEXT ARGS...: berth ARGS exits STATUS, prints nothing on stdout, and its first
# line of stderr contains TEXT.
want() {
    local status=$1 text=$2
    shift 2
    "$BERTH_BIN" "$@" >"$out" 2>"$errf"
    local rc=$?
    [ "$rc" -eq "$status" ] || fail "berth $*: exit $rc, want $status: $(cat "$errf")"
    [ -s "$out" ] && fail "berth $*: wrote to stdout: $(cat "$out")"
    head -n1 "$errf" | grep -qF -- "$text" || fail "berth $*: error does not say \"$text\": $(cat "$errf")"
    echo "ok: berth $* -> $(head -n1 "$errf")"
}

# Grouped short options: the unknown letter, not the token before or after it.
want 2 "unknown option '-q'" ctr run -itq NAME --rootfs /nonexistent -- /bin/true
want 2 "unknown option '-x'" ctr run --rm -tx NAME --rootfs /nonexistent -- /bin/true
want 2 "unknown option '-q'" ctr exec -iq NAME -- /bin/true
want 2 "unknown option '-x'" ctr rm -fx NAME
want 2 "unknown option '-z'" ctr stop -zt 3 NAME
want 2 "unknown option '-q'" -bq
want 2 "unknown option '-q'" vm start -q NAME
# A known group still parses (-d is run's detach, -f rm's force): the error is about the rootfs
# or the container, not the options.
"$BERTH_BIN" ctr rm -f "nosuch-$$" >/dev/null 2>&1
[ $? -ne 2 ] || fail "ctr rm -f was refused as a usage error"

# Long options: the option as typed, without its value.
want 2 "unknown option '--frobnicate'" ctr create NAME --rootfs /nonexistent --frobnicate
want 2 "unknown option '--frob'" ctr create NAME --frob=1
want 2 "option '--tty' takes no value" ctr create NAME --tty=yes
want 2 "unknown option '--detach'" ctr create NAME --detach
want 2 "unknown option '--bogus'" --bogus
want 2 "create: unknown option '--bogus'" vm create x --bogus

# Values: the option and the value (a group's last letter takes the next word).
want 2 "--user 'x'" ctr run --rm -tu x NAME --rootfs /nonexistent -- /bin/true
want 2 "--memory: invalid size '1X'" ctr run -m 1X NAME --rootfs /nonexistent -- /bin/true
want 2 "--hostname 'a_b'" ctr run --hostname a_b NAME --rootfs /nonexistent -- /bin/true
want 2 "-t 'soon': invalid timeout" ctr stop -t soon NAME

# Missing values: the option that needs one.
want 2 "option '-e' needs a value" ctr run NAME -e
want 2 "option '--rootfs' needs a value" ctr create NAME --rootfs
want 2 "option '-t' needs a value" ctr stop NAME -t
want 2 "option '--tail' needs a value" ctr logs NAME --tail
want 2 "option '-c' needs a value" --batch -c
want 2 "option '-t' needs a value" vm shutdown NAME -t

# Commands come from one table per front end; an unknown one is named.
want 2 "unknown command 'frob'" ctr frob
want 2 "unknown command 'frob' (ctr, vm, image, login, logout, net, volume, oci)" frob
want 2 "unknown command 'frob'" vm frob
echo "cli options: ok"
