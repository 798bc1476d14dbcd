#!/bin/bash
# SPDX-License-Identifier: MIT
# Seccomp compatibility (issue 18, item 8): under the default profile the syscalls of Linux
# 6.5-6.7 that Docker allows (451-456: cachestat, fchmodat2, map_shadow_stack, futex_wake,
# futex_wait, futex_requeue) are not refused, a number newer than the profile (470, 1000) gets
# ENOSYS so that libc falls back, and a known syscall the profile leaves out (kexec_load,
# add_key) still gets EPERM. The same for a profile file given with --seccomp.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
[ "$(uname -m)" = x86_64 ] || skip "SKIP: the syscall numbers checked are x86_64's"
sec_setup

# A probe of its own: syscall(NR, bad arguments) -> "ok" or the errno name.
cat >"$SEC_WORK/nrprobe.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        long nr = strtol(argv[i], NULL, 0);
        /* Arguments each call refuses before doing anything: fd -1, NULL pointers. */
        long rc = syscall(nr, -1L, 0L, 0L, 0L, 0L, 0L);
        const char *n = rc >= 0 ? "ok" : errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS"
            : errno == EINVAL ? "EINVAL" : errno == EBADF ? "EBADF" : errno == EFAULT ? "EFAULT"
            : errno == EAGAIN ? "EAGAIN" : errno == ENOMEM ? "ENOMEM" : NULL;
        if (n) printf("%ld=%s\n", nr, n); else printf("%ld=errno%d\n", nr, errno);
    }
    return 0;
}
C
cc_cached "$ROOTFS/bin/nrprobe" "$SEC_WORK/nrprobe.c" -static -O1 || fail "cannot build the static probe"

# 451..456 new, 470 and 1000 unassigned, 246 kexec_load and 248 add_key known and refused.
NRS="451 452 453 454 455 456 470 1000 246 248"
host=$("$ROOTFS/bin/nrprobe" $NRS)
echo "host:"; echo "$host"

check() { # WHAT OUTPUT
    local what=$1 out=$2 v nr
    echo "$what:"; echo "$out"
    val() { printf '%s\n' "$out" | sed -n "s/^$1=//p"; }
    for nr in 451 452 453 454 455 456; do
        v=$(val $nr)
        [ -n "$v" ] || fail "$what: no result for syscall $nr"
        case "$v" in
        EPERM) fail "$what: syscall $nr refused with EPERM (Docker allows it)" ;;
        ENOSYS) [ "$(printf '%s\n' "$host" | sed -n "s/^$nr=//p")" = ENOSYS ] ||
            fail "$what: syscall $nr gives ENOSYS but the host kernel has it" ;;
        esac
        echo "ok: $what: syscall $nr not refused ($v)"
    done
    expect "$what: unassigned 470" "$(val 470)" ENOSYS
    expect "$what: unassigned 1000" "$(val 1000)" ENOSYS
    expect "$what: kexec_load (known, denied)" "$(val 246)" EPERM
    expect "$what: add_key (known, denied)" "$(val 248)" EPERM
}

n=$(sec_name compat)
check "default profile" "$(sec_run "$n" -- nrprobe $NRS)"

# A profile file written before Linux 6.5 (Docker's list up to futex_waitv): 451-456 are newer
# than every syscall it names, so they get ENOSYS as runc and crun give, not the default EPERM.
prof="$SEC_WORK/profile.json"
cp "$BERTH_SRC/tests/fuzz/corpus/fuzz_seccomp_profile/docker-default.json" "$prof"
! grep -q fchmodat2 "$prof" || fail "the old profile seed unexpectedly lists fchmodat2"
n2=$(sec_name compat-file)
out=$(sec_run "$n2" --seccomp "$prof" -- nrprobe $NRS)
echo "old profile:"; echo "$out"
for nr in 451 452 453 454 455 456 470 1000; do
    expect "old profile: syscall $nr" "$(printf '%s\n' "$out" | sed -n "s/^$nr=//p")" ENOSYS
done
expect "old profile: kexec_load" "$(printf '%s\n' "$out" | sed -n "s/^246=//p")" EPERM
echo "PASS"
