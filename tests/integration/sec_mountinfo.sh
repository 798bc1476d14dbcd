#!/bin/bash
# SPDX-License-Identifier: MIT
# /proc/self/mountinfo inside a container names no host path of berth's (issue 18, item 10).
# Before, it showed the rootfs directory (overlay lowerdir), the upper and work directories under
# BERTH_ROOT, and the run directory (the source of /etc/hostname, hosts, resolv.conf). Now the
# overlay's layers are given as /proc/self/fd/N and the /etc files are written into the overlay
# root (no mount). Left, documented in docs/SECURITY.md: with --inplace the root and the /etc
# files are binds (of the rootfs directory, of the run directory's files), and mountinfo shows a
# bind's path inside its file system.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

# The host paths that must not appear, and their real paths (/tmp could be a symlink).
paths=("$ROOTFS" "$BERTH_ROOT" "$SEC_WORK" "$(realpath "$ROOTFS")" "$(realpath "$BERTH_ROOT")")

look() { # MODE OUTPUT [PATHS...]
    local mode=$1 out=$2 p
    shift 2
    echo "[$mode]"
    echo "$out" | sed 's/^/    /'
    echo "$out" | grep -q ' / ' || fail "$mode: no mountinfo read"
    for p in "$@"; do
        echo "$out" | grep -qF -- "$p" && fail "$mode: mountinfo shows the host path '$p'"
    done
    echo "ok: $mode: no host path of berth's in mountinfo"
}

for mode in default $(sec_userns_usable >&2 && echo --userns) --net=host; do
    opts=()
    case $mode in default) ;; --net=host) opts=(--net host) ;; *) opts=("$mode") ;; esac
    run=sec_run
    [ "$mode" = --userns ] && run=sec_run_userns
    out=$($run "$(sec_name mi)" "${opts[@]}" -- cat /proc/self/mountinfo)
    look "$mode" "$out" "${paths[@]}"
done
echo "PASS"
