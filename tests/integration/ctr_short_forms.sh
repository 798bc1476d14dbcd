#!/bin/sh
# SPDX-License-Identifier: MIT
# The options docker and podman users type work on `ctr run|create|exec`: -e -m -w -u -t -i -d,
# grouped (-it, -dit), --name NAME as well as the positional NAME; -p is refused with
# one line naming the option (not supported yet); -v/--volume takes its value grouped too; a wrong value names its option and the
# value, exit status 2 (the usage convention). Before, -e -m -w -u -i and --name were unknown
# options, and `--memory 1K`, `--env NOEQUALS`, `--net bridge` exited 125 naming no option.
. "$(dirname "$0")/lib_ctr.sh"

# want_usage "TEXT" ARGS...: berth ARGS exits 2 with one line on stderr containing TEXT.
want_usage() {
    text=$1
    shift
    st=0
    out=$("$BERTH_BIN" "$@" 2>&1 >/dev/null) || st=$?
    [ "$st" -eq 2 ] || fail "berth $*: exit $st, want 2: $out"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "berth $*: more than one line: $out"
    printf '%s\n' "$out" | grep -qF -- "$text" || fail "berth $*: does not say \"$text\": $out"
    ok "berth $* -> $out"
}

# -e -w -u -m and --name: seen from inside the container.
out=$(b ctr run --rm -e A=1 -e B=two -w /tmp -u 1000:1001 -m 64M --name "$P-s" --rootfs "$ROOTFS" -- \
    /bin/sh -c 'echo "$A $B $(pwd) $(id -u):$(id -g) $(cat /sys/fs/cgroup/memory.max 2>/dev/null ||
        cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"') || fail "run with short forms: $out"
[ "$out" = "1 two /tmp 1000:1001 67108864" ] || fail "short forms not applied: '$out'"
ok "-e -w -u -m --name: $out"

# -i (grouped with --rm as -i alone; stdin is relayed), -dit: detached with a tty.
out=$(echo piped | b ctr run --rm -i "$P-i" --rootfs "$ROOTFS" -- /bin/cat) || fail "run -i"
[ "$out" = piped ] || fail "run -i: stdin not relayed: '$out'"
ok "run -i relays stdin"
b ctr run -dit --name "$P-t" --rootfs "$ROOTFS" -- /bin/sh >/dev/null || fail "run -dit"
[ "$(status_of "$P-t")" = running ] || fail "run -dit: not running"
b ctr inspect "$P-t" | grep -q '"terminal": *true' || fail "run -dit: no terminal in the definition"
ok "run -dit --name: detached, with a tty"
out=$(echo in | b ctr exec -i "$P-t" -- /bin/cat) || fail "exec -i"
[ "$out" = in ] || fail "exec -i: '$out'"
ok "exec -i relays stdin"
b ctr rm -f "$P-t" >/dev/null

# create takes the same forms; both names given must agree.
b ctr create -e K=V -m 32M "$P-c" --name "$P-c" --rootfs "$ROOTFS" >/dev/null || fail "create with --name and NAME"
b ctr inspect "$P-c" | grep -q '"K=V"' || fail "create -e: K=V not in the definition"
ok "create -e -m with the same --name and NAME"
want_usage "two names" ctr create --name "$P-x" "$P-y" --rootfs "$ROOTFS"

# Wrong -p and -v values: named, exit 2.
want_usage "-p: invalid port '0:80'" ctr run -p 0:80 "$P-x" --rootfs "$ROOTFS" -- /bin/true
want_usage "-v '/a:b': destination 'b' must be an absolute path" ctr create --volume /a:b "$P-x" --rootfs "$ROOTFS"
want_usage "-v '/a:/proc': destination '/proc' is inside /proc or /sys" ctr run -itv /a:/proc "$P-x" --rootfs "$ROOTFS" -- /bin/true

# Wrong values: the option and the value, exit 2, nothing created.
want_usage "--memory: invalid size '1X'" ctr create "$P-x" --rootfs "$ROOTFS" --memory 1X
want_usage "--memory '1K': too small" ctr run "$P-x" --rootfs "$ROOTFS" -m 1K -- /bin/true
want_usage "--memory '0'" ctr create "$P-x" --rootfs "$ROOTFS" --memory 0
want_usage "--env 'NOEQUALS': use KEY=VALUE" ctr run "$P-x" --rootfs "$ROOTFS" -e NOEQUALS -- /bin/true
want_usage "--net: invalid network mode 'bad/net'" ctr run "$P-x" --rootfs "$ROOTFS" --net bad/net -- /bin/true
want_usage "--user 'root'" ctr create "$P-x" --rootfs "$ROOTFS" -u root
want_usage "--workdir 'tmp'" ctr create "$P-x" --rootfs "$ROOTFS" -w tmp
want_usage "--cpus: invalid CPU limit 'lots'" ctr create "$P-x" --rootfs "$ROOTFS" --cpus lots
[ ! -e "$BERTH_ROOT/lib/containers/$P-x" ] || fail "a refused create stored something"

# A name that is not ASCII is echoed as typed; a control character escaped.
want_usage "invalid container name 'ünï': character 'ü' at position 1" ctr create "ünï" --rootfs "$ROOTFS"
want_usage "invalid container name 'a\\x01b': character '\\x01' at position 2" ctr create "$(printf 'a\001b')" --rootfs "$ROOTFS"
want_usage "invalid container name 'x\\xffy'" ctr start "$(printf 'x\377y')"
out=$("$BERTH_BIN" ctr rm "ünï" 2>&1)
printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || fail "the error is not valid UTF-8: $out"
ok "errors about names are valid UTF-8"
echo PASS
