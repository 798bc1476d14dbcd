#!/bin/bash
# SPDX-License-Identifier: MIT
# Strict parsers (issue 18, item 7): every bad bundle value, seccomp profile and
# BERTH_CTR_LOG_MAX is refused with one line naming the field, before anything starts, and
# leaves no container, half-written definition or monitor behind; an init that dies between
# its last report and execve (here: a filter that kills execve) makes start fail, not return 0.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

# one_line_err WHAT PATTERN CMD...: CMD fails with one line "berth: ..." matching PATTERN.
one_line_err() {
    local what=$1 pat=$2 out rc lines
    shift 2
    out=$("$@" 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -ne 0 ] || fail "$what: exit status 0 (expected an error)"
    lines=$(printf '%s\n' "$out" | wc -l)
    [ "$lines" -eq 1 ] || fail "$what: $lines lines of error output: $out"
    case "$out" in "berth: "*) ;; *) fail "$what: not a 'berth: ' line: $out" ;; esac
    printf '%s\n' "$out" | grep -Eq -- "$pat" || fail "$what: error does not match '$pat': $out"
    echo "ok: $what -> $out"
}

# nothing_left NAME: no definition, no temporary definition, no running monitor or cgroup.
nothing_left() {
    local n=$1
    [ ! -e "$BERTH_ROOT/lib/containers/$n" ] || fail "$n: a definition was left behind"
    ! ls -A "$BERTH_ROOT/lib/containers" 2>/dev/null | grep -q "^\.new-$n-" ||
        fail "$n: a half-written definition was left behind"
    ! "$BERTH_BIN" ctr ls 2>/dev/null | grep -q "$n.*running" || fail "$n: is running"
}

# A base bundle: the config berth writes for --rootfs, as a bundle would carry it.
base=$(sec_name base)
"$BERTH_BIN" ctr create "$base" --rootfs "$ROOTFS" -- /bin/true >/dev/null || fail "create base"
cp "$BERTH_ROOT/lib/containers/$base/config.json" "$SEC_WORK/base.json"
"$BERTH_BIN" ctr rm "$base" >/dev/null

# mkbundle DIR PYTHON: DIR/config.json = base with PYTHON applied to c (a dict).
mkbundle() {
    mkdir -p "$1"
    python3 - "$SEC_WORK/base.json" "$1/config.json" "$ROOTFS" "$2" <<'P' || fail "mkbundle $1"
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[3]
exec(sys.argv[4])
json.dump(c, open(sys.argv[2], "w"))
P
}

bbn=0
bad_bundle() { # WHAT PATTERN PYTHON
    local n d
    bbn=$((bbn + 1))
    n=$(sec_name "bb$bbn")
    d=$SEC_WORK/bundle-$RANDOM$RANDOM
    mkbundle "$d" "$3"
    one_line_err "bundle: $1" "$2" "$BERTH_BIN" ctr run -d "$n" --bundle "$d"
    nothing_left "$n"
}

# The bundle itself works.
mkbundle "$SEC_WORK/good" 'c["process"]["args"] = ["/bin/true"]'
"$BERTH_BIN" ctr run --rm "$(sec_name good)" --bundle "$SEC_WORK/good" || fail "the base bundle does not run"

bad_bundle "hostname with a newline" "hostname" 'c["hostname"] = "evil\n1.2.3.4 bank.example"'
bad_bundle "hostname with a space" "hostname" 'c["hostname"] = "a b"'
bad_bundle "mounts as an object" "mounts: expected an array" \
    'c["mounts"] = {"destination": "/x", "type": "tmpfs", "source": "tmpfs"}'
bad_bundle "capabilities as a string" "process.capabilities: expected an object" \
    'c["process"]["capabilities"] = "CAP_SYS_ADMIN"'
bad_bundle "seccomp as a string" "linux.seccomp: expected an object" \
    'c["linux"]["seccomp"] = "unconfined"'
