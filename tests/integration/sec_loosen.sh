#!/bin/bash
# SPDX-License-Identifier: MIT
# --seccomp unconfined, --seccomp FILE (Docker format), --cap-add and --cap-drop change exactly
# what they say and nothing else; bad values are refused with one line and create nothing.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

report='grep -E "^(Seccomp|NoNewPrivs|CapEff|CapBnd):" /proc/self/status; echo "keyctl=$(probe keyctl)"; echo "mount=$(probe mount /tmp)"; echo "mkdir=$(mkdir /tmp/d 2>&1 && echo ok)"'
val() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }

# Unconfined: no filter; keyctl reaches the kernel; capabilities and no_new_privs unchanged.
out=$(sec_run "$(sec_name unconfined)" --seccomp unconfined -- sh -c "$report")
echo "$out"
expect "unconfined Seccomp" "$(status_field "$out" Seccomp)" 0
expect "unconfined NoNewPrivs" "$(status_field "$out" NoNewPrivs)" 1
expect "unconfined CapEff" "$(status_field "$out" CapEff)" 00000000a80425fb
[ "$(val "$out" keyctl)" != EPERM ] || fail "keyctl still EPERM without seccomp"
echo "ok: keyctl reaches the kernel: $(val "$out" keyctl)"
expect "unconfined mount (no CAP_SYS_ADMIN)" "$(val "$out" mount)" EPERM

# --cap-add SYS_ADMIN: one more bit; the default profile follows Docker and allows mount.
out=$(sec_run "$(sec_name capadd)" --cap-add sys_admin -- sh -c "$report")
echo "$out"
expect "cap-add CapEff" "$(status_field "$out" CapEff)" 00000000a82425fb
expect "cap-add CapBnd" "$(status_field "$out" CapBnd)" 00000000a82425fb
expect "cap-add Seccomp" "$(status_field "$out" Seccomp)" 2
expect "cap-add mount" "$(val "$out" mount)" ok
expect "cap-add keyctl" "$(val "$out" keyctl)" EPERM

# --cap-add with the CAP_ prefix and odd case, NET_ADMIN = bit 12.
out=$(sec_run "$(sec_name capadd2)" --cap-add Cap_Net_Admin -- sh -c "$report")
expect "cap-add NET_ADMIN CapEff" "$(status_field "$out" CapEff)" 00000000a80435fb

# --cap-drop: one bit less (CHOWN = bit 0), then all.
out=$(sec_run "$(sec_name capdrop)" --cap-drop CHOWN -- sh -c "$report; chown 1 /tmp/d && echo chown=ok || echo chown=denied")
expect "cap-drop CapEff" "$(status_field "$out" CapEff)" 00000000a80425fa
out=$(sec_run "$(sec_name capdropall)" --cap-drop ALL -- sh -c "$report")
expect "cap-drop ALL CapEff" "$(status_field "$out" CapEff)" 0000000000000000
expect "cap-drop ALL CapBnd" "$(status_field "$out" CapBnd)" 0000000000000000
expect "cap-drop ALL Seccomp" "$(status_field "$out" Seccomp)" 2

# --seccomp FILE in Docker's format: allow everything but mkdir/mkdirat (EACCES).
cat >"$SEC_WORK/profile.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
              {"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
               "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]}
J
out=$(sec_run "$(sec_name file)" --seccomp "$SEC_WORK/profile.json" -- sh -c "$report")
echo "$out"
expect "file Seccomp" "$(status_field "$out" Seccomp)" 2
case "$(val "$out" mkdir)" in *"Permission denied"*) echo "ok: mkdir refused by the profile" ;;
*) fail "mkdir under the file profile: $(val "$out" mkdir)" ;; esac
expect "file keyctl (excluded: no SYS_ADMIN)" "$(val "$out" keyctl)" EPERM
out=$(sec_run "$(sec_name file2)" --cap-add SYS_ADMIN --seccomp "$SEC_WORK/profile.json" -- sh -c "$report")
[ "$(val "$out" keyctl)" != EPERM ] || fail "keyctl rule should not apply with CAP_SYS_ADMIN"
echo "ok: the profile's excludes.caps follows --cap-add"

# Bad values: one line, non-zero, nothing stored.
bad() {
    local what=$1 want=$2
    shift 2
    local n
    n=$(sec_name bad)
    local msg rc
    msg=$("$BERTH_BIN" ctr create "$n" --rootfs "$ROOTFS" "$@" -- true 2>&1)
    rc=$?
    [ $rc -ne 0 ] || fail "$what accepted"
    [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "$what: more than one line: $msg"
    case "$msg" in *"$want"*) ;; *) fail "$what: '$msg' lacks '$want'" ;; esac
    "$BERTH_BIN" ctr inspect "$n" >/dev/null 2>&1 && fail "$what: container was stored"
    echo "ok: $what -> $msg"
}
bad "unknown capability" "'CAP_FLY'" --cap-add CAP_FLY
bad "unknown capability to drop" "'bogus'" --cap-drop bogus
bad "missing profile" "/nonexistent.json" --seccomp /nonexistent.json
printf '{"defaultAction": ' >"$SEC_WORK/broken.json"
bad "corrupt profile" "broken.json" --seccomp "$SEC_WORK/broken.json"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_EXPLODE"}]}' >"$SEC_WORK/badact.json"
bad "unknown action" "'SCMP_ACT_EXPLODE'" --seccomp "$SEC_WORK/badact.json"
echo "PASS"