bad_bundle "terminal as a string" "process.terminal: expected a boolean" \
    'c["process"]["terminal"] = "false"'
bad_bundle "noNewPrivileges as a string" "process.noNewPrivileges: expected a boolean" \
    'c["process"]["noNewPrivileges"] = "false"'
bad_bundle "ext4 mount of a device" "mounts\[[0-9]+\]\.type: 'ext4' is not supported" \
    'c["mounts"].append({"destination": "/host", "type": "ext4", "source": "/dev/null", "options": ["rw"]})'
bad_bundle "env entry without =" "process.env\[[0-9]+\]: expected KEY=VALUE" \
    'c["process"]["env"].append("JUSTAKEY")'
bad_bundle "env entry with a NUL" "process.env\[[0-9]+\]: contains a NUL" \
    'c["process"]["env"].append("A=b\u0000c")'
bad_bundle "empty command" "process.args\[0\]" 'c["process"]["args"] = [""]'
bad_bundle "relative cwd" "process.cwd" 'c["process"]["cwd"] = "tmp"'
bad_bundle "args with a number" "process.args\[1\]: expected a string" \
    'c["process"]["args"] = ["/bin/true", 1]'
bad_bundle "seccomp names [1,null,{}]" "names\[0\]" \
    'c["linux"]["seccomp"]["syscalls"].append({"names": [1, None, {}], "action": "SCMP_ACT_ALLOW"})'

# Profile files given with --seccomp.
cat >"$SEC_WORK/minkernel.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
 {"names": ["read", "write", "exit_group", "execve"], "action": "SCMP_ACT_ALLOW"},
 {"names": ["keyctl"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "x.y"}}]}
J
cat >"$SEC_WORK/names.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
 {"names": [1, null, {}], "action": "SCMP_ACT_ALLOW"}]}
J
for f in minkernel names; do
    n=$(sec_name "prof-$f")
    case $f in minkernel) pat="minKernel: cannot parse 'x.y'" ;; names) pat="names\[0\]" ;; esac
    one_line_err "--seccomp $f.json" "$pat" \
        "$BERTH_BIN" ctr run -d "$n" --rootfs "$ROOTFS" --seccomp "$SEC_WORK/$f.json" -- sleep 100
    nothing_left "$n"
done

# An init that dies after its last report, before execve: start must fail and say so.
n=$(sec_name killexec)
mkbundle "$SEC_WORK/killexec" 'c["process"]["args"] = ["/bin/sleep", "100"]
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
one_line_err "init killed at execve" "died before exec" \
    "$BERTH_BIN" ctr run -d "$n" --bundle "$SEC_WORK/killexec"
! "$BERTH_BIN" ctr ls 2>/dev/null | grep -q "$n.*running" || fail "$n: shown running"
"$BERTH_BIN" ctr rm -f "$n" >/dev/null 2>&1

# BERTH_CTR_LOG_MAX: out of range or not a size -> start refuses; a size with a unit works.
for v in -1 9223372036854775808 18446744073709551616 12abc 100; do
    n=$(sec_name "logmax")
    one_line_err "BERTH_CTR_LOG_MAX=$v" "BERTH_CTR_LOG_MAX" \
        env BERTH_CTR_LOG_MAX=$v "$BERTH_BIN" ctr run -d "$n" --rootfs "$ROOTFS" -- sleep 100
    ! "$BERTH_BIN" ctr ls 2>/dev/null | grep -q "$n.*running" || fail "$n: running with log max $v"
    "$BERTH_BIN" ctr rm -f "$n" >/dev/null 2>&1
done
n=$(sec_name logmax-ok)
out=$(BERTH_CTR_LOG_MAX=1M "$BERTH_BIN" ctr run --rm "$n" --rootfs "$ROOTFS" -- echo hello 2>&1)
expect "BERTH_CTR_LOG_MAX=1M" "$out" hello
echo "PASS"
